package web

import (
	"strings"
	"testing"
)

func TestMinifyAsset(t *testing.T) {
	script := "// The greeting.\nfunction greet(name) {\n  var text = \"こんにちは、\" + name;\n  return text;\n}\nwindow.greet = greet;\n"
	out, err := minifyAsset("greet.js", []byte(script))
	if err != nil {
		t.Fatal(err)
	}
	if len(out) >= len(script) || strings.Contains(string(out), "The greeting") {
		t.Errorf("not minified: %q", out)
	}
	// Japanese text is written as escapes: the script reads the same in
	// any character set.
	for _, b := range out {
		if b >= 0x80 {
			t.Fatalf("not ASCII: %q", out)
		}
	}
	if !strings.Contains(string(out), `\u3053\u3093\u306B\u3061\u306F`) || !strings.Contains(string(out), "window.greet") {
		t.Errorf("the text or the global is lost: %q", out)
	}

	css, err := minifyAsset("style.css", []byte("body {\n  color: rgb(200, 0, 0);\n}\n"))
	if err != nil || string(css) != "body{color:#c80000}\n" {
		t.Errorf("style.css: %q, %v", css, err)
	}
	svg := []byte("<svg>\n  <g/>\n</svg>\n")
	if same, err := minifyAsset("icon.svg", svg); err != nil || string(same) != string(svg) {
		t.Errorf("icon.svg changed: %q, %v", same, err)
	}

	// A site's broken script is an error that says where.
	_, err = minifyAsset("extra.js", []byte("var a = 1;\nfunction (\n"))
	if err == nil || !strings.Contains(err.Error(), "extra.js:2:") {
		t.Errorf("broken script: %v", err)
	}
}

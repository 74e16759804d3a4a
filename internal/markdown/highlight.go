package markdown

import (
	"bytes"
	"io"
	"strings"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/yuin/goldmark/util"
)

var codeFormatter = chromahtml.New(chromahtml.WithClasses(true), chromahtml.PreventSurroundingPre(true))

// writeCode writes a code block, highlighted with CSS classes when chroma
// knows the language and plain otherwise.
func writeCode(w *bytes.Buffer, lang string, code []byte) {
	lang = strings.ToLower(strings.TrimSpace(lang))
	var lexer chroma.Lexer
	if lang != "" && lang != "text" && lang != "plaintext" {
		lexer = lexers.Get(lang)
	}
	w.WriteString(`<pre class="code`)
	if lexer != nil {
		w.WriteString(` chroma`)
	}
	w.WriteString(`"><code`)
	if lang != "" {
		w.WriteString(` class="language-`)
		w.Write(util.EscapeHTML([]byte(lang)))
		w.WriteByte('"')
	}
	w.WriteByte('>')
	if lexer != nil {
		var buf bytes.Buffer
		it, err := chroma.Coalesce(lexer).Tokenise(nil, string(code))
		if err == nil && codeFormatter.Format(&buf, styles.Fallback, it) == nil {
			w.Write(buf.Bytes())
			w.WriteString("</code></pre>\n")
			return
		}
	}
	w.Write(util.EscapeHTML(code))
	w.WriteString("</code></pre>\n")
}

// WriteStyles writes the stylesheet for highlighted code: the light style,
// then the dark one inside a prefers-color-scheme media query.
func WriteStyles(w io.Writer, light, dark string) error {
	if err := codeFormatter.WriteCSS(w, styles.Get(light)); err != nil {
		return err
	}
	if dark == "" {
		return nil
	}
	if _, err := io.WriteString(w, "@media (prefers-color-scheme: dark) {\n"); err != nil {
		return err
	}
	if err := codeFormatter.WriteCSS(w, styles.Get(dark)); err != nil {
		return err
	}
	_, err := io.WriteString(w, "}\n")
	return err
}

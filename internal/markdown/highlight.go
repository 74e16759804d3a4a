package markdown

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/yuin/goldmark/util"
)

// Every token gets the class of its own type, so that the stylesheet, which
// gives each type its full inherited style, decides its color alone.
var codeFormatter = chromahtml.New(chromahtml.WithClasses(true), chromahtml.WithAllClasses(true), chromahtml.PreventSurroundingPre(true))

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

// The code styles of the HTML theme: Modus Operandi and Modus Vivendi were
// designed for a contrast of at least 7:1 between every token and the
// background, so code stays readable in either color scheme.
const (
	LightCodeStyle = "modus-operandi"
	DarkCodeStyle  = "modus-vivendi"
)

// CodeStyle returns the chroma style of a name, or an error naming the
// styles there are.
func CodeStyle(name string) (*chroma.Style, error) {
	s, ok := styles.Registry[name]
	if !ok {
		return nil, fmt.Errorf("markdown: no code style %q (chroma has %s)", name, strings.Join(styles.Names(), ", "))
	}
	return s, nil
}

// TokenClasses returns the token types the highlighter gives a CSS class,
// in order, with their class names.
func TokenClasses() []chroma.TokenType {
	var out []chroma.TokenType
	for tt, class := range chroma.StandardTypes {
		if tt >= 0 && class != "" {
			out = append(out, tt)
		}
	}
	slices.Sort(out)
	return out
}

// WriteStyles writes the stylesheet for highlighted code. With a dark style,
// every color is a CSS light-dark() pair, so that code follows the color
// scheme of the page (the reader's choice or the system's) and no token
// keeps a color meant for the other background. Each token rule repeats
// what the style inherits, so no rule depends on another one.
func WriteStyles(w io.Writer, light, dark string) error {
	ls, err := CodeStyle(light)
	if err != nil {
		return err
	}
	ds := ls
	if dark != "" {
		if ds, err = CodeStyle(dark); err != nil {
			return err
		}
	}
	color := func(l, d chroma.Colour) string {
		if l == d {
			return l.String()
		}
		return "light-dark(" + l.String() + ", " + d.String() + ")"
	}
	var b strings.Builder
	lbg, dbg := ls.Get(chroma.Background), ds.Get(chroma.Background)
	fmt.Fprintf(&b, ".chroma { color: %s; background-color: %s; }\n", color(lbg.Colour, dbg.Colour), color(lbg.Background, dbg.Background))
	for _, tt := range TokenClasses() {
		le, de := ls.Get(tt), ds.Get(tt)
		var decl []string
		if le.Colour != lbg.Colour || de.Colour != dbg.Colour {
			decl = append(decl, "color: "+color(le.Colour, de.Colour))
		}
		if le.Background != lbg.Background || de.Background != dbg.Background {
			decl = append(decl, "background-color: "+color(le.Background, de.Background))
		}
		if le.Bold == chroma.Yes {
			decl = append(decl, "font-weight: bold")
		}
		if le.Italic == chroma.Yes {
			decl = append(decl, "font-style: italic")
		}
		if le.Underline == chroma.Yes {
			decl = append(decl, "text-decoration: underline")
		}
		if len(decl) > 0 {
			fmt.Fprintf(&b, ".chroma .%s { %s; }\n", chroma.StandardTypes[tt], strings.Join(decl, "; "))
		}
	}
	_, err = io.WriteString(w, b.String())
	return err
}

package markdown

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/alecthomas/chroma/v2"
)

// relativeLuminance is WCAG 2's relative luminance of an sRGB colour.
func relativeLuminance(c chroma.Colour) float64 {
	channel := func(v uint8) float64 {
		x := float64(v) / 255
		if x <= 0.04045 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*channel(c.Red()) + 0.7152*channel(c.Green()) + 0.0722*channel(c.Blue())
}

// contrastRatio is WCAG 2's contrast ratio between two colours.
func contrastRatio(a, b chroma.Colour) float64 {
	la, lb := relativeLuminance(a), relativeLuminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func TestContrastRatio(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want float64
	}{
		{"#000000", "#ffffff", 21},
		{"#ffffff", "#ffffff", 1},
		{"#767676", "#ffffff", 4.54},
		{"#1f2328", "#0d1117", 1.20}, // github's text colour on github-dark's background
	} {
		got := contrastRatio(chroma.MustParseColour(c.a), chroma.MustParseColour(c.b))
		if math.Abs(got-c.want) > 0.01 {
			t.Errorf("contrast(%s, %s) = %.2f, want %.2f", c.a, c.b, got, c.want)
		}
	}
}

// TestCodeStylesContrast checks that every token the highlighter can emit
// meets WCAG AA (4.5:1) against its background, in the light and the dark
// code style of the theme.
func TestCodeStylesContrast(t *testing.T) {
	for _, name := range []string{LightCodeStyle, DarkCodeStyle} {
		style, err := CodeStyle(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range TokenClasses() {
			e := style.Get(tt)
			if !e.Colour.IsSet() || !e.Background.IsSet() {
				t.Errorf("%s: %s has no colour or background", name, tt)
				continue
			}
			if r := contrastRatio(e.Colour, e.Background); r < 4.5 {
				t.Errorf("%s: %s (.%s) %s on %s has contrast %.2f, below 4.5", name, tt, chroma.StandardTypes[tt], e.Colour, e.Background, r)
			}
		}
	}
}

// TestCodeStylesheetFollowsScheme checks that token rules carry both
// schemes' colours and that every class the highlighter writes is styled
// from the token's own type.
func TestCodeStylesheetFollowsScheme(t *testing.T) {
	var css bytes.Buffer
	if err := WriteStyles(&css, LightCodeStyle, DarkCodeStyle); err != nil {
		t.Fatal(err)
	}
	light, _ := CodeStyle(LightCodeStyle)
	dark, _ := CodeStyle(DarkCodeStyle)
	want := ".chroma .p { color: light-dark(" + light.Get(chroma.Punctuation).Colour.String() + ", " + dark.Get(chroma.Punctuation).Colour.String() + ")"
	if lp, dp := light.Get(chroma.Punctuation).Colour, dark.Get(chroma.Punctuation).Colour; lp != light.Get(chroma.Background).Colour || dp != dark.Get(chroma.Background).Colour {
		if !strings.Contains(css.String(), want) {
			t.Errorf("stylesheet lacks %q:\n%s", want, css.String())
		}
	}
	if !strings.Contains(css.String(), ".chroma { color: light-dark(") {
		t.Errorf("base rule has no light-dark colour:\n%s", css.String())
	}
	if err := WriteStyles(&css, "no-such-style", ""); err == nil || !strings.Contains(err.Error(), "modus-operandi") {
		t.Errorf("unknown style: error %v should list the styles there are", err)
	}
	var b bytes.Buffer
	writeCode(&b, "powershell", []byte("Get-Process | Sort-Object CPU, Id\n"))
	if !strings.Contains(b.String(), `<span class="p">|</span>`) {
		t.Errorf("the pipe is not a punctuation token of its own class: %s", b.String())
	}
}

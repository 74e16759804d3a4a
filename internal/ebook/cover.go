package ebook

import (
	"bytes"
	"encoding/xml"
	"strings"
	"unicode"

	"github.com/kb-handbook/kb/internal/web"
)

// coverLineRunes is how many characters of the title fit on a line of the cover.
const coverLineRunes = 11

// Where the title's lines go on the cover, in its 600×800 units.
const (
	coverTitleY    = 200
	coverLineSpace = 58
	coverEditionDY = 20
)

// coverData is what layouts/epub/cover.svg reads.
type coverData struct {
	Title     string
	Lines     []coverLine // the title, wrapped to the cover's width
	Edition   string
	EditionY  int
	Version   string
	Publisher string
	Messages  web.Messages
}

type coverLine struct {
	Y    int
	Text string
}

// T returns the interface text of key.
func (d *coverData) T(key string, pairs ...string) string { return d.Messages.Get(key, pairs...) }

// coverSVG draws the cover from the book's title in the theme's
// layouts/epub/cover.svg: the title in large type, wrapped to the cover's
// width, the edition under it, and the version and publisher at the foot.
// It needs no font of its own: reading systems draw the text with theirs.
func (b *book) coverSVG() ([]byte, error) {
	cfg := b.site.Config
	d := &coverData{Title: cfg.Title, Edition: b.sel.Edition, Version: cfg.Version, Publisher: cfg.Publisher,
		Messages: b.theme.messages}
	y := coverTitleY
	for _, line := range wrapTitle(cfg.Title, coverLineRunes) {
		d.Lines = append(d.Lines, coverLine{Y: y, Text: line})
		y += coverLineSpace
	}
	d.EditionY = y + coverEditionDY
	var w bytes.Buffer
	w.WriteString(xml.Header) // html/template would escape it as text
	if err := b.theme.coverSVG.Execute(&w, d); err != nil {
		return nil, layoutError(err)
	}
	return w.Bytes(), nil
}

// wrapTitle splits a title into lines as wide as at most n full-width
// characters (Latin letters count as 0.6 of one), breaking after a
// particle or a separator, at a space, or where katakana meets kanji, within
// the last five characters' width of the line when there is such a place,
// so that words stay whole where the text allows.
func wrapTitle(title string, n int) []string {
	const lookBack = 5 * wideWidth
	var lines []string
	rest := []rune(strings.TrimSpace(title))
	for len(rest) > 0 {
		fit, w := 0, 0
		for fit < len(rest) && w+runeWidth(rest[fit]) <= n*wideWidth {
			w += runeWidth(rest[fit])
			fit++
		}
		if fit == len(rest) {
			lines = append(lines, string(rest))
			break
		}
		fit = max(fit, 1)
		cut := fit
		for i, back := fit, 0; i > 1 && back < lookBack; i-- {
			if strings.ContainsRune("のをにとでがは・、 ）)/-", rest[i-1]) || script(rest[i-1]) != script(rest[i]) {
				cut = i
				break
			}
			back += runeWidth(rest[i-1])
		}
		lines = append(lines, strings.TrimSpace(string(rest[:cut])))
		rest = []rune(strings.TrimLeft(string(rest[cut:]), " "))
	}
	return lines
}

// Widths of characters on the cover, in tenths of a full-width character.
const (
	wideWidth   = 10
	narrowWidth = 6
)

// runeWidth is how wide r is drawn: full width for kana, kanji and
// full-width forms, about 0.6 of that for the rest.
func runeWidth(r rune) int {
	if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) ||
		r >= 0x3000 && r <= 0x303f || r >= 0xff00 && r <= 0xff60 || r >= 0xffe0 && r <= 0xffe6 {
		return wideWidth
	}
	return narrowWidth
}

// script tells katakana (with the long vowel mark) from kanji and the rest,
// for finding word boundaries in a Japanese title.
func script(r rune) int {
	switch {
	case unicode.Is(unicode.Katakana, r) || r == 'ー':
		return 1
	case unicode.Is(unicode.Han, r):
		return 2
	default:
		return 0
	}
}

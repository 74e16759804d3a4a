package ebook

import (
	"fmt"
	"html"
	"strings"
	"unicode"
)

// coverImageFile is the generated cover's name among the book's images.
const coverImageFile = "cover.svg"

// coverLineRunes is how many characters of the title fit on a line of the cover.
const coverLineRunes = 11

// coverSVG draws the cover from the book's title: the title in large type,
// wrapped to the cover's width, the edition under it, and the version and
// publisher at the foot. It needs no font of its own: reading systems draw
// the text with theirs.
func coverSVG(title, edition, version, publisher string) []byte {
	var w strings.Builder
	w.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	w.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 600 800" width="600" height="800" role="img" aria-label="` + html.EscapeString(title) + `">` + "\n")
	w.WriteString(`<rect width="600" height="800" fill="#0b3d6e"/>` + "\n")
	w.WriteString(`<rect x="0" y="560" width="600" height="240" fill="#072a4d"/>` + "\n")
	w.WriteString(`<rect x="60" y="120" width="80" height="8" fill="#6cb6ff"/>` + "\n")
	y := 200
	for _, line := range wrapTitle(title, coverLineRunes) {
		fmt.Fprintf(&w, `<text x="60" y="%d" font-family="sans-serif" font-size="42" font-weight="bold" fill="#ffffff">%s</text>`+"\n", y, html.EscapeString(line))
		y += 58
	}
	if edition != "" {
		fmt.Fprintf(&w, `<text x="60" y="%d" font-family="sans-serif" font-size="30" fill="#cfe4ff">%s</text>`+"\n", y+20, html.EscapeString(edition))
	}
	if version != "" {
		fmt.Fprintf(&w, `<text x="60" y="660" font-family="sans-serif" font-size="26" fill="#ffffff">第 %s 版</text>`+"\n", html.EscapeString(version))
	}
	if publisher != "" {
		fmt.Fprintf(&w, `<text x="60" y="720" font-family="sans-serif" font-size="26" fill="#ffffff">%s</text>`+"\n", html.EscapeString(publisher))
	}
	w.WriteString("</svg>\n")
	return []byte(w.String())
}

// wrapTitle splits a title into lines of at most n characters, breaking
// after a particle or a separator, or where katakana meets kanji, near the
// end of the line when there is such a place, so that words stay whole
// where the text allows.
func wrapTitle(title string, n int) []string {
	var lines []string
	rest := []rune(strings.TrimSpace(title))
	for len(rest) > n {
		cut := n
		for i := n; i > n-5 && i > 1; i-- {
			if strings.ContainsRune("のをにとでがは・、 ）)/-", rest[i-1]) || script(rest[i-1]) != script(rest[i]) {
				cut = i
				break
			}
		}
		lines = append(lines, strings.TrimSpace(string(rest[:cut])))
		rest = rest[cut:]
	}
	if len(rest) > 0 {
		lines = append(lines, string(rest))
	}
	return lines
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

package markdown

import (
	"unicode"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// cjkEmphasisParser parses * and _ emphasis with the CommonMark
// CJK-friendly amendment: a delimiter run between punctuation and a CJK
// character counts as flanking, so "**被演算子（オペランド）**と" and
// "*文。*が" are emphasis, as Japanese authors expect. Everything else
// follows CommonMark; goldmark has no such option, so this parser takes the
// place of its own for * and _.
type cjkEmphasisParser struct{}

// cjkDelimiters pairs the runs of * and _ into emphasis.
type cjkDelimiters struct{}

func (cjkDelimiters) IsDelimiter(b byte) bool { return b == '*' || b == '_' }

func (cjkDelimiters) CanOpenCloser(opener, closer *parser.Delimiter) bool {
	return opener.Char == closer.Char
}

func (cjkDelimiters) OnMatch(consumes int) ast.Node { return ast.NewEmphasis(consumes) }

func (cjkEmphasisParser) Trigger() []byte { return []byte{'*', '_'} }

func (cjkEmphasisParser) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	before := block.PrecendingCharacter()
	line, segment := block.PeekLine()
	node := scanDelimiter(line, before)
	if node == nil {
		return nil
	}
	node.Segment = segment.WithStop(segment.Start + node.OriginalLength)
	block.Advance(node.OriginalLength)
	pc.PushDelimiter(node)
	return node
}

// scanDelimiter is goldmark's parser.ScanDelimiter with the CJK-friendly
// flanking rules for *: a CJK character next to the run counts as the
// whitespace or punctuation that the plain rules ask for on that side.
func scanDelimiter(line []byte, before rune) *parser.Delimiter {
	c := line[0]
	j := 0
	for j < len(line) && line[j] == c {
		j++
	}
	after := ' '
	if j < len(line) {
		after = util.ToRune(line, j)
	}
	beforePunct, beforeSpace := util.IsPunctRune(before), util.IsSpaceRune(before)
	afterPunct, afterSpace := util.IsPunctRune(after), util.IsSpaceRune(after)
	cjkBefore, cjkAfter := c == '*' && isCJK(before), c == '*' && isCJK(after)
	isLeft := !afterSpace && (!afterPunct || beforeSpace || beforePunct || cjkBefore)
	isRight := !beforeSpace && (!beforePunct || afterSpace || afterPunct || cjkAfter)
	var canOpen, canClose bool
	if c == '_' {
		canOpen = isLeft && (!isRight || beforePunct)
		canClose = isRight && (!isLeft || afterPunct)
	} else {
		canOpen, canClose = isLeft, isRight
	}
	return parser.NewDelimiter(canOpen, canClose, j, c, cjkDelimiters{})
}

// isCJK reports whether r is a Chinese, Japanese or Korean character,
// including their punctuation and full-width forms.
func isCJK(r rune) bool {
	switch {
	case r >= 0x3000 && r <= 0x303F, // CJK symbols and punctuation
		r >= 0xFF00 && r <= 0xFFEF,                             // full-width and half-width forms
		r >= 0x3200 && r <= 0x32FF, r >= 0x3300 && r <= 0x33FF: // enclosed letters, compatibility
		return true
	}
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul, unicode.Bopomofo) ||
		r == 0x30FC // the prolonged sound mark ー
}

var _ parser.InlineParser = cjkEmphasisParser{}

package content

import (
	"errors"
	"fmt"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/kb-handbook/kb/internal/config"
	"github.com/kb-handbook/kb/internal/diag"
)

// FrontKeys lists the front-matter keys kb reads, in the order the hint names them.
var FrontKeys = []string{"title", "weight", "number", "roles", "level", "summary", "draft", "revisions"}

// frontAliases maps keys that other tools use for one of kb's to kb's name.
var frontAliases = map[string]string{"description": "summary"}

// Pos is a 1-based line and column in a page's file.
type Pos struct{ Line, Col int }

// frontFile is the front matter as decoded, with the aliases of kb's keys.
type frontFile struct {
	FrontMatter `yaml:",inline"`
	Description string `yaml:"description"`
}

// decodeFront reads the YAML block of a page's front matter, which starts on
// line firstLine of the file. Keys kb does not know are kept in page.Params
// for templates; one that looks like a misspelled kb key is a warning, all
// of a page's at once.
func decodeFront(page *Page, block []byte, firstLine int, src []byte, diags *diag.List) {
	report := func(line, col int, msg, hint string, severity diag.Severity) {
		if line > 0 {
			line += firstLine - 1
		}
		diags.Add(diag.Diagnostic{File: page.File, Line: line, Col: col, Severity: severity, Msg: msg, Hint: hint,
			Source: diag.LineText(src, line)})
	}
	var f frontFile
	if err := config.Decode(block, &f); err != nil {
		line, col, msg := config.YAMLErrorPosition(err)
		var yerr yaml.Error
		if !errors.As(err, &yerr) || line == 0 {
			line, col = 0, 0
		}
		report(line, col, "front matter: "+msg, "known keys: "+strings.Join(FrontKeys, ", "), diag.SeverityError)
		return
	}
	page.Front = f.FrontMatter
	if page.Front.Summary == "" {
		page.Front.Summary = f.Description
	}
	body := frontMapping(block)
	if body == nil {
		return
	}
	page.FrontPos = map[string]Pos{}
	at := func(n ast.Node) Pos {
		if n == nil || n.GetToken() == nil || n.GetToken().Position == nil {
			return Pos{}
		}
		p := n.GetToken().Position
		return Pos{p.Line + firstLine - 1, p.Column}
	}
	for _, kv := range body.Values {
		if kv.Key == nil {
			continue
		}
		key := kv.Key.GetToken().Value
		page.FrontPos[key] = at(kv.Value)
		if seq, ok := kv.Value.(*ast.SequenceNode); ok {
			for i, item := range seq.Values {
				page.FrontPos[fmt.Sprintf("%s[%d]", key, i)] = at(item)
			}
		}
		if isFrontKey(key) {
			continue
		}
		if sug := diag.Suggest(key, FrontKeys); sug != "" && strings.ToLower(key) != "description" {
			kp := at(kv.Key)
			report(kp.Line-firstLine+1, kp.Col, fmt.Sprintf("unknown front-matter key %q", key),
				fmt.Sprintf("did you mean %q?", sug), diag.SeverityWarning)
			continue
		}
		var v any
		if err := yaml.NodeToValue(kv.Value, &v); err == nil {
			if page.Params == nil {
				page.Params = map[string]any{}
			}
			page.Params[key] = v
		}
	}
}

// isFrontKey reports whether key is one of kb's keys or an alias of one.
func isFrontKey(key string) bool {
	for _, k := range FrontKeys {
		if k == key {
			return true
		}
	}
	_, ok := frontAliases[key]
	return ok
}

// frontMapping returns the top-level mapping of a front-matter block, or nil.
func frontMapping(block []byte) (m *ast.MappingNode) {
	defer func() {
		if recover() != nil {
			m = nil // go-yaml may panic on odd input; decoding reported it
		}
	}()
	file, err := parser.ParseBytes(config.LineFeeds(block), 0)
	if err != nil || len(file.Docs) == 0 || file.Docs[0] == nil {
		return nil
	}
	switch n := file.Docs[0].Body.(type) {
	case *ast.MappingNode:
		return n
	case *ast.MappingValueNode:
		return &ast.MappingNode{Values: []*ast.MappingValueNode{n}}
	}
	return nil
}

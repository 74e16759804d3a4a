package handbook_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/kb-handbook/kb/internal/diag"
	"github.com/kb-handbook/kb/internal/pipeline"
	"github.com/kb-handbook/kb/internal/site"
)

// TestBundledHandbook checks the knowledge base shipped in content/: it builds
// without diagnostics and has the structure the handbook promises.
func TestBundledHandbook(t *testing.T) {
	s, diags := pipeline.Load("../..", nil)
	if len(diags) > 0 {
		t.Fatalf("the bundled knowledge base has %d problems:\n%s", len(diags), join(diags))
	}

	chapters := 0
	for _, c := range s.Root.Children {
		if c.Number != "" && !strings.Contains(c.Number, ".") && c.Number[0] >= '1' && c.Number[0] <= '9' {
			chapters++
			if len(c.Children) < 3 {
				t.Errorf("chapter %s %s has %d pages, want at least 3", c.Number, c.Title, len(c.Children))
			}
		}
	}
	if chapters != 8 {
		t.Errorf("%d chapters, want 8", chapters)
	}

	ch7 := s.PageByPath("07-procedures/_index.md")
	if ch7 == nil || ch7.Number != "7" {
		t.Fatal("chapter 7 is missing or misnumbered")
	}
	var numbers []string
	for _, p := range ch7.Children {
		numbers = append(numbers, p.Number)
	}
	if got := strings.Join(numbers, " "); got != "7.1 7.2 7.3 7.4 7.5 7.6 7.7 7.8" {
		t.Errorf("chapter 7 pages are %s", got)
	}
	// Every topic the outline lists for chapter 7 appears in its text.
	topics := map[string][]string{
		"7.1": {"LV.1", "LV.2", "LV.3"},
		"7.3": {"情報資産台帳", "脅威インテリジェンス", "クラウド", "IT-BCP", "知的財産", "外部委託"},
		"7.4": {"テレワーク", "秘密保持", "DSS-L", "DSS-P", "ITパスポート", "G検定", "ITSS+", "プラス・セキュリティ"},
		"7.5": {"責任共有", "IaaS", "PaaS", "SaaS", "ゼロトラスト", "ZTA", "SASE", "SD-WAN", "SWG", "SDP", "EDR", "EPP", "MDM",
			"IAM", "FIDO", "CWPP", "DLP", "CASB", "SIEM", "CSPM", "SOAR", "DevSecOps", "ウォーターフォール", "アジャイル", "準委任"},
		"7.7": {"内部監査", "外部監査", "第三者認証"},
		"7.8": {"セキュリティの既定値", "条件付きアクセス", "従来の認証", "外部共有", "自動転送", "監査ログ", "緊急用アカウント"},
	}
	for num, words := range topics {
		var page *site.Page
		for _, p := range ch7.Children {
			if p.Number == num {
				page = p
			}
		}
		text := subtreeText(page)
		for _, w := range words {
			if !strings.Contains(text, w) {
				t.Errorf("%s does not mention %s", num, w)
			}
		}
	}

	for _, p := range []string{"annex/glossary.md", "annex/references.md", "annex/templates.md", "annex/checklist.md",
		"annex/self-assessment.md", "annex/forms/_index.md", "08-incident-bcp/contacts.md",
		"guides/employee.md", "guides/admin.md", "guides/executive.md"} {
		if s.PageByPath(p) == nil {
			t.Errorf("missing %s", p)
		}
	}
	if len(s.Terms) < 60 {
		t.Errorf("glossary has %d terms, want at least 60", len(s.Terms))
	}
	for _, acronym := range []string{"SASE", "SWG", "SDP", "EDR", "EPP", "MDM", "IAM", "FIDO", "CWPP", "DLP", "CASB", "SIEM",
		"CSPM", "SOAR", "ZTA", "SD-WAN", "UTM", "IDS", "IPS", "ISMS", "BCP"} {
		if !hasTerm(s, acronym) {
			t.Errorf("glossary lacks %s", acronym)
		}
	}

	internal, chars := 0, 0
	for _, p := range s.Pages {
		front := p.Source.Front
		if p.Parent != nil && (len(front.Roles) == 0 || front.Level == 0 || len(front.Revisions) == 0) {
			t.Errorf("%s lacks roles, level or revisions", p.Source.File)
		}
		for _, l := range p.Doc.Links {
			if tgt, ok := p.Target(l.Dest); ok && tgt.Page != nil {
				internal++
			}
		}
		chars += utf8.RuneCountInString(pageText(p))
	}
	if internal < 150 {
		t.Errorf("%d internal links, want at least 150", internal)
	}
	if chars < 150000 {
		t.Errorf("%d characters of text, want at least 150,000", chars)
	}
	t.Logf("%d pages, %d glossary terms, %d internal links, %d characters of text", len(s.Pages), len(s.Terms), internal, chars)
}

func pageText(p *site.Page) string {
	if p == nil {
		return ""
	}
	var b strings.Builder
	for _, sec := range p.PlainSections() {
		b.WriteString(sec.Title + "\n" + sec.Text + "\n")
	}
	return b.String()
}

// subtreeText is the text of a page and of the pages under it, so a topic
// counts wherever a split section put it.
func subtreeText(p *site.Page) string {
	if p == nil {
		return ""
	}
	text := pageText(p)
	for _, c := range p.Children {
		text += subtreeText(c)
	}
	return text
}

func hasTerm(s *site.Site, text string) bool {
	for _, t := range s.Terms {
		if t.Text == text {
			return true
		}
	}
	return false
}

// join lists diagnostics one a line.
func join(diags []diag.Diagnostic) string {
	var b strings.Builder
	for _, d := range diags {
		b.WriteString(d.String())
		b.WriteByte('\n')
	}
	return b.String()
}

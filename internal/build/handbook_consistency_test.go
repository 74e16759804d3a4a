package build

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

// The tests in this file keep the bundled handbook consistent with itself:
// the standards in chapter 6 are the single source of every operating value
// (frequencies, LV, who holds which role), the asset-register template has
// the procedure's columns, and the spelling follows the style sheet.
// handbook_editing_test.go checks acronyms, links and page lengths.

const (
	standardsDir = "06-standards/"
	styleSheet   = "annex/style.md"
	rolesSource  = "06-standards/organizational.md"
)

// controlID matches a control of the standards, such as TEC-09.
var controlID = regexp.MustCompile(`\b(?:ORG|HR|PHY|TEC)-\d{2}\b`)

// topicControls names the control a topic belongs to, so a frequency stated
// for the topic without its control ID is still checked against the standard.
var topicControls = map[string]string{
	"復元テスト":        "TEC-09",
	"復元できる":        "TEC-09",
	"自己点検":         "ORG-16",
	"内部監査":         "ORG-18",
	"机上訓練":         "ORG-13",
	"アクセス権の見直し":    "ORG-06",
	"実際の権限と突き合わせ":  "ORG-06",
	"実際の設定を突き合わせ":  "ORG-06",
	"IT-BCP の訓練":   "ORG-13",
	"IT-BCPの訓練":    "ORG-13",
	"委託先の状況確認":     "ORG-10",
	"委託先から対策状況の報告": "ORG-10",
	"手順書の見直し":      "ORG-17",
	"年次教育":         "HR-04",
	"セキュリティ教育":     "HR-04",
}

// frequencies maps the ways the handbook writes a period to one name each.
// Longer phrases come first so 年 1〜2 回 is not read as 年 1 回.
var frequencies = []struct {
	re   *regexp.Regexp
	name string
}{
	{regexp.MustCompile(`年 ?1 ?[〜~～] ?2 ?回`), "年1〜2回"},
	{regexp.MustCompile(`毎月|月 ?1 ?回|月に ?(?:一度|1 ?回)`), "月1回"},
	{regexp.MustCompile(`毎週|週 ?1 ?回|週に ?(?:一度|1 ?回)`), "週1回"},
	{regexp.MustCompile(`四半期`), "四半期に1回"},
	{regexp.MustCompile(`半年|半期|年 ?2 ?回|年に ?(?:二度|2 ?回)`), "半年に1回"},
	{regexp.MustCompile(`毎年|年次|年 ?1 ?回|年に ?(?:一度|1 ?回)`), "年1回"},
}

// calendarMonth matches the first cell of an annual calendar's row.
var calendarMonth = regexp.MustCompile(`^\d{1,2} ?月$`)

// handbookFile is one Markdown file of the bundled handbook, read as text.
type handbookFile struct {
	path  string // content-relative
	lines []handbookLine
}

// handbookLine is one line of a page outside fenced code.
type handbookLine struct {
	no   int // 1-based line in the file
	text string
}

func (l handbookLine) isRow() bool { return strings.HasPrefix(l.text, "|") }

// cells splits a table row into trimmed cells.
func (l handbookLine) cells() []string {
	t := strings.TrimSpace(l.text)
	t = strings.TrimPrefix(t, "|")
	t = strings.TrimSuffix(t, "|")
	cells := strings.Split(t, "|")
	for i := range cells {
		cells[i] = strings.TrimSpace(cells[i])
	}
	return cells
}

func readHandbook(t *testing.T) []handbookFile {
	t.Helper()
	root := filepath.Join("..", "..", "content")
	var files []handbookFile
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		f := handbookFile{path: filepath.ToSlash(rel)}
		inCode, inFront := false, false
		for i, line := range strings.Split(string(b), "\n") {
			switch {
			case i == 0 && line == "---":
				inFront = true
				continue
			case inFront:
				inFront = line != "---"
				continue
			case strings.HasPrefix(strings.TrimSpace(line), "```"):
				inCode = !inCode
				continue
			case inCode:
				continue
			}
			f.lines = append(f.lines, handbookLine{no: i + 1, text: line})
		}
		files = append(files, f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// linkDest matches the destination part of a Markdown link.
var linkDest = regexp.MustCompile(`\]\([^)]*\)`)

// units splits a line into the pieces a frequency is read from: a table
// row as a whole, other lines sentence by sentence.
func units(l handbookLine) []string {
	text := linkDest.ReplaceAllString(l.text, "]")
	if l.isRow() {
		return []string{text}
	}
	return strings.SplitAfter(text, "。")
}

// frequenciesIn returns the distinct periods named in text.
func frequenciesIn(text string) []string {
	var found []string
	for _, f := range frequencies {
		if f.re.MatchString(text) {
			text = f.re.ReplaceAllString(text, "")
			found = append(found, f.name)
		}
	}
	return found
}

// controlsIn returns the controls a unit of text is about: those it names
// and those whose topic it mentions.
func controlsIn(text string) []string {
	ids := controlID.FindAllString(text, -1)
	for topic, id := range topicControls {
		if strings.Contains(text, topic) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// standard is one control as the standards state it.
type standard struct {
	id, text, lv, where string
	freq                []string
}

func readStandards(t *testing.T, files []handbookFile) map[string]standard {
	t.Helper()
	std := map[string]standard{}
	for _, f := range files {
		if !strings.HasPrefix(f.path, standardsDir) {
			continue
		}
		for _, l := range f.lines {
			if !l.isRow() {
				continue
			}
			c := l.cells()
			if len(c) < 3 || !controlID.MatchString(c[0]) || controlID.FindString(c[0]) != c[0] {
				continue
			}
			where := fmt.Sprintf("content/%s:%d", f.path, l.no)
			if old, ok := std[c[0]]; ok {
				t.Errorf("%s: %s is defined twice (first at %s)", where, c[0], old.where)
			}
			std[c[0]] = standard{id: c[0], text: c[1], lv: c[2], where: where, freq: frequenciesIn(c[1])}
		}
	}
	if len(std) < 40 {
		t.Fatalf("found %d controls in the standards, want at least 40", len(std))
	}
	return std
}

// TestHandbookFrequenciesFollowStandards fails when a page states a period
// for a control (by its ID or its topic) that differs from the period the
// standard in chapter 6 gives, or gives one the standard does not state.
func TestHandbookFrequenciesFollowStandards(t *testing.T) {
	files := readHandbook(t)
	std := readStandards(t, files)
	for _, s := range std {
		if len(s.freq) > 1 {
			t.Errorf("%s: %s names more than one period: %s", s.where, s.id, strings.Join(s.freq, "、"))
		}
	}
	for _, f := range files {
		inStandards := strings.HasPrefix(f.path, standardsDir)
		for _, l := range f.lines {
			for _, u := range units(l) {
				ids := controlsIn(u)
				if c := l.cells(); inStandards && l.isRow() && controlID.FindString(c[0]) == c[0] && c[0] != "" {
					ids = []string{c[0]} // a standard's row speaks for its own control only
				}
				if len(ids) == 0 {
					continue
				}
				freq := frequenciesIn(u)
				if l.isRow() {
					if c := l.cells(); len(c) > 0 && calendarMonth.MatchString(c[0]) && len(freq) == 0 {
						freq = []string{"年1回"}
					}
				}
				if len(freq) == 0 {
					continue
				}
				for _, id := range ids {
					s, ok := std[id]
					switch {
					case !ok:
						t.Errorf("content/%s:%d: %s is not a control of the standards", f.path, l.no, id)
					case inStandards && s.where == fmt.Sprintf("content/%s:%d", f.path, l.no):
					case len(s.freq) == 0:
						t.Errorf("content/%s:%d: states %s for %s, whose standard (%s) names no period; state it there",
							f.path, l.no, strings.Join(freq, "、"), id, s.where)
					default:
						for _, fr := range freq {
							if fr != s.freq[0] {
								t.Errorf("content/%s:%d: states %s for %s, but the standard (%s) says %s; link to the standard instead",
									f.path, l.no, fr, id, s.where, s.freq[0])
							}
						}
					}
				}
			}
		}
	}
}

// TestHandbookLevelsFollowStandards fails when a table outside the standards
// gives a control's LV differently from the standard.
func TestHandbookLevelsFollowStandards(t *testing.T) {
	files := readHandbook(t)
	std := readStandards(t, files)
	checked := 0
	for _, f := range files {
		if strings.HasPrefix(f.path, standardsDir) {
			continue
		}
		lvCol := -1
		for _, l := range f.lines {
			if !l.isRow() {
				lvCol = -1
				continue
			}
			c := l.cells()
			if lvCol < 0 {
				lvCol = slices.Index(c, "LV")
				continue
			}
			if lvCol >= len(c) || strings.HasPrefix(c[0], "---") {
				continue
			}
			ids := controlID.FindAllString(strings.Join(c, "|"), -1)
			if len(ids) == 0 {
				continue
			}
			want := ""
			for _, id := range ids {
				s, ok := std[id]
				if !ok {
					t.Errorf("content/%s:%d: %s is not a control of the standards", f.path, l.no, id)
					continue
				}
				if want == "" || s.lv < want {
					want = s.lv
				}
			}
			checked++
			if got := strings.TrimPrefix(c[lvCol], "LV."); want != "" && got != want {
				t.Errorf("content/%s:%d: LV %s, but the standard for %s says %s", f.path, l.no, got, strings.Join(ids, "、"), want)
			}
		}
	}
	if checked < 20 {
		t.Errorf("%d rows with an LV and a control ID, want at least 20 (the checklist names its standards)", checked)
	}
}

// roleRow is one row of a role table.
type roleRow struct {
	holder, deputy, where string
}

// roleTables reads every table whose first column is 役割 and which names
// who holds the role, keyed by role.
func roleTables(files []handbookFile) map[string][]roleRow {
	roles := map[string][]roleRow{}
	for _, f := range files {
		holderCol, deputyCol := -1, -1
		for _, l := range f.lines {
			if !l.isRow() {
				holderCol, deputyCol = -1, -1
				continue
			}
			c := l.cells()
			if c[0] == "役割" {
				holderCol, deputyCol = -1, -1
				for i, h := range c {
					switch {
					case strings.Contains(h, "担い手") || strings.Contains(h, "担う人") || h == "担当者":
						holderCol = i
					case strings.HasPrefix(h, "代理"):
						deputyCol = i
					}
				}
				continue
			}
			if holderCol < 0 || strings.HasPrefix(c[0], "---") || holderCol >= len(c) {
				continue
			}
			r := roleRow{holder: c[holderCol], where: fmt.Sprintf("content/%s:%d", f.path, l.no)}
			if deputyCol >= 0 && deputyCol < len(c) {
				r.deputy = c[deputyCol]
			}
			roles[c[0]] = append(roles[c[0]], r)
		}
	}
	return roles
}

// TestHandbookRoleTablesAgree fails when a role table names a role the
// standard does not define, or gives it another holder or deputy.
func TestHandbookRoleTablesAgree(t *testing.T) {
	roles := roleTables(readHandbook(t))
	source := map[string]roleRow{}
	for role, rows := range roles {
		for _, r := range rows {
			if strings.HasPrefix(r.where, "content/"+rolesSource+":") {
				source[role] = r
			}
		}
	}
	if len(source) < 6 {
		t.Fatalf("the role table of %s defines %d roles, want at least 6", rolesSource, len(source))
	}
	var names []string
	for role := range roles {
		names = append(names, role)
	}
	sort.Strings(names)
	for _, role := range names {
		want, ok := source[role]
		for _, r := range roles[role] {
			switch {
			case !ok:
				t.Errorf("%s: role %s is not defined in the role table of content/%s; use one of its names", r.where, role, rolesSource)
			case r.holder != want.holder:
				t.Errorf("%s: %s is held by %s, but %s says %s", r.where, role, r.holder, want.where, want.holder)
			case r.deputy != "" && r.deputy != want.deputy:
				t.Errorf("%s: the deputy of %s is %s, but %s says %s", r.where, role, r.deputy, want.where, want.deputy)
			}
		}
	}
}

// quoted matches a quotation in 「」, such as the title of a public
// document, which keeps the spelling of its source.
var quoted = regexp.MustCompile(`「[^」]*」`)

// TestHandbookSpelling fails on a spelling the style sheet bans. The style
// sheet's table (使わない表記 → 使う表記) is the list, so editors change it
// in one place.
func TestHandbookSpelling(t *testing.T) {
	files := readHandbook(t)
	type rule struct{ banned, preferred string }
	var rules []rule
	for _, f := range files {
		if f.path != styleSheet {
			continue
		}
		inTable := false
		for _, l := range f.lines {
			if !l.isRow() {
				inTable = false
				continue
			}
			c := l.cells()
			if len(c) >= 2 && c[0] == "使わない表記" {
				inTable = true
				continue
			}
			if inTable && len(c) >= 2 && !strings.HasPrefix(c[0], "---") {
				for _, b := range strings.Split(c[0], "、") {
					rules = append(rules, rule{strings.Trim(b, "「」"), strings.Trim(c[1], "「」")})
				}
			}
		}
	}
	if len(rules) < 8 {
		t.Fatalf("the style sheet content/%s lists %d banned spellings, want at least 8", styleSheet, len(rules))
	}
	for _, f := range files {
		if f.path == styleSheet {
			continue
		}
		for _, l := range f.lines {
			text := quoted.ReplaceAllString(linkDest.ReplaceAllString(l.text, "]"), "「」")
			for _, r := range rules {
				for i := 0; ; {
					j := strings.Index(text[i:], r.banned)
					if j < 0 {
						break
					}
					at := i + j
					// A banned form that begins the preferred one (サーバ in サーバー) is fine.
					if !strings.HasPrefix(text[at:], r.preferred) && !strings.HasSuffix(text[:at+len(r.banned)], r.preferred) {
						t.Errorf("content/%s:%d: %s (the style sheet content/%s asks for %s)", f.path, l.no, r.banned, styleSheet, r.preferred)
					}
					i = at + len(r.banned)
				}
			}
		}
	}
}

// TestAssetRegisterColumnsAgree fails when the asset-register template's
// columns differ from the items the procedure lists, in name or order.
func TestAssetRegisterColumnsAgree(t *testing.T) {
	var items, columns []string
	for _, f := range readHandbook(t) {
		switch f.path {
		case "07-procedures/03-organizational/01-roles-assets.md":
			in := false
			for _, l := range f.lines {
				switch {
				case strings.HasPrefix(l.text, "### 台帳の項目"):
					in = true
				case in && strings.HasPrefix(l.text, "#"):
					in = false
				case in && l.isRow():
					if c := l.cells(); c[0] != "項目" && !strings.HasPrefix(c[0], "---") {
						items = append(items, c[0])
					}
				}
			}
		case "annex/templates.md":
			for _, l := range f.lines {
				if c := l.cells(); l.isRow() && c[0] == "管理番号" {
					columns = c
				}
			}
		}
	}
	if len(items) < 8 {
		t.Fatalf("found %d items under 台帳の項目 in 07-procedures/03-organizational/01-roles-assets.md, want at least 8", len(items))
	}
	if !slices.Equal(items, columns) {
		t.Errorf("the asset-register template (content/annex/templates.md) has columns\n  %s\nbut the procedure lists\n  %s",
			strings.Join(columns, "｜"), strings.Join(items, "｜"))
	}
}

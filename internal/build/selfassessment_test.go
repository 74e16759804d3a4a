package build

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The self-assessment in the annex scores the standards of chapter 6. These
// tests keep it in step with them: a question's LV is the lowest LV of the
// controls it cites, and the table of maxima and the pass line add up to the
// questions above it.

const (
	selfAssessmentFile = "../../content/annex/self-assessment.md"
	assessStandardsDir = "../../content/06-standards"
)

// mdTable is one Markdown pipe table: its header cells and its rows, and the
// `## ` heading it stands under.
type mdTable struct {
	section string
	header  []string
	rows    [][]string
}

// column returns the index of the header cell named name, or -1.
func (t mdTable) column(name string) int {
	for i, h := range t.header {
		if h == name {
			return i
		}
	}
	return -1
}

// readTables returns the pipe tables of a Markdown file in order.
func readTables(t *testing.T, file string) []mdTable {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var tables []mdTable
	var cur *mdTable
	section := ""
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "## ") {
			section = strings.TrimSpace(line[3:])
		}
		if !strings.HasPrefix(line, "|") {
			cur = nil
			continue
		}
		cells := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		switch {
		case cur == nil:
			tables = append(tables, mdTable{section: section, header: cells})
			cur = &tables[len(tables)-1]
		case strings.Trim(strings.Join(cells, ""), "-: ") == "":
			// the delimiter row under the header
		default:
			cur.rows = append(cur.rows, cells)
		}
	}
	return tables
}

var citedControl = regexp.MustCompile(`\b([A-Z]{2,3})-(\d{2})\b`)

// controlIDs lists the control IDs a cell cites; "HR-11〜HR-13" stands for
// HR-11, HR-12 and HR-13.
func controlIDs(cell string) []string {
	var ids []string
	matches := citedControl.FindAllStringSubmatch(cell, -1)
	for i, m := range matches {
		ids = append(ids, m[0])
		if i+1 < len(matches) && strings.Contains(cell, m[0]+"〜"+matches[i+1][0]) && matches[i+1][1] == m[1] {
			from, _ := strconv.Atoi(m[2])
			to, _ := strconv.Atoi(matches[i+1][2])
			for n := from + 1; n < to; n++ {
				ids = append(ids, fmt.Sprintf("%s-%02d", m[1], n))
			}
		}
	}
	return ids
}

// standardLevels reads the LV of every control in the chapter 6 tables.
func standardLevels(t *testing.T) map[string]int {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(assessStandardsDir, "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	levels := map[string]int{}
	for _, f := range files {
		for _, tb := range readTables(t, f) {
			idCol, lvCol := tb.column("番号"), tb.column("LV")
			if idCol < 0 || lvCol < 0 {
				continue
			}
			for _, r := range tb.rows {
				if idCol >= len(r) || lvCol >= len(r) {
					continue
				}
				lv, err := strconv.Atoi(r[lvCol])
				if err != nil {
					t.Errorf("%s: %s has LV %q, want 1, 2 or 3", f, r[idCol], r[lvCol])
					continue
				}
				levels[r[idCol]] = lv
			}
		}
	}
	if len(levels) < 40 {
		t.Fatalf("found %d controls in %s; the tables need the columns 番号 and LV", len(levels), assessStandardsDir)
	}
	return levels
}

func TestControlIDs(t *testing.T) {
	for _, c := range []struct {
		cell string
		want string
	}{
		{"[ORG-01](../06-standards/organizational.md#roles)", "ORG-01"},
		{"[ORG-09](x.md)、[TEC-18](y.md)", "ORG-09 TEC-18"},
		{"[HR-11〜HR-13](../06-standards/people.md#generative-ai)", "HR-11 HR-12 HR-13"},
		{"[PHY-05、PHY-06](z.md)", "PHY-05 PHY-06"},
		{"[人的対策の基準](../06-standards/people.md#position)", ""},
	} {
		if got := strings.Join(controlIDs(c.cell), " "); got != c.want {
			t.Errorf("controlIDs(%q) = %q, want %q", c.cell, got, c.want)
		}
	}
}

// TestSelfAssessmentLevelsFollowStandards fails when a question's LV differs
// from the lowest LV of the controls it cites, or cites a control chapter 6
// does not have.
func TestSelfAssessmentLevelsFollowStandards(t *testing.T) {
	levels := standardLevels(t)
	questions := 0
	for _, tb := range readTables(t, selfAssessmentFile) {
		basis, lvCol := tb.column("根拠の基準"), tb.column("LV")
		if basis < 0 || lvCol < 0 {
			continue
		}
		for _, r := range tb.rows {
			questions++
			lv, err := strconv.Atoi(r[lvCol])
			if err != nil {
				t.Errorf("question %s has LV %q", r[0], r[lvCol])
				continue
			}
			want := 0
			for _, id := range controlIDs(r[basis]) {
				std, ok := levels[id]
				if !ok {
					t.Errorf("question %s cites %s, which chapter 6 does not define", r[0], id)
					continue
				}
				if want == 0 || std < want {
					want = std
				}
			}
			if want != 0 && lv != want {
				t.Errorf("question %s has LV %d, but the lowest LV of the controls it cites is %d (change the question or the standard)", r[0], lv, want)
			}
		}
	}
	if questions < 30 {
		t.Errorf("found %d questions in %s, want at least 30", questions, selfAssessmentFile)
	}
}

// TestSelfAssessmentMaxima fails when the table of maxima or the pass line do
// not add up to the questions: 2 points a question, LV.1 questions counted
// apart.
func TestSelfAssessmentMaxima(t *testing.T) {
	tables := readTables(t, selfAssessmentFile)
	type tally struct{ questions, lv1, lv2 int }
	perSection := map[string]*tally{}
	var total tally
	for _, tb := range tables {
		lvCol := tb.column("LV")
		if tb.column("根拠の基準") < 0 || lvCol < 0 {
			continue
		}
		c := &tally{}
		for _, r := range tb.rows {
			c.questions++
			switch r[lvCol] {
			case "1":
				c.lv1++
			case "2":
				c.lv2++
			}
		}
		perSection[tb.section] = c
		total.questions += c.questions
		total.lv1 += c.lv1
		total.lv2 += c.lv2
	}

	var maxima *mdTable
	for i := range tables {
		if tables[i].column("満点") >= 0 && tables[i].column("うち LV.1 の設問") >= 0 {
			maxima = &tables[i]
		}
	}
	if maxima == nil {
		t.Fatal("no table with the columns 満点 and うち LV.1 の設問")
	}
	// Each row of the maxima names its theme by the first word of a section title.
	for _, r := range maxima.rows {
		var got tally
		if r[0] == "合計" {
			got = total
		} else {
			found := false
			for section, c := range perSection {
				if strings.Contains(section, r[0]) {
					got, found = *c, true
				}
			}
			if !found {
				t.Errorf("maxima row %q matches no section of questions", r[0])
				continue
			}
		}
		want := []string{strconv.Itoa(got.questions), strconv.Itoa(2 * got.questions), strconv.Itoa(got.lv1), strconv.Itoa(2 * got.lv1)}
		if strings.Join(r[1:5], " ") != strings.Join(want, " ") {
			t.Errorf("maxima row %q is %v, the questions give %v", r[0], r[1:5], want)
		}
	}

	data, err := os.ReadFile(selfAssessmentFile)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	for _, want := range []string{
		fmt.Sprintf("LV.1 の %d 問がすべて 2 点（LV.1 の得点が %d 点）", total.lv1, 2*total.lv1),
		fmt.Sprintf("LV.2 の %d 問もすべて 2 点", total.lv2),
		fmt.Sprintf("合計（/%d）", 2*total.questions),
	} {
		if !strings.Contains(text, want) {
			t.Errorf("%s does not say %q", selfAssessmentFile, want)
		}
	}
}

// Package corpus writes generated Japanese knowledge bases of any size, for
// benchmarks: chapters of pages with sections, tables, code blocks,
// callouts and cross-links to other pages' headings.
package corpus

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

// PagesPerChapter is how many pages each generated chapter holds.
const PagesPerChapter = 50

// words are the vocabulary of the generated prose: compounds, katakana and
// acronyms as they appear in the handbook.
var words = []string{
	"情報資産", "台帳", "バックアップ", "手順", "多要素認証", "脆弱性", "パッチ", "ログ", "監視", "EDR", "SASE",
	"ゼロトラスト", "アクセス権", "暗号化", "鍵", "端末", "クラウド", "委託先", "契約", "監査", "点検", "教育",
	"インシデント", "対応", "復旧", "訓練", "経営者", "担当者", "従業員", "電子署名", "脆弱性開示窓口", "標的型攻撃メール",
	"ランサムウェア", "ネットワーク", "分離", "UTM", "VPN", "SD-WAN", "ファイアウォール", "設定", "確認", "記録",
}

var particles = []string{"を", "の", "に", "と", "で", "は", "が"}

// Options control the generated corpus.
type Options struct {
	Pages int    // total number of pages (chapters are added as needed)
	Seed  uint64 // the same seed gives the same corpus
	// TargetChars is the approximate length of a page in characters.
	TargetChars int
}

// Write generates a site (kb.yaml and content/) under dir.
func Write(dir string, opts Options) error {
	if opts.TargetChars == 0 {
		opts.TargetChars = 3500
	}
	rng := rand.New(rand.NewPCG(opts.Seed, 1))
	chapters := (opts.Pages + PagesPerChapter - 1) / PagesPerChapter
	cfg := "title: 生成コーパス\nlanguage: ja\nversion: 1.0.0\nroles:\n  employee: 一般従業員\n  admin: システム管理者・担当者\n  executive: 組織経営者・責任者\n"
	if err := write(dir, "kb.yaml", cfg); err != nil {
		return err
	}
	if err := write(dir, "content/_index.md", "---\ntitle: 生成コーパス\n---\n\nベンチマーク用に生成したページです。\n"); err != nil {
		return err
	}
	written := 0
	for c := 1; c <= chapters; c++ {
		chapterDir := fmt.Sprintf("content/ch%03d", c)
		idx := fmt.Sprintf("---\ntitle: 第%d章 %s\nweight: %d\n---\n\n%s\n", c, pick(rng, words), c, sentence(rng))
		if err := write(dir, chapterDir+"/_index.md", idx); err != nil {
			return err
		}
		for p := 1; p <= PagesPerChapter && written < opts.Pages; p++ {
			page := pageText(rng, c, p, chapters, opts.TargetChars)
			if err := write(dir, fmt.Sprintf("%s/p%03d.md", chapterDir, p), page); err != nil {
				return err
			}
			written++
		}
	}
	return nil
}

// pageText writes one page of about target characters.
func pageText(rng *rand.Rand, chapter, page, chapters, target int) string {
	var b strings.Builder
	roles := []string{"employee", "admin", "executive"}
	fmt.Fprintf(&b, "---\ntitle: %s%sの%s\nweight: %d\nroles: [%s]\nlevel: %d\nrevisions:\n  - date: 2026-01-%02d\n    note: 初版\n---\n\n",
		pick(rng, words), pick(rng, particles), pick(rng, words), page, roles[rng.IntN(3)], 1+rng.IntN(3), 1+rng.IntN(28))
	b.WriteString(paragraph(rng, 3) + "\n\n")
	for s := 1; b.Len()/3 < target; s++ {
		fmt.Fprintf(&b, "## %sの%s {#s%d}\n\n%s\n\n", pick(rng, words), pick(rng, words), s, paragraph(rng, 4))
		// A cross-link to a section of another page.
		oc, op := 1+rng.IntN(chapters), 1+rng.IntN(PagesPerChapter)
		if oc == chapters {
			op = 1
		}
		fmt.Fprintf(&b, "関連: [](../ch%03d/p%03d.md#s1)\n\n", oc, op)
		switch s % 4 {
		case 0:
			b.WriteString("| 項目 | 担当 | 頻度 |\n|---|---|---|\n")
			for range 3 {
				fmt.Fprintf(&b, "| %s | %s | 月次 |\n", pick(rng, words), pick(rng, words))
			}
			b.WriteString("\n")
		case 1:
			b.WriteString("```powershell\nGet-BitLockerVolume | Select-Object MountPoint, ProtectionStatus\nwbadmin get versions\n```\n\n")
		case 2:
			fmt.Fprintf(&b, "> [!補足]\n> %s\n\n", sentence(rng))
		case 3:
			fmt.Fprintf(&b, "### %sの確認 {#s%d-check}\n\n%s\n\n", pick(rng, words), s, paragraph(rng, 2))
		}
	}
	return b.String()
}

func paragraph(rng *rand.Rand, sentences int) string {
	parts := make([]string, sentences)
	for i := range parts {
		parts[i] = sentence(rng)
	}
	return strings.Join(parts, "")
}

func sentence(rng *rand.Rand) string {
	var b strings.Builder
	for i, n := 0, 3+rng.IntN(4); i < n; i++ {
		b.WriteString(pick(rng, words))
		b.WriteString(pick(rng, particles))
	}
	b.WriteString("行います。")
	return b.String()
}

func pick(rng *rand.Rand, list []string) string { return list[rng.IntN(len(list))] }

func write(dir, name, body string) error {
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, []byte(body), 0o644)
}

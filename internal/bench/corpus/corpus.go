// Package corpus writes generated Japanese knowledge bases of any size, for
// benchmarks: chapters of pages with sections, tables, code blocks,
// callouts and cross-links to other pages' headings.
package corpus

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// PagesPerChapter is how many pages each generated chapter holds.
const PagesPerChapter = 50

// topics are the handbook's own terms: compounds, katakana and acronyms,
// the words the search benchmarks look for.
var topics = []string{
	"情報資産", "台帳", "バックアップ", "手順", "多要素認証", "脆弱性", "パッチ", "ログ", "監視", "EDR", "SASE",
	"ゼロトラスト", "アクセス権", "暗号化", "鍵", "端末", "クラウド", "委託先", "契約", "監査", "点検", "教育",
	"インシデント", "対応", "復旧", "訓練", "経営者", "担当者", "従業員", "電子署名", "脆弱性開示窓口", "標的型攻撃メール",
	"ランサムウェア", "ネットワーク", "分離", "UTM", "VPN", "SD-WAN", "ファイアウォール", "設定", "確認", "記録",
}

var particles = []string{"を", "の", "に", "と", "で", "は", "が"}

// filler is the rest of the vocabulary, everyday words of business prose,
// drawn with Zipf-like frequencies (the k-th word about 1/k as often as the
// first), as in real text. No filler word contains a topic.
var filler = fillerWords()

// fillerCumulative holds the running sums of the filler words' weights.
var fillerCumulative = func() []float64 {
	sums := make([]float64, len(filler))
	total := 0.0
	for i := range filler {
		total += 1 / float64(i+2)
		sums[i] = total
	}
	return sums
}()

func fillerWords() []string {
	heads := []string{"業務", "社内", "外部", "部門", "作業", "文書", "機器", "利用", "費用", "期間", "範囲", "方針",
		"規程", "現場", "顧客", "取引", "製品", "会議", "研修", "予算", "資料", "連絡", "申請", "承認", "保管", "運用",
		"保守", "調達", "品質", "安全"}
	tails := []string{"計画", "方法", "基準", "体制", "状況", "結果", "報告", "一覧", "担当", "変更", "手続き", "管理",
		"見直し", "改善", "評価", "準備", "周知", "整理", "共有", "判断"}
	out := []string{"ポリシー", "ルール", "チェックリスト", "マニュアル", "スケジュール", "プロジェクト", "サービス",
		"システム", "データ", "メール", "パスワード", "アカウント", "サーバー", "ソフトウェア", "ライセンス", "ベンダー",
		"レポート", "テンプレート"}
	for _, h := range heads {
		for _, t := range tails {
			out = append(out, h+t)
		}
	}
	out = slices.DeleteFunc(out, func(w string) bool {
		return slices.ContainsFunc(topics, func(t string) bool { return strings.Contains(w, t) })
	})
	// A fixed shuffle, so frequency does not follow the order above.
	rand.New(rand.NewPCG(42, 42)).Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

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
		idx := fmt.Sprintf("---\ntitle: 第%d章 %s\nweight: %d\n---\n\n%s\n", c, pick(rng, topics), c, prose{rng: rng, topics: topics}.sentence())
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

// pageText writes one page of about target characters. A page is about a
// few topics, which fill a third of its word slots; other topics turn up
// now and then, and everyday filler words make up the rest.
func pageText(rng *rand.Rand, chapter, page, chapters, target int) string {
	var b strings.Builder
	roles := []string{"employee", "admin", "executive"}
	p := prose{rng: rng, topics: []string{pick(rng, topics), pick(rng, topics), pick(rng, topics)}}
	fmt.Fprintf(&b, "---\ntitle: %s%sの%s\nweight: %d\nroles: [%s]\nlevel: %d\nrevisions:\n  - date: 2026-01-%02d\n    note: 初版\n---\n\n",
		p.topics[0], pick(rng, particles), p.topics[1], page, roles[rng.IntN(3)], 1+rng.IntN(3), 1+rng.IntN(28))
	b.WriteString(p.paragraph(3) + "\n\n")
	for s := 1; b.Len()/3 < target; s++ {
		fmt.Fprintf(&b, "## %sの%s {#s%d}\n\n%s\n\n", p.word(), p.word(), s, p.paragraph(4))
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
				fmt.Fprintf(&b, "| %s | %s | 月次 |\n", p.word(), p.word())
			}
			b.WriteString("\n")
		case 1:
			b.WriteString("```powershell\nGet-BitLockerVolume | Select-Object MountPoint, ProtectionStatus\nwbadmin get versions\n```\n\n")
		case 2:
			fmt.Fprintf(&b, "> [!補足]\n> %s\n\n", p.sentence())
		case 3:
			fmt.Fprintf(&b, "### %sの確認 {#s%d-check}\n\n%s\n\n", p.word(), s, p.paragraph(2))
		}
	}
	return b.String()
}

// prose writes the sentences of one page about its topics.
type prose struct {
	rng    *rand.Rand
	topics []string
}

// word picks the next word: one of the page's topics for about 30% of
// slots, any topic for 4%, a filler word otherwise.
func (p prose) word() string {
	switch x := p.rng.Float64(); {
	case x < 0.30:
		return pick(p.rng, p.topics)
	case x < 0.34:
		return pick(p.rng, topics)
	default:
		i, _ := slices.BinarySearch(fillerCumulative, p.rng.Float64()*fillerCumulative[len(fillerCumulative)-1])
		return filler[min(i, len(filler)-1)]
	}
}

func (p prose) paragraph(sentences int) string {
	parts := make([]string, sentences)
	for i := range parts {
		parts[i] = p.sentence()
	}
	return strings.Join(parts, "")
}

func (p prose) sentence() string {
	var b strings.Builder
	for i, n := 0, 3+p.rng.IntN(4); i < n; i++ {
		b.WriteString(p.word())
		b.WriteString(pick(p.rng, particles))
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

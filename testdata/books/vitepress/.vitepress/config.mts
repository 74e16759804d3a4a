import { defineConfig } from 'vitepress'

export default defineConfig({
  lang: 'ja-JP',
  title: 'テレワークの手引き',
  description: '自宅で安全に働くために',
  srcDir: 'src',
  themeConfig: {
    sidebar: [
      {
        text: 'ガイド',
        link: '/guide/',
        items: [
          { text: 'VPN', link: '/guide/vpn' },
          { text: '始め方', link: '/guide/getting-started' }
        ]
      },
      {
        text: '参照',
        items: [
          { text: '用語', link: '/reference/glossary.md' },
          { text: '目次', link: '/reference/' }
        ]
      },
      { text: '会社のサイト', link: 'https://example.jp/' }
    ]
  }
})

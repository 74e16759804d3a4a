import { defineConfig } from 'vitepress'

export default defineConfig({
  lang: 'ja-JP',
  title: 'テレワークの手引き',
  description: '自宅で安全に働くために',
  srcDir: 'src',
  themeConfig: {
    sidebar: [
      { text: 'ガイド', items: [{ text: '始め方', link: '/guide/getting-started' }] }
    ]
  }
})

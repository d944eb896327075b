import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import { unified } from '@astrojs/markdown-remark';
import remarkMath from 'remark-math';
import rehypeKatex from 'rehype-katex';
import { remarkCrossRefs } from './src/markdown/cross-refs.ts';

export default defineConfig({
  output: 'static',
  integrations: [mdx()],
  markdown: {
    processor: unified({
      remarkPlugins: [remarkMath, remarkCrossRefs],
      rehypePlugins: [rehypeKatex],
      remarkRehype: { footnoteLabel: 'Notes' },
    }),
  },
  vite: {
    // The experiment worker uses top-level await, which the default iife worker format rejects.
    worker: { format: 'es' },
    // Pre-bundled up front so the dev server does not reload the page when it first meets them.
    optimizeDeps: { include: ['gpu.js', 'comlink', '@observablehq/plot'] },
  },
});

import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import { unified } from '@astrojs/markdown-remark';
import remarkMath from 'remark-math';
import rehypeKatex from 'rehype-katex';
import { remarkCrossRefs } from './src/markdown/cross-refs.ts';
import { rehypeSidenotes } from './src/markdown/sidenotes.ts';
import { t } from './src/i18n/messages.ts';

export default defineConfig({
  output: 'static',
  integrations: [mdx()],
  markdown: {
    processor: unified({
      remarkPlugins: [remarkMath, remarkCrossRefs],
      rehypePlugins: [rehypeKatex, rehypeSidenotes],
      // The heading and back-links of a chapter's notes are the site's words, not the chapter's: from the message file.
      remarkRehype: {
        footnoteLabel: t('chapter.notes'),
        // The second and later links back to one note are told apart as "1-2", "1-3" (the default's numbering).
        footnoteBackLabel: (reference, rereference) =>
          t('chapter.notes.back', { number: `${reference + 1}${rereference > 1 ? `-${rereference}` : ''}` }),
      },
    }),
  },
  vite: {
    // The experiment worker uses top-level await, which the default iife worker format rejects.
    worker: { format: 'es' },
    // Pre-bundled up front so the dev server does not reload the page when it first meets them.
    optimizeDeps: { include: ['gpu.js', 'comlink', '@observablehq/plot'] },
    build: {
      rolldownOptions: {
        // @astrojs/mdx marks each chapter module "use astro:head-inject" for Astro's own bundling
        // step, which reads it; the bundler warns that it may drop the directive, which a reader
        // cannot act on. Only that directive from that integration is silenced.
        onwarn(warning, defaultHandler) {
          if (warning.code === 'MODULE_LEVEL_DIRECTIVE' && warning.message.includes('"use astro:head-inject"')) return;
          defaultHandler(warning);
        },
      },
    },
  },
});

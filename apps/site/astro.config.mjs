import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import { unified } from '@astrojs/markdown-remark';
import remarkMath from 'remark-math';
import rehypeKatex from 'rehype-katex';
import { remarkCrossRefs } from './src/markdown/cross-refs.ts';
import { rehypeSidenotes } from './src/markdown/sidenotes.ts';
import { t } from './src/i18n/messages.ts';

/**
 * Cross-origin isolation: with these on every response a page may use SharedArrayBuffer and
 * Atomics, which the wasm kernel's thread pool needs (without them a figure computes on one core).
 * `require-corp` rather than `credentialless`: the site loads nothing from other origins, and
 * Safari honours only `require-corp`. `Cross-Origin-Resource-Policy: cross-origin` lets a page
 * that is itself isolated still frame /embed/<experiment>/ and load our files. The same list is
 * in public/_headers (Netlify, Cloudflare Pages), public/isolation-sw.js and the README.
 */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'cross-origin',
};

export default defineConfig({
  output: 'static',
  // `astro dev` and `astro preview` (what `npm run dev` and `npm start` serve) send them on every response
  server: { headers: ISOLATION_HEADERS },
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

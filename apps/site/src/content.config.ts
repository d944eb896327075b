import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { z } from 'astro/zod';

/** Chapter texts; their number, title and teaser live in src/chapters.ts, keyed by file name. */
const chapterTexts = defineCollection({
  loader: glob({ pattern: '*.mdx', base: './src/content/chapters' }),
  schema: z.object({
    /** One-sentence description for the page's meta tag. */
    description: z.string(),
    /** Keys into src/references.ts, listed after the notes in this order. */
    references: z.array(z.string()).default([]),
  }),
});

export const collections = { chapters: chapterTexts };

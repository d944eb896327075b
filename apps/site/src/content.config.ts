import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { z } from 'astro/zod';

/**
 * Chapter texts; their number, title and teaser live in src/chapters.ts, keyed by file name.
 * Translations sit in a folder per locale (content/chapters/fr/<slug>.mdx): see chapter-texts.ts.
 */
const chapterTexts = defineCollection({
  loader: glob({ pattern: '**/*.mdx', base: './src/content/chapters' }),
  schema: z.object({
    /** One-sentence description for the page's meta tag. */
    description: z.string(),
    /** Keys of src/content/references.bib, listed after the notes in this order. */
    references: z.array(z.string()).default([]),
    /** Notable changes, newest first, shown under "Updates" with the date of the last change. */
    updates: z
      .array(z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), note: z.string() }))
      .default([]),
  }),
});

export const collections = { chapters: chapterTexts };

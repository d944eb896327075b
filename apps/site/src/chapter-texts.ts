import { getCollection, type CollectionEntry } from 'astro:content';
import { currentLocale } from './i18n/messages.ts';

export interface ChapterText {
  /** The chapter's slug: its English file's name. */
  slug: string;
  entry: CollectionEntry<'chapters'>;
}

/**
 * The chapter texts a build renders. content/chapters/<slug>.mdx is a chapter's English text; a
 * translation is content/chapters/<locale>/<slug>.mdx beside it, used by a build in that locale
 * (ATLAS_LOCALE), so a translated chapter is a file, not a code change. A chapter with no
 * translation stays in English.
 */
export async function chapterTexts(locale = currentLocale()): Promise<ChapterText[]> {
  const entries = await getCollection('chapters');
  const byId = new Map(entries.map((entry) => [entry.id, entry]));
  return entries
    .filter((entry) => !entry.id.includes('/'))
    .map((base) => ({ slug: base.id, entry: byId.get(`${locale}/${base.id}`) ?? base }));
}

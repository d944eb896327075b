import { isMessageKey, t } from './i18n/messages.ts';

/**
 * The atlas's table of contents: one entry per chapter, live or still to come. The order, numbers,
 * slugs and status are the site's structure and stay here; a chapter's title and teaser are text,
 * read from the message file (`chapter.<slug>.title`, `chapter.<slug>.teaser`) in the page's locale
 * each time they are asked for.
 */
export interface ChapterInfo {
  readonly number: number;
  readonly slug: string;
  readonly title: string;
  /** One paragraph; a symbol written `t_S` or `τ_gen` renders with its subscript. */
  readonly teaser: string;
  readonly status: 'live' | 'coming';
}

function chapterText(slug: string, part: 'title' | 'teaser'): string {
  const key = `chapter.${slug}.${part}`;
  if (!isMessageKey(key)) throw new Error(`chapter ${slug} has no ${part}: add “${key}” to src/i18n/en.json`);
  return t(key);
}

function chapter(number: number, slug: string, status: ChapterInfo['status']): ChapterInfo {
  return {
    number,
    slug,
    status,
    get title() {
      return chapterText(slug, 'title');
    },
    get teaser() {
      return chapterText(slug, 'teaser');
    },
  };
}

export const chapters: readonly ChapterInfo[] = [
  chapter(1, 'noise-and-back', 'live'),
  chapter(2, 'speciation-and-collapse', 'live'),
  chapter(3, 'training-time', 'live'),
  chapter(4, 'low-dimensional-structure', 'live'),
  chapter(5, 'manifolds-and-finite-time', 'live'),
  chapter(6, 'diffusion-for-physics', 'live'),
];

export function chapterBySlug(slug: string): ChapterInfo | undefined {
  return chapters.find((c) => c.slug === slug);
}

export function chapterHref(chapter: ChapterInfo): string {
  return `/chapters/${chapter.slug}/`;
}

import { parse, type Creator, type Entry } from '@retorquere/bibtex-parser';
import bibtex from './content/references.bib?raw';
import { t } from './i18n/messages.ts';

/**
 * The bibliography shared by every chapter, read from the one BibTeX file (content/references.bib)
 * at build time; no parser ships to the browser. Chapters cite by key and list what they cite.
 */
export interface Reference {
  key: string;
  /** Short form used in the running text: "Biroli et al., 2024". */
  short: string;
  /** Initials and names: "G. Biroli, T. Bonnaire, V. de Bortoli, M. Mézard". */
  authors: string;
  title: string;
  /** Journal, proceedings or publisher. */
  venue: string;
  year: number;
  /** arXiv identifier, or the empty string. */
  arxiv: string;
  doi: string;
  url: string;
  /** The entry as written in the BibTeX file, for "copy BibTeX". */
  bibtex: string;
}

function lastName(c: Creator): string {
  if (c.name !== undefined) return c.name;
  return [c.prefix, c.lastName].filter((s) => s !== undefined && s !== '').join(' ');
}

function fullName(c: Creator): string {
  if (c.name !== undefined) return c.name;
  const initials = (c.firstName ?? '')
    .split(/\s+/)
    .filter((s) => s !== '')
    .map((part) => part.split('-').map((p) => `${p.charAt(0)}.`).join('-'))
    .join(' ');
  return [initials, lastName(c)].filter((s) => s !== '').join(' ');
}

function shortForm(authors: readonly Creator[], year: number): string {
  const [first, second] = authors;
  if (first === undefined) return String(year);
  if (authors.length === 1) return t('cite.short.one', { first: lastName(first), year });
  if (authors.length === 2 && second !== undefined) return t('cite.short.two', { first: lastName(first), second: lastName(second), year });
  return t('cite.short.many', { first: lastName(first), year });
}

function text(entry: Entry, field: string): string {
  const value = (entry.fields as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : '';
}

function toReference(entry: Entry): Reference {
  const authors = entry.fields.author ?? [];
  const year = Number(text(entry, 'year'));
  if (!Number.isInteger(year)) throw new Error(`references.bib: entry “${entry.key}” has no numeric year`);
  const title = text(entry, 'title');
  if (title === '' || authors.length === 0) throw new Error(`references.bib: entry “${entry.key}” needs an author and a title`);
  const archive = text(entry, 'archiveprefix').toLowerCase();
  const eprint = text(entry, 'eprint');
  return {
    key: entry.key,
    short: shortForm(authors, year),
    authors: authors.map(fullName).join(', '),
    title,
    venue: text(entry, 'journal') || text(entry, 'booktitle') || (entry.fields.publisher ?? []).join(', '),
    year,
    arxiv: archive === 'arxiv' || archive === '' ? eprint : '',
    doi: text(entry, 'doi'),
    url: text(entry, 'url'),
    bibtex: entry.input.trim(),
  };
}

function load(): Readonly<Record<string, Reference>> {
  const library = parse(bibtex);
  if (library.errors.length > 0) {
    throw new Error(`references.bib: ${library.errors.map((e) => e.error).join('; ')}`);
  }
  const out: Record<string, Reference> = {};
  for (const entry of library.entries) {
    if (Object.hasOwn(out, entry.key)) throw new Error(`references.bib: the key “${entry.key}” is used twice`);
    out[entry.key] = toReference(entry);
  }
  return out;
}

export const references: Readonly<Record<string, Reference>> = load();

export function referenceOf(key: string): Reference {
  const ref = Object.hasOwn(references, key) ? references[key] : undefined;
  if (ref === undefined) throw new Error(`unknown reference key “${key}” (add it to src/content/references.bib)`);
  return ref;
}

export function arxivUrl(ref: Reference): string {
  return `https://arxiv.org/abs/${ref.arxiv}`;
}

/** Where a reader can find the work: the arXiv page, else the DOI, else the entry's url. */
export function referenceUrl(ref: Reference): string {
  if (ref.arxiv !== '') return arxivUrl(ref);
  if (ref.doi !== '') return `https://doi.org/${ref.doi}`;
  return ref.url;
}

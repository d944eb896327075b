import en from './en.json';

/**
 * Every UI string of the site (the machinery's controls, notices and menus, every widget's
 * captions, legends, axis labels, readouts and summaries, the pages' header, footer and navigation,
 * the home, 404 and diagnostics pages, chapter titles and teasers) comes from one message file per locale.
 * English is the reference: a translation is a JSON file with the same keys beside en.json, chapter
 * texts in content/chapters/<locale>/ (chapter-texts.ts) and the performance page in
 * docs/<locale>/; no code changes. A build renders its pages in the locale ATLAS_LOCALE
 * names, English when unset (`ATLAS_LOCALE=fr npm run build`).
 *
 * Parameter labels, option labels and help texts come from the experiment specs in core (English,
 * shared with the CLI); a locale overrides them with keys `param.<experiment>.<name>`,
 * `param.<experiment>.<name>.<option>` and `param.<experiment>.<name>.help`, experiment titles
 * with `title.<experiment>` and their one-line summaries (an embed's description) with
 * `summary.<experiment>`, all optional.
 */
export type MessageKey = keyof typeof en;
export type Messages = Readonly<Record<MessageKey, string>> & Readonly<Record<string, string>>;

/**
 * Every message file beside en.json is a locale, named by its file (fr.json → fr): a translation
 * registers itself by being there.
 */
const files = import.meta.glob<Messages>('./*.json', { eager: true, import: 'default' });
const catalogs: Readonly<Record<string, Messages>> = Object.fromEntries(
  Object.entries(files).map(([path, messages]) => [path.replace(/^\.\/|\.json$/g, ''), messages]),
);

export const DEFAULT_LOCALE = 'en';

/**
 * A pseudo-locale for finding strings that bypass the catalog: every message and every fallback of
 * `tOptional` wrapped in ⟦…⟧, placeholders intact. A page with `<html lang="x-pseudo">` shows bare
 * English exactly where a string was written into the code (tests/site/pseudo-locale.test.ts).
 * Built on first use, so real locales never pay for it.
 */
export const PSEUDO_LOCALE = 'x-pseudo';
let pseudoCatalog: Messages | undefined;

function pseudo(text: string): string {
  return `⟦${text}⟧`;
}

/**
 * The locale a build renders its pages in: ATLAS_LOCALE when set (a registered locale, or x-pseudo
 * for a build that shows what bypasses the catalog), else English. A name with no catalog fails the
 * build rather than quietly building English.
 */
function buildLocale(): string {
  // Only reached where there is no page (the build, or a worker); a browser has no `process`.
  const requested = typeof process === 'undefined' ? undefined : process.env['ATLAS_LOCALE'];
  if (requested === undefined || requested === '') return DEFAULT_LOCALE;
  if (requested === PSEUDO_LOCALE || Object.hasOwn(catalogs, requested)) return requested;
  throw new Error(`ATLAS_LOCALE=${requested}: there is no message file src/i18n/${requested}.json`);
}

/** The page's locale: `<html lang>` in the browser; at build time, the locale the build renders in (ATLAS_LOCALE, English by default). */
export function currentLocale(): string {
  if (typeof document === 'undefined') return buildLocale();
  const lang = document.documentElement.lang.toLowerCase();
  if (lang === PSEUDO_LOCALE || Object.hasOwn(catalogs, lang)) return lang;
  const base = lang.split('-')[0] ?? '';
  return Object.hasOwn(catalogs, base) ? base : DEFAULT_LOCALE;
}

/** The locale for Intl's dates: the page's, English under the pseudo-locale (which Intl rejects). */
export function intlLocale(): string {
  const locale = currentLocale();
  return locale === PSEUDO_LOCALE ? DEFAULT_LOCALE : locale;
}

function catalog(locale: string): Messages {
  if (locale === PSEUDO_LOCALE) {
    pseudoCatalog ??= Object.fromEntries(Object.entries(en).map(([key, text]) => [key, pseudo(text)])) as Messages;
    return pseudoCatalog;
  }
  return (Object.hasOwn(catalogs, locale) ? catalogs[locale] : undefined) ?? en;
}

/** Whether `key` is in the English catalog: for keys built from data (`caption.<experiment>`), checked where they are built. */
export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(en, key);
}

function fill(template: string, vars: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(vars, name) ? String(vars[name]) : whole));
}

/** The message for `key` in the page's locale, English where the locale lacks it, with `{name}` filled in. */
export function t(key: MessageKey, vars: Readonly<Record<string, string | number>> = {}, locale = currentLocale()): string {
  return fill(catalog(locale)[key] ?? en[key], vars);
}

/** An optional, data-driven message (parameter labels, titles): `fallback` when no locale has it. */
export function tOptional(key: string, fallback: string, locale = currentLocale()): string {
  if (locale === PSEUDO_LOCALE) return pseudo(fallback);
  const own = catalog(locale);
  return Object.hasOwn(own, key) ? (own[key] ?? fallback) : fallback;
}

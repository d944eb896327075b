import en from './en.json';

/**
 * Every UI string the site's machinery shows (controls, notices, menus, captions of the chrome)
 * comes from one message file per locale. English is the reference: a translation is a JSON file
 * with the same keys, registered below, and a chapter text in content/; no code changes.
 *
 * Parameter labels come from the experiment specs in core (English, shared with the CLI); a
 * locale overrides them with keys `param.<experiment>.<name>` and widget captions with
 * `caption.<experiment>`, both optional.
 */
export type MessageKey = keyof typeof en;
export type Messages = Readonly<Record<MessageKey, string>> & Readonly<Record<string, string>>;

const catalogs: Readonly<Record<string, Messages>> = { en };

export const DEFAULT_LOCALE = 'en';

/** The page's locale: `<html lang>` in the browser, English at build time unless a page says otherwise. */
export function currentLocale(): string {
  if (typeof document === 'undefined') return DEFAULT_LOCALE;
  const lang = document.documentElement.lang.toLowerCase();
  if (Object.hasOwn(catalogs, lang)) return lang;
  const base = lang.split('-')[0] ?? '';
  return Object.hasOwn(catalogs, base) ? base : DEFAULT_LOCALE;
}

function catalog(locale: string): Messages {
  return (Object.hasOwn(catalogs, locale) ? catalogs[locale] : undefined) ?? en;
}

function fill(template: string, vars: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(vars, name) ? String(vars[name]) : whole));
}

/** The message for `key` in the page's locale, English where the locale lacks it, with `{name}` filled in. */
export function t(key: MessageKey, vars: Readonly<Record<string, string | number>> = {}, locale = currentLocale()): string {
  return fill(catalog(locale)[key] ?? en[key], vars);
}

/** An optional, data-driven message (parameter labels, captions): `fallback` when no locale has it. */
export function tOptional(key: string, fallback: string, locale = currentLocale()): string {
  const own = catalog(locale);
  return Object.hasOwn(own, key) ? (own[key] ?? fallback) : fallback;
}

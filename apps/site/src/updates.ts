import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { intlLocale } from './i18n/messages.ts';

/**
 * The date a chapter's text last changed, at build time: its last commit, or the file's own
 * date where there is no history (a new file, a copy without .git). ISO format, YYYY-MM-DD.
 */
export function lastChanged(filePath: string): string {
  const file = resolve(process.cwd(), filePath);
  try {
    const date = execFileSync('git', ['log', '-1', '--format=%cs', '--', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (/^\d{4}-\d{2}-\d{2}$/.test(date)) return date;
  } catch {
    // No git here: fall through to the file's date.
  }
  return statSync(file).mtime.toISOString().slice(0, 10);
}

/** A date as the page's language writes it ("3 June 2025", "June 3, 2025"). */
export function formatDate(iso: string, locale = intlLocale()): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${iso}T00:00:00Z`));
}

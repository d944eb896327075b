import { isMessageKey, t } from '../../i18n/messages.ts';

/**
 * A word of a diagram, `diagram.<name>.<part>` in the message file: diagrams are drawn in code but
 * their words are text, translated like every other string of the site.
 */
export function diagramText(name: string, part: string): string {
  const key = `diagram.${name}.${part}`;
  if (!isMessageKey(key)) throw new Error(`diagram ${name} lacks “${key}” in src/i18n/en.json`);
  return t(key);
}

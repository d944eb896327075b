import { t as msg } from '../../../i18n/messages.ts';

/** "lines", "planes" or "3-dimensional subspaces", for captions that name what the data lie on. */
export function subspaceWord(r: number, plural = true): string {
  if (r === 1) return plural ? msg('ch4.subspace.lines') : msg('ch4.subspace.line');
  if (r === 2) return plural ? msg('ch4.subspace.planes') : msg('ch4.subspace.plane');
  return plural ? msg('ch4.subspace.many', { r }) : msg('ch4.subspace.one', { r });
}

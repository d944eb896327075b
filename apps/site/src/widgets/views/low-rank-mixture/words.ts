import { t as msg } from '../../../i18n/messages.ts';

/** "lines", "planes" or "3-dimensional subspaces", for captions that name what the data lie on. */
export function subspaceWord(r: number, plural = true): string {
  if (r === 1) return plural ? msg('low-rank-mixture.subspace.lines') : msg('low-rank-mixture.subspace.line');
  if (r === 2) return plural ? msg('low-rank-mixture.subspace.planes') : msg('low-rank-mixture.subspace.plane');
  return plural ? msg('low-rank-mixture.subspace.many', { r }) : msg('low-rank-mixture.subspace.one', { r });
}

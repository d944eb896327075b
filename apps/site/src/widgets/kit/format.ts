const SUPERSCRIPT: Record<string, string> = {
  '-': '⁻',
  '0': '⁰',
  '1': '¹',
  '2': '²',
  '3': '³',
  '4': '⁴',
  '5': '⁵',
  '6': '⁶',
  '7': '⁷',
  '8': '⁸',
  '9': '⁹',
};

/** Plain-text scientific notation the way the text writes it: 1·10⁻⁵ rather than 1e-5. */
function scientific(x: number, digits: number): string {
  const [mantissa = '', exponent = '0'] = x.toExponential(digits - 1).split('e');
  const m = mantissa.replace(/\.?0+$/, '');
  const e = String(Number(exponent))
    .split('')
    .map((c) => SUPERSCRIPT[c] ?? c)
    .join('');
  return m === '1' ? `10${e}` : `${m}·10${e}`;
}

/** A parameter or readout value: integers as they are, other numbers to three significant digits. */
export function formatValue(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x) && Math.abs(x) < 1e7) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return scientific(x, digits);
  return String(Number(x.toPrecision(digits)));
}

export function formatPercent(fraction: number): string {
  const p = fraction * 100;
  return `${p >= 10 || p === 0 ? Math.round(p) : Number(p.toPrecision(2))}%`;
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

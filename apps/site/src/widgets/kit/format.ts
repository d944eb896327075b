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

/** An integer exponent in superscript digits: −4 → ⁻⁴. */
export function superscript(exponent: number): string {
  return String(Math.round(exponent))
    .split('')
    .map((c) => SUPERSCRIPT[c] ?? c)
    .join('');
}

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
  return withMinusSign(plainValue(x, digits));
}

function plainValue(x: number, digits: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x) && Math.abs(x) < 1e7) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return scientific(x, digits);
  return String(Number(x.toPrecision(digits)));
}

/** A typographic minus (U+2212), as the axes' tick labels print it, not the hyphen of String(−1.75). */
function withMinusSign(text: string): string {
  return text.startsWith('-') ? `−${text.slice(1)}` : text;
}

export function formatPercent(fraction: number): string {
  const p = fraction * 100;
  return `${p >= 10 || p === 0 ? Math.round(p) : Number(p.toPrecision(2))}%`;
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

/**
 * 10 to a possibly huge power, as text: "5100", "4·10²⁹", and past the range of a double, where
 * the number itself cannot be formed, "10³⁰³⁸".
 */
export function powerOfTen(exponent: number, digits = 2): string {
  if (exponent < 300) return formatValue(10 ** exponent, digits);
  return `10${superscript(exponent)}`;
}

/**
 * A training time or other positive quantity for running text: 10⁶ rather than 1000000, 4.2·10⁴
 * rather than 42000, other values between 0.01 and 10⁴ as plain digits, and “∞” for a limit never reached.
 */
export function formatTime(x: number): string {
  if (x === Infinity) return '∞';
  const exponent = Math.log10(x);
  // Training times are often set to a power of ten; 10³ reads better beside 10⁴ than 1000 does.
  if (Math.abs(exponent - Math.round(exponent)) < 1e-9 && (exponent >= 3 || exponent <= -2)) return `10${superscript(exponent)}`;
  if (!(x > 0) || (x >= 1e-2 && x < 1e4)) return formatValue(x, 2);
  const k = Math.floor(Math.log10(x));
  const mantissa = Number((x / 10 ** k).toPrecision(2));
  if (mantissa >= 10) return `10${superscript(k + 1)}`;
  return mantissa === 1 ? `10${superscript(k)}` : `${mantissa}·10${superscript(k)}`;
}

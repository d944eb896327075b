import { formatValue } from './format.ts';
import './ch2-widgets.css';
import { richNodes } from './rich-text.ts';
import { el, widthOf } from './dom.ts';
import { column, nullableNumber, numbers, recordField, requiredNumber, textField } from './result-fields.ts';

export { el, widthOf };
export { column, nullableNumber, numbers, recordField, requiredNumber, textField };

/*
 * Small pieces shared by chapter 2's four views: reading nested and nullable result fields,
 * sizing figures to their host, legends and ticks.
 */

const SUPERSCRIPT_DIGITS: Record<string, string> = {
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

/**
 * 10 to a possibly huge power, as text: "5100", "4·10²⁹", and past the range of a double, where
 * n itself cannot be formed, "10³⁰³⁸".
 */
export function powerOfTen(exponent: number, digits = 2): string {
  if (exponent < 300) return formatValue(10 ** exponent, digits);
  const text = String(Math.round(exponent))
    .split('')
    .map((c) => SUPERSCRIPT_DIGITS[c] ?? c)
    .join('');
  return `10${text}`;
}

/** The common look of chapter 2's figures: transparent background, text in the page's colour. */
export const PLOT_STYLE = { background: 'transparent', color: 'currentColor', fontSize: '12px' } as const;

/** A legend entry: a swatch (dot, line or dashed line) and its words, with symbols rendered. */
export function legendItem(kind: 'dot' | 'line' | 'dash' | 'bar' | 'faint', colour: string, words: string): HTMLElement {
  const item = el('span', 'ch2-legend-item');
  const swatch = el('span', `ch2-swatch ch2-swatch-${kind}`);
  swatch.style.setProperty('--swatch', colour);
  swatch.setAttribute('aria-hidden', 'true');
  // One text box beside the swatch: the flex gap would otherwise open up around each symbol.
  const label = el('span');
  label.append(...richNodes(words));
  item.append(swatch, label);
  return item;
}

/** Ticks for a log-scaled time axis: powers of ten, with the ends of short ranges filled in. */
export function logTicks(lo: number, hi: number): number[] {
  const ticks: number[] = [];
  for (let e = Math.ceil(Math.log10(lo) - 1e-9); e <= Math.floor(Math.log10(hi) + 1e-9); e++) ticks.push(10 ** e);
  if (ticks.length < 3) {
    for (const m of [2, 5]) {
      for (let e = Math.floor(Math.log10(lo)); e <= Math.floor(Math.log10(hi)); e++) {
        const v = m * 10 ** e;
        if (v >= lo && v <= hi) ticks.push(v);
      }
    }
  }
  return ticks.sort((a, b) => a - b);
}

/** Tick labels for time: 0.001, 0.01, 0.1, 1, 10 (no exponent notation on a plain axis). */
export function timeTick(t: number): string {
  return t >= 1 ? String(Number(t.toPrecision(3))) : String(Number(t.toPrecision(2)));
}

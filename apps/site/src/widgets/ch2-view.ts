import { AtlasError, type ResultRecord, type ResultValue } from '@diffusion-atlas/core';
import { formatValue } from './format.ts';
import './ch2-widgets.css';
import { richNodes } from './rich-text.ts';
import { el, widthOf } from './dom.ts';

export { el, widthOf };

/*
 * Small pieces shared by chapter 2's four views: reading nested and nullable result fields,
 * sizing figures to their host, legends and ticks.
 */

/** A nested record of a result (e.g. `trajectories`, `grid`). */
export function recordField(result: ResultRecord, key: string): ResultRecord {
  const value = result[key];
  if (typeof value === 'object' && value !== null && !ArrayBuffer.isView(value) && !Array.isArray(value)) return value as ResultRecord;
  throw new AtlasError('internal', `the result has no record field “${key}”`);
}

/** A number that the experiment reports as null when it does not exist (a crossing never reached). */
export function nullableNumber(result: ResultRecord, key: string): number | null {
  const value = result[key];
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  throw new AtlasError('internal', `the result field “${key}” is not a number`);
}

export function requiredNumber(result: ResultRecord, key: string): number {
  const value = nullableNumber(result, key);
  if (value === null) throw new AtlasError('internal', `the result has no numeric field “${key}”`);
  return value;
}

/**
 * Any numeric column as Float64: typed arrays from the worker, or plain arrays from static JSON,
 * where the build wrote non-finite values as null (read back as NaN).
 */
export function numbers(value: ResultValue | undefined, key: string): Float64Array {
  if (value instanceof Float64Array) return value;
  if (value instanceof Float32Array || value instanceof Int32Array || value instanceof Uint8Array) return Float64Array.from(value);
  if (Array.isArray(value)) return Float64Array.from(value as ReadonlyArray<unknown>, (x) => (typeof x === 'number' ? x : Number.NaN));
  throw new AtlasError('internal', `the result has no numeric column “${key}”`);
}

export function column(result: ResultRecord, key: string): Float64Array {
  return numbers(result[key], key);
}

export function textField(result: ResultRecord, key: string, fallback = ''): string {
  const value = result[key];
  return typeof value === 'string' ? value : fallback;
}

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

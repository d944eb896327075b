import * as Plot from '@observablehq/plot';
import { AtlasError, type ResultRecord } from '@diffusion-atlas/core';
import './ch5-widgets.css';
import { subscriptSvgText } from './rich-text.ts';
import { el, paramNumber, widthOf } from './dom.ts';
import { column, nullableNumber, numbers, recordField, requiredNumber, textField } from './result-fields.ts';

export { el, paramNumber, widthOf };
export { column, nullableNumber, numbers, recordField, requiredNumber, textField };

/*
 * Small pieces shared by chapter 5's three views (manifold, sphere, bridge): reading nested and
 * nullable result fields, sizing figures to their host, legends, panels and placeholders.
 */

/** The common look of the chapter's figures: transparent background, text in the page's colour. */
export const PLOT_STYLE = { background: 'transparent', color: 'currentColor', fontSize: '11px' } as const;

/** A list of records (e.g. the sphere's kernel profiles). */
export function recordList(result: ResultRecord, key: string): readonly ResultRecord[] {
  const value = result[key];
  if (Array.isArray(value) && value.every((v: unknown) => typeof v === 'object' && v !== null && !ArrayBuffer.isView(v))) return value as readonly ResultRecord[];
  throw new AtlasError('internal', `the result has no list field “${key}”`);
}

/** A titled panel: a heading, a host for the figure, and an optional note under it. */
export interface Panel {
  element: HTMLElement;
  plot: HTMLElement;
  note: HTMLElement;
}

export function panel(className: string, title: string): Panel {
  const element = el('figure', `ch5-panel ${className}`);
  const heading = el('figcaption', 'ch5-panel-title', title);
  const plot = el('div', 'ch5-plot');
  const note = el('p', 'ch5-note');
  note.hidden = true;
  element.append(heading, plot, note);
  return { element, plot, note };
}

/** A legend entry: a swatch (dot, ring, line or dashed line) and its words. */
export function legendItem(kind: 'dot' | 'ring' | 'line' | 'dash' | 'bar' | 'area', colour: string, words: string): HTMLElement {
  const item = el('span', 'ch5-legend-item');
  const swatch = el('span', `ch5-swatch ch5-swatch-${kind}`);
  swatch.style.setProperty('--swatch', colour);
  swatch.setAttribute('aria-hidden', 'true');
  item.append(swatch, el('span', undefined, words));
  return item;
}

export function legend(items: readonly HTMLElement[]): HTMLElement {
  const box = el('p', 'ch5-legend');
  box.append(...items);
  return box;
}

/** Ticks for a log axis: powers of ten, with 2 and 5 filled in when the range is short. */
export function logTicks(lo: number, hi: number): number[] {
  const ticks: number[] = [];
  for (let e = Math.ceil(Math.log10(lo) - 1e-9); e <= Math.floor(Math.log10(hi) + 1e-9); e++) ticks.push(10 ** e);
  if (ticks.length < 3) {
    for (const m of [2, 5]) {
      for (let e = Math.floor(Math.log10(lo)); e <= Math.floor(Math.log10(hi)); e++) {
        const v = m * 10 ** e;
        if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) ticks.push(v);
      }
    }
  }
  return ticks.sort((a, b) => a - b);
}

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

/** Tick labels on log axes: 0.01, 0.1, 1, 10 near unity, 10⁻⁴ or 2·10⁻⁴ further out (no "1e-4"). */
export function logTickFormat(v: number): string {
  if (v >= 1e-2 && v < 1e4) return String(Number(v.toPrecision(2)));
  const e = Math.floor(Math.log10(v) + 1e-9);
  const m = Number((v / 10 ** e).toPrecision(2));
  const sup = String(e)
    .split('')
    .map((c) => SUPERSCRIPT[c] ?? c)
    .join('');
  return m === 1 ? `10${sup}` : `${m}·10${sup}`;
}

/** [min, max] of the finite, positive values, for log scales; `fallback` when there are none. */
export function positiveExtent(values: Iterable<number>, fallback: [number, number]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!(v > 0) || !Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return lo <= hi ? [lo, hi] : fallback;
}

/** Widen a log-scale domain by a factor on each side, so marks at the ends are not cut by the frame. */
export function padLog([lo, hi]: [number, number], factor = 1.4): [number, number] {
  return [lo / factor, hi * factor];
}

export function range(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i);
}

/** A one-off data attribute on an SVG for tests and styles (numbers as written by String). */
export function tag(target: Element, values: Readonly<Record<string, string | number>>): void {
  for (const [key, value] of Object.entries(values)) target.setAttribute(`data-${key}`, String(value));
}

/** Plot.plot with the chapter's subscripts applied to its texts. */
export function plot(options: Plot.PlotOptions): SVGSVGElement | HTMLElement {
  const figure = Plot.plot(options);
  subscriptSvgText(figure);
  return figure;
}

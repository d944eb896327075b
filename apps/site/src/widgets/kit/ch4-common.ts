import { AtlasError, type ResultRecord, type ResultValue } from '@diffusion-atlas/core';
import { formatValue } from './format.ts';
import { t as msg } from '../../i18n/messages.ts';
import { el, paramNumber } from './dom.ts';

export { el, paramNumber };

/*
 * Shared pieces of chapter 4's three views (low-rank-mixture, subspace-transition,
 * subspace-editing): reading nested results, colours that hold on both themes, small DOM and SVG
 * builders, legends and the framed placeholder a figure shows before its first picture.
 */

export const SVG_NS = 'http://www.w3.org/2000/svg';

/** Plot's shared look: transparent so the page shows through, text in the panel's colour. */
export const PLOT_STYLE = { background: 'transparent', color: 'currentColor', overflow: 'visible' } as const;

/**
 * One colour per subspace. Literal colours, not theme variables, because K subspaces need K
 * distinct hues; each has a relative luminance near 0.2, which keeps at least 3:1 contrast against
 * both the light and the dark page.
 */
const COMPONENT_COLOURS = ['#2f7fd0', '#cf5f1f', '#3f8f3a', '#9652c2', '#d04c66', '#a87512'] as const;

export function componentColour(k: number): string {
  return COMPONENT_COLOURS[k % COMPONENT_COLOURS.length] ?? '#2f7fd0';
}

/** The three denoisers of the chapter, in the same colours in every figure and legend. */
export const DENOISER_COLOURS = {
  optimal: '#2f7fd0',
  trained: '#3f8f3a',
  empirical: 'var(--memorized)',
  bound: 'var(--fg-soft)',
} as const;

// ── Reading results ──────────────────────────────────────────────────────────────────────────────
// Results cross the worker boundary as structured clones; these checks make a mismatch between core
// and view fail with a readable message instead of drawing nonsense.

function missing(key: string, what: string): AtlasError {
  return new AtlasError('internal', `the result has no ${what} field “${key}”`);
}

export function isRecord(value: ResultValue | undefined): value is ResultRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

export function recordField(result: ResultRecord, key: string): ResultRecord {
  const value = result[key];
  if (isRecord(value)) return value;
  throw missing(key, 'record');
}

export function numbersField(result: ResultRecord, key: string): number[] {
  const value = result[key];
  if (value instanceof Float64Array || value instanceof Float32Array || value instanceof Int32Array) return Array.from(value);
  if (Array.isArray(value) && value.every((x: unknown) => typeof x === 'number')) return [...(value as readonly number[])];
  throw missing(key, 'numeric list');
}

// ── DOM ──────────────────────────────────────────────────────────────────────────────────────────

export function svgEl<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Readonly<Record<string, string | number>> = {}): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  return node;
}

/** The width to draw at: the host's, or `fallback` where there is no layout (build-time posters). */
export function chartWidth(host: HTMLElement, fallback: number, max = fallback, min = 240): number {
  const measured = Math.floor(host.clientWidth);
  return Math.max(min, Math.min(max, measured > 0 ? measured : fallback));
}

/**
 * A framed, empty SVG with one line of text: what a figure without a build-time poster shows
 * before its first picture, so that print and no-layout checks still find a figure of its size.
 */
export function placeholderFigure(width: number, height: number, text: string, className: string): SVGSVGElement {
  const svg = svgEl('svg', { width, height, viewBox: `0 0 ${width} ${height}`, class: `ch4-placeholder ${className}` });
  svg.append(
    svgEl('rect', { x: 0.5, y: 0.5, width: width - 1, height: height - 1, rx: 8, fill: 'none', stroke: 'var(--rule)', 'stroke-dasharray': '4 4' }),
  );
  const label = svgEl('text', { x: width / 2, y: height / 2, 'text-anchor': 'middle', 'dominant-baseline': 'middle', fill: 'var(--muted)', 'font-size': 13 });
  label.textContent = text;
  svg.append(label);
  return svg;
}

export type SwatchShape = 'line' | 'dash' | 'dot' | 'ring' | 'band' | 'disc';

export interface LegendItem {
  label: string;
  colour: string;
  shape: SwatchShape;
}

/** A line of keys; the labels are plain text for screen readers, the swatches are decoration. */
export function legend(className: string, items: readonly LegendItem[]): HTMLElement {
  const p = el('p', `ch4-legend ${className}`);
  for (const item of items) {
    const entry = el('span', 'ch4-legend-item');
    const swatch = el('span', `ch4-swatch ch4-swatch-${item.shape}`);
    swatch.setAttribute('aria-hidden', 'true');
    swatch.style.setProperty('--swatch', item.colour);
    entry.append(swatch, document.createTextNode(item.label));
    p.append(entry);
  }
  return p;
}

/** A set of toggle buttons (aria-pressed) for a view-only choice that needs no new run. */
export function toggleGroup<T extends string>(
  label: string,
  options: ReadonlyArray<{ value: T; label: string }>,
  initial: T,
  onChange: (value: T) => void,
  /** A shorter visible label where the full one would push the buttons onto two lines. */
  visibleLabel = label,
): { element: HTMLElement; value(): T } {
  const group = el('div', 'ch4-toolbar');
  group.setAttribute('role', 'group');
  group.setAttribute('aria-label', label);
  const caption = el('span', 'ch4-toolbar-label', visibleLabel);
  caption.setAttribute('aria-hidden', 'true');
  group.append(caption);
  let current = initial;
  const buttons = options.map((option) => {
    const button = el('button', 'ch4-toggle', option.label);
    button.type = 'button';
    button.dataset['value'] = option.value;
    button.setAttribute('aria-pressed', String(option.value === current));
    button.addEventListener('click', () => {
      if (current === option.value) return;
      current = option.value;
      for (const b of buttons) b.setAttribute('aria-pressed', String(b.dataset['value'] === current));
      onChange(current);
    });
    return button;
  });
  group.append(...buttons);
  return { element: group, value: () => current };
}

// ── Text ─────────────────────────────────────────────────────────────────────────────────────────

/** "lines", "planes" or "3-dimensional subspaces", for captions that name what the data lie on. */
export function subspaceWord(r: number, plural = true): string {
  if (r === 1) return plural ? msg('ch4.subspace.lines') : msg('ch4.subspace.line');
  if (r === 2) return plural ? msg('ch4.subspace.planes') : msg('ch4.subspace.plane');
  return plural ? msg('ch4.subspace.many', { r }) : msg('ch4.subspace.one', { r });
}

/** A small non-negative number the way the text writes it: 3·10⁻⁸ rather than 2.98e-8. */
export function formatSmall(x: number): string {
  return formatValue(x, 2);
}

/**
 * Ticks for a log axis: 1, 2 and 5 times the powers of ten inside [lo, hi], or only the powers when
 * that would crowd more than `max` labels. Given explicitly because Plot's default log ticks come
 * with SI-prefixed labels (30m for 0.03) that read as units.
 */
export function logTicks(lo: number, hi: number, max: number): number[] {
  if (!(lo > 0) || !(hi > lo)) return [];
  const all: number[] = [];
  const powers: number[] = [];
  for (let k = Math.floor(Math.log10(lo)); k <= Math.ceil(Math.log10(hi)); k++) {
    for (const m of [1, 2, 5]) {
      const v = Number((m * 10 ** k).toPrecision(3));
      if (v < lo * (1 - 1e-9) || v > hi * (1 + 1e-9)) continue;
      all.push(v);
      if (m === 1) powers.push(v);
    }
  }
  return all.length <= max ? all : powers;
}

/** The largest entry of a list (NaN entries ignored); −∞ for an empty list. */
export function maxOf(values: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] ?? Number.NaN;
    if (v > m) m = v;
  }
  return m;
}

export function mean(values: readonly number[]): number {
  const finite = values.filter((v) => Number.isFinite(v));
  return finite.length === 0 ? Number.NaN : finite.reduce((s, v) => s + v, 0) / finite.length;
}

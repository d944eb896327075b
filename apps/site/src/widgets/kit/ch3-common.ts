import * as Plot from '@observablehq/plot';
import { AtlasError, type ResultRecord, type ResultValue } from '@diffusion-atlas/core';
import { formatValue } from './format.ts';
import { richNodes } from './rich-text.ts';

/*
 * Shared pieces of chapter 3's three views: reading their nested results, series colours that work
 * on both themes, panels with a heading and a chart host, and small HTML legends.
 */

// ── Reading nested results ───────────────────────────────────────────────────────────────────────
// Results cross the worker boundary as structured clones of core's typed results; these checks make
// a mismatch between core and view fail with a readable message instead of drawing nonsense.

function missing(where: string, key: string, what: string): AtlasError {
  return new AtlasError('internal', `the result has no ${what} field “${where}${key}”`);
}

export function isRecord(value: ResultValue | undefined): value is ResultRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

export function recordAt(record: ResultRecord, key: string, where = ''): ResultRecord {
  const value = record[key];
  if (isRecord(value)) return value;
  throw missing(where, key, 'record');
}

export function recordsAt(record: ResultRecord, key: string, where = ''): ResultRecord[] {
  const value = record[key];
  if (Array.isArray(value) && value.every((item: unknown) => typeof item === 'object' && item !== null && !ArrayBuffer.isView(item))) {
    return value as ResultRecord[];
  }
  throw missing(where, key, 'list of records');
}

/** A number; Infinity and NaN are legitimate values here (τ_mem of a model that never memorizes, a slope of one point). */
export function numberAt(record: ResultRecord, key: string, where = ''): number {
  const value = record[key];
  if (typeof value === 'number') return value;
  throw missing(where, key, 'numeric');
}

export function float64At(record: ResultRecord, key: string, where = ''): Float64Array {
  const value = record[key];
  if (value instanceof Float64Array) return value;
  throw missing(where, key, 'Float64Array');
}

export function float32At(record: ResultRecord, key: string, where = ''): Float32Array {
  const value = record[key];
  if (value instanceof Float32Array) return value;
  throw missing(where, key, 'Float32Array');
}

export function int32At(record: ResultRecord, key: string, where = ''): Int32Array {
  const value = record[key];
  if (value instanceof Int32Array) return value;
  throw missing(where, key, 'Int32Array');
}

export function numbersAt(record: ResultRecord, key: string, where = ''): number[] {
  const value = record[key];
  if (Array.isArray(value) && value.every((x: unknown) => typeof x === 'number')) return value as number[];
  throw missing(where, key, 'number list');
}

export function paramNumber(params: Record<string, unknown>, key: string): number {
  const value = params[key];
  if (typeof value === 'number') return value;
  throw new AtlasError('internal', `the run's parameters have no number “${key}”`);
}

export function paramList(params: Record<string, unknown>, key: string): number[] {
  const value = params[key];
  if (Array.isArray(value) && value.every((x: unknown) => typeof x === 'number')) return value as number[];
  throw new AtlasError('internal', `the run's parameters have no number list “${key}”`);
}

// ── Colours ──────────────────────────────────────────────────────────────────────────────────────

/**
 * One colour per training-set size, ordered from small n (blue) to large n (ochre). Literal colours
 * rather than theme variables because a series needs several distinct hues; each has a relative
 * luminance near 0.2, which keeps at least 3:1 contrast against both the light and the dark page.
 */
const SERIES = ['#2f7fd0', '#6a62d8', '#9652c2', '#bb4796', '#d04c66', '#cf5f1f', '#b07312', '#7d8714'];

/** `count` colours spread over the whole ramp, so two series are as distinct as eight would allow. */
export function seriesColours(count: number): string[] {
  if (count <= 1) return [SERIES[0] ?? '#2f7fd0'];
  return Array.from({ length: count }, (_, i) => SERIES[Math.round((i * (SERIES.length - 1)) / (count - 1))] ?? '#2f7fd0');
}

// ── Layout ───────────────────────────────────────────────────────────────────────────────────────

export interface Panel {
  element: HTMLElement;
  title: HTMLElement;
  /** Where the chart goes; its width sets the chart's. */
  host: HTMLElement;
}

/**
 * A heading line and a chart host. Styles are inline because the views build their DOM at run time
 * and the widget stylesheet belongs to the shared machinery.
 */
export function createPanel(className: string): Panel {
  const element = document.createElement('div');
  element.className = `ch3-panel ${className}`;
  element.style.minWidth = '0';
  const title = document.createElement('p');
  title.className = 'ch3-panel-title';
  title.style.margin = '0 0 0.2rem';
  title.style.fontSize = '0.82rem';
  title.style.fontWeight = '600';
  title.style.color = 'var(--fg)';
  const host = document.createElement('div');
  host.className = 'ch3-plot';
  host.dataset['plot'] = '';
  host.style.width = '100%';
  host.style.color = 'var(--fg-soft)';
  element.append(title, host);
  return { element, title, host };
}

/** A grid that puts panels side by side when each can have `minWidth` pixels, and stacks them otherwise. */
export function createGrid(className: string, minWidth: number): HTMLElement {
  const grid = document.createElement('div');
  grid.className = className;
  grid.style.display = 'grid';
  grid.style.gridTemplateColumns = `repeat(auto-fit, minmax(min(100%, ${minWidth}px), 1fr))`;
  grid.style.gap = '0.9rem 1.1rem';
  grid.style.marginTop = '0.8rem';
  return grid;
}

/** The build-time poster shows each chart at up to this width (its stylesheet's), so charts drawn for it at this width keep their type size. */
const POSTER_WIDTH = 560;

/** The width to draw at: the host's, within [240, max]; the poster's width where there is no layout (build-time posters). */
export function chartWidth(host: HTMLElement, max: number): number {
  const measured = Math.floor(host.clientWidth);
  return measured > 0 ? Math.max(240, Math.min(max, measured)) : POSTER_WIDTH;
}

export function placeholder(text: string): HTMLElement {
  const p = document.createElement('p');
  p.className = 'ch3-placeholder';
  p.textContent = text;
  p.style.margin = '0';
  p.style.padding = '2.5rem 1rem';
  p.style.border = '1px dashed var(--rule)';
  p.style.borderRadius = '8px';
  p.style.textAlign = 'center';
  p.style.color = 'var(--muted)';
  return p;
}

export type SwatchShape = 'line' | 'dash' | 'dot' | 'ring' | 'square' | 'band';

export interface LegendItem {
  label: string;
  colour: string;
  shape: SwatchShape;
}

/** A small key mark; hidden from assistive technology, which reads the label beside it. */
export function swatch(item: LegendItem): HTMLElement {
  const s = document.createElement('span');
  s.setAttribute('aria-hidden', 'true');
  s.style.display = 'inline-block';
  s.style.marginRight = '0.3rem';
  s.style.verticalAlign = 'middle';
  switch (item.shape) {
    case 'line':
    case 'dash':
      s.style.width = '1.3rem';
      s.style.borderTop = `2px ${item.shape === 'dash' ? 'dashed' : 'solid'} ${item.colour}`;
      break;
    case 'dot':
    case 'ring':
    case 'square':
      s.style.width = '0.6rem';
      s.style.height = '0.6rem';
      s.style.borderRadius = item.shape === 'square' ? '1px' : '50%';
      s.style.background = item.shape === 'ring' ? 'transparent' : item.colour;
      s.style.border = `1.5px solid ${item.colour}`;
      break;
    case 'band':
      s.style.width = '1.1rem';
      s.style.height = '0.65rem';
      s.style.background = item.colour;
      s.style.opacity = '0.35';
      break;
  }
  return s;
}

/** A line of keys under or over a chart; the labels are plain text for screen readers. */
export function legend(className: string, items: readonly LegendItem[]): HTMLElement {
  const p = document.createElement('p');
  p.className = `ch3-legend ${className}`;
  p.style.margin = '0.3rem 0 0';
  p.style.fontSize = '0.8rem';
  p.style.color = 'var(--fg-soft)';
  p.style.display = 'flex';
  p.style.flexWrap = 'wrap';
  p.style.gap = '0.15rem 0.9rem';
  for (const item of items) {
    const span = document.createElement('span');
    span.style.whiteSpace = 'nowrap';
    span.append(swatch(item), ...richNodes(item.label));
    p.append(span);
  }
  return p;
}

// ── Axes and numbers ─────────────────────────────────────────────────────────────────────────────

/** Powers of ten inside [lo, hi], thinned to at most `max` of them so labels never collide. */
export function decadeTicks(lo: number, hi: number, max: number): number[] {
  const first = Math.ceil(Math.log10(lo) - 1e-9);
  const last = Math.floor(Math.log10(hi) + 1e-9);
  const count = last - first + 1;
  if (count <= 0) return [];
  const stride = Math.max(1, Math.ceil(count / Math.max(1, max)));
  const ticks: number[] = [];
  for (let k = first; k <= last; k += stride) ticks.push(10 ** k);
  return ticks;
}

const SUPERSCRIPT_DIGITS = '⁰¹²³⁴⁵⁶⁷⁸⁹';

function powerOfTen(k: number): string {
  const digits = String(Math.abs(k))
    .split('')
    .map((c) => SUPERSCRIPT_DIGITS[Number(c)] ?? c)
    .join('');
  return `10${k < 0 ? '⁻' : ''}${digits}`;
}

/** Tick labels for log axes: 0.1 to 1000 as they are, powers of ten beyond as 10⁴ or 10⁻², other values to two digits. */
export function tickLabel(x: number): string {
  if (!(x > 0)) return formatValue(x);
  const k = Math.round(Math.log10(x));
  const isPower = Math.abs(Math.log10(x) - k) < 1e-9;
  if (isPower && (k > 3 || k < -1)) return powerOfTen(k);
  return formatValue(x, 2);
}

export interface LogAxisOptions {
  label: string | null;
  anchor?: 'top' | 'bottom' | 'left' | 'right';
  labelAnchor?: 'left' | 'right' | 'center' | 'top' | 'bottom';
  /** Text for a tick value; defaults to `tickLabel`. */
  text?: (value: number) => string;
  className?: string;
}

/*
 * Explicit axis marks for log scales: given a tick list and a format function, Plot hands the
 * format to d3's log tickFormat, which blanks every label whose mantissa is not 1, 2 or 5 or so;
 * a text channel is printed as it is.
 */
export function logAxisX(ticks: readonly number[], o: LogAxisOptions): Plot.CompoundMark {
  return Plot.axisX([...ticks], {
    anchor: o.anchor ?? 'bottom',
    label: o.label,
    labelAnchor: o.labelAnchor ?? 'right',
    text: o.text ?? tickLabel,
    ...(o.className === undefined ? {} : { className: o.className }),
  });
}

export function logAxisY(ticks: readonly number[], o: LogAxisOptions): Plot.CompoundMark {
  return Plot.axisY([...ticks], {
    anchor: o.anchor ?? 'left',
    label: o.label,
    labelAnchor: o.labelAnchor ?? 'top',
    text: o.text ?? tickLabel,
    ...(o.className === undefined ? {} : { className: o.className }),
  });
}

/**
 * A training time or other positive quantity for running text: 10⁶ rather than 1000000, 4.2·10⁴
 * rather than 42000, other values between 0.01 and 10⁴ as plain digits, and “∞” for a limit never reached.
 */
export function formatTime(x: number): string {
  if (x === Infinity) return '∞';
  const exponent = Math.log10(x);
  // Training times are often set to a power of ten; 10³ reads better beside 10⁴ than 1000 does.
  if (Math.abs(exponent - Math.round(exponent)) < 1e-9 && (exponent >= 3 || exponent <= -2)) return powerOfTen(Math.round(exponent));
  if (!(x > 0) || (x >= 1e-2 && x < 1e4)) return formatValue(x, 2);
  const k = Math.floor(Math.log10(x));
  const mantissa = Number((x / 10 ** k).toPrecision(2));
  if (mantissa >= 10) return powerOfTen(k + 1);
  return mantissa === 1 ? powerOfTen(k) : `${mantissa}·${powerOfTen(k)}`;
}

/** Geometric mean of the positive entries, or NaN when there are none. */
export function geometricMean(values: readonly number[]): number {
  const positive = values.filter((v) => v > 0 && Number.isFinite(v));
  if (positive.length === 0) return Number.NaN;
  return Math.exp(positive.reduce((s, v) => s + Math.log(v), 0) / positive.length);
}

export function range(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i);
}

/** Plot's shared look: transparent so the page shows through, text in the panel's colour. */
export const PLOT_STYLE = { background: 'transparent', color: 'currentColor', overflow: 'visible' } as const;

import type { ResultRecord } from '@diffusion-atlas/core';
import { t as msg } from '../../../i18n/messages.ts';
import { formatValue, powerOfTen } from '../../kit/format.ts';
import { column, recordField, requiredNumber } from '../../kit/result-fields.ts';

export const STATIC_SWEEP_PATH = '/data/curse.json';
/** Parameters that decide the picture; `resolution` only refines it. */
export const STATE_KEYS = ['sigma', 'tStar', 'dMin', 'dMax'] as const;
/** The server DOM of build-time posters has no canvas: SVG cells then, at most this many per axis. */
export const SVG_CELLS_PER_AXIS = 32;
/** Reference dimensions marked on the diagram (Table 1 of the paper; MNIST as this atlas uses it). */
export const LANDMARKS = [
  { d: 784, key: 'curse.landmark.mnist' },
  { d: 3072, key: 'curse.landmark.cifar' },
] as const;
export const SVG_NS = 'http://www.w3.org/2000/svg';
export const MAX_WIDTH = 680;

export interface Sweep {
  source: 'static' | 'live';
  params: Record<string, number>;
  d: Float64Array;
  log10nRequired: Float64Array;
  tS: Float64Array;
  alphaRequired: number;
  rowsD: Float64Array;
  colsLog10n: Float64Array;
  /** rows × cols, row-major (d rows, log₁₀ n columns). */
  tC: Float64Array;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function numericParams(params: Record<string, unknown>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(params)) if (typeof value === 'number') out[key] = value;
  return out;
}

export function sweepOf(params: Record<string, unknown>, result: ResultRecord, source: Sweep['source']): Sweep {
  const grid = recordField(result, 'grid');
  return {
    source,
    params: numericParams(params),
    d: column(result, 'd'),
    log10nRequired: column(result, 'log10nRequired'),
    tS: column(result, 'tS'),
    alphaRequired: requiredNumber(result, 'alphaRequired'),
    rowsD: column(grid, 'd'),
    colsLog10n: column(grid, 'log10n'),
    tC: column(grid, 'tC'),
  };
}

export function canvasAvailable(): boolean {
  const canvas = document.createElement('canvas');
  return typeof canvas.getContext === 'function' && canvas.getContext('2d') !== null;
}

export function sameState(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  return STATE_KEYS.every((key) => typeof a[key] === 'number' && a[key] === b[key]);
}

export async function loadStaticSweep(): Promise<Sweep> {
  const response = await fetch(new URL(STATIC_SWEEP_PATH, window.location.href));
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return staticSweepOf(await response.json());
}

export function staticSweepOf(file: unknown): Sweep {
  if (!isRecord(file) || !isRecord(file['params']) || !isRecord(file['result'])) throw new Error('unexpected format');
  // JSON carries the same fields as a run, with plain arrays; the field readers accept both.
  return sweepOf(file['params'], file['result'] as ResultRecord, 'static');
}

/** Cell boundaries of a geometric axis: geometric midpoints, the domain at the ends. */
export function edges(values: Float64Array, lo: number, hi: number): Float64Array {
  const out = new Float64Array(values.length + 1);
  out[0] = lo;
  for (let i = 1; i < values.length; i++) out[i] = Math.sqrt((values[i - 1] ?? lo) * (values[i] ?? hi));
  out[values.length] = hi;
  return out;
}

/** Linear interpolation in a table (the required log₁₀ n is linear in d, so this is exact). */
export function interpolate(xs: Float64Array, ys: Float64Array, x: number): number | null {
  for (let i = 1; i < xs.length; i++) {
    const x0 = xs[i - 1] ?? Number.NaN;
    const x1 = xs[i] ?? Number.NaN;
    if (x >= x0 && x <= x1) {
      const y0 = ys[i - 1] ?? Number.NaN;
      const y1 = ys[i] ?? Number.NaN;
      return x1 === x0 ? y0 : y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
    }
  }
  return null;
}

export function requirementText(s: Sweep): string {
  const examples = [10, 100, 784, s.params['dMax'] ?? Number.NaN]
    .filter((d, i, all) => all.indexOf(d) === i)
    .flatMap((d) => {
      const need = interpolate(s.d, s.log10nRequired, d);
      if (need === null) return [];
      const vars = { n: powerOfTen(need), d: formatValue(d) };
      return [d === 784 ? msg('curse.example.mnist', vars) : msg('curse.example', vars)];
    });
  const tStar = formatValue(s.params['tStar'] ?? Number.NaN);
  const sigma = formatValue(s.params['sigma'] ?? Number.NaN);
  return msg('curse.requirement', { tStar, sigma, alpha: formatValue(s.alphaRequired, 3), examples: examples.join(msg('list.separator')) });
}

export function sourceText(s: Sweep): string {
  const size = msg('curse.size', { rows: s.rowsD.length, cols: s.colsLog10n.length });
  return s.source === 'static' ? msg('curse.source.static', { size }) : msg('curse.source.live', { size });
}

/** Grid columns to draw as t_C(d) slices: n ≈ 10³, 10³⁰, 10³⁰⁰, … where the axis reaches them. */
export function sliceColumns(cols: Float64Array): number[] {
  const lo = cols[0] ?? 0;
  const hi = cols[cols.length - 1] ?? 0;
  let targets = [3, 30, 300, 3000, 30000].filter((x) => x >= lo && x <= hi);
  if (targets.length < 2) targets = [0.2, 0.5, 0.8, 1].map((f) => lo * (hi / lo) ** f);
  const picked = targets.map((target) => {
    let best = 0;
    for (let j = 1; j < cols.length; j++) if (Math.abs(Math.log((cols[j] ?? 1) / target)) < Math.abs(Math.log((cols[best] ?? 1) / target))) best = j;
    return best;
  });
  return [...new Set(picked)].slice(0, 4);
}

/**
 * The curse of dimensionality: the closed-form t_C over (d, n) as a heat map with the line
 * t_C = t* (the required n), and t_C(d) at a few n beside t_S(d). The default state comes from a
 * fine sweep precomputed at build time; any other state is the live, coarser run.
 */

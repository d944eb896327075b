import * as Plot from '@observablehq/plot';
import { SCHEME, type Cell, type Transition } from './transition.ts';
import { t as msg } from '../../../i18n/messages.ts';
import { cellMapFrame } from '../../kit/cell-map.ts';
import { formatPercent, formatValue } from '../../kit/format.ts';
import type { StrokeStyle } from '../../kit/legend.ts';
import { plot, PLOT_STYLE } from '../../kit/plot-style.ts';
import { DENOISER_COLOURS } from '../low-rank-mixture/error-chart.ts';

export function edges(values: readonly number[]): Map<number, [number, number]> {
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  const out = new Map<number, [number, number]>();
  sorted.forEach((v, i) => {
    const prev = sorted[i - 1];
    const next = sorted[i + 1];
    const lo = prev !== undefined ? (prev + v) / 2 : next !== undefined ? v - (next - v) / 2 : v - 0.5;
    const hi = next !== undefined ? (next + v) / 2 : prev !== undefined ? v + (v - prev) / 2 : v + 0.5;
    out.set(v, [lo, hi]);
  });
  return out;
}

export function cellsOf(t: Transition): Cell[] {
  const xe = edges(t.nValues);
  const ye = edges(t.rValues);
  const cells: Cell[] = [];
  t.rValues.forEach((r, i) => {
    t.nValues.forEach((n, j) => {
      const c = i * t.nValues.length + j;
      const [x1, x2] = xe.get(n) ?? [n - 0.5, n + 0.5];
      const [y1, y2] = ye.get(r) ?? [r - 0.5, r + 0.5];
      cells.push({
        r,
        n,
        success: t.success[c] ?? Number.NaN,
        error: t.error[c] ?? Number.NaN,
        theory: t.theory[c] ?? Number.NaN,
        memorized: t.memorized[c] ?? Number.NaN,
        baseline: t.baseline[c] ?? Number.NaN,
        learned: t.learned[c] ?? Number.NaN,
        empirical: t.empirical[c] ?? Number.NaN,
        x1,
        x2,
        y1,
        y2,
      });
    });
  });
  return cells;
}

/** Integer ticks: every value when they fit, else an even thinning of them. */
export function ticksFor(values: readonly number[], room: number): number[] {
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  const fit = Math.max(2, Math.floor(room / 26));
  if (sorted.length <= fit) return sorted;
  const stride = Math.ceil(sorted.length / fit);
  return sorted.filter((_, i) => i % stride === 0);
}

export function heatmap(t: Transition, width: number): SVGSVGElement | HTMLElement {
  const cells = cellsOf(t);
  const { xLo, xHi, yLo, yHi, diagonalLo: a, diagonalHi: b, diagonal } = cellMapFrame(cells);
  const height = Math.round(Math.min(420, Math.max(200, width * 0.62)));
  const svg = plot({
    width,
    height,
    marginLeft: 40,
    marginRight: 10,
    marginTop: 22,
    marginBottom: 36,
    className: 'subspace-transition-heatmap',
    ariaLabel: msg('subspace-transition.aria.heat', { ns: t.nValues.length, rs: t.rValues.length }),
    style: PLOT_STYLE,
    x: { domain: [xLo, xHi], label: msg('subspace-transition.x.n'), labelAnchor: 'right', ticks: ticksFor(t.nValues, width - 50), tickFormat: (v: number) => String(v) },
    y: { domain: [yLo, yHi], label: msg('subspace-transition.y.r'), labelAnchor: 'top', ticks: ticksFor(t.rValues, height - 60), tickFormat: (v: number) => String(v) },
    color: { type: 'linear', domain: [0, 1], scheme: SCHEME },
    marks: [
      Plot.rect(cells, {
        x1: 'x1',
        x2: 'x2',
        y1: 'y1',
        y2: 'y2',
        fill: (c: Cell) => (Number.isFinite(c.success) ? c.success : 0),
        inset: 0,
        title: (c: Cell) =>
          msg(Number.isFinite(c.theory) ? 'subspace-transition.cell.theory' : 'subspace-transition.cell', {
            r: c.r,
            n: c.n,
            success: formatPercent(c.success),
            trials: t.trials,
            error: formatValue(c.error, 2),
            theory: formatValue(c.theory, 2),
          }),
        className: 'subspace-transition-cell',
      }),
      // A light line on a dark halo reads on every colour of the scheme, in both themes.
      Plot.line(diagonal, { x: 'v', y: 'v', stroke: '#000', strokeOpacity: 0.7, strokeWidth: 4 }),
      Plot.line(diagonal, { x: 'v', y: 'v', stroke: '#fff', strokeWidth: 1.6, className: 'subspace-transition-diagonal' }),
      Plot.text(diagonal.length > 0 ? ['n = r'] : [], {
        x: () => a + 0.78 * (b - a),
        y: () => a + 0.78 * (b - a),
        dx: -8,
        dy: -2,
        textAnchor: 'end',
        fill: '#fff',
        stroke: '#000',
        strokeWidth: 3,
        paintOrder: 'stroke',
        fontSize: 12,
        fontWeight: 600,
        className: 'subspace-transition-diagonal-label',
      }),
    ],
  });
  svg.dataset['source'] = t.source;
  svg.dataset['cells'] = String(cells.length);
  svg.dataset['rows'] = String(t.rValues.length);
  svg.dataset['columns'] = String(t.nValues.length);
  return svg;
}

/** The colour key as SVG rects: Plot's own ramp legend paints a canvas, which posters lack. */
export function colourScale(width: number): SVGSVGElement | HTMLElement {
  const steps = 50;
  const segments = Array.from({ length: steps }, (_, k) => ({ x1: k / steps, x2: (k + 1) / steps }));
  return plot({
    width,
    height: 44,
    marginLeft: 10,
    marginRight: 16,
    marginTop: 16,
    marginBottom: 16,
    className: 'subspace-transition-colour-scale',
    ariaLabel: msg('subspace-transition.aria.colour'),
    style: PLOT_STYLE,
    x: { domain: [0, 1], ticks: [0, 0.25, 0.5, 0.75, 1], tickFormat: (v: number) => formatPercent(v), label: null },
    color: { type: 'linear', domain: [0, 1], scheme: SCHEME },
    marks: [
      Plot.rect(segments, { x1: 'x1', x2: 'x2', fill: (s: { x1: number; x2: number }) => (s.x1 + s.x2) / 2 }),
      Plot.text([msg('subspace-transition.colour')], { frameAnchor: 'top-left', dy: -9, textAnchor: 'start', fill: 'currentColor', fontSize: 10 }),
    ],
  });
}

export const R_COLOURS = ['#6a62d8', '#cf5f1f'] as const;

/*
 * The profile's lines, read by the marks and the legend alike. The measured and theory curves take
 * their colour from r, so their keys show only what tells them apart: solid against dashed.
 */
export const MEASURED_LINE: StrokeStyle = { stroke: 'var(--fg-soft)', strokeWidth: 1.6 };
export const THEORY_LINE: StrokeStyle = { stroke: 'var(--fg-soft)', strokeWidth: 1.2, strokeDasharray: '5 3' };
export const TOLERANCE_RULE: StrokeStyle = { stroke: 'var(--muted)', strokeDasharray: '1 3' };

/**
 * The n/r axis as an explicit mark with a text channel: a tickFormat on a log scale goes through
 * d3's log tickFormat, which blanks some of the given labels (0.5 and 8 vanished).
 */
export function ratioAxis(lo: number, hi: number): Plot.CompoundMark {
  const ticks = [0.1, 0.25, 0.5, 1, 2, 4, 8, 16].filter((v) => v >= lo * 0.9 && v <= hi * 1.1);
  return Plot.axisX(ticks, { label: 'n / r →', labelAnchor: 'right', text: (v: number) => formatValue(v) });
}

export function errorProfile(t: Transition, width: number): SVGSVGElement | HTMLElement {
  const cells = cellsOf(t).filter((c) => Number.isFinite(c.error));
  const theory = cells.filter((c) => Number.isFinite(c.theory));
  const ratios = cells.map((c) => c.n / c.r);
  const lo = Math.min(...ratios, 0.5);
  const hi = Math.max(...ratios, 2);
  const rDomain: [number, number] = [Math.min(...t.rValues), Math.max(Math.max(...t.rValues), Math.min(...t.rValues) + 1)];
  const svg = plot({
    width,
    height: Math.round(Math.min(280, width * 0.72)),
    marginLeft: 40,
    marginRight: 12,
    marginTop: 22,
    marginBottom: 36,
    className: 'subspace-transition-profile',
    ariaLabel: msg('subspace-transition.aria.error'),
    style: PLOT_STYLE,
    x: { type: 'log', domain: [lo * 0.9, hi * 1.1] },
    y: { label: msg('subspace-transition.y.error'), labelAnchor: 'top', grid: true, domain: [0, Math.max(0.6, ...cells.map((c) => c.error), ...theory.map((c) => c.theory)) * 1.05] },
    color: { type: 'linear', domain: rDomain, range: [...R_COLOURS], interpolate: 'hcl' },
    marks: [
      ratioAxis(lo, hi),
      Plot.ruleX([1], { stroke: 'var(--fg-soft)', strokeDasharray: '3 3', className: 'subspace-transition-threshold' }),
      Plot.ruleY([t.tolerance], { ...TOLERANCE_RULE, className: 'subspace-transition-tolerance' }),
      Plot.line(theory, { x: (c: Cell) => c.n / c.r, y: 'theory', z: 'r', ...THEORY_LINE, stroke: 'r', className: 'subspace-transition-theory' }),
      Plot.line(cells, { x: (c: Cell) => c.n / c.r, y: 'error', z: 'r', ...MEASURED_LINE, stroke: 'r', className: 'subspace-transition-error' }),
      Plot.dot(cells, { x: (c: Cell) => c.n / c.r, y: 'error', fill: 'r', r: 1.8, className: 'subspace-transition-error-points' }),
    ],
  });
  return svg;
}

/*
 * The memorization panel's three series, read by the marks and the legend alike, in the colours
 * chapter 4's first figure gives the trained and the empirical denoiser. The empirical line is also
 * dashed and its points square, so the two models differ without colour.
 */
export const LEARNED_LINE: StrokeStyle = { stroke: DENOISER_COLOURS.trained, strokeWidth: 2 };
export const EMPIRICAL_LINE: StrokeStyle = { stroke: DENOISER_COLOURS.empirical, strokeWidth: 2, strokeDasharray: '6 3' };
export const CHANCE_LINE: StrokeStyle = { stroke: 'var(--fg)', strokeWidth: 1.6, strokeDasharray: '1.5 3' };

/** Per sample count n: the cells' fractions averaged over the grid's r values (NaN cells skipped). */
export interface MemoryPoint {
  n: number;
  learned: number;
  empirical: number;
  chance: number;
}

export function memoryByN(t: Transition): MemoryPoint[] {
  const cells = cellsOf(t);
  return [...new Set(t.nValues)]
    .sort((a, b) => a - b)
    .map((n) => {
      const column = cells.filter((c) => c.n === n);
      const avg = (f: (c: Cell) => number): number => {
        const v = column.map(f).filter(Number.isFinite);
        return v.length === 0 ? Number.NaN : v.reduce((s, x) => s + x, 0) / v.length;
      };
      return { n, learned: avg((c) => c.learned), empirical: avg((c) => c.empirical), chance: avg((c) => c.baseline) };
    })
    .filter((p) => Number.isFinite(p.learned) && Number.isFinite(p.empirical) && Number.isFinite(p.chance));
}

/** Sample-count ticks on the log axis: powers of two, and the ends of the grid. */
function countTicks(lo: number, hi: number): number[] {
  const ticks = [1, 2, 4, 8, 16, 32, 64, 128, 256].filter((v) => v >= lo && v <= hi);
  return ticks.length >= 2 ? ticks : [...new Set([lo, hi])];
}

export function memoryProfile(t: Transition, width: number): SVGSVGElement | HTMLElement {
  const points = memoryByN(t);
  const ns = points.map((p) => p.n);
  const lo = Math.min(...ns, 1);
  const hi = Math.max(...ns, 2);
  const tip = (p: MemoryPoint): string =>
    msg('subspace-transition.memory.point', { n: p.n, learned: formatPercent(p.learned), empirical: formatPercent(p.empirical), chance: formatPercent(p.chance) });
  const svg = plot({
    width,
    height: Math.round(Math.min(280, width * 0.72)),
    marginLeft: 44,
    marginRight: 12,
    marginTop: 22,
    marginBottom: 36,
    className: 'subspace-transition-memory',
    ariaLabel: msg('subspace-transition.aria.memory'),
    style: PLOT_STYLE,
    x: { type: 'log', domain: [lo / 1.15, hi * 1.15] },
    // A square-root scale: the learned model and the chance level sit at a few per cent, where a
    // linear axis would draw them as one line on the floor.
    y: {
      type: 'sqrt',
      label: msg('subspace-transition.y.memory'),
      labelAnchor: 'top',
      domain: [0, 1],
      grid: true,
      ticks: [0, 0.01, 0.05, 0.25, 0.5, 1],
      tickFormat: (v: number) => formatPercent(v),
    },
    marks: [
      Plot.axisX(countTicks(lo, hi), { label: msg('subspace-transition.x.count'), labelAnchor: 'right', text: (v: number) => String(v) }),
      Plot.line(points, { x: 'n', y: 'empirical', ...EMPIRICAL_LINE, className: 'subspace-transition-empirical' }),
      Plot.dot(points, { x: 'n', y: 'empirical', symbol: 'square', r: 2.6, fill: EMPIRICAL_LINE.stroke, title: tip, className: 'subspace-transition-empirical-points' }),
      Plot.line(points, { x: 'n', y: 'learned', ...LEARNED_LINE, className: 'subspace-transition-learned' }),
      Plot.dot(points, { x: 'n', y: 'learned', r: 2.4, fill: LEARNED_LINE.stroke, title: tip, className: 'subspace-transition-learned-points' }),
      // Last, over the learned curve it follows.
      Plot.line(points, { x: 'n', y: 'chance', ...CHANCE_LINE, className: 'subspace-transition-chance' }),
    ],
  });
  svg.dataset['points'] = String(points.length);
  return svg;
}

import * as Plot from '@observablehq/plot';
import { t as msg } from '../../../i18n/messages.ts';
import { formatValue } from '../../kit/format.ts';
import { range } from '../../kit/arrays.ts';
import { logAxisX, logTickLabel, logTicks } from '../../kit/log-scale.ts';
import { BOTTOM_AXIS_MARGIN, plot, PLOT_STYLE } from '../../kit/plot-style.ts';
import type { State } from './state.ts';

/** Bins of the spectrum histogram over log λ: enough to separate the bulks at p in the hundreds. */
export const SPECTRUM_BINS = 44;

export interface Histogram {
  edges: number[];
  counts: number[][];
}

/** Counts per log-spaced bin, for display only (the eigenvalues themselves come from the worker). */
export function histogram(s: State): Histogram {
  const eigenvalues = s.r.runs.flatMap((run) => Array.from(run.eigenvalues)).filter((x) => x > 0);
  // Before any size is trained there are no eigenvalues: the axis spans what theory predicts.
  const predicted = [s.r.constants.s2, ...s.rho2, ...s.r.runs.flatMap((run) => run.rho1Edges)].filter((x) => x > 0);
  const all = eigenvalues.length > 0 ? eigenvalues : predicted;
  const lo = Math.min(...all) / 1.12;
  const hi = Math.max(...all) * 1.12;
  const a = Math.log(lo);
  const step = (Math.log(hi) - a) / SPECTRUM_BINS;
  const edges = range(SPECTRUM_BINS + 1).map((k) => Math.exp(a + k * step));
  const counts = s.r.runs.map((run) => {
    const c = new Array<number>(SPECTRUM_BINS).fill(0);
    for (const x of run.eigenvalues) {
      if (!(x > 0)) continue;
      const k = Math.min(SPECTRUM_BINS - 1, Math.max(0, Math.floor((Math.log(x) - a) / step)));
      c[k] = (c[k] ?? 0) + 1;
    }
    return c;
  });
  return { edges, counts };
}

/** λ ↦ τ_λ = ψ_p/(2Δ_t λ): the time at which gradient flow has learnt the mode λ. */
export function relaxation(s: State, lambda: number): number {
  return s.psiP / (2 * s.deltaT * lambda);
}

export function spectrumPlot(s: State, h: Histogram, width: number): SVGSVGElement | HTMLElement {
  const lo = h.edges[0] ?? 1e-3;
  const hi = h.edges[h.edges.length - 1] ?? 1;
  const top = Math.max(1, ...h.counts.flat());
  // Ticks of the second axis: the λ at which τ_λ is a power of ten.
  const tauTicks = logTicks(relaxation(s, hi), relaxation(s, lo), Math.floor(width / 60));
  const lambdaForTau = tauTicks.map((tau) => s.psiP / (2 * s.deltaT * tau));
  const outline = (counts: readonly number[]): Array<{ x: number; y: number }> => {
    const pts: Array<{ x: number; y: number }> = [{ x: lo, y: 0 }];
    counts.forEach((c, k) => {
      pts.push({ x: h.edges[k] ?? lo, y: c }, { x: h.edges[k + 1] ?? hi, y: c });
    });
    pts.push({ x: hi, y: 0 });
    return pts;
  };
  return plot({
    width,
    height: 240,
    marginLeft: 40,
    marginRight: 12,
    // The top axis's title carries a subscript (τ_λ), which hangs lower than plain text: room for it over the ticks.
    marginTop: 48,
    marginBottom: BOTTOM_AXIS_MARGIN,
    className: 'training-window-spectrum-figure',
    ariaLabel: msg('training-window.aria.spectrum', { p: s.p }),
    ariaDescription: msg('training-window.aria.spectrumDescription', { s2: formatValue(s.r.constants.s2, 2), lo: formatValue(s.rho2[0], 2), hi: formatValue(s.rho2[1], 2) }),
    style: PLOT_STYLE,
    x: { type: 'log', domain: [lo, hi] },
    y: { type: 'sqrt', domain: [0, top * 1.08], label: msg('training-window.y.count'), ticks: [0, 10, 100, 1000].filter((c) => c <= top * 1.08) },
    marks: [
      Plot.frame({ strokeOpacity: 0.15 }),
      logAxisX(logTicks(lo, hi, 6), { label: msg('training-window.x.lambda') }),
      logAxisX(lambdaForTau, {
        anchor: 'top',
        label: msg('training-window.x.relaxation'),
        text: (lambda: number) => logTickLabel(relaxation(s, lambda)),
        className: 'training-window-tau-axis',
      }),
      Plot.ruleX([s.r.constants.s2], { stroke: 'var(--fg-soft)', strokeDasharray: '2 3', className: 'training-window-s2' }),
      // a size still to come (a run on its way) has no eigenvalues yet, and no outline
      ...h.counts.flatMap((counts, i) => {
        if ((s.r.runs[i]?.eigenvalues.length ?? 0) === 0) return [];
        const pts = outline(counts);
        const colour = s.colours[i] ?? 'currentColor';
        return [
          Plot.area(pts, { x1: 'x', y1: () => 0, y2: 'y', fill: colour, fillOpacity: 0.08 }),
          Plot.line(pts, { x: 'x', y: 'y', stroke: colour, strokeWidth: 1.4, curve: 'linear', className: 'training-window-spectrum' }),
        ];
      }),
    ],
  });
}

/** The predicted supports under the histogram: ρ₁ per n (it moves), ρ₂ once (it does not), s_t² as a rule. */
export function edgesPlot(s: State, h: Histogram, width: number): SVGSVGElement | HTMLElement {
  const lo = h.edges[0] ?? 1e-3;
  const hi = h.edges[h.edges.length - 1] ?? 1;
  const rows = s.r.runs.length + 1;
  const clamp = (x: number): number => Math.min(hi, Math.max(lo, x));
  // Labels sit right of their bar, except where the bar reaches the right edge.
  const labelLeft = (b: { x2: number }): boolean => Math.log(b.x2 / lo) > 0.75 * Math.log(hi / lo);
  const bars = [
    ...s.r.runs.map((run, i) => ({ row: `ρ₁, n = ${run.n}`, x1: clamp(run.rho1Edges[0]), x2: clamp(run.rho1Edges[1]), colour: s.colours[i] ?? 'currentColor', kind: 'rho1' })),
    { row: msg('training-window.rho2'), x1: clamp(s.rho2[0]), x2: clamp(s.rho2[1]), colour: 'var(--fg-soft)', kind: 'rho2' },
  ];
  return plot({
    width,
    height: 16 + 15 * rows,
    marginLeft: 40,
    marginRight: 12,
    marginTop: 4,
    marginBottom: 12,
    className: 'training-window-edges-figure',
    ariaLabel: msg('training-window.aria.edges'),
    style: PLOT_STYLE,
    x: { type: 'log', domain: [lo, hi], axis: null },
    y: { domain: bars.map((b) => b.row), axis: null, padding: 0.3 },
    marks: [
      Plot.ruleX([s.r.constants.s2], { stroke: 'var(--fg-soft)', strokeDasharray: '2 3' }),
      Plot.text(['sₜ²'], { x: () => s.r.constants.s2, y: () => bars[bars.length - 1]?.row, dx: 4, textAnchor: 'start', fill: 'var(--fg-soft)', fontSize: 10 }),
      Plot.ruleY(
        bars.filter((b) => b.kind === 'rho1'),
        { y: 'row', x1: 'x1', x2: 'x2', stroke: (b: { colour: string }) => b.colour, strokeWidth: 5, strokeLinecap: 'round', className: 'training-window-rho1-edges' },
      ),
      Plot.ruleY(
        bars.filter((b) => b.kind === 'rho2'),
        { y: 'row', x1: 'x1', x2: 'x2', stroke: 'var(--fg-soft)', strokeWidth: 5, strokeLinecap: 'round', className: 'training-window-rho2-edges' },
      ),
      // A label goes on whichever side of its bar has room: the right of a bar near the peak, the left otherwise.
      Plot.text(
        bars.filter((b) => !labelLeft(b)),
        { y: 'row', x: 'x2', text: 'row', textAnchor: 'start', dx: 6, fill: 'var(--fg-soft)', fontSize: 10 },
      ),
      Plot.text(
        bars.filter((b) => labelLeft(b)),
        { y: 'row', x: 'x1', text: 'row', textAnchor: 'end', dx: -6, fill: 'var(--fg-soft)', fontSize: 10 },
      ),
    ],
    color: { type: 'identity' },
  });
}

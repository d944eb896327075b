import * as Plot from '@observablehq/plot';
import { delta, rho2Edges, type ResultRecord, type TrainingWindowResult, type TrainingWindowRun } from '@diffusion-atlas/core';
import type { RunOutput } from '@diffusion-atlas/worker';
import { t as msg } from '../../i18n/messages.ts';
import { paramNumber, widthOf } from '../kit/dom.ts';
import { formatTime, formatValue } from '../kit/format.ts';
import { placeholder } from '../kit/placeholder-figure.ts';
import { float64Field, numberField, numberList, recordField, recordList } from '../kit/result-fields.ts';
import { range } from '../kit/arrays.ts';
import { seriesColours } from '../kit/colours.ts';
import { legend, type LegendItem } from '../kit/legend.ts';
import { logAxisX, logAxisY, logTickLabel, logTicks } from '../kit/log-scale.ts';
import { type Panel, panel, panelGrid } from '../kit/panels.ts';
import { PLOT_STYLE } from '../kit/plot-style.ts';
import { defineView, type OutputOf, type ParamValues } from '../kit/view.ts';
import { setRichText } from '../kit/rich-text.ts';

const MAX_WIDTH = 720;
/** Bins of the spectrum histogram over log λ: enough to separate the bulks at p in the hundreds. */
const SPECTRUM_BINS = 44;

function readRun(record: ResultRecord, i: number): TrainingWindowRun {
  const where = `runs[${i}].`;
  const edges = numberList(record, 'rho1Edges', where);
  return {
    psiN: numberField(record, 'psiN', where),
    n: numberField(record, 'n', where),
    tau: float64Field(record, 'tau', where),
    trainLoss: float64Field(record, 'trainLoss', where),
    testLoss: float64Field(record, 'testLoss', where),
    scoreError: float64Field(record, 'scoreError', where),
    generalizationGap: float64Field(record, 'generalizationGap', where),
    tauGen: numberField(record, 'tauGen', where),
    tauMem: numberField(record, 'tauMem', where),
    generalizationGapFinal: numberField(record, 'generalizationGapFinal', where),
    tauMemTheory: numberField(record, 'tauMemTheory', where),
    eigenvalues: float64Field(record, 'eigenvalues', where),
    rho1Edges: [edges[0] ?? Number.NaN, edges[1] ?? Number.NaN],
  };
}

function readResult(result: ResultRecord): TrainingWindowResult {
  const c = recordField(result, 'constants');
  const s = recordField(result, 'slopes');
  return {
    constants: {
      mu1: numberField(c, 'mu1', 'constants.'),
      sigmaNorm2: numberField(c, 'sigmaNorm2', 'constants.'),
      b: numberField(c, 'b', 'constants.'),
      v2: numberField(c, 'v2', 'constants.'),
      s2: numberField(c, 's2', 'constants.'),
    },
    runs: recordList(result, 'runs').map(readRun),
    slopes: { tauGen: numberField(s, 'tauGen', 'slopes.'), tauMem: numberField(s, 'tauMem', 'slopes.'), tauMemTheory: numberField(s, 'tauMemTheory', 'slopes.') },
  };
}

/** What the view draws from: the result plus the few parameters the overlays need. */
interface State {
  r: TrainingWindowResult;
  colours: string[];
  d: number;
  p: number;
  psiP: number;
  t: number;
  deltaT: number;
  tauMin: number;
  tauMax: number;
  /** Leading-order edges of the population bulk ρ_2 (derived, isotropic data). */
  rho2: [number, number];
  matrix: string;
}

function stateOf(output: RunOutput): State {
  const r = readResult(output.result);
  const params = output.params;
  const d = paramNumber(params, 'd');
  const p = Math.round(paramNumber(params, 'psiP') * d);
  const psiP = p / d;
  const t = paramNumber(params, 't');
  return {
    r,
    colours: seriesColours(r.runs.length),
    d,
    p,
    psiP,
    t,
    deltaT: delta(t),
    tauMin: paramNumber(params, 'tauMin'),
    tauMax: paramNumber(params, 'tauMax'),
    rho2: rho2Edges(psiP, r.constants),
    matrix: typeof params['matrix'] === 'string' ? params['matrix'] : 'gaussian-equivalent',
  };
}

function nLabel(run: TrainingWindowRun): string {
  return `n = ${run.n} (ψ_n = ${formatValue(run.psiN)})`;
}

/** The fitted power law τ = A nᵇ through (n, τ) with the slope b the experiment reports (least squares in log-log). */
function powerLawLine(ns: readonly number[], taus: readonly number[], slope: number): Array<{ n: number; tau: number }> {
  if (!Number.isFinite(slope) || ns.length < 2) return [];
  const mx = ns.reduce((s, n) => s + Math.log(n), 0) / ns.length;
  const my = taus.reduce((s, v) => s + Math.log(v), 0) / taus.length;
  const lo = Math.min(...ns) / 1.25;
  const hi = Math.max(...ns) * 1.25;
  return [lo, hi].map((n) => ({ n, tau: Math.exp(my + slope * (Math.log(n) - mx)) }));
}

function finitePositive(values: readonly number[]): number[] {
  return values.filter((v) => Number.isFinite(v) && v > 0);
}

/** Value of a curve at its grid minimum (the refined τ_gen sits within one grid step of it). */
function minimumOf(values: Float64Array): number {
  let best = Infinity;
  for (const v of values) if (v < best) best = v;
  return best;
}

function timeScale(s: State): Plot.ScaleOptions {
  return { type: 'log', domain: [s.tauMin, s.tauMax] };
}

function timeAxis(s: State, width: number, withLabel: boolean): Plot.CompoundMark {
  return logAxisX(logTicks(s.tauMin, s.tauMax, Math.floor(width / 55)), { label: withLabel ? msg('ch3.x.trainingTime') : null });
}

/** The window [τ_gen, τ_mem] of every run, shaded, and the τ_mem of each as a dashed rule. */
function windowMarks(s: State): Plot.Markish[] {
  return s.r.runs.flatMap((run, i) => {
    const colour = s.colours[i] ?? 'currentColor';
    const end = Math.min(run.tauMem, s.tauMax);
    return [
      // No band where the gap opens before the score error is at its best (n well beyond p): there is no window.
      Plot.rect(end > run.tauGen ? [run] : [], { x1: () => run.tauGen, x2: () => end, fill: colour, fillOpacity: 0.06, className: 'tw-window' }),
      Plot.ruleX(Number.isFinite(run.tauMem) ? [run.tauMem] : [], {
        stroke: colour,
        strokeDasharray: '5 3',
        strokeWidth: 1.2,
        clip: true,
        className: 'tw-tau-mem',
      }),
    ];
  });
}

function scoreErrorPlot(s: State, width: number): SVGSVGElement | HTMLElement {
  const all = s.r.runs.flatMap((run) => Array.from(run.scoreError));
  const lo = Math.min(...finitePositive(all));
  const hi = Math.max(...finitePositive(all));
  const genMedian = [...s.r.runs.map((x) => x.tauGen)].sort((a, b) => a - b)[Math.floor(s.r.runs.length / 2)] ?? s.tauMin;
  return Plot.plot({
    width,
    height: 230,
    marginLeft: 46,
    marginRight: 12,
    marginTop: 22,
    marginBottom: 26,
    className: 'tw-score-figure',
    ariaLabel: msg('tw.aria.score', { count: s.r.runs.length }),
    ariaDescription: msg('tw.aria.scoreDescription', { tauGen: formatTime(genMedian) }),
    style: PLOT_STYLE,
    x: timeScale(s),
    y: { type: 'log', domain: [lo / 1.15, hi * 1.15] },
    marks: [
      timeAxis(s, width, false),
      logAxisY(logTicks(lo / 1.15, hi * 1.15, 5), { label: msg('tw.y.score') }),
      ...windowMarks(s),
      Plot.frame({ strokeOpacity: 0.15 }),
      ...s.r.runs.map((run, i) =>
        Plot.line(range(run.tau.length), {
          x: (k: number) => run.tau[k],
          y: (k: number) => run.scoreError[k],
          stroke: s.colours[i] ?? 'currentColor',
          strokeWidth: 1.8,
          className: 'tw-score',
        }),
      ),
      Plot.dot(s.r.runs, {
        x: (run: TrainingWindowRun) => run.tauGen,
        y: (run: TrainingWindowRun) => minimumOf(run.scoreError),
        fill: (_run: TrainingWindowRun, i: number) => s.colours[i] ?? 'currentColor',
        stroke: 'var(--bg)',
        strokeWidth: 1,
        r: 4,
        symbol: 'square',
        className: 'tw-tau-gen',
      }),
      Plot.text(['τ_gen'], { x: () => genMedian, frameAnchor: 'top', dy: -12, fill: 'var(--fg)', fontSize: 11, className: 'tw-label' }),
      Plot.text(
        s.r.runs.length > 0 && Number.isFinite(s.r.runs[s.r.runs.length - 1]?.tauMem ?? Infinity) ? ['τ_mem'] : [],
        {
          x: () => Math.min(s.r.runs[s.r.runs.length - 1]?.tauMem ?? s.tauMax, s.tauMax),
          frameAnchor: 'top',
          dy: -12,
          fill: 'var(--fg)',
          fontSize: 11,
          className: 'tw-label',
        },
      ),
    ],
    color: { type: 'identity' },
  });
}

function lossPlot(s: State, width: number): SVGSVGElement | HTMLElement {
  const all = s.r.runs.flatMap((run) => [...run.trainLoss, ...run.testLoss]).filter(Number.isFinite);
  const lo = Math.min(0, ...all);
  const hi = Math.max(...all);
  return Plot.plot({
    width,
    height: 200,
    marginLeft: 46,
    marginRight: 12,
    marginTop: 10,
    marginBottom: 34,
    className: 'tw-loss-figure',
    ariaLabel: msg('tw.aria.loss', { count: s.r.runs.length }),
    ariaDescription: msg('tw.aria.lossDescription'),
    style: PLOT_STYLE,
    x: timeScale(s),
    y: { domain: [lo, hi * 1.05], label: msg('tw.y.loss'), ticks: 4 },
    marks: [
      timeAxis(s, width, true),
      ...windowMarks(s),
      Plot.frame({ strokeOpacity: 0.15 }),
      ...s.r.runs.flatMap((run, i) => {
        const colour = s.colours[i] ?? 'currentColor';
        const ks = range(run.tau.length);
        return [
          Plot.line(ks, { x: (k: number) => run.tau[k], y: (k: number) => run.testLoss[k], stroke: colour, strokeWidth: 1.8, className: 'tw-test-loss' }),
          Plot.line(ks, {
            x: (k: number) => run.tau[k],
            y: (k: number) => run.trainLoss[k],
            stroke: colour,
            strokeWidth: 1.5,
            strokeDasharray: '5 3',
            className: 'tw-train-loss',
          }),
        ];
      }),
    ],
  });
}

function timesPlot(s: State, width: number): SVGSVGElement | HTMLElement {
  const runs = s.r.runs;
  const ns = runs.map((x) => x.n);
  const measured = runs.filter((x) => Number.isFinite(x.tauMem));
  const fit = powerLawLine(
    measured.map((x) => x.n),
    measured.map((x) => x.tauMem),
    s.r.slopes.tauMem,
  );
  const fitTheory = powerLawLine(
    ns,
    runs.map((x) => x.tauMemTheory),
    s.r.slopes.tauMemTheory,
  );
  const taus = finitePositive(runs.flatMap((x) => [x.tauGen, x.tauMem, x.tauMemTheory]).concat(fit.map((x) => x.tau), fitTheory.map((x) => x.tau)));
  const yLo = Math.min(...taus) / 1.6;
  const yHi = Math.max(...taus) * 1.6;
  const xLo = Math.min(...ns) / 1.5;
  const xHi = Math.max(...ns) * 1.5;
  const colour = (run: TrainingWindowRun): string => s.colours[runs.indexOf(run)] ?? 'currentColor';
  return Plot.plot({
    width,
    height: 260,
    marginLeft: 46,
    marginRight: 12,
    marginTop: 14,
    marginBottom: 34,
    className: 'tw-times-figure',
    ariaLabel: msg('tw.aria.times'),
    ariaDescription: msg('tw.aria.timesDescription', { mem: formatValue(s.r.slopes.tauMem, 2), theory: formatValue(s.r.slopes.tauMemTheory, 2), gen: formatValue(s.r.slopes.tauGen, 2) }),
    style: PLOT_STYLE,
    x: { type: 'log', domain: [xLo, xHi] },
    y: { type: 'log', domain: [yLo, yHi] },
    marks: [
      logAxisX(ns.length <= 6 ? ns : logTicks(xLo, xHi, 6), { label: msg('tw.x.n'), text: (n: number) => formatValue(n) }),
      logAxisY(logTicks(yLo, yHi, 6), { label: msg('tw.y.tau') }),
      Plot.frame({ strokeOpacity: 0.15 }),
      Plot.ruleX(runs, {
        x: (run: TrainingWindowRun) => run.n,
        y1: (run: TrainingWindowRun) => run.tauGen,
        y2: (run: TrainingWindowRun) => (Number.isFinite(run.tauMem) ? run.tauMem : yHi),
        stroke: colour,
        strokeWidth: 7,
        strokeOpacity: 0.22,
        className: 'tw-window-bar',
      }),
      Plot.line(fitTheory, { x: 'n', y: 'tau', stroke: 'var(--fg-soft)', strokeDasharray: '2 3', strokeWidth: 1.3, className: 'tw-fit-theory' }),
      Plot.line(fit, { x: 'n', y: 'tau', stroke: 'var(--fg)', strokeWidth: 1.3, className: 'tw-fit' }),
      Plot.dot(runs, { x: 'n', y: 'tauGen', symbol: 'square', r: 3.6, fill: colour, stroke: 'var(--bg)', strokeWidth: 1, className: 'tw-point-gen' }),
      Plot.dot(runs, { x: 'n', y: 'tauMemTheory', r: 4.2, fill: 'none', stroke: colour, strokeWidth: 1.6, className: 'tw-point-theory' }),
      Plot.dot(measured, { x: 'n', y: 'tauMem', r: 4, fill: colour, stroke: 'var(--bg)', strokeWidth: 1, className: 'tw-point-mem' }),
    ],
    color: { type: 'identity' },
  });
}

interface Histogram {
  edges: number[];
  counts: number[][];
}

/** Counts per log-spaced bin, for display only (the eigenvalues themselves come from the worker). */
function histogram(s: State): Histogram {
  const all = s.r.runs.flatMap((run) => Array.from(run.eigenvalues)).filter((x) => x > 0);
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
function relaxation(s: State, lambda: number): number {
  return s.psiP / (2 * s.deltaT * lambda);
}

function spectrumPlot(s: State, h: Histogram, width: number): SVGSVGElement | HTMLElement {
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
  return Plot.plot({
    width,
    height: 240,
    marginLeft: 40,
    marginRight: 12,
    marginTop: 40,
    marginBottom: 34,
    className: 'tw-spectrum-figure',
    ariaLabel: msg('tw.aria.spectrum', { p: s.p }),
    ariaDescription: msg('tw.aria.spectrumDescription', { s2: formatValue(s.r.constants.s2, 2), lo: formatValue(s.rho2[0], 2), hi: formatValue(s.rho2[1], 2) }),
    style: PLOT_STYLE,
    x: { type: 'log', domain: [lo, hi] },
    y: { type: 'sqrt', domain: [0, top * 1.08], label: msg('tw.y.count'), ticks: [0, 10, 100, 1000].filter((c) => c <= top * 1.08) },
    marks: [
      Plot.frame({ strokeOpacity: 0.15 }),
      logAxisX(logTicks(lo, hi, 6), { label: msg('tw.x.lambda') }),
      logAxisX(lambdaForTau, {
        anchor: 'top',
        label: msg('tw.x.relaxation'),
        text: (lambda: number) => logTickLabel(relaxation(s, lambda)),
        className: 'tw-tau-axis',
      }),
      Plot.ruleX([s.r.constants.s2], { stroke: 'var(--fg-soft)', strokeDasharray: '2 3', className: 'tw-s2' }),
      ...h.counts.flatMap((counts, i) => {
        const pts = outline(counts);
        const colour = s.colours[i] ?? 'currentColor';
        return [
          Plot.area(pts, { x1: 'x', y1: () => 0, y2: 'y', fill: colour, fillOpacity: 0.08 }),
          Plot.line(pts, { x: 'x', y: 'y', stroke: colour, strokeWidth: 1.4, curve: 'linear', className: 'tw-spectrum' }),
        ];
      }),
    ],
  });
}

/** The predicted supports under the histogram: ρ₁ per n (it moves), ρ₂ once (it does not), s_t² as a rule. */
function edgesPlot(s: State, h: Histogram, width: number): SVGSVGElement | HTMLElement {
  const lo = h.edges[0] ?? 1e-3;
  const hi = h.edges[h.edges.length - 1] ?? 1;
  const rows = s.r.runs.length + 1;
  const clamp = (x: number): number => Math.min(hi, Math.max(lo, x));
  // Labels sit right of their bar, except where the bar reaches the right edge.
  const labelLeft = (b: { x2: number }): boolean => Math.log(b.x2 / lo) > 0.75 * Math.log(hi / lo);
  const bars = [
    ...s.r.runs.map((run, i) => ({ row: `ρ₁, n = ${run.n}`, x1: clamp(run.rho1Edges[0]), x2: clamp(run.rho1Edges[1]), colour: s.colours[i] ?? 'currentColor', kind: 'rho1' })),
    { row: msg('tw.rho2'), x1: clamp(s.rho2[0]), x2: clamp(s.rho2[1]), colour: 'var(--fg-soft)', kind: 'rho2' },
  ];
  return Plot.plot({
    width,
    height: 16 + 15 * rows,
    marginLeft: 40,
    marginRight: 12,
    marginTop: 4,
    marginBottom: 12,
    className: 'tw-edges-figure',
    ariaLabel: msg('tw.aria.edges'),
    style: PLOT_STYLE,
    x: { type: 'log', domain: [lo, hi], axis: null },
    y: { domain: bars.map((b) => b.row), axis: null, padding: 0.3 },
    marks: [
      Plot.ruleX([s.r.constants.s2], { stroke: 'var(--fg-soft)', strokeDasharray: '2 3' }),
      Plot.text(['sₜ²'], { x: () => s.r.constants.s2, y: () => bars[bars.length - 1]?.row, dx: 4, textAnchor: 'start', fill: 'var(--fg-soft)', fontSize: 10 }),
      Plot.ruleY(
        bars.filter((b) => b.kind === 'rho1'),
        { y: 'row', x1: 'x1', x2: 'x2', stroke: (b: { colour: string }) => b.colour, strokeWidth: 5, strokeLinecap: 'round', className: 'tw-rho1-edges' },
      ),
      Plot.ruleY(
        bars.filter((b) => b.kind === 'rho2'),
        { y: 'row', x1: 'x1', x2: 'x2', stroke: 'var(--fg-soft)', strokeWidth: 5, strokeLinecap: 'round', className: 'tw-rho2-edges' },
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

function slopeText(x: number): string {
  return Number.isFinite(x) ? formatValue(x, 2) : msg('tw.notMeasured');
}

function readoutText(s: State): string {
  const runs = s.r.runs;
  const first = runs[0];
  const last = runs[runs.length - 1];
  if (first === undefined || last === undefined) return '';
  if (runs.length === 1) {
    return msg('tw.readout.one', {
      n: first.n,
      gen: formatTime(first.tauGen),
      mem: formatTime(first.tauMem),
      theory: formatTime(first.tauMemTheory),
      window: formatValue(first.tauMem / first.tauGen, 2),
    });
  }
  const gens = runs.map((x) => x.tauGen);
  const parts = [
    msg('tw.readout.gen', { from: formatTime(Math.min(...gens)), to: formatTime(Math.max(...gens)), slope: slopeText(s.r.slopes.tauGen) }),
    msg('tw.readout.mem', { from: formatTime(first.tauMem), nFrom: first.n, to: formatTime(last.tauMem), nTo: last.n, slope: slopeText(s.r.slopes.tauMem) }),
    msg('tw.readout.theory', { from: formatTime(first.tauMemTheory), to: formatTime(last.tauMemTheory), slope: slopeText(s.r.slopes.tauMemTheory) }),
    msg('tw.readout.windows', { windows: runs.map((x) => msg('tw.readout.window', { ratio: formatValue(x.tauMem / x.tauGen, 2) })).join(msg('list.separator')) }),
  ];
  const beyond = runs.filter((x) => x.psiN > s.psiP);
  if (beyond.length > 0) parts.push(msg('tw.readout.beyond', { ns: beyond.map((x) => `n = ${x.n}`).join(msg('list.separator')) }));
  return parts.join(' ');
}

function summaryText(s: State, backend: string): string {
  const runs = s.r.runs;
  const first = runs[0];
  const last = runs[runs.length - 1];
  if (first === undefined || last === undefined) return '';
  const gens = runs.map((x) => x.tauGen);
  const model = s.matrix === 'sampled' ? msg('tw.model.sampled') : msg('tw.model.equivalent');
  const head =
    runs.length === 1
      ? msg('tw.summary.one', { n: first.n, gen: formatTime(first.tauGen), mem: formatTime(first.tauMem) })
      : msg('tw.summary.many', {
          from: formatTime(Math.min(...gens)),
          to: formatTime(Math.max(...gens)),
          count: runs.length,
          memFrom: formatTime(first.tauMem),
          nFrom: first.n,
          memTo: formatTime(last.tauMem),
          nTo: last.n,
          slope: slopeText(s.r.slopes.tauMem),
          theory: slopeText(s.r.slopes.tauMemTheory),
        });
  return `${head} ${msg('tw.summary.model', { p: s.p, d: s.d, t: formatValue(s.t), model, backend })}`;
}

/**
 * Chapter 3's main figure: score error and losses over log τ with the window [τ_gen, τ_mem] of each
 * n shaded, the two times against n with power-law fits, and the spectrum of U with its bulks.
 */
export const trainingWindowView = defineView('training-window', (context) => {
  const { stage, readout, summary } = context;
  stage.classList.add('tw-stage');
  const keys = document.createElement('div');
  const curves = panel('tw-curves');
  const lossHost = document.createElement('div');
  lossHost.className = 'figure-plot';
  lossHost.style.width = '100%';
  lossHost.style.color = 'var(--fg-soft)';
  curves.element.append(lossHost);
  const grid = panelGrid('tw-grid', 300);
  const times = panel('tw-times');
  const spectrum = panel('tw-spectrum-panel');
  const edgesHost = document.createElement('div');
  edgesHost.className = 'figure-plot';
  edgesHost.style.width = '100%';
  edgesHost.style.color = 'var(--fg-soft)';
  spectrum.element.append(edgesHost);
  grid.append(times.element, spectrum.element);
  curves.plot.append(placeholder(msg('ch3.placeholder')));
  stage.append(keys, curves.element, grid);

  let state: State | undefined;

  function title(panel: Panel, text: string): void {
    setRichText(panel.title, text);
  }

  function draw(): void {
    const s = state;
    if (s === undefined) return;
    const items: LegendItem[] = s.r.runs.map((run, i) => ({ label: nLabel(run), colour: s.colours[i] ?? 'currentColor', shape: 'line' }));
    const styleKeys: LegendItem[] = [
      { label: msg('tw.legend.test'), colour: 'var(--fg-soft)', shape: 'line' },
      { label: msg('tw.legend.training'), colour: 'var(--fg-soft)', shape: 'dash' },
      { label: 'τ_gen', colour: 'var(--fg-soft)', shape: 'square' },
      { label: msg('tw.legend.tauMem'), colour: 'var(--fg-soft)', shape: 'dash' },
      { label: msg('tw.legend.window'), colour: 'var(--fg-soft)', shape: 'band' },
    ];
    keys.replaceChildren(legend('tw-legend', items), legend('tw-legend-styles', styleKeys));

    const wide = widthOf(curves.plot, 560, MAX_WIDTH);
    title(curves, msg('tw.panel.curves'));
    curves.plot.replaceChildren(scoreErrorPlot(s, wide));
    lossHost.replaceChildren(lossPlot(s, wide));

    const half = widthOf(times.plot, 560, 520);
    title(times, msg('tw.panel.times', { slope: slopeText(s.r.slopes.tauMem), theory: slopeText(s.r.slopes.tauMemTheory) }));
    times.plot.replaceChildren(timesPlot(s, half));
    times.element.querySelector('.tw-times-legend')?.remove();
    times.element.append(
      legend('tw-times-legend', [
        { label: msg('tw.legend.measured'), colour: 'var(--fg-soft)', shape: 'dot' },
        { label: msg('tw.legend.theory'), colour: 'var(--fg-soft)', shape: 'ring' },
        { label: 'τ_gen', colour: 'var(--fg-soft)', shape: 'square' },
        { label: msg('tw.legend.fit'), colour: 'var(--fg)', shape: 'line' },
        { label: msg('tw.legend.fitTheory'), colour: 'var(--fg-soft)', shape: 'dash' },
      ]),
    );

    const h = histogram(s);
    title(spectrum, msg('tw.panel.spectrum', { p: s.p }));
    spectrum.plot.replaceChildren(spectrumPlot(s, h, half));
    edgesHost.replaceChildren(edgesPlot(s, h, half));

    setRichText(readout, readoutText(s));
  }

  return {
    resizes: curves.plot,
    show(output: OutputOf<'training-window'>, _params: ParamValues) {
      state = stateOf(output);
      draw();
      setRichText(summary, summaryText(state, output.backend));
    },
    settled(note: string) {
      if (state === undefined) curves.plot.replaceChildren(placeholder(note));
    },
    redraw() {
      draw();
    },
  };
});

import * as Plot from '@observablehq/plot';
import type { ResultRecord } from '@diffusion-atlas/core';
import type { RunOutput } from '@diffusion-atlas/worker';
import { t as msg } from '../../i18n/messages.ts';
import { el, widthOf } from '../kit/dom.ts';
import { formatValue } from '../kit/format.ts';
import { placeholderFigure } from '../kit/placeholder-figure.ts';
import { column, nullableNumber, numberField, recordField, requiredNumber } from '../kit/result-fields.ts';
import { legend as legendBox, legendItem } from '../kit/legend.ts';
import { LEVEL_RULE, SPECIATION_RULE } from '../kit/time-markers.ts';
import { plot, PLOT_STYLE } from '../kit/plot-style.ts';
import { defineView, type OutputOf, type ParamValues } from '../kit/view.ts';
import { setRichText } from '../kit/rich-text.ts';

/** Earlier runs kept on the figure as faint curves, so several d can be compared. */
const MAX_GHOSTS = 3;
/** Agreement band of the simulated points with F(u_t), in binomial standard errors (the core tests use 3). */
const AGREEMENT_SE = 3;
/** The t/t_S axis stops here: beyond a few t_S every curve is flat at ½. */
const MAX_RATIO = 3;
/** Below this t_S the t/t_S axis would blow up (Λ ≈ 1: no separated classes to speak of). */
const MIN_TS_FOR_RATIO = 0.05;
const MAX_WIDTH = 680;

type Axis = 'time' | 'ratio';

interface Run {
  d: number;
  mu: number;
  sigma: number;
  pairs: number;
  method: string;
  protocol: string;
  tMax: number;
  t: Float64Array;
  phi: Float64Array;
  phiStdErr: Float64Array;
  phiTheory: Float64Array;
  curveT: Float64Array;
  curvePhi: Float64Array;
  level: number;
  Lambda: number;
  LambdaSamples: number;
  LambdaTheory: number;
  tS: number;
  tSTheory: number;
  tSCrossing: number | null;
}

interface Point {
  t: number;
  phi: number;
  lo: number;
  hi: number;
  theory: number;
  agrees: boolean;
}

function num(params: Record<string, unknown>, key: string, fallback: number): number {
  const v = params[key];
  return typeof v === 'number' ? v : fallback;
}

function str(params: Record<string, unknown>, key: string, fallback: string): string {
  const v = params[key];
  return typeof v === 'string' ? v : fallback;
}

function runOf(output: RunOutput): Run {
  const r: ResultRecord = output.result;
  const p = output.params;
  const curve = recordField(r, 'theoryCurve');
  return {
    d: num(p, 'd', Number.NaN),
    mu: num(p, 'mu', Number.NaN),
    sigma: num(p, 'sigma', Number.NaN),
    pairs: num(p, 'pairs', Number.NaN),
    method: str(p, 'method', 'reduced'),
    protocol: str(p, 'protocol', 'cloning'),
    tMax: num(p, 'tMax', 8),
    t: column(r, 't'),
    phi: column(r, 'phi'),
    phiStdErr: column(r, 'phiStdErr'),
    phiTheory: column(r, 'phiTheory'),
    curveT: column(curve, 't'),
    curvePhi: column(curve, 'phi'),
    level: requiredNumber(r, 'level'),
    // NaN in a partial run's result: Λ is measured after the dynamics
    Lambda: numberField(r, 'Lambda'),
    LambdaSamples: requiredNumber(r, 'LambdaSamples'),
    LambdaTheory: requiredNumber(r, 'LambdaTheory'),
    // NaN in a partial run's result: Λ is measured after the dynamics
    tS: numberField(r, 'tS'),
    tSTheory: requiredNumber(r, 'tSTheory'),
    tSCrossing: nullableNumber(r, 'tSCrossing'),
  };
}

function pointsOf(run: Run): Point[] {
  return Array.from(run.t, (t, i) => {
    const phi = run.phi[i] ?? Number.NaN;
    const se = run.phiStdErr[i] ?? 0;
    const theory = run.phiTheory[i] ?? Number.NaN;
    // The binomial error under the theory's own probability: exact for the null "φ = F(u_t)",
    // and not zero where every pair agreed (φ = 1 gives a sample error of 0).
    const seTheory = Math.sqrt(Math.max(theory * (1 - theory), 0) / run.pairs);
    return { t, phi, lo: phi - 2 * se, hi: phi + 2 * se, theory, agrees: Math.abs(phi - theory) <= AGREEMENT_SE * Math.max(seTheory, 1 / run.pairs) };
  });
}

function methodText(run: Run): string {
  const dynamics = run.method === 'full' ? msg('speciation.method.full', { d: run.d }) : msg('speciation.method.reduced');
  const protocol = run.protocol === 'uturn' ? msg('speciation.protocol.uturn') : msg('speciation.protocol.cloning');
  return msg('speciation.method', { protocol, dynamics, pairs: run.pairs });
}

/** Where, roughly, the clone times should sit: around t_S of the data, within the backward run. */
function gridAdvice(run: Run): string {
  const first = run.t[0] ?? 0;
  const last = run.t[run.t.length - 1] ?? 0;
  const centre = run.tSTheory;
  const span = `${formatValue(first, 2)}–${formatValue(last, 2)}`;
  const suggestion = [-1, -0.5, -0.25, 0, 0.25, 0.5, 1, 1.5]
    .map((offset) => centre + offset)
    .filter((x) => x > 0)
    .map((x) => formatValue(x, 2))
    .join(',');
  const vars = { span, d: run.d, tS: formatValue(centre, 3), suggestion, tMax: formatValue(Math.ceil(centre + 3), 2) };
  return centre + 3 > run.tMax ? msg('speciation.advice.withStart', vars) : msg('speciation.advice', vars);
}

/** The measured numbers and how they were measured; the summary says what they mean. */
function readoutText(run: Run): string {
  const lambda = msg('speciation.readout.lambda', { Lambda: formatValue(run.Lambda, 4), samples: run.LambdaSamples, theory: formatValue(run.LambdaTheory, 4), tS: formatValue(run.tS, 3) });
  const how = msg('speciation.readout.method', { method: methodText(run) });
  return run.tSCrossing === null ? `${lambda} ${how} ${gridAdvice(run)}` : `${lambda} ${how}`;
}

function summaryText(run: Run, points: readonly Point[], backend: string): string {
  const agree = points.filter((p) => p.agrees).length;
  const crossing =
    run.tSCrossing === null
      ? msg('speciation.summary.noCrossing', { tS: formatValue(run.tS, 3) })
      : msg('speciation.summary.crossing', { t: formatValue(run.tSCrossing, 3), tS: formatValue(run.tS, 3) });
  const head = msg('speciation.summary', { d: run.d, crossing, agree, points: points.length, se: AGREEMENT_SE });
  return `${head} ${msg('widget.computedOn', { backend })}`;
}

/**
 * Where a theory curve falls through `level`, for placing its label: the current run's at 0.775,
 * earlier runs' lower down, where the curves of different d have spread apart (at 0.775 they meet
 * on the t/t_S axis).
 */
function levelPoint(run: Run, level: number): { t: number; phi: number } | null {
  for (let i = 1; i < run.curveT.length; i++) {
    const a = (run.curvePhi[i - 1] ?? 0) - level;
    const b = (run.curvePhi[i] ?? 0) - level;
    if (a >= 0 && b < 0) return { t: run.curveT[i] ?? 0, phi: level };
  }
  return null;
}

const GHOST_LABEL_LEVEL = 0.6;

/**
 * The cloning figure: the simulated φ(t) with ±2 standard-error bars against the universal curve
 * F(u_t), the 0.775 level, t_S = ½ log Λ and the simulated crossing; earlier runs at other d stay
 * as faint curves, and the axis can be rescaled to t/t_S.
 */
export const speciationView = defineView('speciation', (context) => {
  const { stage, readout, summary } = context;
  stage.classList.add('figure-stage', 'speciation-stage');

  const toolbar = el('div', 'figure-toolbar');
  toolbar.setAttribute('role', 'group');
  toolbar.setAttribute('aria-label', msg('speciation.axis.group'));
  const axisLabel = el('span', 'figure-toolbar-label', msg('speciation.axis.label'));
  const timeButton = el('button', 'figure-toggle');
  timeButton.type = 'button';
  timeButton.dataset['axis'] = 'time';
  timeButton.textContent = msg('speciation.axis.time');
  const ratioButton = el('button', 'figure-toggle');
  ratioButton.type = 'button';
  ratioButton.dataset['axis'] = 'ratio';
  setRichText(ratioButton, 't / t_S');
  toolbar.append(axisLabel, timeButton, ratioButton);

  const plotHost = el('div', 'figure-plot speciation-plot');
  plotHost.dataset['plot'] = '';
  const ghostLegend = el('span', 'figure-legend-slot');
  const legend = legendBox('', [
    legendItem('dot', 'var(--sample)', msg('speciation.legend.simulated')),
    legendItem('line', 'var(--accent)', msg('speciation.legend.theory')),
    { line: LEVEL_RULE, label: msg('speciation.legend.level') },
    { line: SPECIATION_RULE, label: msg('figure.legend.speciationTime') },
    ghostLegend,
  ]);
  stage.append(toolbar, plotHost, legend);

  let axis: Axis = 'time';
  let current: Run | undefined;
  let ghosts: Run[] = [];
  /** The last finished run: partial ones never become earlier curves. */
  let finished: Run | undefined;

  /** The earlier curves beside `next`: curves for other d are comparable only on the same data law. */
  function ghostsBeside(next: Run): Run[] {
    const previous = finished;
    let kept = ghosts;
    if (previous !== undefined) {
      // a new μ̃ or σ starts afresh
      if (previous.mu !== next.mu || previous.sigma !== next.sigma) kept = [];
      else if (previous.d !== next.d) kept = [...kept.filter((g) => g.d !== previous.d && g.d !== next.d), previous].slice(-MAX_GHOSTS);
      kept = kept.filter((g) => g.d !== next.d);
    }
    return kept;
  }

  plotHost.append(placeholderFigure(widthOf(plotHost, 600, MAX_WIDTH), 300, msg('speciation.placeholder'), 'speciation-figure figure-placeholder'));

  function setAxis(next: Axis): void {
    axis = next;
    timeButton.setAttribute('aria-pressed', String(axis === 'time'));
    ratioButton.setAttribute('aria-pressed', String(axis === 'ratio'));
    draw();
  }
  timeButton.addEventListener('click', () => setAxis('time'));
  ratioButton.addEventListener('click', () => setAxis('ratio'));
  timeButton.setAttribute('aria-pressed', 'true');
  ratioButton.setAttribute('aria-pressed', 'false');

  function draw(): void {
    const run = current;
    if (run === undefined) return;
    const canRatio = run.tS > MIN_TS_FOR_RATIO && ghosts.every((g) => g.tS > MIN_TS_FOR_RATIO);
    ratioButton.disabled = !canRatio;
    const mode: Axis = axis === 'ratio' && canRatio ? 'ratio' : 'time';
    const scale = (r: Run): number => (mode === 'ratio' ? 1 / r.tS : 1);
    const all = [...ghosts, run];
    const xMax = mode === 'ratio' ? Math.min(MAX_RATIO, Math.max(...all.map((r) => r.tMax / r.tS))) : Math.max(...all.map((r) => r.tMax));
    const points = pointsOf(run);
    const width = widthOf(plotHost, 600, MAX_WIDTH);
    const height = Math.round(Math.max(280, Math.min(460, width * 0.7)));
    const sx = scale(run);

    type CurveRow = { x: number; y: number; d: number };
    const ghostCurves: CurveRow[] = ghosts.flatMap((g) => Array.from(g.curveT, (t, i) => ({ x: t * scale(g), y: g.curvePhi[i] ?? Number.NaN, d: g.d })));
    const ghostPoints = ghosts.flatMap((g) => Array.from(g.t, (t, i) => ({ x: t * scale(g), y: g.phi[i] ?? Number.NaN })));
    const labels = all.flatMap((r) => {
      const at = levelPoint(r, r === run ? r.level : GHOST_LABEL_LEVEL);
      return at === null || at.t * scale(r) > xMax ? [] : [{ x: at.t * scale(r), y: at.phi, text: `d = ${formatValue(r.d)}`, current: r === run }];
    });
    const theory = Array.from(run.curveT, (t, i) => ({ x: t * sx, y: run.curvePhi[i] ?? Number.NaN }));
    const crossing = run.tSCrossing === null ? [] : [{ x: run.tSCrossing * sx, y: run.level }];
    const tsX = run.tS * sx;

    const svg = plot({
      width,
      height,
      marginLeft: 44,
      marginRight: 12,
      marginTop: 24,
      marginBottom: 38,
      className: 'speciation-figure',
      ariaLabel: msg(mode === 'ratio' ? 'speciation.aria.ratio' : 'speciation.aria.time', { d: run.d, points: points.length }),
      style: PLOT_STYLE,
      x: { domain: [0, xMax], label: mode === 'ratio' ? msg('speciation.x.ratio') : msg('speciation.x.time'), labelAnchor: 'right', ticks: width < 420 ? 5 : 8 },
      y: { domain: [0.45, 1.02], label: msg('speciation.y'), ticks: 6, grid: true },
      marks: [
        Plot.ruleY([0.5], { stroke: 'var(--rule)' }),
        Plot.ruleY([run.level], { ...LEVEL_RULE, className: 'speciation-level' }),
        Plot.text([run.level], { y: (v: number) => v, frameAnchor: 'right', dy: 10, dx: -2, textAnchor: 'end', text: () => '0.775 = F(1)', fill: 'var(--muted)', fontSize: 11 }),
        Plot.line(ghostCurves, { x: 'x', y: 'y', z: 'd', stroke: 'var(--data)', strokeWidth: 1.2, strokeOpacity: 0.8, clip: true, className: 'speciation-ghost' }),
        Plot.dot(ghostPoints, { x: 'x', y: 'y', r: 2, fill: 'var(--data)', clip: true, className: 'speciation-ghost-points' }),
        Plot.ruleX(tsX <= xMax ? [tsX] : [], { ...SPECIATION_RULE, className: 'speciation-ts' }),
        Plot.text(tsX <= xMax ? [tsX] : [], { x: (v: number) => v, frameAnchor: 'bottom', dy: -4, dx: 4, textAnchor: 'start', text: () => 't_S', fill: 'var(--fg-soft)', fontSize: 11 }),
        Plot.line(theory, { x: 'x', y: 'y', stroke: 'var(--accent)', strokeWidth: 2, clip: true, className: 'speciation-theory' }),
        Plot.ruleX(points, { x: (p: Point) => p.t * sx, y1: (p: Point) => Math.max(p.lo, 0.45), y2: (p: Point) => Math.min(p.hi, 1.02), stroke: 'var(--sample)', strokeWidth: 1.5, className: 'speciation-errorbars' }),
        Plot.dot(points, { x: (p: Point) => p.t * sx, y: 'phi', r: 3.5, fill: 'var(--sample)', stroke: 'var(--bg)', strokeWidth: 0.8, className: 'speciation-sim' }),
        Plot.dot(crossing, { x: 'x', y: 'y', symbol: 'diamond', r: 6, fill: 'var(--bg)', stroke: 'var(--fg)', strokeWidth: 1.5, className: 'speciation-crossing' }),
        Plot.text(labels, {
          x: 'x',
          y: 'y',
          text: 'text',
          dx: 6,
          dy: -10,
          textAnchor: 'start',
          fill: (l: { current: boolean }) => (l.current ? 'var(--fg)' : 'var(--muted)'),
          fontSize: 11,
          stroke: 'var(--bg)',
          strokeWidth: 3,
          paintOrder: 'stroke',
          className: 'speciation-labels',
        }),
      ],
    });
    svg.dataset['axis'] = mode;
    svg.dataset['d'] = String(run.d);
    svg.dataset['points'] = String(points.length);
    svg.dataset['ghosts'] = String(ghosts.length);
    svg.dataset['tS'] = String(run.tS);
    svg.dataset['tSCrossing'] = run.tSCrossing === null ? '' : String(run.tSCrossing);
    plotHost.replaceChildren(svg);
    ghostLegend.replaceChildren(
      ...(ghosts.length === 0 ? [] : [legendItem('faint', 'var(--data)', msg('speciation.legend.earlier', { ds: ghosts.map((g) => formatValue(g.d)).join(msg('list.separator')) }))]),
    );
    // Λ is measured last: a partial run has none to read out yet
    if (Number.isFinite(run.Lambda)) setRichText(readout, readoutText(run));
  }


  return {
    resizes: plotHost,
    // A partial run: Λ, t_S and the theory, with the cloning fractions measured so far (the cloning
    // protocol knows them only at the end, the U-turn one clone time after another).
    partial(output: OutputOf<'speciation'>, _params: ParamValues) {
      const next = runOf(output);
      const committed = ghosts;
      ghosts = ghostsBeside(next);
      current = next;
      draw();
      ghosts = committed;
    },
    show(output: OutputOf<'speciation'>, _params: ParamValues) {
      const next = runOf(output);
      ghosts = ghostsBeside(next);
      finished = next;
      current = next;
      draw();
      setRichText(summary, summaryText(next, pointsOf(next), output.backend));
    },
    settled(note: string) {
      if (current === undefined) plotHost.replaceChildren(placeholderFigure(widthOf(plotHost, 600, MAX_WIDTH), 300, note, 'speciation-figure figure-placeholder'));
    },
    redraw() {
      draw();
    },
    figure() {
      return plotHost.querySelector('svg');
    },
  };
});

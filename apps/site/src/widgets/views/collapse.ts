import * as Plot from '@observablehq/plot';
import type { ResultRecord } from '@diffusion-atlas/core';
import type { RunOutput } from '@diffusion-atlas/worker';
import { t as msg } from '../../i18n/messages.ts';
import { el, widthOf } from '../kit/dom.ts';
import { drawnCharts } from '../kit/drawn-charts.ts';
import { formatPercent, formatValue } from '../kit/format.ts';
import { legend, legendItem } from '../kit/legend.ts';
import { COLLAPSE_RULE, SPECIATION_RULE } from '../kit/time-markers.ts';
import { logTickLabel, logTicks } from '../kit/log-scale.ts';
import { placeholderFigure } from '../kit/placeholder-figure.ts';
import { plot, PLOT_STYLE } from '../kit/plot-style.ts';
import { column, nullableNumber, numberField, recordField, requiredNumber, textField } from '../kit/result-fields.ts';
import { defineView, type OutputOf, type ParamValues } from '../kit/view.ts';
import { numbersTable } from '../kit/numbers-table.ts';
import { setRichText } from '../kit/rich-text.ts';

/** The excess-entropy axis: f/α runs from 1 (pure noise) to −∞; below this the theory is off the chart. */
const ENTROPY_FLOOR = -0.6;
/** Band at the bottom of the entropy panel that holds one tick per trajectory's collapse time. */
const RUG = [-0.58, -0.44] as const;

interface Trajectories {
  count: number;
  frames: number;
  t: Float64Array;
  alongMean: Float64Array;
  alongRandom: Float64Array;
}

interface Collapse {
  n: number;
  d: number;
  data: string;
  tMax: number;
  tMin: number;
  probes: number;
  tC: number;
  tCEntropy: number | null;
  tCEmpirical: number | null;
  collapseLevel: number;
  collapseMean: number;
  collapseMedian: number;
  collapseTimes: Float64Array;
  memorizedFraction: number;
  memorizedBaseline: number;
  alpha: number;
  t: Float64Array;
  excessEntropy: Float64Array;
  excessEntropyTheory: Float64Array;
  theoryModel: string;
  Lambda: number;
  tS: number;
  trajectories: Trajectories;
}

function num(params: Record<string, unknown>, key: string): number {
  const v = params[key];
  return typeof v === 'number' ? v : Number.NaN;
}

function collapseOf(output: RunOutput): Collapse {
  const r: ResultRecord = output.result;
  const p = output.params;
  const tr = recordField(r, 'trajectories');
  const times = recordField(r, 'collapseTimes');
  // NaN (a partial run's, not yet computed) is allowed where the run's end decides the value
  return {
    n: num(p, 'n'),
    d: num(p, 'd'),
    data: typeof p['data'] === 'string' ? p['data'] : 'mixture',
    tMax: num(p, 'tMax'),
    tMin: num(p, 'tMin'),
    probes: num(p, 'probes'),
    tC: requiredNumber(r, 'tC'),
    tCEntropy: nullableNumber(r, 'tCEntropy'),
    tCEmpirical: nullableNumber(r, 'tCEmpirical'),
    collapseLevel: requiredNumber(r, 'collapseLevel'),
    collapseMean: numberField(times, 'mean'),
    collapseMedian: numberField(times, 'median'),
    collapseTimes: column(r, 'collapseTimesPerTrajectory'),
    memorizedFraction: numberField(r, 'memorizedFraction'),
    memorizedBaseline: numberField(r, 'memorizedBaseline'),
    alpha: requiredNumber(r, 'alpha'),
    t: column(r, 't'),
    excessEntropy: column(r, 'excessEntropy'),
    excessEntropyTheory: column(r, 'excessEntropyTheory'),
    theoryModel: textField(r, 'excessEntropyTheoryModel'),
    Lambda: requiredNumber(r, 'Lambda'),
    tS: requiredNumber(r, 'tS'),
    trajectories: {
      count: requiredNumber(tr, 'count'),
      frames: requiredNumber(tr, 'frames'),
      t: column(tr, 't'),
      alongMean: column(tr, 'alongMean'),
      alongRandom: column(tr, 'alongRandom'),
    },
  };
}

/** How many values are finite: a partial run's arrays fill in order, NaN for what is still to come. */
function finiteCount(values: ArrayLike<number>): number {
  let count = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) count++;
  return count;
}

function fmt(x: number | null, digits = 3): string {
  return x === null ? msg('collapse.notReached') : formatValue(x, digits);
}

function theoryName(c: Collapse): string {
  return c.theoryModel === 'gaussian' ? msg('collapse.theory.gaussian') : msg('collapse.theory.mixture');
}

/** Two sentences: the two times; every estimate behind them is in the table under the figure. */
function readoutText(c: Collapse): string {
  return [
    msg('collapse.readout.tS', { tS: fmt(c.tS), Lambda: formatValue(c.Lambda, 4), n: c.n }),
    msg('collapse.readout.tCShort', { tC: fmt(c.tC), median: fmt(c.collapseMedian) }),
  ].join(' ');
}

function numbersRows(c: Collapse): string[][] {
  return [
    ['Λ', formatValue(c.Lambda, 4), msg('collapse.numbers.lambda', { n: c.n })],
    ['t_S', fmt(c.tS), msg('collapse.numbers.speciation')],
    ['t_C', fmt(c.tC), msg('collapse.numbers.closedForm')],
    ['t_C', fmt(c.tCEntropy), msg('collapse.numbers.entropy', { theory: theoryName(c) })],
    ['t_C', fmt(c.tCEmpirical), msg('collapse.numbers.empirical', { level: formatValue(c.collapseLevel, 2) })],
    ['t̂_C', fmt(c.collapseMean), msg('collapse.numbers.mean', { count: c.collapseTimes.length })],
    ['t̂_C', fmt(c.collapseMedian), msg('collapse.numbers.median', { count: c.collapseTimes.length })],
    ['α', formatValue(c.alpha, 3), msg('collapse.numbers.alpha', { probes: c.probes })],
  ];
}

function summaryText(c: Collapse, backend: string): string {
  const copies = c.memorizedFraction > 2 * c.memorizedBaseline + 0.1;
  const verdict = copies ? msg('collapse.verdict.copies') : msg('collapse.verdict.new');
  const head = msg('collapse.summary', {
    n: c.n,
    d: c.d,
    fraction: formatPercent(c.memorizedFraction),
    count: c.collapseTimes.length,
    baseline: formatPercent(c.memorizedBaseline),
    verdict,
    median: fmt(c.collapseMedian),
    tC: fmt(c.tC),
    tS: fmt(c.tS),
  });
  return `${head} ${msg('widget.computedOn', { backend })}`;
}

interface TrajectoryRow {
  i: number;
  t: number;
  y: number;
}

/** Class of a trajectory: the sign of its last projection on m̂, which the colour follows in both panels. */
function classOf(tr: Trajectories, i: number): number {
  // the last frame recorded: a partial run has NaN for the frames still to come
  for (let f = tr.frames - 1; f >= 0; f--) {
    const y = tr.alongMean[i * tr.frames + f] ?? Number.NaN;
    if (Number.isFinite(y)) return y >= 0 ? 1 : -1;
  }
  return 1;
}

function timeMarks(c: Collapse, top: boolean): Plot.Markish[] {
  const marks = [
    { t: c.tS, label: 't_S', cls: 'collapse-ts', style: SPECIATION_RULE },
    { t: c.tC, label: 't_C', cls: 'collapse-tc', style: COLLAPSE_RULE },
  ].filter((m) => m.t > 0 && m.t >= c.tMin && m.t <= c.tMax);
  return marks.flatMap((m) => [
    Plot.ruleX([m.t], { ...m.style, className: m.cls }),
    Plot.text([m.t], {
      x: (v: number) => v,
      frameAnchor: top ? 'top' : 'bottom',
      dy: top ? -12 : -4,
      dx: m.label === 't_S' ? 4 : -4,
      textAnchor: m.label === 't_S' ? 'start' : 'end',
      text: () => m.label,
      fill: m.style.stroke,
      fontSize: 12,
      fontWeight: 600,
    }),
  ]);
}

function timeAxis(c: Collapse, width: number): Plot.ScaleOptions {
  const lo = Math.min(c.tMin, ...c.t);
  const hi = Math.max(c.tMax, ...c.t);
  const ticks = logTicks(lo, hi);
  return { type: 'log', domain: [lo, hi], ticks: width < 300 ? ticks.filter((_, i) => i % 2 === 0) : ticks, tickFormat: logTickLabel, label: msg('figure.axis.time'), labelAnchor: 'right' };
}


/** The frame the two time panels share, so their time axes line up side by side. */
function timeChartFrame(c: Collapse, width: number): Plot.PlotOptions {
  return {
    width,
    height: Math.round(Math.max(200, Math.min(280, width * 0.7))),
    marginLeft: 40,
    marginRight: 10,
    marginTop: 22,
    marginBottom: 36,
    style: PLOT_STYLE,
    x: timeAxis(c, width),
  };
}

/**
 * The collapse figure: trajectories of the empirical-score dynamics projected on m̂ and on a
 * random direction, with t_S and t_C; the excess entropy fᵉ/α against the theory, with each
 * trajectory's collapse time as a rug; and the memorized fraction beside its fresh-data baseline.
 */
export const collapseView = defineView('collapse', (context) => {
  const { stage, readout, summary } = context;
  stage.classList.add('figure-stage', 'collapse-stage');
  const panels = el('div', 'figure-panels');
  const mean = panel(msg('collapse.panel.mean'));
  const random = panel(msg('collapse.panel.random'));
  const entropy = panel(msg('collapse.panel.entropy'));
  const memo = panel(msg('collapse.panel.memorized'));
  panels.append(mean.figure, random.figure, entropy.figure, memo.figure);
  const keys = legend('', [
    legendItem('line', 'var(--sample)', msg('collapse.legend.plus')),
    legendItem('line', 'var(--accent)', msg('collapse.legend.minus')),
    { line: SPECIATION_RULE, label: msg('figure.legend.speciationTime') },
    { line: COLLAPSE_RULE, label: msg('collapse.legend.tC') },
    legendItem('dot', 'var(--sample)', msg('collapse.legend.estimated')),
    legendItem('line', 'var(--fg)', msg('collapse.legend.theory')),
  ]);
  const numbers = numbersTable(msg('figure.numbers'), 'collapse-numbers');
  stage.append(panels, keys, numbers.element);

  const waiting = msg('collapse.placeholder');
  mean.host.append(placeholderFigure(widthOf(mean.host, 320, 520), 220, waiting, 'collapse-figure figure-placeholder'));

  let current: Collapse | undefined;
  /** A partial run: trajectories and entropy points so far; the memorization and the numbers wait for its end. */
  let partial = false;
  /**
   * A later partial frame of a run redraws only the charts whose data changed: the trajectories
   * while the backward run goes on, the entropy points after it. The finished run draws them all.
   */
  const drawn = drawnCharts<'mean' | 'random' | 'entropy' | 'memo'>();

  function panel(title: string): { figure: HTMLElement; host: HTMLElement } {
    const figure = el('section', 'figure-panel');
    const heading = el('p', 'figure-panel-title');
    setRichText(heading, title);
    const host = el('div', 'figure-plot');
    figure.append(heading, host);
    return { figure, host };
  }

  function drawTrajectories(c: Collapse, host: HTMLElement, which: 'mean' | 'random', width: number): void {
    const tr = c.trajectories;
    const values = which === 'mean' ? tr.alongMean : tr.alongRandom;
    const rows: TrajectoryRow[] = [];
    let reach = 1;
    for (let i = 0; i < tr.count; i++) {
      for (let f = 0; f < tr.frames; f++) {
        const y = values[i * tr.frames + f] ?? Number.NaN;
        const t = tr.t[f] ?? Number.NaN;
        if (!(t > 0)) continue;
        rows.push({ i, t, y });
        if (Number.isFinite(y)) reach = Math.max(reach, Math.abs(y));
      }
    }
    const svg = plot({
      ...timeChartFrame(c, width),
      className: 'collapse-figure',
      ariaLabel: msg(which === 'mean' ? 'collapse.aria.mean' : 'collapse.aria.random', { count: tr.count }),
      y: { domain: [-reach * 1.05, reach * 1.05], label: which === 'mean' ? '↑ m̂·x' : '↑ e·x', ticks: 5, grid: true },
      marks: [
        Plot.ruleY([0], { stroke: 'var(--rule)' }),
        Plot.line(rows, {
          x: 't',
          y: 'y',
          z: 'i',
          stroke: (row: TrajectoryRow) => (classOf(tr, row.i) > 0 ? 'var(--sample)' : 'var(--accent)'),
          strokeWidth: 1,
          strokeOpacity: 0.75,
          className: 'collapse-traj',
        }),
        ...timeMarks(c, true),
      ],
    });
    svg.dataset['trajectories'] = String(tr.count);
    host.replaceChildren(svg);
  }

  function drawEntropy(c: Collapse, width: number): void {
    const host = entropy.host;
    const points = Array.from(c.t, (t, i) => ({ t, e: c.excessEntropy[i] ?? Number.NaN, theory: c.excessEntropyTheory[i] ?? Number.NaN }));
    const times = Array.from(c.collapseTimes).filter((t) => t > 0);
    const empirical = c.tCEmpirical === null ? [] : [{ t: c.tCEmpirical, y: c.collapseLevel }];
    const svg = plot({
      ...timeChartFrame(c, width),
      className: 'collapse-entropy-figure',
      ariaLabel: msg('collapse.aria.entropy', { points: points.length }),
      y: { domain: [ENTROPY_FLOOR, 1.1], label: '↑ f/α', ticks: [-0.5, 0, 0.5, 1], grid: true },
      marks: [
        Plot.ruleY([0], { stroke: 'var(--muted)' }),
        Plot.ruleY([c.collapseLevel], { stroke: 'var(--muted)', strokeDasharray: '2 3', className: 'collapse-level' }),
        Plot.line(points, { x: 't', y: 'theory', stroke: 'var(--fg)', strokeWidth: 1.6, clip: true, className: 'collapse-entropy-theory' }),
        Plot.line(points, { x: 't', y: 'e', stroke: 'var(--sample)', strokeOpacity: 0.5, clip: true }),
        Plot.dot(points, { x: 't', y: 'e', r: 3, fill: 'var(--sample)', stroke: 'var(--bg)', strokeWidth: 0.6, clip: true, className: 'collapse-entropy' }),
        Plot.ruleX(times, { x: (t: number) => t, y1: RUG[0], y2: RUG[1], stroke: 'var(--memorized)', strokeOpacity: 0.55, className: 'collapse-collapse-times' }),
        Plot.dot([c.collapseMedian].filter((t) => t > 0), { x: (t: number) => t, y: RUG[1] + 0.06, symbol: 'triangle', r: 4, fill: 'var(--memorized)', rotate: 180, className: 'collapse-collapse-median' }),
        Plot.text([msg('collapse.rug')], { frameAnchor: 'bottom-left', dx: 4, dy: -20, fill: 'var(--muted)', fontSize: 10 }),
        Plot.dot(empirical, { x: 't', y: 'y', symbol: 'diamond', r: 5, fill: 'var(--bg)', stroke: 'var(--fg)', strokeWidth: 1.4, className: 'collapse-tc-empirical' }),
        ...timeMarks(c, true),
      ],
    });
    svg.dataset['points'] = String(points.length);
    svg.dataset['collapseTimes'] = String(times.length);
    host.replaceChildren(svg);
  }

  function drawMemorized(c: Collapse, width: number): void {
    const host = memo.host;
    const bars = [
      { label: msg('collapse.bar.generated'), value: c.memorizedFraction, colour: 'var(--memorized)' },
      { label: msg('collapse.bar.fresh'), value: c.memorizedBaseline, colour: 'var(--data)' },
    ];
    const svg = plot({
      width,
      height: 120,
      marginLeft: 78,
      marginRight: 44,
      marginTop: 8,
      marginBottom: 34,
      className: 'collapse-memorized-figure',
      ariaLabel: msg('collapse.aria.memorized', { fraction: formatPercent(c.memorizedFraction), baseline: formatPercent(c.memorizedBaseline) }),
      style: PLOT_STYLE,
      x: { domain: [0, 1], tickFormat: (v: number) => formatPercent(v), ticks: 5, label: msg('collapse.x.passing'), labelAnchor: 'right', grid: true },
      y: { domain: bars.map((b) => b.label), label: null },
      marks: [
        Plot.barX(bars, { x: 'value', y: 'label', fill: (b: { colour: string }) => b.colour, className: 'collapse-memorized' }),
        Plot.text(bars, { x: 'value', y: 'label', text: (b: { value: number }) => formatPercent(b.value), dx: 4, textAnchor: 'start', fill: 'var(--fg)', fontSize: 11 }),
        Plot.ruleX([0], { stroke: 'var(--muted)' }),
      ],
    });
    host.replaceChildren(svg);
    host.dataset['memorized'] = String(c.memorizedFraction);
  }

  function draw(): void {
    const c = current;
    if (c === undefined) return;
    // Every width is read before any chart is replaced: a read after a replacement forces the
    // page's layout again, some 10–25 ms each on a chapter page (most of a partial frame's time).
    const panelWidth = (host: HTMLElement): number => widthOf(host, 320, 520, 220);
    const meanWidth = panelWidth(mean.host);
    const randomWidth = panelWidth(random.host);
    const entropyWidth = panelWidth(entropy.host);
    const memoWidth = panelWidth(memo.host);
    const tr = c.trajectories;
    const memoPending = partial && !Number.isFinite(c.memorizedFraction);
    if (!partial) drawn.forget();
    if (drawn.changed('mean', `${meanWidth} ${finiteCount(tr.alongMean)}`)) drawTrajectories(c, mean.host, 'mean', meanWidth);
    if (drawn.changed('random', `${randomWidth} ${finiteCount(tr.alongRandom)}`)) drawTrajectories(c, random.host, 'random', randomWidth);
    if (drawn.changed('entropy', `${entropyWidth} ${finiteCount(c.excessEntropy)} ${c.collapseTimes.length} ${c.tCEmpirical}`)) drawEntropy(c, entropyWidth);
    if (drawn.changed('memo', `${memoWidth} ${memoPending ? 'pending' : c.memorizedFraction}`)) {
      if (memoPending) memo.host.replaceChildren(placeholderFigure(memoWidth, 120, msg('figure.partialPending'), 'collapse-memorized-figure figure-placeholder'));
      else drawMemorized(c, memoWidth);
    }
    if (partial) return;
    setRichText(readout, readoutText(c));
    numbers.set([msg('collapse.numbers.quantity'), msg('collapse.numbers.value'), msg('collapse.numbers.source')], numbersRows(c));
  }

  return {
    resizes: panels,
    partial(output: OutputOf<'collapse'>, _params: ParamValues) {
      current = collapseOf(output);
      partial = true;
      draw();
    },
    show(output: OutputOf<'collapse'>, _params: ParamValues) {
      current = collapseOf(output);
      partial = false;
      draw();
      setRichText(summary, summaryText(current, output.backend));
    },
    pending() {
      drawn.forget();
    },
    settled(note: string) {
      if (current === undefined) mean.host.replaceChildren(placeholderFigure(widthOf(mean.host, 320, 520), 220, note, 'collapse-figure figure-placeholder'));
    },
    redraw() {
      // a new size or theme: every chart again
      drawn.forget();
      draw();
    },
  };
});

import * as Plot from '@observablehq/plot';
import type { TrainingWindowRun } from '@diffusion-atlas/core';
import { t as msg } from '../../../i18n/messages.ts';
import { widthOf } from '../../kit/dom.ts';
import { formatTime, formatValue } from '../../kit/format.ts';
import { placeholder } from '../../kit/placeholder-figure.ts';
import { range } from '../../kit/arrays.ts';
import { legend, type LegendItem, type StrokeLegendItem, type StrokeStyle } from '../../kit/legend.ts';
import { logAxisX, logAxisY, logTicks } from '../../kit/log-scale.ts';
import { type Panel, panel, panelGrid } from '../../kit/panels.ts';
import { plot, PLOT_STYLE } from '../../kit/plot-style.ts';
import { defineView, type OutputOf, type ParamValues } from '../../kit/view.ts';
import { numbersTable } from '../../kit/numbers-table.ts';
import { setRichText } from '../../kit/rich-text.ts';
import { edgesPlot, histogram, spectrumPlot } from './spectrum.ts';
import { finitePositive, isMeasured, minimumOf, nLabel, runColour, powerLawLine, type State, stateOf, timeAxis, timeScale } from './state.ts';

const MAX_WIDTH = 720;

/** The window [τ_gen, τ_mem] of every run, shaded, and the τ_mem of each as a dashed rule. */
/*
 * The lines' looks, read by the marks and by the legends alike. Lines coloured by n take their
 * colour from the run; their keys show the stroke in neutral grey.
 */
const TEST_LOSS: StrokeStyle = { stroke: 'var(--fg-soft)', strokeWidth: 1.8 };
const TRAIN_LOSS: StrokeStyle = { stroke: 'var(--fg-soft)', strokeWidth: 1.5, strokeDasharray: '5 3' };
const TAU_MEM_RULE: StrokeStyle = { stroke: 'var(--fg-soft)', strokeWidth: 1.2, strokeDasharray: '5 3' };
const FIT_LINE: StrokeStyle = { stroke: 'var(--fg)', strokeWidth: 1.3 };
const FIT_THEORY_LINE: StrokeStyle = { stroke: 'var(--fg-soft)', strokeWidth: 1.3, strokeDasharray: '2 3' };

function windowMarks(s: State): Plot.Markish[] {
  return s.r.runs.flatMap((run, i) => {
    const colour = s.colours[i] ?? 'currentColor';
    const end = Math.min(run.tauMem, s.tauMax);
    return [
      // No band where the gap opens before the score error is at its best (n well beyond p): there is no window.
      Plot.rect(end > run.tauGen ? [run] : [], { x1: () => run.tauGen, x2: () => end, fill: colour, fillOpacity: 0.06, className: 'training-window-window' }),
      Plot.ruleX(Number.isFinite(run.tauMem) ? [run.tauMem] : [], {
        ...TAU_MEM_RULE,
        stroke: colour,
        clip: true,
        className: 'training-window-tau-mem',
      }),
    ];
  });
}

function scoreErrorPlot(s: State, width: number): SVGSVGElement | HTMLElement {
  const runs = s.r.runs.filter(isMeasured);
  const colour = (run: TrainingWindowRun): string => runColour(s, run);
  const all = runs.flatMap((run) => Array.from(run.scoreError));
  const lo = Math.min(...finitePositive(all));
  const hi = Math.max(...finitePositive(all));
  const genMedian = [...runs.map((x) => x.tauGen)].sort((a, b) => a - b)[Math.floor(runs.length / 2)] ?? s.tauMin;
  const last = runs[runs.length - 1];
  return plot({
    width,
    height: 230,
    marginLeft: 46,
    marginRight: 12,
    marginTop: 22,
    marginBottom: 26,
    className: 'training-window-score-figure',
    ariaLabel: msg('training-window.aria.score', { count: runs.length }),
    ariaDescription: msg('training-window.aria.scoreDescription', { tauGen: formatTime(genMedian) }),
    style: PLOT_STYLE,
    x: timeScale(s),
    y: { type: 'log', domain: [lo / 1.15, hi * 1.15] },
    marks: [
      timeAxis(s, width, false),
      logAxisY(logTicks(lo / 1.15, hi * 1.15, 5), { label: msg('training-window.y.score') }),
      ...windowMarks(s),
      Plot.frame({ strokeOpacity: 0.15 }),
      ...runs.map((run) =>
        Plot.line(range(run.tau.length), {
          x: (k: number) => run.tau[k],
          y: (k: number) => run.scoreError[k],
          stroke: colour(run),
          strokeWidth: 1.8,
          className: 'training-window-score',
        }),
      ),
      Plot.dot(runs, {
        x: (run: TrainingWindowRun) => run.tauGen,
        y: (run: TrainingWindowRun) => minimumOf(run.scoreError),
        fill: colour,
        stroke: 'var(--bg)',
        strokeWidth: 1,
        r: 4,
        symbol: 'square',
        className: 'training-window-tau-gen',
      }),
      Plot.text(['τ_gen'], { x: () => genMedian, frameAnchor: 'top', dy: -12, fill: 'var(--fg)', fontSize: 11, className: 'training-window-label' }),
      Plot.text(
        last !== undefined && Number.isFinite(last.tauMem) ? ['τ_mem'] : [],
        {
          x: () => Math.min(last?.tauMem ?? s.tauMax, s.tauMax),
          frameAnchor: 'top',
          dy: -12,
          fill: 'var(--fg)',
          fontSize: 11,
          className: 'training-window-label',
        },
      ),
    ],
    color: { type: 'identity' },
  });
}

function lossPlot(s: State, width: number): SVGSVGElement | HTMLElement {
  const runs = s.r.runs.filter(isMeasured);
  const all = runs.flatMap((run) => [...run.trainLoss, ...run.testLoss]).filter(Number.isFinite);
  const lo = Math.min(0, ...all);
  const hi = Math.max(...all);
  return plot({
    width,
    height: 200,
    marginLeft: 46,
    marginRight: 12,
    marginTop: 10,
    marginBottom: 34,
    className: 'training-window-loss-figure',
    ariaLabel: msg('training-window.aria.loss', { count: runs.length }),
    ariaDescription: msg('training-window.aria.lossDescription'),
    style: PLOT_STYLE,
    x: timeScale(s),
    y: { domain: [lo, hi * 1.05], label: msg('training-window.y.loss'), ticks: 4 },
    marks: [
      timeAxis(s, width, true),
      ...windowMarks(s),
      Plot.frame({ strokeOpacity: 0.15 }),
      ...runs.flatMap((run) => {
        const colour = runColour(s, run);
        const ks = range(run.tau.length);
        return [
          Plot.line(ks, { x: (k: number) => run.tau[k], y: (k: number) => run.testLoss[k], ...TEST_LOSS, stroke: colour, className: 'training-window-test-loss' }),
          Plot.line(ks, {
            x: (k: number) => run.tau[k],
            y: (k: number) => run.trainLoss[k],
            ...TRAIN_LOSS,
            stroke: colour,
            className: 'training-window-train-loss',
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
  const colour = (run: TrainingWindowRun): string => runColour(s, run);
  return plot({
    width,
    height: 260,
    marginLeft: 46,
    marginRight: 12,
    marginTop: 14,
    marginBottom: 34,
    className: 'training-window-times-figure',
    ariaLabel: msg('training-window.aria.times'),
    ariaDescription: msg('training-window.aria.timesDescription', { mem: formatValue(s.r.slopes.tauMem, 2), theory: formatValue(s.r.slopes.tauMemTheory, 2), gen: formatValue(s.r.slopes.tauGen, 2) }),
    style: PLOT_STYLE,
    x: { type: 'log', domain: [xLo, xHi] },
    y: { type: 'log', domain: [yLo, yHi] },
    marks: [
      logAxisX(ns.length <= 6 ? ns : logTicks(xLo, xHi, 6), { label: msg('training-window.x.n'), text: (n: number) => formatValue(n) }),
      logAxisY(logTicks(yLo, yHi, 6), { label: msg('training-window.y.tau') }),
      Plot.frame({ strokeOpacity: 0.15 }),
      Plot.ruleX(runs, {
        x: (run: TrainingWindowRun) => run.n,
        y1: (run: TrainingWindowRun) => run.tauGen,
        y2: (run: TrainingWindowRun) => (Number.isFinite(run.tauMem) ? run.tauMem : yHi),
        stroke: colour,
        strokeWidth: 7,
        strokeOpacity: 0.22,
        className: 'training-window-window-bar',
      }),
      Plot.line(fitTheory, { x: 'n', y: 'tau', ...FIT_THEORY_LINE, className: 'training-window-fit-theory' }),
      Plot.line(fit, { x: 'n', y: 'tau', ...FIT_LINE, className: 'training-window-fit' }),
      Plot.dot(runs, { x: 'n', y: 'tauGen', symbol: 'square', r: 3.6, fill: colour, stroke: 'var(--bg)', strokeWidth: 1, className: 'training-window-point-gen' }),
      Plot.dot(runs, { x: 'n', y: 'tauMemTheory', r: 4.2, fill: 'none', stroke: colour, strokeWidth: 1.6, className: 'training-window-point-theory' }),
      Plot.dot(measured, { x: 'n', y: 'tauMem', r: 4, fill: colour, stroke: 'var(--bg)', strokeWidth: 1, className: 'training-window-point-mem' }),
    ],
    color: { type: 'identity' },
  });
}

function slopeText(x: number): string {
  return Number.isFinite(x) ? formatValue(x, 2) : msg('training-window.notMeasured');
}

function readoutText(s: State): string {
  const runs = s.r.runs.filter(isMeasured);
  const first = runs[0];
  const last = runs[runs.length - 1];
  if (first === undefined || last === undefined) return '';
  if (runs.length === 1) {
    return msg('training-window.readout.one', {
      n: first.n,
      gen: formatTime(first.tauGen),
      mem: formatTime(first.tauMem),
      theory: formatTime(first.tauMemTheory),
      window: formatValue(first.tauMem / first.tauGen, 2),
    });
  }
  const gens = runs.map((x) => x.tauGen);
  // Two sentences; the run-by-run values are in the table under the figure.
  return [
    msg('training-window.readout.gen', { from: formatTime(Math.min(...gens)), to: formatTime(Math.max(...gens)), slope: slopeText(s.r.slopes.tauGen) }),
    msg('training-window.readout.mem', { from: formatTime(first.tauMem), nFrom: first.n, to: formatTime(last.tauMem), nTo: last.n, slope: slopeText(s.r.slopes.tauMem) }),
  ].join(' ');
}

/** Every run's times, one row per n. */
function numbersRows(s: State): string[][] {
  return s.r.runs.map((run) => {
    // a size still to come has its theory only
    const measured = isMeasured(run);
    const pending = msg('training-window.numbers.pending');
    return [
      String(run.n),
      formatValue(run.psiN),
      measured ? formatTime(run.tauGen) : pending,
      measured ? formatTime(run.tauMem) : pending,
      formatTime(run.tauMemTheory),
      measured ? `${formatValue(run.tauMem / run.tauGen, 2)}×` : pending,
      run.psiN > s.psiP ? msg('training-window.numbers.wide') : '',
    ];
  });
}

function summaryText(s: State, backend: string): string {
  const runs = s.r.runs;
  const first = runs[0];
  const last = runs[runs.length - 1];
  if (first === undefined || last === undefined) return '';
  const gens = runs.map((x) => x.tauGen);
  const model = s.matrix === 'sampled' ? msg('training-window.model.sampled') : msg('training-window.model.equivalent');
  const head =
    runs.length === 1
      ? msg('training-window.summary.one', { n: first.n, gen: formatTime(first.tauGen), mem: formatTime(first.tauMem) })
      : msg('training-window.summary.many', {
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
  return `${head} ${msg('training-window.summary.model', { p: s.p, d: s.d, t: formatValue(s.t), model, backend })}`;
}

/** A second chart host under a panel's own, laid out like it, for a chart that shares the panel's title. */
function extraPlot(p: Panel): HTMLElement {
  const host = document.createElement('div');
  host.className = 'figure-plot';
  host.style.width = '100%';
  host.style.color = 'var(--fg-soft)';
  p.element.append(host);
  return host;
}

/**
 * Chapter 3's main figure: score error and losses over log τ with the window [τ_gen, τ_mem] of each
 * n shaded, the two times against n with power-law fits, and the spectrum of U with its bulks.
 */
export const trainingWindowView = defineView('training-window', (context) => {
  const { stage, readout, summary } = context;
  stage.classList.add('training-window-stage');
  const keys = document.createElement('div');
  const curves = panel('training-window-curves');
  const lossHost = extraPlot(curves);
  const grid = panelGrid('training-window-grid', 300);
  const times = panel('training-window-times');
  const spectrum = panel('training-window-spectrum-panel');
  const edgesHost = extraPlot(spectrum);
  grid.append(times.element, spectrum.element);
  curves.plot.append(placeholder(msg('figure.placeholder')));
  const numbers = numbersTable(msg('figure.numbers'), 'training-window-numbers');
  stage.append(keys, curves.element, grid, numbers.element);

  let state: State | undefined;

  function title(panel: Panel, text: string): void {
    setRichText(panel.title, text);
  }

  function draw(): void {
    const s = state;
    if (s === undefined) return;
    // Every width before the keys or any chart is replaced: a read after a replacement forces the
    // page's layout again.
    const wide = widthOf(curves.plot, 560, MAX_WIDTH);
    const half = widthOf(times.plot, 560, 520);
    const items: LegendItem[] = s.r.runs.map((run, i) => ({ label: nLabel(run), colour: s.colours[i] ?? 'currentColor', shape: 'line' }));
    const styleKeys: Array<LegendItem | StrokeLegendItem> = [
      { label: msg('training-window.legend.test'), line: TEST_LOSS },
      { label: msg('training-window.legend.training'), line: TRAIN_LOSS },
      { label: 'τ_gen', colour: 'var(--fg-soft)', shape: 'square' },
      { label: msg('training-window.legend.tauMem'), line: TAU_MEM_RULE },
      { label: msg('training-window.legend.window'), colour: 'var(--fg-soft)', shape: 'band' },
    ];
    keys.replaceChildren(legend('training-window-legend', items), legend('training-window-legend-styles', styleKeys));

    title(curves, msg('training-window.panel.curves'));
    const first = s.r.runs[0];
    if (s.r.runs.some(isMeasured) || first === undefined) {
      curves.plot.replaceChildren(scoreErrorPlot(s, wide));
      lossHost.replaceChildren(lossPlot(s, wide));
    } else {
      // the theory's frame, before any size is trained: the curves come with the first one
      curves.plot.replaceChildren(placeholder(msg('training-window.training', { n: first.n })));
      lossHost.replaceChildren();
    }

    // a run on its way with fewer than two sizes trained has no measured slope yet
    const slopes = { slope: slopeText(s.r.slopes.tauMem), theory: slopeText(s.r.slopes.tauMemTheory) };
    title(times, s.r.runs.filter(isMeasured).length < 2 && s.r.runs.length > 1 ? msg('training-window.panel.timesTheory', slopes) : msg('training-window.panel.times', slopes));
    times.plot.replaceChildren(timesPlot(s, half));
    times.element.querySelector('.training-window-times-legend')?.remove();
    times.element.append(
      legend('training-window-times-legend', [
        { label: msg('training-window.legend.measured'), colour: 'var(--fg-soft)', shape: 'dot' },
        { label: msg('training-window.legend.theory'), colour: 'var(--fg-soft)', shape: 'ring' },
        { label: 'τ_gen', colour: 'var(--fg-soft)', shape: 'square' },
        { label: msg('training-window.legend.fit'), line: FIT_LINE },
        { label: msg('training-window.legend.fitTheory'), line: FIT_THEORY_LINE },
      ]),
    );

    const h = histogram(s);
    title(spectrum, msg('training-window.panel.spectrum', { p: s.p }));
    spectrum.plot.replaceChildren(spectrumPlot(s, h, half));
    edgesHost.replaceChildren(edgesPlot(s, h, half));

    setRichText(readout, readoutText(s));
    numbers.set(
      [msg('training-window.numbers.n'), 'ψ_n', 'τ_gen', msg('training-window.legend.measured'), msg('training-window.legend.theory'), 'τ_mem/τ_gen', msg('training-window.numbers.regime')],
      numbersRows(s),
    );
  }

  return {
    resizes: curves.plot,
    // A partial run: the sizes done so far, drawn as the final run draws them.
    partial(output: OutputOf<'training-window'>, _params: ParamValues) {
      state = stateOf(output);
      draw();
    },
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

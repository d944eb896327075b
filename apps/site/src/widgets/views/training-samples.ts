import * as Plot from '@observablehq/plot';
import { MEMORIZATION_RATIO, type ResultRecord, type TrainingSamplesResult, type TrainingSamplesRun } from '@diffusion-atlas/core';
import type { RunOutput } from '@diffusion-atlas/worker';
import { t as msg } from '../../i18n/messages.ts';
import { widthOf } from '../kit/dom.ts';
import { formatPercent, formatTime, formatValue } from '../kit/format.ts';
import { placeholder } from '../kit/placeholder-figure.ts';
import { float32Field, float64Field, int32Field, numberField, numberFields, recordList } from '../kit/result-fields.ts';
import { range } from '../kit/arrays.ts';
import { seriesColours } from '../kit/colours.ts';
import { legend, swatch, type StrokeStyle } from '../kit/legend.ts';
import { logAxisX, logTicks } from '../kit/log-scale.ts';
import { type Panel, panel, panelGrid } from '../kit/panels.ts';
import { numbersTable } from '../kit/numbers-table.ts';
import { BOTTOM_AXIS_MARGIN, plot, PLOT_STYLE } from '../kit/plot-style.ts';
import { defineView, type OutputOf, type ParamValues } from '../kit/view.ts';
import { setRichText } from '../kit/rich-text.ts';

const MAX_WIDTH = 720;
const MAX_SCATTER = 380;

function readRun(record: ResultRecord, i: number): TrainingSamplesRun {
  const where = `runs[${i}].`;
  return {
    psiN: numberField(record, 'psiN', where),
    n: numberField(record, 'n', where),
    training: float32Field(record, 'training', where),
    curveTau: float64Field(record, 'curveTau', where),
    memorizedCurve: float64Field(record, 'memorizedCurve', where),
    samples: float32Field(record, 'samples', where),
    nearest: int32Field(record, 'nearest', where),
    ratio: float32Field(record, 'ratio', where),
    memorizedFraction: numberField(record, 'memorizedFraction', where),
    trainLoss: numberField(record, 'trainLoss', where),
    testLoss: numberField(record, 'testLoss', where),
    generalizationGap: numberField(record, 'generalizationGap', where),
    tauMem: numberField(record, 'tauMem', where),
    tauMemTheory: numberField(record, 'tauMemTheory', where),
  };
}

function readResult(result: ResultRecord): TrainingSamplesResult {
  return {
    ...numberFields(result, ['d', 'p', 't', 'tau', 'memorizedBaselineTheory']),
    runs: recordList(result, 'runs').map(readRun),
  };
}

interface State {
  r: TrainingSamplesResult;
  colours: string[];
  /** Half-width of the square the scatter plots show. */
  extent: number;
}

function stateOf(output: RunOutput): State {
  const r = readResult(output.result);
  let reach = 0;
  for (const run of r.runs) {
    for (let i = 0; i < run.n; i++) {
      reach = Math.max(reach, Math.abs(run.training[i * r.d] ?? 0), Math.abs(run.training[i * r.d + 1] ?? 0));
    }
  }
  // One colour per requested size, so a partial run's sizes keep the colours the final run gives them.
  const requested = output.params['psiN'];
  const sizes = Array.isArray(requested) ? Math.max(requested.length, r.runs.length) : r.runs.length;
  return { r, colours: seriesColours(sizes), extent: Math.max(3, Math.ceil(reach * 1.15 * 2) / 2) };
}

/** Where the chosen τ sits against this n's τ_mem, in words. */
function phase(run: TrainingSamplesRun, tau: number): string {
  if (!Number.isFinite(run.tauMem)) return msg('training-samples.phase.never');
  if (tau < run.tauMem / 3) return msg('training-samples.phase.before');
  if (tau > run.tauMem * 3) return msg('training-samples.phase.after');
  return msg('training-samples.phase.near');
}

/*
 * The curve panel's rules, read by the marks and the legend alike. Each n's τ_mem rule takes that
 * n's colour; its key shows the dash in neutral grey.
 */
const TAU_MEM_RULE: StrokeStyle = { stroke: 'var(--fg-soft)', strokeDasharray: '5 3', strokeWidth: 1.2 };
const TAU_RULE: StrokeStyle = { stroke: 'var(--fg)', strokeWidth: 1.5 };

function curvePlot(s: State, width: number): SVGSVGElement | HTMLElement {
  const { r } = s;
  const taus = r.runs.flatMap((run) => [...run.curveTau, run.tauMem]).concat([r.tau]).filter((x) => Number.isFinite(x) && x > 0);
  const lo = Math.min(...taus) / 2;
  const hi = Math.max(...taus) * 2;
  const colour = (i: number): string => s.colours[i] ?? 'currentColor';
  const points = r.runs.flatMap((run, i) => range(run.curveTau.length).map((k) => ({ run: i, tau: run.curveTau[k] ?? 1, f: run.memorizedCurve[k] ?? 0 })));
  return plot({
    width,
    height: 220,
    marginLeft: 46,
    marginRight: 12,
    marginTop: 22,
    marginBottom: 34,
    className: 'training-samples-curve-figure',
    ariaLabel: msg('training-samples.aria.curve', { ns: r.runs.map((x) => x.n).join(msg('training-samples.and')) }),
    ariaDescription: r.runs.map((run) => `n = ${run.n}: τ_mem ≈ ${formatTime(run.tauMem)}.`).join(' '),
    style: PLOT_STYLE,
    x: { type: 'log', domain: [lo, hi] },
    y: { domain: [0, 1], label: msg('training-samples.y.memorized'), ticks: 5, tickFormat: (f: number) => formatPercent(f) },
    marks: [
      logAxisX(logTicks(lo, hi, Math.floor(width / 55)), { label: msg('figure.axis.trainingTime') }),
      Plot.frame({ strokeOpacity: 0.15 }),
      Plot.ruleY([r.memorizedBaselineTheory], { stroke: 'var(--muted)', strokeDasharray: '1 3', className: 'training-samples-baseline' }),
      ...r.runs.map((run, i) =>
        Plot.ruleX(Number.isFinite(run.tauMem) ? [run.tauMem] : [], { ...TAU_MEM_RULE, stroke: colour(i), className: 'training-samples-tau-mem' }),
      ),
      Plot.ruleX([r.tau], { ...TAU_RULE, className: 'training-samples-tau' }),
      Plot.text([`τ = ${formatTime(r.tau)}`], { x: () => r.tau, frameAnchor: 'top', dy: -12, fill: 'var(--fg)', fontSize: 11 }),
      ...r.runs.map((_run, i) =>
        Plot.line(
          points.filter((pt) => pt.run === i),
          { x: 'tau', y: 'f', stroke: colour(i), strokeWidth: 1.8, className: 'training-samples-curve' },
        ),
      ),
      Plot.dot(points, { x: 'tau', y: 'f', r: 3, fill: (pt: { run: number }) => colour(pt.run), className: 'training-samples-curve-point' }),
      Plot.dot(r.runs, {
        x: () => r.tau,
        y: (run: TrainingSamplesRun) => run.memorizedFraction,
        r: 5.5,
        fill: 'none',
        stroke: (_run: TrainingSamplesRun, i: number) => colour(i),
        strokeWidth: 2,
        className: 'training-samples-now',
      }),
    ],
    color: { type: 'identity' },
  });
}

function scatterPlot(s: State, run: TrainingSamplesRun, index: number, size: number): SVGSVGElement | HTMLElement {
  const { r, extent } = s;
  const d = r.d;
  const m = run.ratio.length;
  const memorized = range(m).filter((i) => (run.ratio[i] ?? 1) < MEMORIZATION_RATIO);
  const novel = range(m).filter((i) => !((run.ratio[i] ?? 1) < MEMORIZATION_RATIO));
  const x = (i: number): number => run.samples[i * d] ?? Number.NaN;
  const y = (i: number): number => run.samples[i * d + 1] ?? Number.NaN;
  const svg = plot({
    width: size,
    height: size,
    marginLeft: 34,
    marginRight: 8,
    marginTop: 20,
    marginBottom: BOTTOM_AXIS_MARGIN,
    className: `training-samples-scatter-${index}`,
    ariaLabel: msg('training-samples.aria.scatter', { n: run.n, tau: formatTime(r.tau), d }),
    ariaDescription: msg('training-samples.aria.scatterDescription', { memorized: memorized.length, m }),
    style: PLOT_STYLE,
    x: { domain: [-extent, extent], label: 'x₁', ticks: 5 },
    y: { domain: [-extent, extent], label: 'x₂', ticks: 5 },
    marks: [
      Plot.frame({ strokeOpacity: 0.2 }),
      Plot.dot(novel, { x, y, r: 2.2, fill: 'var(--sample)', fillOpacity: 0.75, clip: true, className: 'training-samples-samples training-samples-novel' }),
      Plot.dot(memorized, { x, y, r: 2.6, fill: 'var(--memorized)', stroke: 'var(--bg)', strokeWidth: 0.5, clip: true, className: 'training-samples-samples training-samples-memorized' }),
      // Rings on top, so a copy sitting on its training point shows both.
      Plot.dot(range(run.n), {
        x: (i: number) => run.training[i * d] ?? Number.NaN,
        y: (i: number) => run.training[i * d + 1] ?? Number.NaN,
        r: 5,
        fill: 'none',
        stroke: 'var(--data)',
        strokeWidth: 2,
        className: 'training-samples-training',
      }),
    ],
  });
  svg.dataset['samples'] = String(m);
  svg.dataset['memorized'] = String(memorized.length);
  svg.dataset['training'] = String(run.n);
  return svg;
}

/** The setting and the chance level in two sentences; each run's numbers are in the table under the figure. */
function readoutText(s: State): string {
  const { r } = s;
  const head = msg('training-samples.readout.setup', { tau: formatTime(r.tau), p: r.p, d: r.d, t: formatValue(r.t) });
  return `${head} ${msg('training-samples.readout.baseline', { baseline: formatPercent(r.memorizedBaselineTheory) })}`;
}

function numbersRows(s: State): string[][] {
  return s.r.runs.map((run) => [
    String(run.n),
    `${formatPercent(run.memorizedFraction)} (${run.ratio.length})`,
    phase(run, s.r.tau),
    formatTime(run.tauMem),
    formatTime(run.tauMemTheory),
    formatValue(run.generalizationGap, 2),
  ]);
}

function summaryText(s: State, backend: string): string {
  const { r } = s;
  const clauses = r.runs.map((run) => msg('training-samples.summary.clause', { fraction: formatPercent(run.memorizedFraction), n: run.n, phase: phase(run, r.tau), mem: formatTime(run.tauMem) }));
  const [a, b] = r.runs;
  let verdict = '';
  if (a !== undefined && b !== undefined) {
    const [small, large] = a.n <= b.n ? [a, b] : [b, a];
    if (large.memorizedFraction + 0.05 < small.memorizedFraction) verdict = msg('training-samples.verdict.later');
    else if (small.memorizedFraction < 0.05 && large.memorizedFraction < 0.05) verdict = msg('training-samples.verdict.window');
  }
  const head = msg('training-samples.summary', { tau: formatTime(r.tau), clauses: clauses.join(msg('training-samples.clauseSeparator')) });
  return [head, verdict, msg('widget.computedOn', { backend })].filter((part) => part !== '').join(' ');
}

/**
 * Chapter 3's samples figure: the memorized fraction over training time for two training-set sizes,
 * and the samples at the chosen τ against the training points.
 */
export const trainingSamplesView = defineView('training-samples', (context) => {
  const { stage, readout, summary } = context;
  stage.classList.add('training-samples-stage');
  const keys = document.createElement('div');
  const curve = panel('training-samples-curve-panel');
  curve.plot.append(placeholder(msg('figure.placeholder')));
  const grid = panelGrid('training-samples-grid', 250);
  const panels: Panel[] = [];
  const scatterKeys = legend('training-samples-scatter-legend', [
    { label: msg('training-samples.legend.training'), colour: 'var(--data)', shape: 'ring' },
    { label: msg('training-samples.legend.new'), colour: 'var(--sample)', shape: 'dot' },
    { label: msg('training-samples.legend.copies'), colour: 'var(--memorized)', shape: 'dot' },
  ]);
  const numbers = numbersTable(msg('figure.numbers'), 'training-samples-numbers');
  stage.append(keys, curve.element, grid, scatterKeys, numbers.element);

  let state: State | undefined;
  /** A partial run: the sizes done so far and the one under way. */
  let partial = false;

  function draw(): void {
    const s = state;
    if (s === undefined) return;
    // One panel per training-set size first, then every width read before the keys or any chart is
    // replaced: a read after a replacement forces the page's layout again.
    while (panels.length < s.r.runs.length) {
      const created = panel('training-samples-samples-panel');
      panels.push(created);
      grid.append(created.element);
    }
    while (panels.length > s.r.runs.length) panels.pop()?.element.remove();
    const curveWidth = widthOf(curve.plot, 560, MAX_WIDTH);
    const scatterWidths = panels.map((p) => widthOf(p.plot, 560, MAX_SCATTER));
    keys.replaceChildren(
      legend('training-samples-legend', [
        ...s.r.runs.map((run, i) => ({ label: `n = ${run.n} (ψ_n = ${formatValue(run.psiN)})`, colour: s.colours[i] ?? 'currentColor', shape: 'line' as const })),
        { label: msg('training-samples.legend.tauMem'), line: TAU_MEM_RULE },
        { label: msg('training-samples.legend.tau'), line: TAU_RULE },
      ]),
    );
    setRichText(curve.title, msg('training-samples.panel.curve'));
    curve.plot.replaceChildren(curvePlot(s, curveWidth));

    s.r.runs.forEach((run, i) => {
      const panel = panels[i];
      if (panel === undefined) return;
      // The series colour goes on a key mark, not on the text: coloured text would miss the contrast bar.
      // a partial run's samples of this size may still be to come (NaN fraction)
      const fraction = Number.isFinite(run.memorizedFraction) ? formatPercent(run.memorizedFraction) : msg('figure.pendingValue');
      setRichText(panel.title, msg('training-samples.panel.samples', { n: run.n, fraction, tau: formatTime(s.r.tau) }));
      panel.title.prepend(swatch('line', s.colours[i] ?? 'currentColor'));
      panel.plot.replaceChildren(scatterPlot(s, run, i, scatterWidths[i] ?? 560));
    });
    setRichText(readout, readoutText(s));
    // each row needs its size's samples: the table waits for the whole run
    if (partial) return;
    numbers.set(
      [
        msg('training-samples.numbers.n'),
        msg('training-samples.numbers.copies'),
        msg('training-samples.numbers.phase'),
        msg('training-samples.numbers.tauMem'),
        msg('training-samples.numbers.theory'),
        msg('training-samples.numbers.gap'),
      ],
      numbersRows(s),
    );
  }


  return {
    resizes: curve.plot,
    partial(output: OutputOf<'training-samples'>, _params: ParamValues) {
      state = stateOf(output);
      partial = true;
      draw();
    },
    show(output: OutputOf<'training-samples'>, _params: ParamValues) {
      state = stateOf(output);
      partial = false;
      draw();
      setRichText(summary, summaryText(state, output.backend));
    },
    settled(note: string) {
      if (state === undefined) curve.plot.replaceChildren(placeholder(note));
    },
    redraw() {
      draw();
    },
  };
});

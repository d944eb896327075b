import * as Plot from '@observablehq/plot';
import { t as msg } from '../../i18n/messages.ts';
import { categoryColour } from '../kit/colours.ts';
import { el, paramNumber, tag, widthOf } from '../kit/dom.ts';
import { formatPercent, formatValue } from '../kit/format.ts';
import { legend, type LegendItem } from '../kit/legend.ts';
import { logAxisX, logAxisY, logTicks, padLog, positiveExtent } from '../kit/log-scale.ts';
import { panel, panelGrid } from '../kit/panels.ts';
import { placeholder } from '../kit/placeholder-figure.ts';
import { PLOT_STYLE, plot } from '../kit/plot-style.ts';
import { setRichText } from '../kit/rich-text.ts';
import { defineView, type OutputOf } from '../kit/view.ts';

type Result = OutputOf<'curie-weiss'>['result'];

/* Every series once: the marks and the keys are drawn from these. */
const PLUS: LegendItem = { label: msg('curie-weiss.legend.plus'), colour: 'var(--sample)', shape: 'line' };
const MINUS: LegendItem = { label: msg('curie-weiss.legend.minus'), colour: 'var(--memorized)', shape: 'line' };
const EXACT: LegendItem = { label: msg('curie-weiss.legend.exact'), colour: 'var(--fg)', shape: 'dot' };
const FITTED: LegendItem = { label: msg('curie-weiss.legend.fitted'), colour: categoryColour(2), shape: 'dot' };
const FITTED_THEORY: LegendItem = { label: msg('curie-weiss.legend.fittedTheory'), colour: categoryColour(2), shape: 'line' };
const COUNTED: LegendItem = { label: msg('curie-weiss.legend.counted'), colour: categoryColour(3), shape: 'dot' };
const COUNTED_THEORY: LegendItem = { label: msg('curie-weiss.legend.countedTheory'), colour: categoryColour(3), shape: 'line' };
const MARGINS = { marginLeft: 52, marginBottom: 42, marginTop: 24, marginRight: 16 } as const;

function trajectoriesFigure(r: Result, width: number): SVGSVGElement | HTMLElement {
  const { t, m, count } = r.trajectories;
  const last = t.length - 1;
  const ends = Array.from({ length: count }, (_, i) => (m[last * count + i] ?? 0) >= 0);
  const rows: { t: number; m: number; i: number }[] = [];
  for (let f = 0; f < t.length; f++) for (let i = 0; i < count; i++) rows.push({ t: t[f] ?? 0, m: m[f * count + i] ?? 0, i });
  const figure = plot({
    style: PLOT_STYLE,
    width,
    height: 280,
    ...MARGINS,
    x: { domain: [t[0] ?? 1, 0], label: msg('curie-weiss.axis.time'), labelAnchor: 'center', labelArrow: 'none' },
    y: { domain: [-1.1, 1.1], label: msg('curie-weiss.axis.magnetization'), labelArrow: 'none' },
    ariaLabel: msg('curie-weiss.aria.trajectories', { count }),
    marks: [
      Plot.ruleY([0], { stroke: 'var(--rule)' }),
      Plot.line(rows, { x: 't', y: 'm', z: 'i', stroke: (d: { i: number }) => (ends[d.i] === true ? PLUS.colour : MINUS.colour), strokeOpacity: 0.55, strokeWidth: 1.2 }),
      ...(r.tS > 0
        ? [
            Plot.ruleX([r.tS], { stroke: 'var(--fg)', strokeDasharray: '4 3' }),
            Plot.text([r.tS], { x: (d: number) => d, frameAnchor: 'top', dx: 6, dy: -16, textAnchor: 'start', fontSize: 12, text: () => `t_S = ${formatValue(r.tS, 3)}` }),
          ]
        : []),
    ],
  });
  figure.classList.add('curie-weiss-trajectories-figure');
  tag(figure, { count, ts: r.tS });
  return figure;
}

function histogramFigure(r: Result, width: number): SVGSVGElement | HTMLElement {
  const N = r.levels.m.length - 1;
  const counts = new Map<number, number>();
  for (const v of r.finalM) {
    const k = Math.round(((v + 1) * N) / 2);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const generated = Array.from(counts, ([k, c]) => ({ m: (2 * k - N) / N, p: c / r.finalM.length }));
  const exact = Array.from(r.levels.p, (p, k) => ({ m: r.levels.m[k] ?? 0, p }));
  const figure = plot({
    style: PLOT_STYLE,
    width,
    height: 240,
    ...MARGINS,
    x: { domain: [-1.05, 1.05], label: msg('curie-weiss.axis.finalMagnetization'), labelArrow: 'none' },
    // Headroom over the tallest bar for the weights' line.
    y: { label: msg('curie-weiss.axis.probability'), labelArrow: 'none', grid: true, insetTop: 22 },
    ariaLabel: msg('curie-weiss.aria.histogram'),
    marks: [
      Plot.ruleY([0]),
      Plot.ruleX(generated, { x: 'm', y: 'p', stroke: (d: { m: number }) => (d.m >= 0 ? PLUS.colour : MINUS.colour), strokeWidth: 4 }),
      Plot.dot(exact, { x: 'm', y: 'p', fill: EXACT.colour, r: 2.2 }),
      // In the headroom at the top, centred over m = 0, where no bar reaches.
      Plot.text([0], {
        frameAnchor: 'top',
        dy: 2,
        textAnchor: 'middle',
        lineAnchor: 'top',
        fontSize: 12,
        text: () => msg('curie-weiss.annotation.plus', { generated: formatPercent(r.plusFraction), exact: formatPercent(r.plusWeightTheory) }),
      }),
    ],
  });
  figure.classList.add('curie-weiss-histogram-figure');
  tag(figure, { 'plus-fraction': r.plusFraction, 'plus-theory': r.plusWeightTheory });
  return figure;
}

function transitionFigure(r: Result, betaNow: number, width: number): SVGSVGElement | HTMLElement {
  const { beta, tS } = r.betaCurve;
  const figure = plot({
    style: PLOT_STYLE,
    width,
    height: 240,
    ...MARGINS,
    x: { label: msg('curie-weiss.axis.beta'), labelArrow: 'none' },
    y: { label: msg('curie-weiss.axis.tS'), labelArrow: 'none', grid: true },
    ariaLabel: msg('curie-weiss.aria.transition'),
    marks: [
      Plot.ruleX([1], { stroke: 'var(--rule)', strokeDasharray: '4 3' }),
      Plot.text([1], { x: (d: number) => d, frameAnchor: 'top', dx: -4, dy: 4, textAnchor: 'end', fontSize: 12, text: () => 'β_c = 1' }),
      Plot.line(Array.from(beta, (b, j) => ({ b, y: tS[j] ?? 0 })), { x: 'b', y: 'y', stroke: 'var(--fg)' }),
      Plot.dot([{ b: betaNow, y: r.tS }], { x: 'b', y: 'y', fill: PLUS.colour, r: 5, stroke: 'var(--bg)' }),
    ],
  });
  figure.classList.add('curie-weiss-transition-figure');
  return figure;
}

/** The + weight's error against n/N: a fitted field (falls as √(N/n)) against counting (falls as 1/√n). */
function weightFigure(r: Result, width: number): SVGSVGElement | HTMLElement {
  const s = r.weightSweep;
  const series = (values: Float64Array): { x: number; y: number }[] => Array.from(s.ratio, (x, j) => ({ x, y: values[j] ?? Number.NaN }));
  const [lo, hi] = padLog(positiveExtent([...s.fittedError, ...s.fittedTheory, ...s.countError, ...s.countTheory], [1e-3, 1]), 1.3);
  // An RMS error of a weight cannot pass 1: the delta-method line above it is clipped, not drawn.
  const yDomain: [number, number] = [lo, Math.min(hi, 1)];
  const atN = s.ratio.indexOf(1);
  const fittedAtN = s.fittedError[atN] ?? Number.NaN;
  const lastJ = s.ratio.length - 1;
  const figure = plot({
    style: PLOT_STYLE,
    width,
    height: 240,
    ...MARGINS,
    x: { type: 'log', domain: [(s.ratio[0] ?? 0.25) / 1.3, (s.ratio[lastJ] ?? 64) * 1.3], axis: null },
    y: { type: 'log', domain: yDomain, axis: null },
    ariaLabel: msg('curie-weiss.aria.weight'),
    marks: [
      logAxisX([0.25, 1, 4, 16, 64], { label: msg('curie-weiss.axis.ratio'), labelAnchor: 'center' }),
      logAxisY(logTicks(yDomain[0], yDomain[1], 4), { label: msg('curie-weiss.axis.weightError') }),
      Plot.gridY(logTicks(yDomain[0], yDomain[1], 4), { strokeOpacity: 0.12 }),
      Plot.ruleX([1], { stroke: 'var(--rule)', strokeDasharray: '4 3' }),
      Plot.line(series(s.fittedTheory), { x: 'x', y: 'y', stroke: FITTED_THEORY.colour, strokeWidth: 1.5, clip: true }),
      Plot.line(series(s.countTheory), { x: 'x', y: 'y', stroke: COUNTED_THEORY.colour, strokeWidth: 1.5 }),
      Plot.dot(series(s.fittedError), { x: 'x', y: 'y', fill: FITTED.colour, r: 3.5 }),
      Plot.dot(series(s.countError), { x: 'x', y: 'y', fill: COUNTED.colour, r: 3.5 }),
      // Above the theory line, which falls to the right of n = N, so the words stay clear of it.
      Plot.text([{ x: 1, y: fittedAtN }], { x: 'x', y: 'y', dx: 5, dy: -24, textAnchor: 'start', fontSize: 12, text: () => msg('curie-weiss.annotation.atN', { error: formatValue(fittedAtN, 2) }) }),
    ],
  });
  figure.classList.add('curie-weiss-weight-figure');
  tag(figure, { 'fitted-at-n': fittedAtN, replicates: s.replicates });
  return figure;
}

/**
 * One figure per idea: the magnetization splitting, where it ends against P(m), t_S across β_c = 1,
 * and how many configurations a fitted score needs to get the + weight right.
 */
export const curieWeissView = defineView('curie-weiss', (context) => {
  const { stage, readout, summary } = context;
  const top = el('div', 'figure-plot curie-weiss-plot');
  const grid = panelGrid('curie-weiss-panels', 270);
  const histogram = panel('curie-weiss-histogram', msg('curie-weiss.title.histogram'));
  const transition = panel('curie-weiss-transition', msg('curie-weiss.title.transition'));
  const weight = panel('curie-weiss-weight', msg('curie-weiss.title.weight'));
  histogram.title.after(legend('curie-weiss-legend', [PLUS, MINUS, EXACT]));
  for (const p of [histogram, transition, weight]) setRichText(p.title, p.title.textContent ?? '');
  weight.element.append(legend('curie-weiss-legend', [FITTED, FITTED_THEORY, COUNTED, COUNTED_THEORY]));
  grid.append(histogram.element, transition.element, weight.element);
  stage.append(top, grid);
  let result: Result | undefined;
  let betaNow = Number.NaN;
  /** A partial run: its trajectories so far and its β curve are drawn; the end points and the sweep wait for the run's end. */
  let partial = false;

  function draw(): void {
    if (result === undefined) return;
    const r = result;
    // Every width before any chart is replaced: a read after a replacement forces the page's layout again.
    const topWidth = widthOf(stage, 680, 900);
    const transitionWidth = widthOf(transition.plot, 300, 460);
    const histogramWidth = widthOf(histogram.plot, 300, 460);
    const weightWidth = widthOf(weight.plot, 300, 460);
    top.replaceChildren(trajectoriesFigure(r, topWidth));
    transition.plot.replaceChildren(transitionFigure(r, betaNow, transitionWidth));
    if (partial) {
      histogram.plot.replaceChildren(placeholder(msg('figure.partialPending')));
      weight.plot.replaceChildren(placeholder(msg('figure.partialPending')));
      return;
    }
    histogram.plot.replaceChildren(histogramFigure(r, histogramWidth));
    weight.plot.replaceChildren(weightFigure(r, weightWidth));
  }

  return {
    partial(output, params) {
      result = output.result;
      betaNow = paramNumber(params, 'beta', Number.NaN);
      partial = true;
      draw();
    },
    show(output, params) {
      result = output.result;
      betaNow = paramNumber(params, 'beta', Number.NaN);
      partial = false;
      draw();
      const r = output.result;
      const s = r.weightSweep;
      const atN = s.ratio.indexOf(1);
      const score = r.score === 'exact' ? msg('curie-weiss.score.exact') : msg('curie-weiss.score.empirical');
      setRichText(readout, msg('curie-weiss.readout', { lambda: formatValue(r.lambda, 3), tS: formatValue(r.tS, 3), score }));
      setRichText(
        summary,
        `${msg('curie-weiss.summary', { generated: formatPercent(r.plusFraction), exact: formatPercent(r.plusWeightTheory), tS: formatValue(r.tS, 3) })} ${msg('curie-weiss.summary.weight', {
          atN: formatValue(s.fittedError[atN] ?? Number.NaN, 2),
          ratio: formatValue(s.ratio[s.ratio.length - 1] ?? Number.NaN, 2),
          atMax: formatValue(s.fittedError[s.ratio.length - 1] ?? Number.NaN, 2),
        })}`,
      );
    },
    redraw: draw,
    settled(note) {
      if (result === undefined) top.replaceChildren(placeholder(note));
    },
  };
});

import * as Plot from '@observablehq/plot';
import { t as msg } from '../../../i18n/messages.ts';
import { el, tag, widthOf } from '../../kit/dom.ts';
import { formatValue } from '../../kit/format.ts';
import { placeholderFigure } from '../../kit/placeholder-figure.ts';
import { playbackLifecycle } from '../../kit/playback-lifecycle.ts';
import { createTimeline, type Timeline } from '../../kit/timeline.ts';
import { range } from '../../kit/arrays.ts';
import { categoryColour } from '../../kit/colours.ts';
import { legend, legendItem, type LegendItem } from '../../kit/legend.ts';
import { logTickLabel, logTicks, padLog, positiveExtent } from '../../kit/log-scale.ts';
import { panel } from '../../kit/panels.ts';
import { BOTTOM_AXIS_MARGIN, plot, PLOT_STYLE } from '../../kit/plot-style.ts';
import { defineView, type OutputOf, type ParamValues } from '../../kit/view.ts';

import { at, epsIndex, epsText, meanOf, runOf, summaryText, type Run } from './run.ts';
/** Samples drawn per frame: more than this only thickens the cloud and slows redraws. */
const MAX_DRAWN = 600;
const MAX_PANEL = 340;
const MAX_SCATTER = 440;

/*
 * The series of the population score, declared once: the legends and the marks read the same
 * labels and colours (from the kit's palette, which the theme variables of the other series share
 * the luminance of).
 */
function curveSeries(): { curve: LegendItem; curveDenoised: LegendItem; curveFloor: LegendItem } {
  return {
    curve: { label: msg('manifold.legend.curveW1'), colour: categoryColour(2), shape: 'line' },
    curveDenoised: { label: msg('manifold.legend.curveW1Denoised'), colour: categoryColour(2), shape: 'ring' },
    curveFloor: { label: msg('manifold.legend.curveFloor'), colour: categoryColour(2), shape: 'dash' },
  };
}

function tangentialSeries(): LegendItem {
  return { label: msg('manifold.legend.tangential'), colour: categoryColour(3), shape: 'line' };
}

/** The widths of a drawing: each of the two panels side by side, and the samples' square. */
interface Widths {
  panel: number;
  samples: number;
}

/**
 * Chapter 5's first figure: the price of early stopping on data without a density. W₁ of the
 * output against ε with the derived bound, the score's norm blowing up as t → 0, and the samples
 * in the plane of the curve at each stopping time (a scrubber runs over ε).
 */
export const manifoldView = defineView('manifold', (context) => {
  const { stage, readout, summary } = context;
  stage.classList.add('figure-stage', 'manifold-stage');
  const w1Panel = panel('manifold-w1-panel', msg('manifold.panel.w1'));
  const scorePanel = panel('manifold-score-panel', msg('manifold.panel.score'));
  const samplePanel = panel('manifold-samples-panel', msg('manifold.panel.samples'));
  const panels = el('div', 'figure-panels');
  panels.append(w1Panel.element, scorePanel.element);
  w1Panel.element.append(
    legend('', [
      legendItem('dot', 'var(--sample)', msg('manifold.legend.output')),
      legendItem('ring', 'var(--muted)', msg('manifold.legend.forward')),
      legendItem('dot', 'var(--memorized)', msg('manifold.legend.denoised')),
      legendItem('line', 'var(--fg)', msg('manifold.legend.bound')),
      legendItem('dash', 'var(--fg)', '√(2εD)'),
      legendItem('dash', 'var(--muted)', msg('manifold.legend.floor')),
    ]),
  );
  const curve = curveSeries();
  const tangential = tangentialSeries();
  // Shown only for the population score, whose W₁ to the curve's law is the point of the run.
  const curveKeys = legend('manifold-curve-legend', [curve.curve, curve.curveDenoised, curve.curveFloor]);
  // The stylesheet's display of legends outranks the hidden attribute; set the display itself.
  curveKeys.style.display = 'none';
  w1Panel.element.append(curveKeys);
  scorePanel.element.append(
    legend('', [
      tangential,
      legendItem('line', 'var(--sample)', msg('manifold.legend.norm')),
      legendItem('dash', 'var(--accent)', 'E|z|/√Δₜ'),
      legendItem('line', 'var(--rule)', msg('manifold.legend.stops')),
    ]),
  );
  samplePanel.element.append(
    legend('', [
      legendItem('line', 'var(--muted)', msg('manifold.legend.curve')),
      legendItem('dot', 'var(--data)', msg('manifold.legend.training')),
      legendItem('dot', 'var(--sample)', msg('manifold.legend.samples')),
      legendItem('ring', 'var(--memorized)', msg('manifold.legend.denoisedPoints')),
    ]),
  );
  w1Panel.plot.append(placeholderFigure(320, 240, msg('figure.placeholder'), 'figure-placeholder'));

  let run: Run | undefined;
  const timeline: Timeline<Widths> = createTimeline<Widths>({
    label: msg('manifold.timeline'),
    describe: (frame) => (run === undefined ? '' : epsText(at(run.epsilon, epsIndex(run, frame)))),
    onFrame: (frame, widths) => drawSamples(frame, widths ?? measure()),
  });
  samplePanel.element.insertBefore(timeline.element, samplePanel.note);
  stage.append(panels, samplePanel.element);

  function panelWidth(): number {
    // Two panels side by side when the stage allows, one above the other on a phone.
    const full = widthOf(stage, 640, 2 * MAX_PANEL + 16, 260);
    return full >= 560 ? Math.min(MAX_PANEL, Math.floor((full - 16) / 2)) : Math.min(full, MAX_PANEL + 60);
  }

  /**
   * Every width a drawing needs, read before it replaces any chart: a read after a replacement
   * forces the page's layout again.
   */
  function measure(): Widths {
    return { panel: panelWidth(), samples: widthOf(samplePanel.plot, 420, MAX_SCATTER, 260) };
  }

  function drawW1(r: Run, current: number, width: number): void {
    const rows = range(r.epsilon.length).map((i) => ({
      eps: at(r.epsilon, i),
      w1: at(r.w1, i),
      bound: at(r.w1Bound, i),
      leading: at(r.w1BoundLeading, i),
      denoised: at(r.w1Denoised, i),
      forward: at(r.w1Forward, i),
    }));
    const xDomain = padLog(positiveExtent(r.epsilon, [1e-4, 1]), 1.6);
    const curveRows = range(r.epsilon.length).map((i) => ({ eps: at(r.epsilon, i), w1: at(r.w1Curve, i), denoised: at(r.w1CurveDenoised, i) }));
    const curveValues = r.population ? [...curveRows.flatMap((d) => [d.w1, d.denoised]), r.w1CurveFloor] : [];
    const yDomain = padLog(positiveExtent([...rows.flatMap((d) => [d.w1, d.bound, d.leading, d.denoised, d.forward]), r.w1Floor, ...curveValues], [0.01, 10]));
    const eps = at(r.epsilon, current);
    const smallest = curveRows[0];
    const curveMarks = r.population && smallest !== undefined
      ? [
          Plot.ruleY([r.w1CurveFloor], { stroke: curve.curveFloor.colour, strokeDasharray: '5 4', className: 'manifold-curve-floor' }),
          Plot.line(curveRows, { x: 'eps', y: 'w1', stroke: curve.curve.colour, strokeWidth: 1.6, className: 'manifold-curve-w1-line' }),
          Plot.dot(curveRows, { x: 'eps', y: 'w1', r: 3, fill: curve.curve.colour, className: 'manifold-curve-w1' }),
          Plot.dot(curveRows, { x: 'eps', y: 'denoised', r: 4.5, stroke: curve.curveDenoised.colour, fill: 'none', className: 'manifold-curve-w1-denoised' }),
          // The key value: W₁ to the curve's law at the smallest ε, written beside its point.
          Plot.text([smallest], {
            x: 'eps',
            y: 'w1',
            text: (d: { w1: number }) => `W₁ = ${formatValue(d.w1, 2)}`,
            dx: 8,
            dy: 12,
            textAnchor: 'start',
            fill: curve.curve.colour,
            className: 'manifold-curve-w1-value',
          }),
        ]
      : [];
    const svg = plot({
      width,
      height: Math.round(width * 0.78),
      marginLeft: 44,
      marginBottom: 34,
      marginRight: 10,
      className: 'manifold-w1-figure',
      ariaLabel: msg('manifold.aria.w1', { D: r.D }),
      ariaDescription: msg('manifold.aria.w1Description', { eps: formatValue(at(r.epsilon, 0), 2), w1: formatValue(at(r.w1, 0)), bound: formatValue(at(r.w1Bound, 0)) }),
      style: PLOT_STYLE,
      x: { type: 'log', domain: xDomain, label: msg('manifold.x.eps'), ticks: logTicks(xDomain[0], xDomain[1]), tickFormat: logTickLabel },
      y: { type: 'log', domain: yDomain, label: msg(r.population ? 'manifold.y.w1Both' : 'manifold.y.w1'), ticks: logTicks(yDomain[0], yDomain[1]), tickFormat: logTickLabel, grid: true },
      marks: [
        Plot.ruleY([r.w1Floor], { stroke: 'var(--muted)', strokeDasharray: '2 3', className: 'manifold-floor' }),
        Plot.ruleX([eps], { stroke: 'var(--rule)', strokeWidth: 6, strokeOpacity: 0.7, className: 'manifold-current' }),
        Plot.line(rows, { x: 'eps', y: 'bound', stroke: 'var(--fg)', strokeWidth: 1.4, className: 'manifold-bound' }),
        Plot.line(rows, { x: 'eps', y: 'leading', stroke: 'var(--fg)', strokeDasharray: '5 4', className: 'manifold-bound-leading' }),
        Plot.dot(rows, { x: 'eps', y: 'forward', r: 4.5, stroke: 'var(--muted)', fill: 'none', className: 'manifold-forward' }),
        Plot.line(rows, { x: 'eps', y: 'w1', stroke: 'var(--sample)', strokeWidth: 1.2, className: 'manifold-w1-line' }),
        Plot.dot(rows, { x: 'eps', y: 'w1', r: 3, fill: 'var(--sample)', className: 'manifold-w1' }),
        Plot.dot(rows, { x: 'eps', y: 'denoised', r: 3, fill: 'var(--memorized)', className: 'manifold-denoised' }),
        ...curveMarks,
      ],
    });
    tag(svg, { points: rows.length, d: r.D, score: r.population ? 'population' : 'empirical' });
    w1Panel.plot.replaceChildren(svg);
  }

  function drawScore(r: Run, width: number): void {
    const rows = range(r.t.length).map((i) => ({ t: at(r.t, i), norm: at(r.scoreNorm, i), theory: at(r.scoreNormTheory, i), tangential: at(r.scoreNormTangential, i) }));
    const xDomain = positiveExtent(r.t, [1e-4, 5]);
    // For the population score of the circle the tangential part vanishes by symmetry (to rounding):
    // the axis stops three decades below the other curves, and a part below that runs along the
    // frame's bottom, its value written beside it.
    const [normLo, normHi] = positiveExtent(rows.flatMap((d) => [d.norm, d.theory]), [1, 1000]);
    const yDomain = padLog([Math.max(normLo * 1e-3, Math.min(normLo, ...rows.map((d) => d.tangential).filter((v) => v > 0))), normHi], 1.2);
    const floorOf = (v: number): number => Math.max(yDomain[0], v);
    const last = rows[rows.length - 1];
    const ends = last === undefined ? [] : [
      { t: last.t, y: last.norm, text: formatValue(last.norm, 2), colour: 'var(--sample)' },
      { t: last.t, y: floorOf(last.tangential), text: formatValue(last.tangential, 2), colour: tangential.colour },
    ];
    const svg = plot({
      width,
      height: Math.round(width * 0.78),
      marginLeft: 44,
      // room over the frame for the axis title above the value written at the curve's top-left end
      marginTop: 36,
      marginBottom: 34,
      marginRight: 10,
      className: 'manifold-score-figure',
      ariaLabel: msg(r.population ? 'manifold.aria.score.population' : 'manifold.aria.score'),
      ariaDescription: msg('manifold.aria.scoreDescription', {
        from: formatValue(at(r.scoreNorm, 0)),
        tFrom: formatValue(at(r.t, 0), 2),
        to: formatValue(at(r.scoreNorm, r.t.length - 1)),
        tTo: formatValue(at(r.t, r.t.length - 1), 2),
      }),
      style: PLOT_STYLE,
      x: { type: 'log', domain: xDomain, label: msg('manifold.x.t'), ticks: logTicks(xDomain[0], xDomain[1]), tickFormat: logTickLabel },
      y: { type: 'log', domain: yDomain, label: msg('manifold.y.norm'), ticks: logTicks(yDomain[0], yDomain[1]), tickFormat: logTickLabel, grid: true },
      marks: [
        Plot.ruleX(r.epsilon, { stroke: 'var(--rule)', className: 'manifold-eps' }),
        Plot.line(rows, { x: 't', y: 'theory', stroke: 'var(--accent)', strokeDasharray: '5 4', className: 'manifold-score-theory' }),
        Plot.line(rows, { x: 't', y: 'norm', stroke: 'var(--sample)', strokeWidth: 1.6, className: 'manifold-score' }),
        Plot.line(rows, { x: 't', y: (d: { tangential: number }) => floorOf(d.tangential), stroke: tangential.colour, strokeWidth: 1.6, className: 'manifold-score-tangential' }),
        // The key values at the smallest t: the whole score against its tangential part.
        Plot.text(ends, { x: 't', y: 'y', text: 'text', fill: 'colour', dx: 6, dy: -8, textAnchor: 'start', className: 'manifold-score-end' }),
      ],
    });
    tag(svg, { steps: rows.length });
    scorePanel.plot.replaceChildren(svg);
  }

  function drawSamples(frame: number, widths: Widths): void {
    const r = run;
    if (r === undefined) return;
    const e = epsIndex(r, frame);
    const eps = at(r.epsilon, e);
    const size = widths.samples;
    const drawn = Math.min(r.m, MAX_DRAWN);
    const base = e * r.m * 2;
    const idx = range(drawn);
    const xy = (a: Float64Array, i: number, axis: 0 | 1): number => at(a, base + 2 * i + axis);
    const curve = range(r.curve.length / 2).map((i) => ({ x: at(r.curve, 2 * i), y: at(r.curve, 2 * i + 1) }));
    const svg = plot({
      width: size,
      // the frame stays square (both axes span the same extent) under the taller bottom margin
      height: size - 8 - 34 + 12 + BOTTOM_AXIS_MARGIN,
      marginLeft: 34,
      marginBottom: BOTTOM_AXIS_MARGIN,
      marginTop: 12,
      marginRight: 8,
      className: 'manifold-samples-figure',
      ariaLabel: msg(r.shape === 'circle' ? 'manifold.aria.samples.circle' : 'manifold.aria.samples.curve', { m: r.m, eps: epsText(eps), n: r.n }),
      style: PLOT_STYLE,
      x: { domain: [-r.extent, r.extent], label: msg('manifold.x.plane'), ticks: 5 },
      y: { domain: [-r.extent, r.extent], label: msg('manifold.y.plane'), ticks: 5 },
      marks: [
        Plot.frame({ strokeOpacity: 0.2 }),
        Plot.line(curve, { x: 'x', y: 'y', stroke: 'var(--muted)', strokeWidth: 1, className: 'manifold-curve' }),
        Plot.dot(range(r.n), { x: (i: number) => at(r.training, 2 * i), y: (i: number) => at(r.training, 2 * i + 1), r: 3.2, fill: 'var(--data)', className: 'manifold-training' }),
        Plot.dot(idx, { x: (i: number) => xy(r.samples, i, 0), y: (i: number) => xy(r.samples, i, 1), r: 2.2, fill: 'var(--sample)', fillOpacity: 0.75, clip: true, className: 'manifold-samples' }),
        Plot.dot(idx, {
          x: (i: number) => xy(r.denoised, i, 0),
          y: (i: number) => xy(r.denoised, i, 1),
          r: 4.2,
          stroke: 'var(--memorized)',
          strokeWidth: 1.2,
          fill: 'none',
          clip: true,
          className: 'manifold-denoised-points',
        }),
      ],
    });
    tag(svg, { frame, eps, samples: drawn, training: r.n });
    samplePanel.plot.replaceChildren(svg);
    drawW1(r, e, widths.panel);
    stage.dataset['frame'] = String(frame);

    const off = meanOf(r.offPlane, e * r.m, r.m);
    const delta = -Math.expm1(-2 * eps);
    readout.textContent = msg('manifold.readout', {
      eps: epsText(eps),
      w1: formatValue(at(r.w1, e)),
      bound: formatValue(at(r.w1Bound, e)),
      forward: formatValue(at(r.w1Forward, e)),
      denoised: formatValue(at(r.w1Denoised, e)),
      off: formatValue(off),
      others: r.D - 2,
      expected: formatValue(Math.sqrt((r.D - 2) * delta)),
    });
  }

  function drawAll(): void {
    if (run === undefined) return;
    const widths = measure();
    drawScore(run, widths.panel);
    drawSamples(timeline.index(), widths);
  }


  return {
    // A partial run: the score's norm over the steps taken so far. The samples and distances are
    // played over ε once the run has reached every ε and measured them, so they wait for its end.
    partial(output: OutputOf<'manifold'>, _params: ParamValues) {
      drawScore(runOf(output), panelWidth());
    },
    show(output: OutputOf<'manifold'>, _params: ParamValues) {
      run = runOf(output);
      samplePanel.note.hidden = false;
      samplePanel.note.textContent = msg(run.population ? 'manifold.note.population' : run.shape === 'circle' ? 'manifold.note.circle' : 'manifold.note.curve');
      curveKeys.style.display = run.population ? '' : 'none';
      const widths = measure();
      drawScore(run, widths.panel);
      const frames = run.epsilon.length;
      timeline.reset(frames, widths);
      summary.textContent = summaryText(run, output.backend);
    },
    ...playbackLifecycle({ timeline, shown: () => run !== undefined, host: w1Panel.plot, width: 320, height: 240, redraw: drawAll }),
  };
});

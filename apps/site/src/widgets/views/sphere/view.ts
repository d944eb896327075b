import * as Plot from '@observablehq/plot';
import { MEMORIZATION_RATIO, type ResultRecord } from '@diffusion-atlas/core';
import type { RunOutput } from '@diffusion-atlas/worker';
import { t as msg } from '../../../i18n/messages.ts';
import { range } from '../../kit/arrays.ts';
import { el, paramNumber, tag, widthOf } from '../../kit/dom.ts';
import { formatPercent, formatValue } from '../../kit/format.ts';
import { legend, legendItem } from '../../kit/legend.ts';
import { logTickLabel } from '../../kit/log-scale.ts';
import { panel } from '../../kit/panels.ts';
import { placeholderFigure } from '../../kit/placeholder-figure.ts';
import { playbackLifecycle } from '../../kit/playback-lifecycle.ts';
import { BOTTOM_AXIS_MARGIN, plot, PLOT_STYLE } from '../../kit/plot-style.ts';
import { setRichText } from '../../kit/rich-text.ts';
import { column, numberField, recordField, recordList, requiredNumber } from '../../kit/result-fields.ts';
import { createGlobe, type GlobeCentre } from './globe.ts';
import { likelihoodChart, likelihoodSeries, readLikelihood, type Likelihood } from './likelihood.ts';
import { createTimeline, type Timeline } from '../../kit/timeline.ts';
import { defineView, type OutputOf, type ParamValues } from '../../kit/view.ts';

/** The globe opens over the north-east Pacific: Alaska, California and Hawaii, where most of the week's events are. */
const INITIAL_CENTRE: GlobeCentre = { lon: -140, lat: 35 };
/** Colours of the heat-kernel profiles, in increasing s; theme variables so both themes read. */
const PROFILE_COLOURS = ['var(--sample)', 'var(--accent)', 'var(--fg-soft)', 'var(--data)'] as const;
/**
 * The kernel panel's density axis reaches this far down so that the point where the series runs
 * out of digits (10⁻¹² of its peak, where the result turns to NaN) shows beside Varadhan's form.
 */
const DENSITY_FLOOR = 1e-16;
const MAX_SIDE = 320;
const RAD_TO_DEG = 180 / Math.PI;

interface Profile {
  s: number;
  theta: Float64Array;
  density: Float64Array;
  densityVaradhan: Float64Array;
}

interface Run {
  n: number;
  walkers: number;
  s: number;
  steps: number;
  dataLat: Float64Array;
  dataLon: Float64Array;
  frameLat: Float64Array;
  frameLon: Float64Array;
  frameS: Float64Array;
  /** 1 where the walker's end point passes the ratio test against the epicentres. */
  memorized: Uint8Array;
  memorizedFraction: number;
  memorizedBaseline: number;
  meanCos: number;
  meanCosStdErr: number;
  meanCosTheory: number;
  maxNormError: number;
  sMin: number;
  seriesMinS: number;
  minSeparationDeg: number;
  earthquakesTotal: number;
  profiles: Profile[];
}

function runOf(output: RunOutput): Run {
  const r: ResultRecord = output.result;
  const data = recordField(r, 'data');
  const frames = recordField(r, 'frames');
  const samples = recordField(r, 'samples');
  const ratio = column(r, 'ratio');
  const walkers = column(samples, 'lat').length;
  const memorized = Uint8Array.from(ratio, (v) => (v < MEMORIZATION_RATIO ? 1 : 0));
  const profiles = recordList(r, 'kernel').map((k) => ({
    s: requiredNumber(k, 's'),
    theta: column(k, 'theta'),
    density: column(k, 'density'),
    densityVaradhan: column(k, 'densityVaradhan'),
  }));
  return {
    n: column(data, 'lat').length,
    walkers,
    s: paramNumber(output.params, 's', Number.NaN),
    steps: paramNumber(output.params, 'steps', Number.NaN),
    dataLat: column(data, 'lat'),
    dataLon: column(data, 'lon'),
    frameLat: column(frames, 'lat'),
    frameLon: column(frames, 'lon'),
    frameS: column(frames, 's'),
    memorized,
    // NaN in a partial run's result, before the walkers have arrived
    memorizedFraction: numberField(r, 'memorizedFraction'),
    // NaN in a partial run's result, before the walkers have arrived
    memorizedBaseline: numberField(r, 'memorizedBaseline'),
    // NaN in a partial run's result: the forward walk comes after the walkers have arrived
    meanCos: numberField(r, 'meanCos'),
    meanCosStdErr: numberField(r, 'meanCosStdErr'),
    meanCosTheory: requiredNumber(r, 'meanCosTheory'),
    maxNormError: numberField(r, 'maxNormError'),
    sMin: requiredNumber(r, 'sMin'),
    seriesMinS: requiredNumber(r, 'seriesMinS'),
    minSeparationDeg: requiredNumber(r, 'minSeparationDeg'),
    earthquakesTotal: requiredNumber(r, 'earthquakesTotal'),
    profiles,
  };
}

const at = (a: ArrayLike<number>, i: number): number => a[i] ?? Number.NaN;

/** The forward check's panel while a run is on its way: the check is done after the walkers arrive. */
const FORWARD_PENDING = 'pending';
const forwardHeight = (width: number): number => Math.round(width * 0.62);

function sText(s: number): string {
  return `s = ${formatValue(s, 2)}`;
}

function summaryText(run: Run, backend: string): string {
  const memorized = run.memorized.reduce((a, b) => a + b, 0);
  return [
    msg('sphere.summary.walkers', { memorized, walkers: run.walkers, fraction: formatPercent(run.memorizedFraction), from: sText(run.s), to: sText(run.sMin), n: run.n }),
    msg('sphere.summary.baseline', { baseline: formatPercent(run.memorizedBaseline) }),
    msg('sphere.summary.forward', {
      cos: formatValue(run.meanCos),
      // the same interval the forward panel's note gives, so the two agree
      se: formatValue(2 * run.meanCosStdErr, 2),
      theory: formatValue(run.meanCosTheory),
      error: formatValue(run.maxNormError, 1),
    }),
    msg('widget.computedOn', { backend }),
  ].join(' ');
}

/** The widths of a drawing: the globe's square, the charts beside it, the kernel's and the likelihood's. */
interface Widths {
  globe: number;
  side: number;
  kernel: number;
  likelihood: number;
}

/**
 * Chapter 5's globe: the geodesic random walk run backwards with the exact score of earthquake
 * epicentres, on an orthographic globe with coastlines; beside it the memorization test against
 * held-out quakes, the forward walk against the heat kernel's E cos θ = e^{−s}, and the heat
 * kernel as a Legendre series and in Varadhan's form.
 */
export const sphereView = defineView('sphere', (context) => {
  const { stage, readout, summary } = context;
  stage.classList.add('figure-stage', 'sphere-stage');

  let run: Run | undefined;
  /** A partial run on its way, drawn on the globe until the finished run replaces it. */
  let streaming: Run | undefined;
  let frameIndex = 0;

  const globe = createGlobe({
    className: 'sphere-globe',
    initial: INITIAL_CENTRE,
    label: () =>
      run === undefined
        ? msg('sphere.globe.empty')
        : msg('sphere.globe.drawn', { n: run.n, walkers: run.walkers, s: sText(at(run.frameS, frameIndex)) }),
    marks: () => globeMarks(),
    drawn: (svg) => {
      if (run === undefined) return;
      tag(svg, { frame: frameIndex, walkers: run.walkers, training: run.n, memorized: run.memorized.reduce((a, b) => a + b, 0) });
    },
     staticData: context.staticData,
  });
  const globePanel = el('figure', 'figure-panel sphere-globe-panel');
  globePanel.append(el('figcaption', 'figure-panel-title', msg('sphere.panel.globe')), globe.element);
  const timeline: Timeline<Widths> = createTimeline<Widths>({
    label: msg('sphere.timeline'),
    describe: (index) => (run === undefined ? '' : sText(at(run.frameS, index))),
    onFrame: (index, widths) => {
      frameIndex = index;
      globe.move(widths?.globe);
      describeFrame();
    },
  });
  globePanel.append(
    timeline.element,
    legend('', [
      legendItem('ring', 'var(--fg-soft)', msg('sphere.legend.training')),
      legendItem('dot', 'var(--sample)', msg('sphere.legend.walkers')),
      legendItem('dot', 'var(--memorized)', msg('sphere.legend.memorized')),
    ]),
  );

  const memPanel = panel('sphere-mem-panel', msg('sphere.panel.memorization'));
  const cosPanel = panel('sphere-cos-panel', msg('sphere.panel.forward'));
  const kernelPanel = panel('sphere-kernel-panel', msg('sphere.panel.kernel'));
  const kernelLegend = el('p', 'figure-legend');
  kernelPanel.element.append(kernelLegend);
  const side = el('div', 'sphere-side');
  side.append(memPanel.element, cosPanel.element);
  const top = el('div', 'sphere-top');
  top.append(globePanel, side);
  const likelihoodPanel = panel('sphere-likelihood-panel');
  setRichText(likelihoodPanel.title, msg('sphere.panel.likelihood'));
  const likelihoodKeys = likelihoodSeries();
  likelihoodPanel.element.append(legend('sphere-likelihood-legend', [likelihoodKeys.heldOut, likelihoodKeys.training, likelihoodKeys.uniform]));
  stage.append(top, kernelPanel.element, likelihoodPanel.element);
  let likelihood: Likelihood | undefined;

  function drawLikelihood(width: number): void {
    const l = likelihood;
    if (l === undefined) return;
    likelihoodPanel.plot.replaceChildren(likelihoodChart(l, width));
    const best = l.sMin[l.best] ?? Number.NaN;
    likelihoodPanel.note.hidden = false;
    setRichText(likelihoodPanel.note, msg('sphere.note.likelihood', {
      count: l.heldOutCount,
      best: formatValue(best, 2),
      value: formatValue(l.heldOut[l.best] ?? Number.NaN, 3),
      gain: formatValue((l.heldOut[l.best] ?? Number.NaN) - l.uniform, 2),
      smallest: formatValue(l.sMin[0] ?? Number.NaN, 2),
      heldOutSmallest: formatValue(l.heldOut[0] ?? Number.NaN, 3),
      trainingSmallest: formatValue(l.training[0] ?? Number.NaN, 3),
    }));
  }
  globe.draw();
  memPanel.plot.append(placeholderFigure(280, 120, msg('sphere.placeholder'), 'figure-placeholder'));

  function globeMarks(): Plot.Markish[] {
    // While a run streams, its walkers where they are now (the last frame kept); none is a copy yet.
    const r = streaming ?? run;
    if (r === undefined) return [];
    const base = (streaming === undefined ? frameIndex : streaming.frameS.length - 1) * r.walkers;
    const novel = range(r.walkers).filter((i) => r.memorized[i] !== 1);
    const copies = range(r.walkers).filter((i) => r.memorized[i] === 1);
    const lon = (i: number): number => at(r.frameLon, base + i);
    const lat = (i: number): number => at(r.frameLat, base + i);
    return [
      Plot.dot(range(r.n), { x: (i: number) => at(r.dataLon, i), y: (i: number) => at(r.dataLat, i), r: 3.4, stroke: 'var(--fg-soft)', strokeWidth: 1, fill: 'none', className: 'sphere-data' }),
      Plot.dot(novel, { x: lon, y: lat, r: 2.2, fill: 'var(--sample)', fillOpacity: 0.85, className: 'sphere-samples sphere-novel' }),
      Plot.dot(copies, { x: lon, y: lat, r: 2.2, fill: 'var(--memorized)', fillOpacity: 0.9, className: 'sphere-samples sphere-memorized' }),
    ];
  }

  function describeFrame(): void {
    const r = run;
    if (r === undefined) return;
    const s = at(r.frameS, frameIndex);
    const last = r.frameS.length - 1;
    // √s is the geodesic spread of the heat kernel per tangent direction, in radians.
    const spread = Math.sqrt(s) * RAD_TO_DEG;
    const where = msg('sphere.readout.where', { s: sText(s), frame: frameIndex + 1, frames: r.frameS.length, spread: formatValue(spread, 2) });
    readout.textContent =
      frameIndex === last
        ? msg('sphere.readout.end', { where, km: formatValue(spread * 111, 2) })
        : frameIndex === 0
          ? msg('sphere.readout.start', { where })
          : msg('sphere.readout.middle', { where });
  }

  function sideWidth(): number {
    return widthOf(side, MAX_SIDE, MAX_SIDE, 240);
  }

  /**
   * Every width a drawing needs, read before it replaces any chart: a read after a replacement
   * forces the page's layout again.
   */
  function measure(): Widths {
    return {
      globe: globe.size(),
      side: sideWidth(),
      kernel: widthOf(kernelPanel.plot, 640, 680, 260),
      likelihood: widthOf(likelihoodPanel.plot, 560, 680, 260),
    };
  }

  function drawMemorization(r: Run, width: number): void {
    const rows = [
      { what: msg('sphere.bar.generated'), value: r.memorizedFraction, cls: 'sample' },
      { what: msg('sphere.bar.heldOut'), value: r.memorizedBaseline, cls: 'data' },
    ];
    const svg = plot({
      width,
      height: 126,
      marginLeft: 128,
      marginRight: 44,
      marginBottom: BOTTOM_AXIS_MARGIN,
      className: 'sphere-mem-figure',
      ariaLabel: msg('sphere.aria.memorization', { fraction: formatPercent(r.memorizedFraction), baseline: formatPercent(r.memorizedBaseline) }),
      style: PLOT_STYLE,
      x: { domain: [0, 1], label: msg('sphere.x.passing'), tickFormat: (v: number) => formatPercent(v), ticks: 3 },
      y: { domain: rows.map((d) => d.what), label: null },
      marks: [
        Plot.barX(rows, { x: 'value', y: 'what', fill: (d: { cls: string }) => (d.cls === 'sample' ? 'var(--memorized)' : 'var(--data)'), className: 'sphere-mem-bars' }),
        Plot.text(rows, { x: 'value', y: 'what', text: (d: { value: number }) => formatPercent(d.value), dx: 4, textAnchor: 'start', fill: 'currentColor', className: 'sphere-mem-labels' }),
        Plot.ruleX([0], { stroke: 'var(--muted)' }),
      ],
    });
    tag(svg, { fraction: r.memorizedFraction, baseline: r.memorizedBaseline });
    memPanel.plot.replaceChildren(svg);
    memPanel.note.hidden = false;
    memPanel.note.textContent = msg('sphere.note.heldOut', { n: r.n });
  }

  /** Whether the forward check's panel waits for a run on its way (a partial frame empties it once). */
  let forwardDrawn: 'drawn' | typeof FORWARD_PENDING = 'drawn';

  function drawForwardCheck(r: Run, width: number): void {
    forwardDrawn = 'drawn';
    // e^{−s} over the range of the control: the curve the walker's mean must follow, whatever s is chosen.
    const curve = range(121).map((i) => {
      const s = 10 ** (-2 + (3 * i) / 120);
      return { s, c: Math.exp(-s) };
    });
    const lo = r.meanCos - 2 * r.meanCosStdErr;
    const hi = r.meanCos + 2 * r.meanCosStdErr;
    const svg = plot({
      width,
      height: forwardHeight(width),
      marginLeft: 40,
      marginBottom: BOTTOM_AXIS_MARGIN,
      marginRight: 10,
      className: 'sphere-cos-figure',
      ariaLabel: msg('sphere.aria.forward', { s: sText(r.s), cos: formatValue(r.meanCos), theory: formatValue(r.meanCosTheory) }),
      style: PLOT_STYLE,
      x: { type: 'log', domain: [0.01, 10], label: msg('sphere.x.time'), ticks: [0.01, 0.1, 1, 10], tickFormat: logTickLabel },
      y: { domain: [Math.min(-0.1, lo - 0.05), 1.02], label: msg('sphere.y.cos'), ticks: 5, grid: true },
      marks: [
        Plot.ruleY([0], { stroke: 'var(--muted)' }),
        Plot.line(curve, { x: 's', y: 'c', stroke: 'var(--accent)', strokeWidth: 1.5, className: 'sphere-cos-theory' }),
        Plot.ruleX([r.s], { y1: lo, y2: hi, stroke: 'var(--sample)', strokeWidth: 2, className: 'sphere-cos-error' }),
        Plot.dot([r.s], { x: (s: number) => s, y: () => r.meanCos, r: 3.5, fill: 'var(--sample)', className: 'sphere-cos-sim' }),
      ],
    });
    tag(svg, { s: r.s, meancos: r.meanCos, theory: r.meanCosTheory });
    cosPanel.plot.replaceChildren(svg);
    cosPanel.note.hidden = false;
    cosPanel.note.textContent = msg('sphere.note.forward', { walkers: r.walkers, steps: r.steps, cos: formatValue(r.meanCos), se: formatValue(2 * r.meanCosStdErr, 2), theory: formatValue(r.meanCosTheory) });
  }

  function drawKernel(r: Run, width: number): void {
    interface Point {
      profile: number;
      theta: number;
      p: number;
    }
    const series: Point[] = [];
    const varadhan: Point[] = [];
    r.profiles.forEach((profile, k) => {
      for (let i = 0; i < profile.theta.length; i++) {
        const theta = at(profile.theta, i) * RAD_TO_DEG;
        const p = at(profile.density, i);
        const q = at(profile.densityVaradhan, i);
        // NaN marks where the series has no correct digits left: a gap in its curve, not a value.
        series.push({ profile: k, theta, p: Number.isFinite(p) && p > DENSITY_FLOOR ? p : Number.NaN });
        varadhan.push({ profile: k, theta, p: Number.isFinite(q) && q > DENSITY_FLOOR ? q : Number.NaN });
      }
    });
    const colour = (d: Point): string => PROFILE_COLOURS[Math.min(d.profile, PROFILE_COLOURS.length - 1)] ?? 'currentColor';
    const svg = plot({
      width,
      height: Math.round(Math.min(280, width * 0.55)),
      marginLeft: 48,
      marginBottom: 34,
      marginRight: 12,
      className: 'sphere-kernel-figure',
      ariaLabel: msg('sphere.aria.kernel', { s: r.profiles.map((p) => formatValue(p.s, 2)).join(msg('list.separator')) }),
      style: PLOT_STYLE,
      x: { domain: [0, 180], label: msg('sphere.x.distance'), ticks: [0, 30, 60, 90, 120, 150, 180] },
      y: { type: 'log', domain: [DENSITY_FLOOR, 100], label: msg('sphere.y.density'), ticks: [1e-16, 1e-12, 1e-8, 1e-4, 1], tickFormat: logTickLabel, grid: true },
      marks: [
        Plot.line(varadhan, { x: 'theta', y: 'p', z: 'profile', stroke: colour, strokeWidth: 1.6, strokeDasharray: '5 4', clip: true, className: 'sphere-kernel-varadhan' }),
        Plot.line(series, { x: 'theta', y: 'p', z: 'profile', stroke: colour, strokeWidth: 1.4, strokeOpacity: 0.85, clip: true, className: 'sphere-kernel-series' }),
      ],
    });
    tag(svg, { profiles: r.profiles.length });
    kernelPanel.plot.replaceChildren(svg);
    kernelLegend.replaceChildren(
      ...r.profiles.map((p, k) =>
        legendItem(
          'line',
          PROFILE_COLOURS[Math.min(k, PROFILE_COLOURS.length - 1)] ?? 'currentColor',
          p.s === r.s ? msg('sphere.legend.thisRun', { s: sText(p.s) }) : p.s === r.seriesMinS ? msg('sphere.legend.switch', { s: sText(p.s) }) : sText(p.s),
        ),
      ),
      legendItem('line', 'var(--fg-soft)', msg('sphere.legend.series')),
      legendItem('dash', 'var(--fg-soft)', msg('sphere.legend.varadhan')),
    );
    kernelPanel.note.hidden = false;
    kernelPanel.note.textContent = msg('sphere.note.kernel', { s: formatValue(r.seriesMinS, 2) });
  }

  function drawAll(): void {
    const widths = measure();
    globe.draw(widths.globe);
    if (run === undefined) return;
    drawMemorization(run, widths.side);
    // the check of a run on its way (or stopped on it) is not the last finished run's
    if (forwardDrawn !== FORWARD_PENDING) drawForwardCheck(run, widths.side);
    drawKernel(run, widths.kernel);
    drawLikelihood(widths.likelihood);
  }


  const lifecycle = playbackLifecycle({ timeline, shown: () => run !== undefined, host: memPanel.plot, width: 280, height: 120, redraw: drawAll });

  return {
    // A partial run: the walkers on their way back on the globe; the forward check (done after
    // they arrive), the memorization, the kernel and the likelihood wait for the run's end.
    partial(output: OutputOf<'sphere'>, _params: ParamValues) {
      streaming = runOf(output);
      const size = globe.size();
      const width = sideWidth();
      globe.move(size);
      // The previous run's check would pass for this one's: its panel waits, emptied once per run,
      // at the chart's own size so nothing below it moves.
      if (forwardDrawn !== FORWARD_PENDING) {
        forwardDrawn = FORWARD_PENDING;
        cosPanel.plot.replaceChildren(placeholderFigure(width, forwardHeight(width), msg('figure.partialPending'), 'figure-placeholder'));
        cosPanel.note.hidden = true;
      }
    },
    show(output: OutputOf<'sphere'>, _params: ParamValues) {
      streaming = undefined;
      run = runOf(output);
      const widths = measure();
      drawMemorization(run, widths.side);
      drawForwardCheck(run, widths.side);
      drawKernel(run, widths.kernel);
      likelihood = readLikelihood(output.result);
      drawLikelihood(widths.likelihood);
      // the timeline moves the globe to its frame at once, at the size measured above
      const frames = run.frameS.length;
      timeline.reset(frames, widths);
      summary.textContent = summaryText(run, output.backend);
    },
    ...lifecycle,
    settled(note: string) {
      lifecycle.settled(note);
      // a run stopped on its way never reaches its forward check: the panel says so, not "when the run ends"
      if (forwardDrawn === FORWARD_PENDING) {
        const width = sideWidth();
        cosPanel.plot.replaceChildren(placeholderFigure(width, forwardHeight(width), note, 'figure-placeholder'));
      }
    },
  };
});

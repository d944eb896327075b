import * as Plot from '@observablehq/plot';
import { MEMORIZATION_RATIO, type ResultRecord } from '@diffusion-atlas/core';
import { t as msg } from '../../i18n/messages.ts';
import { formatPercent, formatValue } from '../kit/format.ts';
import { BOTTOM_AXIS_MARGIN, plot, PLOT_STYLE } from '../kit/plot-style.ts';
import { float32Field, float64Field, numberField } from '../kit/result-fields.ts';
import { createTimeline, type Timeline } from '../kit/timeline.ts';
import { defineView, type OutputOf, type ParamValues } from '../kit/view.ts';
import { legend, type LegendItem } from '../kit/legend.ts';
import { nearestLabels } from '../kit/label-placement.ts';

/**
 * Each tail spans this many frames, a fixed stretch of playback (frames are spaced evenly in
 * log-time, so a span in t would cover most of the run near its end); the last frame, the outcome,
 * is drawn without tails.
 */
const TAIL_FRAMES = 4;
/** Samples closer than this fraction of the plotted half-width to a training point pile up on it. */
const PILE_RADIUS = 0.02;
/** A pile is counted from this many samples on one training point. */
const PILE_MIN = 2;
/** Tails for more trajectories than this clutter the picture and slow playback. */
const MAX_TAILS = 400;
const MAX_SIZE = 560;
const MARGIN = { top: 22, right: 8, bottom: BOTTOM_AXIS_MARGIN, left: 34 } as const;
const MARGINS = { marginTop: MARGIN.top, marginRight: MARGIN.right, marginBottom: MARGIN.bottom, marginLeft: MARGIN.left } as const;

interface Frames {
  training: Float32Array;
  trajectories: Float32Array;
  frameTimes: Float64Array;
  /** Per trajectory: does its end point pass the memorization test? (None does before the run ends.) */
  memorized: Uint8Array;
  /** Frames the run has reached: all of a finished run's, the first ones of a partial run's. */
  reached: number;
  n: number;
  m: number;
  memorizedFraction: number;
  memorizedBaseline: number;
  memorizedBaselineTheory: number;
  /** Half-width of the square plotted: the data with room for the noise around them. */
  extent: number;
}

function framesOf(result: ResultRecord): Frames {
  const training = float32Field(result, 'training');
  const trajectories = float32Field(result, 'trajectories');
  const frameTimes = float64Field(result, 'frameTimes');
  const ratio = float32Field(result, 'ratio');
  const m = float32Field(result, 'samples').length / 2;
  const memorized = new Uint8Array(m);
  // A partial run's ratios are NaN, which passes no test: every trajectory is still on its way.
  for (let i = 0; i < m; i++) memorized[i] = (ratio[i] ?? 1) < MEMORIZATION_RATIO ? 1 : 0;
  let reached = 0;
  while (reached < frameTimes.length && Number.isFinite(frameTimes[reached] ?? Number.NaN)) reached++;
  let reach = 0;
  for (const v of training) reach = Math.max(reach, Math.abs(v));
  return {
    training,
    trajectories,
    frameTimes,
    memorized,
    reached,
    n: training.length / 2,
    m,
    memorizedFraction: numberField(result, 'memorizedFraction'),
    memorizedBaseline: numberField(result, 'memorizedBaseline'),
    memorizedBaselineTheory: numberField(result, 'memorizedBaselineTheory'),
    extent: Math.max(3, Math.ceil(reach * 1.15 * 2) / 2),
  };
}

/*
 * The marks' one definition, read by the plot and the legend alike. CSS variables, not literal
 * colours, so a theme switch recolours the figure without a redraw.
 */
const SERIES = {
  training: { label: msg('noise-and-back.legend.training'), colour: 'var(--data)', shape: 'disc' },
  /** Until the run ends a trajectory's outcome is unknown, so it is drawn in one neutral colour. */
  pending: { label: msg('noise-and-back.legend.pending'), colour: 'var(--fg-soft)', shape: 'disc' },
  novel: { label: msg('noise-and-back.legend.trajectories'), colour: 'var(--sample)', shape: 'disc' },
  memorized: { label: msg('noise-and-back.legend.memorized'), colour: 'var(--memorized)', shape: 'disc' },
} as const satisfies Record<string, LegendItem>;

interface Pile {
  /** The training point the samples sit on. */
  j: number;
  count: number;
}

/** Samples sitting on one training point, point by point: the overlap the eye cannot count. */
function piles(f: Frames, position: (i: number, axis: 0 | 1) => number): Pile[] {
  const counts = new Map<number, number>();
  const radius2 = (PILE_RADIUS * f.extent) ** 2;
  for (let i = 0; i < f.m; i++) {
    const x = position(i, 0);
    const y = position(i, 1);
    let best = -1;
    let bestD = radius2;
    for (let j = 0; j < f.n; j++) {
      const d = (x - (f.training[2 * j] ?? 0)) ** 2 + (y - (f.training[2 * j + 1] ?? 0)) ** 2;
      if (d <= bestD) {
        bestD = d;
        best = j;
      }
    }
    if (best >= 0) counts.set(best, (counts.get(best) ?? 0) + 1);
  }
  return [...counts].filter(([, count]) => count >= PILE_MIN).map(([j, count]) => ({ j, count }));
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i);
}

function timeText(t: number): string {
  return msg('noise-and-back.time', { t: formatValue(t, 2) });
}

function scoreText(params: ParamValues, n: number): string {
  return params['score'] === 'exact' ? msg('noise-and-back.score.exact') : msg('noise-and-back.score.empirical', { n });
}

function samplerText(params: ParamValues): string {
  return params['sampler'] === 'ode' ? msg('noise-and-back.sampler.ode') : msg('noise-and-back.sampler.sde');
}

/** The result in one or two sentences: what the memorization test says, against its chance level. */
function summaryText(f: Frames, params: ParamValues, backend: string): string {
  const tEnd = f.frameTimes[f.frameTimes.length - 1] ?? 0;
  const base = formatPercent(f.memorizedBaseline);
  const copying = f.memorizedFraction > 2 * f.memorizedBaseline + 0.1;
  const what = copying ? msg('noise-and-back.summary.copying') : msg('noise-and-back.summary.passing');
  const head = msg('noise-and-back.summary.head', { time: timeText(tEnd), fraction: formatPercent(f.memorizedFraction), m: f.m, what, base });
  const verdict = copying
    ? msg('noise-and-back.summary.verdictCopying')
    : msg('noise-and-back.summary.verdictNew');
  return `${head} ${verdict} ${msg('noise-and-back.summary.run', { score: scoreText(params, f.n), sampler: samplerText(params), backend })}`;
}

/**
 * Chapter 1's figure: the backward process in the plane, training points in grey, every
 * trajectory's current position with a short tail, and a scrubber over backward time.
 */
export const noiseAndBackView = defineView('noise-and-back', (context) => {
  const { stage, readout, summary } = context;
  stage.classList.add('noise-and-back-stage');
  const plotHost = document.createElement('div');
  plotHost.className = 'noise-and-back-plot';
  plotHost.dataset['plot'] = '';
  const placeholder = document.createElement('p');
  placeholder.className = 'noise-and-back-placeholder';
  placeholder.textContent = msg('noise-and-back.placeholder');
  plotHost.append(placeholder);
  const legendBox = legend('noise-and-back-legend', [SERIES.training, SERIES.pending, SERIES.novel, SERIES.memorized]);
  stage.append(plotHost);

  /** The finished run the timeline plays. */
  let frames: Frames | undefined;
  /**
   * A run on its way, drawn at the newest frame it has reached until the finished run replaces it
   * (or, stopped, for good). The scrubber still spans the previous run's frames meanwhile: a scrub
   * redraws this run's newest frame rather than mix in one of the previous run's.
   */
  let streaming: Frames | undefined;
  /** The frame drawn for a scrubber position: the newest one reached while a run streams. */
  const shownFrame = (f: Frames, index: number): number => (f === streaming ? f.reached - 1 : index);
  const timeline: Timeline = createTimeline({
    label: msg('noise-and-back.timeline'),
    describe: (index) => {
      const f = streaming ?? frames;
      return f === undefined ? '' : timeText(f.frameTimes[shownFrame(f, index)] ?? 0);
    },
    onFrame: (index) => draw(index),
  });
  stage.append(timeline.element, legendBox);

  function draw(position: number): void {
    const f = streaming ?? frames;
    if (f === undefined) return;
    const index = shownFrame(f, position);
    const partial = f === streaming;
    const { m, trajectories } = f;
    const t = f.frameTimes[index] ?? 0;
    const size = Math.max(260, Math.min(MAX_SIZE, Math.floor(plotHost.clientWidth || MAX_SIZE)));
    const at = (frame: number, i: number, axis: 0 | 1): number => trajectories[(frame * m + i) * 2 + axis] ?? Number.NaN;

    const last = f.frameTimes.length - 1;
    // The outcome's colours need the memorization test, which only a finished run has done.
    const ended = !partial && index === last;
    const first = ended ? index : Math.max(0, index - TAIL_FRAMES);
    const tails: Array<{ i: number; frame: number }> = [];
    const tailCount = Math.min(m, MAX_TAILS);
    if (first < index) for (let i = 0; i < tailCount; i++) for (let frame = first; frame <= index; frame++) tails.push({ i, frame });
    const novel = range(m).filter((i) => f.memorized[i] === 0);
    const memorized = range(m).filter((i) => f.memorized[i] === 1);
    const memorizedCount = memorized.length;
    const stacked = piles(f, (i, axis) => at(index, i, axis));
    const toPixel = (v: number, lo: number, hi: number): number => lo + ((v + f.extent) / (2 * f.extent)) * (hi - lo);
    // Numbers only where they fit: a pile's count is written unless it would cover another's.
    const labelled = nearestLabels(
      stacked.map((p) => ({
        x: toPixel(f.training[2 * p.j] ?? 0, MARGIN.left, size - MARGIN.right),
        y: toPixel(f.training[2 * p.j + 1] ?? 0, size - MARGIN.bottom, MARGIN.top),
        text: String(p.count),
        weight: p.count,
        item: p,
      })),
    );
    const pileRadius = (p: Pile): number => 2.5 + 1.6 * Math.sqrt(p.count);
    const sampleMarks = ended
      ? [
          Plot.dot(novel, { x: (i: number) => at(index, i, 0), y: (i: number) => at(index, i, 1), r: 2.4, fill: SERIES.novel.colour, clip: true, className: 'noise-and-back-samples noise-and-back-novel' }),
          Plot.dot(memorized, {
            x: (i: number) => at(index, i, 0),
            y: (i: number) => at(index, i, 1),
            r: 2.8,
            fill: SERIES.memorized.colour,
            stroke: 'var(--bg)',
            strokeWidth: 0.6,
            clip: true,
            className: 'noise-and-back-samples noise-and-back-memorized',
          }),
        ]
      : [Plot.dot(range(m), { x: (i: number) => at(index, i, 0), y: (i: number) => at(index, i, 1), r: 2.4, fill: SERIES.pending.colour, clip: true, className: 'noise-and-back-samples noise-and-back-pending' })];

    const svg = plot({
      width: size,
      height: size,
      ...MARGINS,
      className: 'noise-and-back-figure',
      ariaLabel: msg('noise-and-back.aria.label', { time: timeText(t), n: f.n, m }),
      ariaDescription: partial ? msg('noise-and-back.aria.partial', { m }) : msg('noise-and-back.aria.description', { memorized: memorizedCount, m }),
      style: PLOT_STYLE,
      x: { domain: [-f.extent, f.extent], label: 'x₁', ticks: 5 },
      y: { domain: [-f.extent, f.extent], label: 'x₂', ticks: 5 },
      // Pile rings give their radius in pixels, grown with the count by pileRadius.
      r: { type: 'identity' },
      marks: [
        Plot.frame({ strokeOpacity: 0.2 }),
        Plot.dot(range(f.n), {
          x: (i: number) => f.training[2 * i],
          y: (i: number) => f.training[2 * i + 1],
          r: 2.6,
          fill: SERIES.training.colour,
          className: 'noise-and-back-training',
        }),
        Plot.line(tails, {
          x: (d: { i: number; frame: number }) => at(d.frame, d.i, 0),
          y: (d: { i: number; frame: number }) => at(d.frame, d.i, 1),
          z: (d: { i: number; frame: number }) => d.i,
          stroke: SERIES.pending.colour,
          strokeOpacity: 0.22,
          strokeWidth: 1,
          clip: true,
          className: 'noise-and-back-tails',
        }),
        ...sampleMarks,
        // A pile's size grows with its count, so the piles read even where no number fits.
        Plot.dot(stacked, {
          x: (p: Pile) => f.training[2 * p.j],
          y: (p: Pile) => f.training[2 * p.j + 1],
          r: pileRadius,
          stroke: ended ? SERIES.memorized.colour : SERIES.pending.colour,
          strokeWidth: 1.2,
          fill: 'none',
          clip: true,
          className: 'noise-and-back-piles',
        }),
        Plot.text(labelled, {
          x: (p: Pile) => f.training[2 * p.j],
          y: (p: Pile) => f.training[2 * p.j + 1],
          text: (p: Pile) => String(p.count),
          dx: 9,
          textAnchor: 'start',
          fill: 'var(--fg)',
          stroke: 'var(--bg)',
          strokeWidth: 3,
          paintOrder: 'stroke',
          fontSize: 12,
          fontWeight: 600,
          className: 'noise-and-back-pile-count',
        }),
      ],
    });
    svg.dataset['frame'] = String(index);
    svg.dataset['frames'] = String(f.frameTimes.length);
    svg.dataset['reached'] = String(f.reached);
    svg.dataset['t'] = String(t);
    svg.dataset['samples'] = String(m);
    svg.dataset['memorized'] = String(memorizedCount);
    svg.dataset['training'] = String(f.n);
    svg.dataset['piled'] = String(stacked.reduce((sum, p) => sum + p.count, 0));
    plotHost.replaceChildren(svg);
    stage.dataset['frame'] = String(index);

    const delta = 1 - Math.exp(-2 * t);
    const where = msg('noise-and-back.readout.where', { time: timeText(t), delta: formatValue(delta, 2), frame: index + 1, frames: f.frameTimes.length });
    readout.textContent =
      index === f.frameTimes.length - 1
        ? msg('noise-and-back.readout.end', { where })
        : index === 0
          ? msg('noise-and-back.readout.start', { where })
          : msg('noise-and-back.readout.middle', { where });
  }


  return {
    resizes: plotHost,
    // The trajectories so far, drawn as a frame of a finished run is, the points still grey: which
    // of them land on a training point is known when the run ends.
    partial(output: OutputOf<'noise-and-back'>, _params: ParamValues) {
      streaming = framesOf(output.result);
      timeline.pause();
      draw(timeline.index());
    },
    show(output: OutputOf<'noise-and-back'>, next: ParamValues) {
      streaming = undefined;
      frames = framesOf(output.result);
      timeline.reset(frames.frameTimes.length);
      summary.textContent = summaryText(frames, next, output.backend);
    },
    pending() {
      timeline.pause();
      if (frames === undefined) placeholder.textContent = msg('noise-and-back.placeholder');
    },
    settled(note: string) {
      if (frames === undefined) placeholder.textContent = note;
    },
    redraw() {
      draw(timeline.index());
    },
  };
});

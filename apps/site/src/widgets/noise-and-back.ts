import * as Plot from '@observablehq/plot';
import { MEMORIZATION_RATIO, type ResultRecord } from '@diffusion-atlas/core';
import type { RunOutput } from '@diffusion-atlas/worker';
import { formatPercent, formatValue } from './format.ts';
import { float32Field, float64Field, numberField } from './result-fields.ts';
import { createTimeline, type Timeline } from './timeline.ts';
import type { ParamValues } from './url-state.ts';
import type { ViewContext, WidgetView } from './view.ts';

/** Frames of history drawn behind each moving point. */
const TAIL_FRAMES = 10;
/** Tails for more trajectories than this clutter the picture and slow playback. */
const MAX_TAILS = 400;
const MAX_SIZE = 560;

interface Frames {
  training: Float32Array;
  trajectories: Float32Array;
  frameTimes: Float64Array;
  /** Per trajectory: does its end point pass the memorization test? */
  memorized: Uint8Array;
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
  const m = ratio.length;
  const memorized = new Uint8Array(m);
  for (let i = 0; i < m; i++) memorized[i] = (ratio[i] ?? 1) < MEMORIZATION_RATIO ? 1 : 0;
  let reach = 0;
  for (const v of training) reach = Math.max(reach, Math.abs(v));
  return {
    training,
    trajectories,
    frameTimes,
    memorized,
    n: training.length / 2,
    m,
    memorizedFraction: numberField(result, 'memorizedFraction'),
    memorizedBaseline: numberField(result, 'memorizedBaseline'),
    memorizedBaselineTheory: numberField(result, 'memorizedBaselineTheory'),
    extent: Math.max(3, Math.ceil(reach * 1.15 * 2) / 2),
  };
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i);
}

function timeText(t: number): string {
  return `t = ${formatValue(t, 2)}`;
}

function scoreText(params: ParamValues, n: number): string {
  return params['score'] === 'exact' ? 'exact score of the data law' : `empirical score of n = ${n} training points`;
}

function samplerText(params: ParamValues): string {
  return params['sampler'] === 'ode' ? 'probability-flow ODE' : 'reverse SDE';
}

/** The result in one or two sentences: what the memorization test says, against its chance level. */
function summaryText(f: Frames, params: ParamValues, backend: string): string {
  const tEnd = f.frameTimes[f.frameTimes.length - 1] ?? 0;
  const base = formatPercent(f.memorizedBaseline);
  const copying = f.memorizedFraction > 2 * f.memorizedBaseline + 0.1;
  const what = copying ? 'sit on a training point' : 'pass the memorization test';
  const head = `At ${timeText(tEnd)}, ${formatPercent(f.memorizedFraction)} of ${f.m} trajectories ${what} (ratio test < 1/3; fresh data would pass ${base} of the time).`;
  const verdict = copying
    ? 'The sampler is reproducing its training set.'
    : 'That is the chance level: these are new points, not copies.';
  return `${head} ${verdict} Run with the ${scoreText(params, f.n)} and the ${samplerText(params)}, on the ${backend} backend.`;
}

/**
 * Chapter 1's figure: the backward process in the plane, training points in grey, every
 * trajectory's current position with a short tail, and a scrubber over backward time.
 */
export function noiseAndBackView(context: ViewContext): WidgetView {
  const { stage, readout, summary } = context;
  stage.classList.add('nb-stage');
  const plotHost = document.createElement('div');
  plotHost.className = 'nb-plot';
  plotHost.dataset['plot'] = '';
  const placeholder = document.createElement('p');
  placeholder.className = 'nb-placeholder';
  placeholder.textContent = 'Computing the first picture…';
  plotHost.append(placeholder);
  const legend = document.createElement('p');
  legend.className = 'nb-legend';
  legend.innerHTML =
    '<span><span class="swatch swatch-data"></span> training points</span> <span><span class="swatch swatch-sample"></span> trajectories</span> <span><span class="swatch swatch-memorized"></span> end on a training point</span>';
  stage.append(plotHost);

  let frames: Frames | undefined;
  const timeline: Timeline = createTimeline({
    label: 'Backward time',
    describe: (index) => (frames === undefined ? '' : timeText(frames.frameTimes[index] ?? 0)),
    onFrame: (index) => draw(index),
  });
  stage.append(timeline.element, legend);

  function draw(index: number): void {
    if (frames === undefined) return;
    const f = frames;
    const { m, trajectories } = f;
    const t = f.frameTimes[index] ?? 0;
    const size = Math.max(260, Math.min(MAX_SIZE, Math.floor(plotHost.clientWidth || MAX_SIZE)));
    const at = (frame: number, i: number, axis: 0 | 1): number => trajectories[(frame * m + i) * 2 + axis] ?? Number.NaN;

    const tails: Array<{ i: number; frame: number }> = [];
    const first = Math.max(0, index - TAIL_FRAMES);
    const tailCount = Math.min(m, MAX_TAILS);
    for (let i = 0; i < tailCount; i++) for (let frame = first; frame <= index; frame++) tails.push({ i, frame });
    const novel = range(m).filter((i) => f.memorized[i] === 0);
    const memorized = range(m).filter((i) => f.memorized[i] === 1);
    // CSS variables, not literal colours, so a theme switch recolours the figure without a redraw.
    const dataColor = 'var(--data)';
    const sampleColor = 'var(--sample)';
    const memorizedColor = 'var(--memorized)';
    const memorizedCount = memorized.length;

    const svg = Plot.plot({
      width: size,
      height: size,
      marginLeft: 34,
      marginBottom: 30,
      marginTop: 22,
      marginRight: 8,
      className: 'nb-figure',
      ariaLabel: `Scatter plot at ${timeText(t)}: ${f.n} training points and ${m} trajectories of the backward process`,
      ariaDescription: `${memorizedCount} of ${m} trajectories end on a training point.`,
      style: { background: 'transparent', color: 'currentColor' },
      x: { domain: [-f.extent, f.extent], label: 'x₁', ticks: 5 },
      y: { domain: [-f.extent, f.extent], label: 'x₂', ticks: 5 },
      marks: [
        Plot.frame({ strokeOpacity: 0.2 }),
        Plot.dot(range(f.n), {
          x: (i: number) => f.training[2 * i],
          y: (i: number) => f.training[2 * i + 1],
          r: 2.6,
          fill: dataColor,
          className: 'nb-training',
        }),
        Plot.line(tails, {
          x: (d: { i: number; frame: number }) => at(d.frame, d.i, 0),
          y: (d: { i: number; frame: number }) => at(d.frame, d.i, 1),
          z: (d: { i: number; frame: number }) => d.i,
          stroke: (d: { i: number; frame: number }) => (f.memorized[d.i] === 1 ? memorizedColor : sampleColor),
          strokeOpacity: 0.28,
          strokeWidth: 1,
          clip: true,
          className: 'nb-tails',
        }),
        Plot.dot(novel, {
          x: (i: number) => at(index, i, 0),
          y: (i: number) => at(index, i, 1),
          r: 2.4,
          fill: sampleColor,
          clip: true,
          className: 'nb-samples nb-novel',
        }),
        Plot.dot(memorized, {
          x: (i: number) => at(index, i, 0),
          y: (i: number) => at(index, i, 1),
          r: 2.8,
          fill: memorizedColor,
          stroke: 'var(--bg)',
          strokeWidth: 0.6,
          clip: true,
          className: 'nb-samples nb-memorized',
        }),
      ],
    });
    svg.dataset['frame'] = String(index);
    svg.dataset['frames'] = String(f.frameTimes.length);
    svg.dataset['t'] = String(t);
    svg.dataset['samples'] = String(m);
    svg.dataset['memorized'] = String(memorizedCount);
    svg.dataset['training'] = String(f.n);
    plotHost.replaceChildren(svg);
    stage.dataset['frame'] = String(index);

    const delta = 1 - Math.exp(-2 * t);
    const where = `${timeText(t)}, Δₜ = ${formatValue(delta, 2)}, frame ${index + 1} of ${f.frameTimes.length}`;
    readout.textContent =
      index === f.frameTimes.length - 1
        ? `${where}: the end of the backward run.`
        : index === 0
          ? `${where}: pure noise, the start of the backward run. Colours anticipate the end: orange trajectories will finish on a training point.`
          : `${where}. Colours anticipate the end: orange trajectories will finish on a training point.`;
  }

  const resize = new ResizeObserver(() => {
    if (frames !== undefined) draw(timeline.index());
  });
  resize.observe(plotHost);

  return {
    show(output: RunOutput, next: ParamValues) {
      frames = framesOf(output.result);
      stage.classList.remove('is-stale');
      timeline.reset(frames.frameTimes.length);
      summary.textContent = summaryText(frames, next, output.backend);
    },
    pending() {
      stage.classList.add('is-stale');
      timeline.pause();
      if (frames === undefined) placeholder.textContent = 'Computing the first picture…';
    },
    settled(note: string) {
      stage.classList.remove('is-stale');
      if (frames === undefined) placeholder.textContent = note;
    },
    restyle() {
      if (frames !== undefined) draw(timeline.index());
    },
  };
}

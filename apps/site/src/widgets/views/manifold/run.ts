import type { ResultRecord } from '@diffusion-atlas/core';
import type { RunOutput } from '@diffusion-atlas/worker';
import { t as msg } from '../../../i18n/messages.ts';
import { formatPercent, formatValue } from '../../kit/format.ts';
import { column, numberField, requiredNumber } from '../../kit/result-fields.ts';


/*
 * The manifold run as the view reads it, and the sentences that summarise it.
 */
export interface Run {
  D: number;
  shape: string;
  n: number;
  m: number;
  epsilon: Float64Array;
  w1: Float64Array;
  w1Bound: Float64Array;
  w1BoundLeading: Float64Array;
  w1Denoised: Float64Array;
  w1Forward: Float64Array;
  w1Floor: number;
  meanNorm: number;
  t: Float64Array;
  scoreNorm: Float64Array;
  scoreNormTheory: Float64Array;
  /** Mean |component of the score along the curve's tangent| at each t. */
  scoreNormTangential: Float64Array;
  /** Which score drove the backward run: the n training points', or the uniform circle's law. */
  population: boolean;
  /** W₁ of the output (and of its denoised points) to the curve's own law, per ε, and that of m exact draws. */
  w1Curve: Float64Array;
  w1CurveDenoised: Float64Array;
  w1CurveFloor: number;
  /** ε-major, m × 2 per ε, in the plane of the curve. */
  samples: Float64Array;
  offPlane: Float64Array;
  denoised: Float64Array;
  training: Float64Array;
  curve: Float64Array;
  memorizedFraction: number;
  /** Half-width of the square drawn for the samples. */
  extent: number;
}

export function runOf(output: RunOutput): Run {
  const r: ResultRecord = output.result;
  const epsilon = column(r, 'epsilon');
  const samples = column(r, 'samples');
  const training = column(r, 'training');
  const m = epsilon.length > 0 ? samples.length / (2 * epsilon.length) : 0;
  // One square for every ε, so the frames can be compared: the curve plus most of the noisiest cloud.
  let reach = 1;
  for (const v of training) reach = Math.max(reach, Math.abs(v));
  let noisy = 0;
  for (const v of samples) if (Number.isFinite(v)) noisy = Math.max(noisy, Math.abs(v));
  const extent = Math.min(Math.max(reach * 1.25, Math.min(noisy, 3 * reach)), 4);
  // NaN (allowed below) is what a partial run has not measured yet.
  return {
    D: requiredNumber(r, 'D'),
    // The result carries no shape; the parameters it ran with do.
    shape: typeof output.params['shape'] === 'string' ? output.params['shape'] : 'circle',
    n: training.length / 2,
    m,
    epsilon,
    w1: column(r, 'w1'),
    w1Bound: column(r, 'w1Bound'),
    w1BoundLeading: column(r, 'w1BoundLeading'),
    w1Denoised: column(r, 'w1Denoised'),
    w1Forward: column(r, 'w1Forward'),
    w1Floor: numberField(r, 'w1Floor'),
    meanNorm: requiredNumber(r, 'meanNorm'),
    t: column(r, 't'),
    scoreNorm: column(r, 'scoreNorm'),
    scoreNormTheory: column(r, 'scoreNormTheory'),
    scoreNormTangential: column(r, 'scoreNormTangential'),
    population: output.params['score'] === 'population',
    w1Curve: column(r, 'w1Curve'),
    w1CurveDenoised: column(r, 'w1CurveDenoised'),
    w1CurveFloor: numberField(r, 'w1CurveFloor'),
    samples,
    offPlane: column(r, 'offPlane'),
    denoised: column(r, 'denoised'),
    training,
    curve: column(r, 'curve'),
    memorizedFraction: numberField(r, 'memorizedFraction'),
    extent: Math.ceil(extent * 2) / 2,
  };
}

export const at = (a: Float64Array, i: number): number => a[i] ?? Number.NaN;

export function epsText(e: number): string {
  return `ε = ${formatValue(e, 2)}`;
}

/** Frames run as the backward process does: from the largest ε down to the smallest. */
export function epsIndex(run: Run, frame: number): number {
  return run.epsilon.length - 1 - frame;
}

export function meanOf(a: Float64Array, from: number, count: number): number {
  let s = 0;
  for (let i = 0; i < count; i++) s += at(a, from + i);
  return count > 0 ? s / count : Number.NaN;
}

export function summaryText(run: Run, backend: string): string {
  const e = 0;
  const eps = at(run.epsilon, e);
  const tMin = at(run.t, run.t.length - 1);
  const normEnd = at(run.scoreNorm, run.scoreNorm.length - 1);
  const last = run.epsilon.length - 1;
  return [
    msg('manifold.summary.stopped', {
      eps: epsText(eps),
      D: run.D,
      m: run.m,
      w1: formatValue(at(run.w1, e)),
      n: run.n,
      bound: formatValue(at(run.w1Bound, e)),
      leading: formatValue(at(run.w1BoundLeading, e)),
      floor: formatValue(run.w1Floor),
      epsEnd: epsText(at(run.epsilon, last)),
      w1End: formatValue(at(run.w1, last)),
      boundEnd: formatValue(at(run.w1Bound, last)),
    }),
    msg(run.population ? 'manifold.summary.denoisedPopulation' : 'manifold.summary.denoised', { fraction: formatPercent(run.memorizedFraction) }),
    msg('manifold.summary.score', { norm: formatValue(normEnd), t: formatValue(tMin, 2), theory: formatValue(at(run.scoreNormTheory, run.scoreNormTheory.length - 1)) }),
    msg('manifold.summary.tangential', { tangential: formatValue(at(run.scoreNormTangential, run.scoreNormTangential.length - 1)), t: formatValue(tMin, 2) }),
    run.population
      ? msg('manifold.summary.curve', { eps: epsText(eps), w1: formatValue(at(run.w1Curve, e)), floor: formatValue(run.w1CurveFloor) })
      : '',
    msg('widget.computedOn', { backend }),
  ]
    .filter((part) => part !== '')
    .join(' ');
}

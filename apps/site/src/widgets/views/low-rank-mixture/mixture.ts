import type { ResultRecord } from '@diffusion-atlas/core';
import { float32Field, float64Field, int32Field, numberField, numberFields } from '../../kit/result-fields.ts';
import type { SceneData } from './scene.ts';
import type { ParamValues } from '../../kit/view.ts';

export interface Mixture {
  d: number;
  K: number;
  r: number;
  n: number;
  noise: number;
  orthogonal: boolean;
  t: Float64Array;
  mseOptimal: Float64Array;
  mseTrained: Float64Array;
  mseEmpirical: Float64Array;
  mseKnownComponent: Float64Array;
  seOptimal: Float64Array;
  seTrained: Float64Array;
  seEmpirical: Float64Array;
  testPoints: number;
  subspaceError: Float64Array;
  frameTimes: Float64Array;
  scene: Record<Driver, SceneData>;
  /** Fraction of each denoiser's generated samples that pass the memorization test against the training set. */
  memorized: Record<Driver, number>;
}

/** Which denoiser drives the reverse process: the exact one, the one learned from the n samples, or the memorizing empirical one. */
export type Driver = 'optimal' | 'trained' | 'empirical';

/** Larger than almost every training point and the noise the runs start from, in data units. */
export function extentOf(sets: ReadonlyArray<{ values: Float32Array; d: number }>): number {
  const norms: number[] = [];
  for (const set of sets) {
    const dims = Math.min(3, set.d);
    for (let i = 0; i < set.values.length; i += set.d) {
      let s = 0;
      for (let a = 0; a < dims; a++) s += (set.values[i + a] ?? 0) ** 2;
      // a frame a partial run has not reached yet is NaN
      if (Number.isFinite(s)) norms.push(Math.sqrt(s));
    }
  }
  norms.sort((a, b) => a - b);
  const q = norms[Math.floor(0.97 * (norms.length - 1))] ?? 2.5;
  return Math.min(5, Math.max(2.2, Math.ceil(q * 2) / 2));
}

/** Frames a run on its way has generated for this scene: they come in order, and the first not reached is NaN. */
export function framesReached(scene: SceneData): number {
  const stride = scene.m * scene.d;
  let f = 0;
  while (f < scene.frames && Number.isFinite(scene.trajectories[f * stride] ?? Number.NaN)) f++;
  return f;
}

export function read(result: ResultRecord, params: ParamValues): Mixture {
  const { d, K, r } = numberFields(result, ['d', 'K', 'r']);
  const training = float32Field(result, 'training');
  const trainingLabels = int32Field(result, 'trainingLabels');
  const bases = float64Field(result, 'bases');
  const learnedBases = float64Field(result, 'learnedBases');
  const frameTimes = float64Field(result, 'frameTimes');
  const m = numberField(result, 'generated');
  const optimal = float32Field(result, 'trajectoriesOptimal');
  const empirical = float32Field(result, 'trajectoriesEmpirical');
  const trained = float32Field(result, 'trajectoriesTrained');
  const extent = extentOf([
    { values: training, d },
    { values: optimal, d },
  ]);
  const sceneFor = (trajectories: Float32Array): SceneData => ({
    d,
    K,
    r,
    training: { values: training, d },
    trainingLabels,
    bases,
    learnedBases,
    trajectories,
    frames: frameTimes.length,
    m,
    extent,
  });
  return {
    d,
    K,
    r,
    n: numberField(result, 'n'),
    noise: typeof params['noise'] === 'number' ? params['noise'] : 0,
    orthogonal: params['orthogonal'] !== false,
    t: float64Field(result, 't'),
    mseOptimal: float64Field(result, 'mseOptimal'),
    mseTrained: float64Field(result, 'mseTrained'),
    mseEmpirical: float64Field(result, 'mseEmpirical'),
    mseKnownComponent: float64Field(result, 'mseKnownComponent'),
    seOptimal: float64Field(result, 'mseOptimalStdErr'),
    seTrained: float64Field(result, 'mseTrainedStdErr'),
    seEmpirical: float64Field(result, 'mseEmpiricalStdErr'),
    testPoints: numberField(result, 'testPoints'),
    subspaceError: float64Field(result, 'subspaceError'),
    frameTimes,
    scene: { optimal: sceneFor(optimal), trained: sceneFor(trained), empirical: sceneFor(empirical) },
    memorized: {
      optimal: numberField(result, 'memorizedFractionOptimal'),
      trained: numberField(result, 'memorizedFractionTrained'),
      empirical: numberField(result, 'memorizedFractionEmpirical'),
    },
  };
}

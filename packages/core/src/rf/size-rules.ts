import { RF_LIMITS, realFeatureSizeProblem } from './feature-matrices.ts';

/**
 * The size rules of the random-features experiments, as messages (undefined when a size is fine):
 * the experiments' declared constraints read them, so a rule and its wording live once.
 */

/** ψ_n·d rounds to the training set size n; it needs at least one point and at most the live limit. */
export function trainingSetProblem(label: string, psiN: number, d: number): string | undefined {
  const n = Math.round(psiN * d);
  if (n < 1) return `${label} ${psiN} gives no training point at d = ${d}`;
  if (n > RF_LIMITS.maxTrainingSet) return `${label} ${psiN} gives ${n} training points, above ${RF_LIMITS.maxTrainingSet}`;
  return undefined;
}

/** ψ_p·d rounds to the width p; at least one feature, at most `max`. */
export function widthProblem(label: string, psiP: number, d: number, max: number): string | undefined {
  const p = Math.round(psiP * d);
  if (p < 1) return `${label} ${psiP} gives no feature at d = ${d}`;
  if (p > max) return `${label} ${psiP} gives ${p} features, above ${max}; lower ${label.split(' ')[0]} or d`;
  return undefined;
}

/** The exact noise average (noiseDraws = 0) or the sampled features of real features must fit in memory. */
export function realFeatureMemoryProblem(psiP: number, psiN: number, d: number, noiseDraws: number): string | undefined {
  return realFeatureSizeProblem(Math.round(psiP * d), Math.round(psiN * d), noiseDraws);
}

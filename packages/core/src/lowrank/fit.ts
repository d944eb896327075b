import type { Rng } from '../random.ts';
import { principalSubspace } from './pca.ts';
import { kSubspaces } from './k-subspaces.ts';

/** Several restarts of K-subspaces, keeping the best objective (science.md §4.5). */
export const K_SUBSPACES_RESTARTS = 5;
export const K_SUBSPACES_MAX_ITERATIONS = 50;

export interface LowRankFit {
  /** K × r × d, row j of block k the j-th basis vector of learned subspace k (Float64). */
  bases: Float64Array;
  /** count: the learned subspace each training point was assigned to (all 0 for K = 1). */
  labels: Int32Array;
}

/**
 * Training the MoLRG-parametrized denoiser on `count` points (science.md §4.3): minimizing its
 * denoising loss is PCA for K = 1 (Theorem 1) and K-subspace clustering for K > 1 (Theorem 3).
 * `onIteration` is awaited between clustering iterations, so a long fit can yield and be cancelled.
 */
export async function fitLowRankDenoiser(
  training: Float32Array,
  count: number,
  shape: { d: number; K: number; r: number },
  rng: Rng,
  onIteration?: () => Promise<void>,
): Promise<LowRankFit> {
  const { d, K, r } = shape;
  if (K === 1) return { bases: principalSubspace(training, count, d, r, { fill: rng }).basis, labels: new Int32Array(count) };
  const fit = await kSubspaces(training, count, d, { K, r, restarts: K_SUBSPACES_RESTARTS, maxIterations: K_SUBSPACES_MAX_ITERATIONS, onIteration }, rng);
  return { bases: fit.bases, labels: fit.labels };
}

import { normalAt } from './random.ts';

/** Δ_t = 1 − e^{−2t}: the noise variance of the OU forward process at time t. */
export function delta(t: number): number {
  return -Math.expm1(-2 * t);
}

/**
 * Γ_t = Δ_t + s² e^{−2t}: the variance of one noised isotropic component of variance s² (equal to
 * 1 for s² = 1, for every t).
 */
export function gamma(t: number, componentVariance: number): number {
  return delta(t) + componentVariance * Math.exp(-2 * t);
}

/**
 * Forward noising x_t = e^{−t} x_0 + √Δ_t z of every row of `x0`, with z from the counter-based
 * generator at (seed, stream): the same seed gives the same noisy points everywhere.
 */
export function noiseForward(x0: Float32Array, t: number, seed: number, stream: number): Float32Array {
  const out = new Float32Array(x0.length);
  const a = Math.exp(-t);
  const s = Math.sqrt(delta(t));
  for (let i = 0; i < x0.length; i++) out[i] = a * x0[i] + s * normalAt(seed, stream, i);
  return out;
}

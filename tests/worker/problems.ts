import { Rng, type SoftmaxDenoiseArgs, type SoftmaxDenoiseResult } from '@diffusion-atlas/core';
import { expect } from 'vitest';

export interface ProblemOptions {
  m: number;
  n: number;
  d: number;
  variance: number;
  seed: number;
  scale?: number;
  withLogWeights?: boolean;
  /** Queries near noised centres (what samplers produce) instead of anywhere. */
  nearCentres?: boolean;
}

/** Deterministic random softmaxDenoise problems from core's counter-based generator. */
export function randomProblem(o: ProblemOptions): SoftmaxDenoiseArgs {
  const rng = new Rng(o.seed);
  const scale = o.scale ?? 0.9;
  const centres = rng.stream(1).fillNormal(new Float32Array(o.n * o.d)) as Float32Array;
  const queries = new Float32Array(o.m * o.d);
  const noise = rng.stream(2);
  const pick = rng.stream(3);
  for (let i = 0; i < o.m; i++) {
    const mu = pick.int(o.n);
    for (let k = 0; k < o.d; k++) {
      queries[i * o.d + k] = o.nearCentres ? scale * centres[mu * o.d + k] + Math.sqrt(o.variance) * noise.normal() : 1.5 * noise.normal();
    }
  }
  const args: SoftmaxDenoiseArgs = { queries, m: o.m, centres, n: o.n, d: o.d, scale, variance: o.variance };
  if (o.withLogWeights) args.logWeights = rng.stream(4).fillNormal(new Float32Array(o.n), 0.5) as Float32Array;
  return args;
}

/** Means agree relative to the problem's scale; nearest agrees everywhere. */
export function expectClose(got: SoftmaxDenoiseResult, want: SoftmaxDenoiseResult, relTol: number): void {
  expect(got.mean.length).toBe(want.mean.length);
  let scale = 1;
  for (const x of want.mean) scale = Math.max(scale, Math.abs(x));
  let worst = 0;
  for (let j = 0; j < want.mean.length; j++) {
    const err = Math.abs(got.mean[j] - want.mean[j]) / scale;
    expect(Number.isFinite(got.mean[j])).toBe(true);
    worst = Math.max(worst, err);
  }
  expect(worst).toBeLessThanOrEqual(relTol);
  expect(Array.from(got.nearest)).toEqual(Array.from(want.nearest));
}

/**
 * One query at 0, centres at 0 and 10 (d = 1), variance 50: the second centre's logit is −1 plus
 * its log-weight. Its weighted contribution 10·e^{rel} is a normal float32 even at rel ≈ −87.6,
 * so a mean of exactly 0 proves it was flushed rather than merely small.
 */
export function floorProblem(rel: number): SoftmaxDenoiseArgs {
  return {
    queries: new Float32Array([0]),
    m: 1,
    centres: new Float32Array([0, 10]),
    n: 2,
    d: 1,
    scale: 1,
    variance: 50,
    logWeights: new Float32Array([0, rel + 1]),
  };
}

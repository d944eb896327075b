import { describe, expect, it } from 'vitest';
import { referenceKernels, type SoftmaxDenoiseArgs } from '@diffusion-atlas/core';
import { createWasmKernels } from '@diffusion-atlas/worker';

/*
 * Every row's error bound E decides whether its logits are recomputed exactly: above E_MAX = 1e-2
 * always. These problems sit just above it (E ≈ 2·E_MAX): a row whose E came out even a quarter
 * too small would keep its float32 inner-product logits, which here are off by about 1e-3, and its
 * mean would miss the float64 reference by far more than the tolerance.
 *
 * d = 3, s = 1, Δ = 5.8e-5, the query (1.5, 0, 0). Ten centres at the origin with log-weight 0 are
 * the row's maximum: their float32 logits are exact (0 − 0), so the maximum's near-ties show no
 * error, and nothing else would send the row to the exact path. Thirty centres (1.5 + e, 0, 0) have
 * log-weights that put their exact logits 0.2–3 below the maximum, but their inner-product form
 * cancels (x·c and bh both ≈ 3.9e4), so float32 leaves errors of order u·3.9e4 ≈ 1e-3 in them.
 * Every row is the same problem, so that each position in a tile, a pair tile and in the query
 * packing's groups of four (m = 10: 6 + 2 + 2 rows with 6-row tiles, 3 × 3 + 1 without) must hold.
 */
const TOL = 2e-5;
const d = 3;
const variance = 5.8e-5;
const m = 10;

function boundProblem(): SoftmaxDenoiseArgs {
  const near = 10;
  const far = 30;
  const n = near + far;
  const centres = new Float32Array(n * d);
  const logWeights = new Float32Array(n);
  const q0 = 1.5;
  for (let j = 0; j < far; j++) {
    const mu = near + j;
    const c = Math.fround(q0 + 0.002 * (j - 15));
    centres[mu * d] = c;
    // exact logit relative to the origin's: lw − (q − c)²/(2Δ) + q²/(2Δ) = −δ
    const delta = 0.2 + (2.8 * j) / (far - 1);
    logWeights[mu] = -delta - (q0 * q0 - (q0 - c) ** 2) / (2 * variance);
  }
  const queries = new Float32Array(m * d);
  for (let i = 0; i < m; i++) queries[i * d] = q0;
  return { queries, m, centres, n, d, scale: 1, variance, logWeights };
}

/** Worst error of each row's mean, relative to the row's largest coordinate (at least 1). */
function rowErrors(got: Float32Array, want: Float64Array | Float32Array): number[] {
  const errors: number[] = [];
  for (let i = 0; i < m; i++) {
    let scale = 1;
    for (let k = 0; k < d; k++) scale = Math.max(scale, Math.abs(want[i * d + k]));
    let worst = 0;
    for (let k = 0; k < d; k++) worst = Math.max(worst, Math.abs(got[i * d + k] - want[i * d + k]) / scale);
    errors.push(worst);
  }
  return errors;
}

/** The softmax mean from the inner-product form's logits in float32 (what a row keeps when not recomputed). */
function float32Logits(args: SoftmaxDenoiseArgs): Float32Array {
  const f = Math.fround;
  const { centres, n, logWeights } = args;
  const x = f(args.queries[0] / variance);
  const logits = new Float64Array(n);
  for (let mu = 0; mu < n; mu++) {
    const c = centres[mu * d];
    const bh = f((c * c) / variance / 2 - (logWeights?.[mu] ?? 0));
    logits[mu] = f(f(x * c) - bh);
  }
  const top = Math.max(...logits);
  let z = 0;
  let sum = 0;
  for (let mu = 0; mu < n; mu++) {
    const w = Math.exp(logits[mu] - top);
    z += w;
    sum += w * centres[mu * d];
  }
  const mean = new Float32Array(m * d);
  for (let i = 0; i < m; i++) mean[i * d] = sum / z;
  return mean;
}

describe.each(['relaxed', 'simd'] as const)('the per-row error bound just above E_MAX (%s build)', (variant) => {
  const kernels = createWasmKernels({ variant });
  const args = boundProblem();
  const want = referenceKernels.softmaxDenoise(args);

  it('is a trap: the float32 logits alone miss the reference by far', () => {
    for (const e of rowErrors(float32Logits(args), want.mean)) expect(e).toBeGreaterThan(10 * TOL);
  });

  it('sends every row, at every position, to the exact recomputation', () => {
    const got = kernels.softmaxDenoise(args);
    expect(rowErrors(got.mean, want.mean).map((e) => e <= TOL)).toEqual(new Array(m).fill(true));
    expect(Array.from(got.nearest)).toEqual(Array.from(want.nearest));
  });
});

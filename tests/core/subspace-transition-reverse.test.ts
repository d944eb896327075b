import { beforeAll, describe, expect, it } from 'vitest';
import {
  MEMORIZATION_RATIO,
  Rng,
  TRANSITION_REVERSE,
  delta,
  directContext,
  memorizedFraction,
  nearestTwo,
  referenceKernels,
  runExperiment,
  sampleFromBases,
  transitionTrial,
  type TransitionTrial,
} from '@diffusion-atlas/core';

/** |U_kᵀ x_i|² for the m rows of x and each block k of `bases` (K × r × d). */
function inSubspace(x: Float32Array, i: number, bases: Float64Array, k: number, r: number, d: number): Float64Array {
  const c = new Float64Array(r);
  for (let j = 0; j < r; j++) for (let l = 0; l < d; l++) c[j] += bases[(k * r + j) * d + l] * x[i * d + l];
  return c;
}

function squaredNorm(x: Float32Array, i: number, d: number): number {
  let s = 0;
  for (let l = 0; l < d; l++) s += x[i * d + l] ** 2;
  return s;
}

/** The block k maximizing |U_kᵀ x_i| and the squared distance of x_i to that subspace. */
function nearestSubspace(x: Float32Array, i: number, bases: Float64Array, K: number, r: number, d: number): { k: number; off2: number } {
  let best = 0;
  let arg = 0;
  for (let k = 0; k < K; k++) {
    const inside = inSubspace(x, i, bases, k, r, d).reduce((s, c) => s + c * c, 0);
    if (inside > best) {
      best = inside;
      arg = k;
    }
  }
  return { k: arg, off2: squaredNorm(x, i, d) - best };
}

const d = 16;
const K = 2;
const r = 2;
/** Many samples per subspace: the subspaces are recovered to the noise level, and the learned model is the right one. */
const n = 40;
const noise = 0.01;
const m = 1000;
/** η/t ≈ 0.04 on the geometric grid: the discretization bias of the variances is a few per cent. */
const steps = 200;
const tMin = 1e-3;

describe('subspace-transition: the reverse process with the learned and with the empirical denoiser', () => {
  const trials: TransitionTrial[] = [];
  beforeAll(async () => {
    for (let trial = 0; trial < 2; trial++) {
      trials.push(await transitionTrial(d, K, r, n, noise, 1, trial, { kernels: referenceKernels, reverse: { samples: m, steps, tMin } }));
    }
  }, 120_000);

  it('with n ≫ r the learned model generalizes and the empirical one memorizes', async () => {
    for (const [trial, o] of trials.entries()) {
      // The learned subspaces are right to the noise level (‖ÛÛᵀ − UUᵀ‖_F ≈ σ√(2r(d − r)/n) ≈ 0.01).
      for (const e of o.errors) expect(e).toBeLessThan(0.05);
      // Chance floor measured on many fresh samples of the true model against the same training set.
      const fresh = sampleFromBases(o.model.bases, K, r, d, 4000, new Rng(99, trial));
      const chance = memorizedFraction(nearestTwo(fresh, 4000, o.training, K * n, d).ratio);
      // Fractions of m = 1000 samples: standard error ≤ √(0.25/1000) ≈ 0.016, the chance floor's ≈ 0.008.
      // 0.07 is four combined standard errors; memorizing would put the learned fraction near 1.
      expect(Math.abs(o.memorizedLearned - chance)).toBeLessThan(0.07);
      // The empirical denoiser's samples end on training points. The few that do not end between two
      // training points closer than a few √Δ_{t_min} ≈ 0.045, where its output averages the pair.
      expect(o.memorizedEmpirical).toBeGreaterThan(0.9);
      expect(chance).toBeLessThan(0.3);
    }
  });

  it('the figure’s own settings (TRANSITION_REVERSE steps) give the same two verdicts', async () => {
    // Only the sample count raised, to measure the fractions: the coarse grid must not make the learned
    // model copy, nor the empirical one stop copying. Tolerances as above.
    const o = await transitionTrial(d, K, r, n, noise, 1, 5, { kernels: referenceKernels, reverse: { samples: m } });
    const fresh = sampleFromBases(o.model.bases, K, r, d, 4000, new Rng(99, 5));
    const chance = memorizedFraction(nearestTwo(fresh, 4000, o.training, K * n, d).ratio);
    expect(Math.abs(o.memorizedLearned - chance)).toBeLessThan(0.07);
    expect(o.memorizedEmpirical).toBeGreaterThan(0.9);
  });

  it('the learned model’s outputs lie on the true subspaces, the empirical model’s on training points', async () => {
    for (const o of trials) {
      const worstError = Math.max(...o.errors);
      let excessive = 0;
      let farthest = 0;
      let empiricalNear = 0;
      for (let i = 0; i < m; i++) {
        // Where the posterior weights saturate, x̂_0 lies on one learned subspace, so its distance to
        // the matching true one is at most ‖ÛÛᵀ − UUᵀ‖·|x̂_0| (1e-3 for float32 rounding). Samples
        // ending near the origin, about as close to both subspaces, keep mixed weights and an output
        // between them: a few in a thousand, and never far since they are near the origin.
        const x = o.learnedRun.denoised;
        const off = Math.sqrt(Math.max(0, nearestSubspace(x, i, o.model.bases, K, r, d).off2));
        if (off > worstError * Math.sqrt(squaredNorm(x, i, d)) + 1e-3) excessive++;
        farthest = Math.max(farthest, off);
        const near = nearestTwo(o.empiricalRun.denoised.subarray(i * d, (i + 1) * d), 1, o.training, K * n, d);
        if (near.ratio[0] < MEMORIZATION_RATIO) empiricalNear++;
      }
      expect(excessive / m).toBeLessThan(0.01);
      // A data point has norm ≈ √r ≈ 1.4; 0.1 is far below the distance between the two subspaces.
      expect(farthest).toBeLessThan(0.1);
      expect(empiricalNear / m).toBeCloseTo(o.memorizedEmpirical, 10);
    }
  });

  it('the learned model’s samples follow its Gaussians: covariance I_r on each learned subspace, Δ_{t_min} off it', async () => {
    for (const o of trials) {
      // Exact law at t_min of the learned model: x = e^{−t}U_k a + √Δ z, so U_kᵀx ~ N(0, (e^{−2t} + Δ) I_r) = N(0, I_r)
      // and the d − r other coordinates ~ N(0, Δ I); the output x̂_0 = e^{−t} U_kU_kᵀ x has covariance e^{−2t} I_r.
      const counts = new Float64Array(K);
      const cov = new Float64Array(K * r * r);
      let off = 0;
      for (let i = 0; i < m; i++) {
        const { k, off2 } = nearestSubspace(o.learnedRun.final, i, o.learned, K, r, d);
        counts[k]++;
        off += off2;
        const c = inSubspace(o.learnedRun.denoised, i, o.learned, k, r, d);
        for (let a = 0; a < r; a++) for (let b = 0; b < r; b++) cov[(k * r + a) * r + b] += c[a] * c[b];
      }
      // Components equally likely: a count of m = 1000 Bernoulli(1/2) has standard error 16; 4 of them.
      for (const c of counts) expect(Math.abs(c - m / K)).toBeLessThan(64);
      const target = Math.exp(-2 * tMin);
      for (let k = 0; k < K; k++) {
        for (let a = 0; a < r; a++) {
          for (let b = 0; b < r; b++) {
            const v = cov[(k * r + a) * r + b] / counts[k];
            // Sample covariance of ≈ 500 Gaussian points: standard error √(2/500) ≈ 0.063 on the diagonal,
            // √(1/500) ≈ 0.045 off it; four of them, plus the sampler's few per cent.
            if (a === b) expect(Math.abs(v - target)).toBeLessThan(0.28);
            else expect(Math.abs(v)).toBeLessThan(0.2);
          }
        }
      }
      // Off the subspaces: (d − r) coordinates of variance Δ_{t_min}. The mean of m(d − r) = 14 000 squared
      // normals has relative standard error √(2/14 000) ≈ 1.2 %; 10 % leaves room for the Euler–Maruyama
      // bias at η/t ≈ 0.04 (the stiff normal drift's stationary variance is off by O(η/t)).
      const offVariance = off / (m * (d - r));
      expect(offVariance / delta(tMin)).toBeGreaterThan(0.9);
      expect(offVariance / delta(tMin)).toBeLessThan(1.1);
    }
  });

  it('the run reports both reverse-process fractions per cell, and their means over r per n', async () => {
    const { result } = await runExperiment('subspace-transition', { d: 12, K: 2, rValues: [1, 3], nValues: [1, 2, 6], trials: 2 }, directContext(referenceKernels));
    const res = result as unknown as {
      memorizedFractionLearned: Float64Array;
      memorizedFractionEmpirical: Float64Array;
      memorizedBaseline: Float64Array;
      reverseSamplesPerTrial: number;
      byN: { n: Float64Array; memorizedFractionLearned: Float64Array; memorizedFractionEmpirical: Float64Array; memorizedBaseline: Float64Array };
    };
    expect(res.memorizedFractionLearned).toHaveLength(6);
    expect(res.memorizedFractionEmpirical).toHaveLength(6);
    expect(res.reverseSamplesPerTrial).toBe(TRANSITION_REVERSE.samples);
    expect(Array.from(res.byN.n)).toEqual([1, 2, 6]);
    for (let j = 0; j < 3; j++) {
      expect(res.byN.memorizedFractionEmpirical[j]).toBeCloseTo((res.memorizedFractionEmpirical[j] + res.memorizedFractionEmpirical[3 + j]) / 2, 12);
      expect(res.byN.memorizedFractionLearned[j]).toBeCloseTo((res.memorizedFractionLearned[j] + res.memorizedFractionLearned[3 + j]) / 2, 12);
      expect(res.byN.memorizedBaseline[j]).toBeCloseTo((res.memorizedBaseline[j] + res.memorizedBaseline[3 + j]) / 2, 12);
    }
    // Even at the cheap default settings the empirical model copies and the learned one does not.
    for (let c = 0; c < 6; c++) expect(res.memorizedFractionEmpirical[c]).toBeGreaterThan(res.memorizedFractionLearned[c]);
  });
});

import { describe, expect, it } from 'vitest';
import {
  Rng,
  chiMean,
  curvePoints,
  directContext,
  earlyStoppingBound,
  embed,
  isometricFrame,
  manifold,
  project,
  referenceKernels,
  runExperiment,
  w1Exact,
  w1Sorted1d,
} from '@diffusion-atlas/core';
import { runTyped } from './typed-run.ts';

describe('W₁ between empirical measures', () => {
  it('1-D: the sorted formula gives the exact values', () => {
    expect(w1Sorted1d([0], [0, 1])).toBeCloseTo(0.5, 15);
    expect(w1Sorted1d([0, 1], [0.25, 0.75])).toBeCloseTo(0.25, 15);
    // stratified uniforms and their shift by 0.3: W₁ = 0.3 exactly
    const u = Float64Array.from({ length: 500 }, (_, i) => (i + 0.5) / 500);
    expect(w1Sorted1d(u, u.map((x) => x + 0.3))).toBeCloseTo(0.3, 12);
    // against the law: U(0, 1) vs U(0, 2) has W₁ = ∫₀¹ |q − 2q| dq = 1/2, reached by quantile points
    const v = Float64Array.from({ length: 1000 }, (_, i) => (2 * (i + 0.5)) / 1000);
    expect(w1Sorted1d(u, v)).toBeCloseTo(0.5, 3);
  });

  it('1-D: N(0, 1) vs N(μ, σ²) samples agree with the exact W₁ = E|q₁ − q₂| within sampling error', () => {
    const rng = new Rng(11);
    const m = 4000;
    const x = Float64Array.from({ length: m }, () => rng.normal());
    const y = Float64Array.from({ length: m }, () => 0.4 + 2 * rng.normal());
    // quantile coupling of N(0,1) and N(0.4, 4): E|0.4 + z| with z ~ N(0, 1), i.e. a folded normal
    const mu = 0.4;
    const exact = Math.sqrt(2 / Math.PI) * Math.exp(-(mu * mu) / 2) + mu * erf(mu / Math.SQRT2);
    // empirical W₁ converges at rate ≈ 1/√m for laws with these tails; 0.1 is ≈ 4 standard errors
    expect(Math.abs(w1Sorted1d(x, y) - exact)).toBeLessThan(0.1);
  });

  it('the exact transport solver equals the sorted formula in 1-D, for unequal sizes', async () => {
    const rng = new Rng(12);
    for (let trial = 0; trial < 60; trial++) {
      const m = 1 + rng.int(30);
      const n = 1 + rng.int(30);
      const x = Float64Array.from({ length: m }, () => rng.normal());
      const y = Float64Array.from({ length: n }, () => 0.5 * rng.normal() + 0.3);
      expect(await w1Exact(x, m, y, n, 1)).toBeCloseTo(w1Sorted1d(x, y), 12);
    }
  });

  it('in R^d: a translate is |v| away, and a measure is 0 from itself replicated', async () => {
    const rng = new Rng(13);
    const d = 7;
    const m = 40;
    const x = Float64Array.from({ length: m * d }, () => rng.normal());
    const v = Float64Array.from({ length: d }, () => 0.3 * rng.normal());
    const y = x.map((value, i) => value + v[i % d]);
    expect(await w1Exact(x, m, y, m, d)).toBeCloseTo(Math.hypot(...v), 12);
    const twice = new Float64Array(2 * m * d);
    twice.set(x);
    twice.set(x, m * d);
    expect(await w1Exact(x, m, twice, 2 * m, d)).toBeCloseTo(0, 12);
  });
});

/** Abramowitz–Stegun 7.1.26 is too coarse for 12 digits; this series is exact to rounding for |x| < 3. */
function erf(x: number): number {
  let term = x;
  let sum = x;
  for (let k = 1; k < 60; k++) {
    term *= (-x * x) / k;
    sum += term / (2 * k + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

describe('random isometric embeddings', () => {
  it('have orthonormal frames and keep distances', () => {
    const D = 300;
    const q = isometricFrame(D, 4, 1);
    let g00 = 0;
    let g01 = 0;
    let g11 = 0;
    for (let k = 0; k < D; k++) {
      g00 += q[2 * k] ** 2;
      g01 += q[2 * k] * q[2 * k + 1];
      g11 += q[2 * k + 1] ** 2;
    }
    expect(g00).toBeCloseTo(1, 12);
    expect(g11).toBeCloseTo(1, 12);
    expect(g01).toBeCloseTo(0, 12);
    const planar = curvePoints('curve', [0, 1, 2.5]);
    const x = embed(planar, 3, q, D);
    const d01 = Math.hypot(planar[0] - planar[2], planar[1] - planar[3]);
    let e01 = 0;
    for (let k = 0; k < D; k++) e01 += (x[k] - x[D + k]) ** 2;
    // Float32 storage
    expect(Math.sqrt(e01)).toBeCloseTo(d01, 5);
    const back = project(x, 3, q, D);
    expect(back.planar[4]).toBeCloseTo(planar[4], 5);
    expect(back.offPlane[2]).toBeLessThan(1e-5);
  });

  it('E|z| in D dimensions: √(π/2) at D = 2, → √D', () => {
    expect(chiMean(1)).toBeCloseTo(Math.sqrt(2 / Math.PI), 14);
    expect(chiMean(2)).toBeCloseTo(Math.sqrt(Math.PI / 2), 14);
    expect(chiMean(400) / Math.sqrt(400 - 0.5)).toBeCloseTo(1, 4);
  });
});

function runManifold(params: Record<string, unknown>): ReturnType<typeof manifold.run> {
  return runTyped(manifold, params, directContext(referenceKernels));
}

describe('manifold experiment', () => {
  it.each([
    { D: 32, shape: 'circle' },
    { D: 8, shape: 'curve' },
  ])('D = $D, $shape: W₁ grows with ε, under the early-stopping bound, and the score norm blows up like 1/√Δ_t', async ({ D, shape }) => {
    const r = await runManifold({ D, shape, n: 20, trajectories: 64, epsilon: [0.3, 0.0001, 0.01, 0.01] });
    // sorted and deduplicated
    expect(Array.from(r.epsilon)).toEqual([0.0001, 0.01, 0.3]);
    expect(r.samples).toHaveLength(3 * 64 * 2);
    for (let e = 0; e < 3; e++) {
      expect(r.w1Bound[e]).toBeCloseTo(earlyStoppingBound(r.epsilon[e], r.meanNorm, D), 12);
      // The bound is for the law π_ε; an m-sample estimate adds the floor of m draws from π itself
      // (triangle inequality through the resampled points, see manifold.ts), so this is the check
      // that holds for estimates.
      expect(r.w1Forward[e]).toBeLessThanOrEqual(r.w1Bound[e] + r.w1Floor);
      // The sampler reaches π_ε up to its discretization (≈ 5 % in W₁ here); both estimates also
      // carry the multinomial imbalance of m draws, of the size of w1Floor, which dominates at ε = 10⁻⁴.
      expect(Math.abs(r.w1[e] - r.w1Forward[e])).toBeLessThan(0.1 * r.w1Forward[e] + 2.5 * r.w1Floor);
      if (e > 0) expect(r.w1[e]).toBeGreaterThan(r.w1[e - 1]);
    }
    // |F| along the run: ≈ E|z|/√Δ_t once trajectories have committed, and growing as t → 0
    const last = r.scoreNorm.length - 1;
    expect(r.scoreNormTheory[last]).toBeCloseTo(chiMean(D) / Math.sqrt(-Math.expm1(-2 * r.t[last])), 10);
    expect(Math.abs(r.scoreNorm[last] / r.scoreNormTheory[last] - 1)).toBeLessThan(0.15);
    expect(r.scoreNorm[last]).toBeGreaterThan(20 * r.scoreNorm[0]);
  });

  it('the exact empirical score reproduces the training set: denoised outputs sit on training points', async () => {
    const r = await runManifold({ D: 16, n: 8, trajectories: 48, epsilon: [0.0001] });
    expect(r.memorizedFraction).toBe(1);
    // W₁ of the denoised output to the training measure is only the multinomial imbalance of m draws
    expect(r.w1Denoised[0]).toBeLessThan(2 * r.w1Floor + 1e-6);
  });

  it('gives new arrays on every run', async () => {
    const run = () => runExperiment('manifold', { D: 4, n: 5, trajectories: 8, epsilon: [0.01] }, directContext(referenceKernels));
    const [a, b] = [await run(), await run()];
    expect(a.result.w1).not.toBe(b.result.w1);
    expect(a.result.samples).not.toBe(b.result.samples);
    expect(Array.from(a.result.samples as Float32Array)).toEqual(Array.from(b.result.samples as Float32Array));
  });
});

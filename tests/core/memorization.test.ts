import { describe, expect, it } from 'vitest';
import {
  Rng,
  directContext,
  memorizationBaselineTheory,
  memorizedFraction,
  nearestTwo,
  referenceKernels,
  runExperiment,
} from '@diffusion-atlas/core';

describe('memorization ratio test', () => {
  it('finds the nearest and second-nearest training points', () => {
    const train = new Float32Array([0, 0, 1, 0, 5, 5]);
    const { nearest, ratio } = nearestTwo(new Float32Array([0.1, 0]), 1, train, 3, 2);
    expect(nearest[0]).toBe(0);
    expect(ratio[0]).toBeCloseTo(0.1 / 0.9, 6);
  });

  it.each([1, 2, 3])('fresh points pass with probability k^d against a Poisson-like set (d = %s)', (d) => {
    // Uniform training points in a unit cube, fresh queries in its centre, far from the edges.
    const n = 4000;
    const m = 20000;
    const rng = new Rng(8, d);
    const train = new Float32Array(n * d).map(() => rng.uniform());
    const queries = new Float32Array(m * d).map(() => 0.3 + 0.4 * rng.uniform());
    const f = memorizedFraction(nearestTwo(queries, m, train, n, d).ratio);
    const p = memorizationBaselineTheory(d);
    expect(Math.abs(f - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / m));
  });
});

describe('noise-and-back: the empirical score memorizes, the exact score does not', () => {
  it('empirical score: nearly every sample sits on a training point at t_min = 1e-5', async () => {
    const { result } = await runExperiment('noise-and-back', { n: 50, m: 300, steps: 300, score: 'empirical' }, directContext(referenceKernels));
    expect(result.memorizedFraction).toBeGreaterThan(0.9);
    // the fresh-data floor is k^d = 1/9 in 2-D, up to sampling error
    const p = result.memorizedBaselineTheory as number;
    expect(p).toBeCloseTo(1 / 9, 12);
    expect(Math.abs((result.memorizedBaseline as number) - p)).toBeLessThan(0.09);
  });

  it('exact score: the memorized fraction stays at the fresh-data floor', async () => {
    const { result } = await runExperiment('noise-and-back', { n: 50, m: 600, steps: 300, score: 'exact' }, directContext(referenceKernels));
    const f = result.memorizedFraction as number;
    const base = result.memorizedBaseline as number;
    // both are binomial proportions of 600 draws around ≈ 1/9: 5 standard errors of their difference
    expect(Math.abs(f - base)).toBeLessThan(5 * Math.sqrt((2 * (1 / 9) * (8 / 9)) / 600));
  });

  it('the same seed reproduces the run bit for bit', async () => {
    const p = { n: 30, m: 40, steps: 60, seed: 123 };
    const a = await runExperiment('noise-and-back', p, directContext(referenceKernels));
    const b = await runExperiment('noise-and-back', p, directContext(referenceKernels));
    expect(Array.from(a.result.samples as Float32Array)).toEqual(Array.from(b.result.samples as Float32Array));
    expect(Array.from(a.result.trajectories as Float32Array)).toEqual(Array.from(b.result.trajectories as Float32Array));
  });
});

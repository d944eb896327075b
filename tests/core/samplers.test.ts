import { describe, expect, it } from 'vitest';
import { geometricGrid, mixtureScore, normalAt, referenceKernels, sampleBackward, uniformGrid, type GaussianMixture } from '@diffusion-atlas/core';

/** Data N(c, s² I) in d = 2: the backward process must end with that law (up to Δ_{t_min}). */
const target: GaussianMixture = { means: new Float32Array([0.8, -0.4]), K: 1, d: 2, variance: 0.3 ** 2 };

function moments(x: Float32Array, d: number, j: number): { mean: number; variance: number } {
  const m = x.length / d;
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < m; i++) {
    s += x[i * d + j];
    s2 += x[i * d + j] ** 2;
  }
  return { mean: s / m, variance: s2 / m - (s / m) ** 2 };
}

describe('backward samplers on a Gaussian target', () => {
  it.each([
    ['sde', 400],
    ['ode', 200],
  ] as const)('%s reproduces mean and variance of N(c, s²I)', async (sampler, steps) => {
    const m = 8000;
    const start = new Float32Array(m * 2).map((_, i) => normalAt(5, 2, i));
    const grid = geometricGrid(6, 1e-3, steps);
    const x = await sampleBackward({ score: mixtureScore(target, referenceKernels), start, m, grid, sampler, seed: 5 });
    for (let j = 0; j < 2; j++) {
      const { mean, variance } = moments(x, 2, j);
      // at t_min the exact marginal is N(e^{−t}c, Γ_t): Γ ≈ s² + 2·10⁻³
      const expectedVar = 0.09 + 2e-3;
      expect(Math.abs(mean - target.means[j])).toBeLessThan(5 * Math.sqrt(expectedVar / m) + 0.01);
      expect(Math.abs(variance / expectedVar - 1)).toBeLessThan(5 * Math.sqrt(2 / m) + 0.03);
    }
  });

  it('is reproducible bit for bit for the same seed and differs for another', async () => {
    const m = 50;
    const start = new Float32Array(m * 2).map((_, i) => normalAt(1, 2, i));
    const grid = uniformGrid(3, 1e-3, 50);
    const score = mixtureScore(target, referenceKernels);
    const a = await sampleBackward({ score, start, m, grid, sampler: 'sde', seed: 1 });
    const b = await sampleBackward({ score, start, m, grid, sampler: 'sde', seed: 1 });
    const c = await sampleBackward({ score, start, m, grid, sampler: 'sde', seed: 2 });
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('ODE is deterministic given the start (no noise)', async () => {
    const m = 20;
    const start = new Float32Array(m * 2).map((_, i) => normalAt(1, 2, i));
    const grid = uniformGrid(3, 1e-3, 40);
    const score = mixtureScore(target, referenceKernels);
    const a = await sampleBackward({ score, start, m, grid, sampler: 'ode', seed: 1 });
    const b = await sampleBackward({ score, start, m, grid, sampler: 'ode', seed: 99 });
    expect(Array.from(a)).toEqual(Array.from(b));
  });
});

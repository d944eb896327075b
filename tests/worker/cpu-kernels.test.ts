import { describe, expect, it } from 'vitest';
import { LOG_WEIGHT_FLOOR, referenceKernels } from '@diffusion-atlas/core';
import { cpuKernels } from '@diffusion-atlas/worker';
import { expectClose, floorProblem, randomProblem } from './problems.ts';

const FLOAT32_TOL = 2e-7;

describe('cpu kernels', () => {
  it('report backend "cpu"', () => {
    expect(cpuKernels.backend).toBe('cpu');
  });

  const cases = [
    { m: 1, n: 1, d: 1, variance: 1 },
    { m: 13, n: 50, d: 3, variance: 0.5 },
    { m: 17, n: 200, d: 16, variance: 0.05 },
    { m: 9, n: 300, d: 2, variance: 1e-3 },
    { m: 33, n: 120, d: 64, variance: 1e-3 },
    { m: 8, n: 64, d: 7, variance: 1e-5 },
  ];
  for (const c of cases) {
    for (const withLogWeights of [false, true]) {
      for (const nearCentres of [false, true]) {
        it(`matches the reference: m=${c.m} n=${c.n} d=${c.d} variance=${c.variance}${withLogWeights ? ' +logWeights' : ''}${nearCentres ? ' near' : ''}`, () => {
          const args = randomProblem({ ...c, seed: c.m * 31 + c.n, withLogWeights, nearCentres });
          expectClose(cpuKernels.softmaxDenoise(args), referenceKernels.softmaxDenoise(args), FLOAT32_TOL);
        });
      }
    }
  }

  it('agrees with the reference bit for bit (same operations in the same order)', () => {
    for (const d of [2, 5]) {
      const args = randomProblem({ m: 30, n: 90, d, variance: 0.02, seed: d, withLogWeights: true, nearCentres: true });
      const got = cpuKernels.softmaxDenoise(args);
      const want = referenceKernels.softmaxDenoise(args);
      expect(got.mean).toEqual(want.mean);
      expect(got.nearest).toEqual(want.nearest);
    }
  });

  it('saturates to the nearest centre at small variance', () => {
    const args = randomProblem({ m: 20, n: 100, d: 4, variance: 1e-3, seed: 5, nearCentres: true });
    const { mean, nearest } = cpuKernels.softmaxDenoise(args);
    for (let i = 0; i < args.m; i++) {
      for (let k = 0; k < args.d; k++) expect(mean[i * args.d + k]).toBeCloseTo(args.centres[nearest[i] * args.d + k], 4);
    }
  });

  it('flushes weights below the floor to exactly 0', () => {
    const below = floorProblem(LOG_WEIGHT_FLOOR - 0.6);
    expect(referenceKernels.softmaxDenoise(below).mean[0]).toBe(0);
    expect(cpuKernels.softmaxDenoise(below).mean[0]).toBe(0);

    const above = floorProblem(LOG_WEIGHT_FLOOR + 0.1);
    const want = referenceKernels.softmaxDenoise(above).mean[0];
    expect(want).toBeGreaterThan(0);
    expect(cpuKernels.softmaxDenoise(above).mean[0]).toBe(want);
  });

  it('rejects inconsistent shapes instead of reading NaN', () => {
    const args = randomProblem({ m: 4, n: 5, d: 3, variance: 1, seed: 1 });
    expect(() => cpuKernels.softmaxDenoise({ ...args, m: 5 })).toThrow(/inconsistent shapes/);
  });
});

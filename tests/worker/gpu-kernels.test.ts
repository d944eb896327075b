import { describe, expect, it } from 'vitest';
import { GPU } from 'gpu.js';
import { LOG_WEIGHT_FLOOR, referenceKernels, type Kernels } from '@diffusion-atlas/core';
import { createGpuKernels, gpuBackendName } from '@diffusion-atlas/worker/gpu';
import { expectClose, floorProblem, randomProblem } from './problems.ts';

// Node has no WebGL: the same kernel sources run through gpu.js's cpu and webasm backends, which
// checks the kernel code itself (indexing, flush, argmax, chunking) in float32.
const GPU_TOL = 1e-4;

describe.each(['cpu', 'webasm'] as const)('gpu.js kernels (mode %s)', (mode) => {
  const make = (logitsBudget?: number): Kernels & { destroy(): void } => createGpuKernels(new GPU({ mode }), { logitsBudget });

  it('names the backend by kernel class', () => {
    expect(gpuBackendName(new GPU({ mode }))).toBe(mode === 'cpu' ? 'gpujs-cpu' : 'gpujs-webasm');
  });

  const cases = [
    { m: 5, n: 7, d: 1, variance: 1 },
    { m: 12, n: 40, d: 3, variance: 0.3 },
    { m: 10, n: 60, d: 8, variance: 1e-3 },
    { m: 6, n: 30, d: 2, variance: 1e-4 },
  ];
  for (const c of cases) {
    it(`matches the reference: m=${c.m} n=${c.n} d=${c.d} variance=${c.variance}`, () => {
      const kernels = make();
      for (const withLogWeights of [false, true]) {
        const args = randomProblem({ ...c, seed: 7 + c.n, withLogWeights, nearCentres: true });
        expectClose(kernels.softmaxDenoise(args), referenceKernels.softmaxDenoise(args), GPU_TOL);
      }
      kernels.destroy();
    });
  }

  it('chunks queries and pads the last chunk', () => {
    // budget 64 with n = 20: chunks of 3 queries; m = 10 leaves a padded chunk of 1
    const kernels = make(64);
    const args = randomProblem({ m: 10, n: 20, d: 3, variance: 0.2, seed: 3, nearCentres: true, withLogWeights: true });
    expectClose(kernels.softmaxDenoise(args), referenceKernels.softmaxDenoise(args), GPU_TOL);
    // a second call with the same shape reuses the compiled kernels
    expectClose(kernels.softmaxDenoise(args), referenceKernels.softmaxDenoise(args), GPU_TOL);
    kernels.destroy();
  });

  it('flushes weights below the floor to exactly 0', () => {
    const kernels = make();
    expect(kernels.softmaxDenoise(floorProblem(LOG_WEIGHT_FLOOR - 0.6)).mean[0]).toBe(0);
    kernels.destroy();
    const other = make();
    const got = other.softmaxDenoise(floorProblem(LOG_WEIGHT_FLOOR + 0.1)).mean[0];
    expect(got).toBeGreaterThan(0);
    expect(Math.abs(got / referenceKernels.softmaxDenoise(floorProblem(LOG_WEIGHT_FLOOR + 0.1)).mean[0] - 1)).toBeLessThan(1e-3);
    other.destroy();
  });
});

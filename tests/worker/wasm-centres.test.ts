import { describe, expect, it } from 'vitest';
import { referenceKernels } from '@diffusion-atlas/core';
import { createWasmKernels } from '@diffusion-atlas/worker';
import { expectClose, randomProblem } from './problems.ts';

/*
 * The kernels lay out the training set once per run: at every call they compare a sample of it
 * (about a hundred values, the last one included) with the sample they kept. A sampler passes the
 * same array at every step, so the second call must read that sample only, not the n·d values a new
 * layout copies; and a change in a sampled place must still be seen.
 */
function countingReads(array: Float32Array): { view: Float32Array; reads: () => number } {
  let reads = 0;
  const view = new Proxy(array, {
    get(target, key) {
      if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
      return Reflect.get(target, key) as unknown;
    },
  });
  return { view, reads: () => reads };
}

describe('the wasm-simd kernels and their training set', () => {
  for (const [m, n, d] of [[4, 673, 64], [3, 1, 1], [5, 7, 13], [2, 2000, 64], [2, 1000, 784]]) {
    it(`lay it out once, not at every call (n = ${n}, d = ${d})`, () => {
      const kernels = createWasmKernels({ variant: 'relaxed' });
      const args = randomProblem({ m, n, d, variance: 0.3, seed: n + d, nearCentres: true });
      const { view, reads } = countingReads(args.centres);
      const first = kernels.softmaxDenoise({ ...args, centres: view });
      expect(reads()).toBeGreaterThanOrEqual(n * d);
      const before = reads();
      const second = kernels.softmaxDenoise({ ...args, centres: view });
      expect(reads() - before).toBeLessThanOrEqual(100);
      expect(second.mean).toEqual(first.mean);
      expectClose(second, referenceKernels.softmaxDenoise(args), 1e-5);
    });
  }

  it('see a change in its last value', () => {
    const kernels = createWasmKernels();
    const args = randomProblem({ m: 6, n: 50, d: 9, variance: 0.3, seed: 2, nearCentres: true });
    kernels.softmaxDenoise(args);
    args.centres[50 * 9 - 1] += 3;
    expectClose(kernels.softmaxDenoise(args), referenceKernels.softmaxDenoise(args), 1e-5);
  });
});

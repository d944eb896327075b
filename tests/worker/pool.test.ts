import { describe, expect, it } from 'vitest';
import { referenceKernels } from '@diffusion-atlas/core';
import { createWasmKernels, createWasmPool, sharedMemoryAvailable, type WasmPool } from '@diffusion-atlas/worker';
import { expectClose, randomProblem } from './problems.ts';
import { pooledKernels } from './pooled-kernels.ts';

/*
 * The pool splits rows across threads, each with its own instance of the same kernel; a row's
 * result does not depend on which thread computed it or which rows shared its block, so pooled
 * and single-threaded results must agree bit for bit.
 */
describe('wasm-simd worker pool', () => {
  const threads = pooledKernels();
  const single = createWasmKernels();

  it('is available under Node and counts the caller among its workers', () => {
    expect(sharedMemoryAvailable()).toBe(true);
    expect(threads.pool.workers).toBe(3);
    expect(threads.pooled.workers).toBe(3);
    expect(threads.pooled.backend).toBe('wasm-simd');
  });

  const shapes = [
    { m: 64, n: 1000, d: 13, variance: 0.5 },
    { m: 203, n: 77, d: 2, variance: 0.05 },
    { m: 40, n: 300, d: 64, variance: 1e-3 },
    { m: 17, n: 500, d: 100, variance: 2 },
  ];
  for (const s of shapes) {
    for (const withLogWeights of [false, true]) {
      it(`gives the single-thread bits: m=${s.m} n=${s.n} d=${s.d}${withLogWeights ? ' +logWeights' : ''}`, () => {
        const args = randomProblem({ ...s, seed: s.m + s.n, withLogWeights, nearCentres: true });
        const got = threads.pool.softmaxDenoise(args);
        const want = single.softmaxDenoise(args);
        expect(got.mean).toEqual(want.mean);
        expect(got.nearest).toEqual(want.nearest);
        expectClose(got, referenceKernels.softmaxDenoise(args), 1e-5);
      });
    }
  }

  it('follows growing m, new centres and a change of shape between calls', () => {
    const a = randomProblem({ m: 20, n: 200, d: 8, variance: 0.3, seed: 1, nearCentres: true });
    const b = randomProblem({ m: 300, n: 200, d: 8, variance: 0.3, seed: 2, nearCentres: true });
    const c = randomProblem({ m: 50, n: 90, d: 31, variance: 0.3, seed: 3, nearCentres: true });
    for (const args of [a, b, a, c, b]) {
      expect(threads.pool.softmaxDenoise(args).mean).toEqual(single.softmaxDenoise(args).mean);
    }
    // refilled in place: the pool must copy the new centres to its workers
    a.centres.set(c.centres.subarray(0, a.centres.length));
    const refilled = threads.pool.softmaxDenoise(a);
    expect(refilled.mean).toEqual(single.softmaxDenoise(a).mean);
    expectClose(refilled, referenceKernels.softmaxDenoise(a), 1e-5);
  });

  it('routes small calls to the calling thread and large ones to the pool, with the same results', () => {
    const small = randomProblem({ m: 3, n: 20, d: 2, variance: 0.3, seed: 7, nearCentres: true });
    const large = randomProblem({ m: 100, n: 400, d: 16, variance: 0.3, seed: 8, nearCentres: true });
    for (const args of [small, large]) expect(threads.pooled.softmaxDenoise(args).mean).toEqual(single.softmaxDenoise(args).mean);
  });

  it('carries on in the calling thread, with the same bits, when the pool fails', () => {
    let destroyed = false;
    const failing: WasmPool = {
      workers: 2,
      variant: single.variant,
      lastWaitRatio: 0,
      softmaxDenoise() {
        throw new Error('wasm pool: 1 worker(s) did not finish');
      },
      fillNormals() {
        throw new Error('wasm pool: 1 worker(s) did not finish');
      },
      backwardSteps() {
        throw new Error('wasm pool: 1 worker(s) did not finish');
      },
      destroy() {
        destroyed = true;
      },
    };
    const kernels = createWasmKernels({ pool: failing });
    expect(kernels.workers).toBe(2);
    const args = randomProblem({ m: 64, n: 500, d: 16, variance: 0.3, seed: 11, nearCentres: true });
    expect(kernels.softmaxDenoise(args).mean).toEqual(single.softmaxDenoise(args).mean);
    expect(destroyed).toBe(true);
    expect(kernels.workers).toBe(1);
  });

  it('runs alone for a while after the pool kept it waiting (an oversubscribed machine)', () => {
    let pooledCalls = 0;
    const slow: WasmPool = {
      workers: 2,
      variant: single.variant,
      lastWaitRatio: 5,
      softmaxDenoise(args) {
        pooledCalls++;
        return single.softmaxDenoise(args);
      },
      fillNormals(seed, stream, start, out) {
        single.fillNormalAt(seed, stream, start, out);
      },
      backwardSteps() {
        throw new Error('not used');
      },
      destroy() {},
    };
    const kernels = createWasmKernels({ pool: slow });
    const args = randomProblem({ m: 64, n: 500, d: 16, variance: 0.3, seed: 12, nearCentres: true });
    const want = single.softmaxDenoise(args).mean;
    for (let call = 0; call < 3 + 64 + 1; call++) expect(kernels.softmaxDenoise(args).mean).toEqual(want);
    // three slow pooled calls, then 64 on the calling thread, then the pool is tried again
    expect(pooledCalls).toBe(4);
  });

  it('refuses calls once destroyed', async () => {
    const doomed = await createWasmPool(1);
    const args = randomProblem({ m: 30, n: 40, d: 3, variance: 0.3, seed: 9 });
    expect(doomed.softmaxDenoise(args).mean).toEqual(single.softmaxDenoise(args).mean);
    doomed.destroy();
    expect(() => doomed.softmaxDenoise(args)).toThrow(/destroyed/);
  });
});

import { describe, expect, it } from 'vitest';
import {
  empiricalScore,
  fillNormalAt,
  meanToScore,
  sampleBackward,
  uniformGrid,
  type Kernels,
  type ScoreRequest,
} from '@diffusion-atlas/core';
import { createWasmKernels } from '@diffusion-atlas/worker';
import { randomProblem } from './problems.ts';
import { pooledKernels } from './pooled-kernels.ts';

/*
 * A softmax score asks the kernels for F = (scale·mean − x)/variance instead of the mean
 * (`SoftmaxDenoiseArgs.asScore`); the wasm kernels form it on each thread's own rows with core's
 * `meanToScore`. It must be the bits the caller would have formed itself, in one thread, split
 * across the pool, and through a whole backward run.
 */

const bits = (a: Float32Array): Uint32Array => new Uint32Array(a.buffer, a.byteOffset, a.length);

describe('the score formed by the wasm kernels', () => {
  const threads = pooledKernels();

  const shapes = [
    { m: 9, n: 50, d: 2, variance: 0.3 },
    { m: 13, n: 120, d: 20, variance: 1e-2 },
    { m: 64, n: 1000, d: 13, variance: 0.5 },
    { m: 203, n: 77, d: 2, variance: 0.05 },
  ];
  for (const variant of ['relaxed', 'simd'] as const) {
    for (const s of shapes) {
      it(`has the caller's bits (${variant} build, m=${s.m} n=${s.n} d=${s.d})`, () => {
        const kernels = createWasmKernels({ variant });
        const args = randomProblem({ ...s, seed: s.m * 7 + s.d, nearCentres: true });
        const want = kernels.softmaxDenoise(args).mean.slice();
        meanToScore(want, args.queries, args.scale, args.variance);
        const asScore: ScoreRequest = { applied: false };
        const got = kernels.softmaxDenoise({ ...args, asScore });
        expect(asScore.applied).toBe(true);
        expect(bits(got.mean)).toEqual(bits(want));
      });
    }
  }

  it('has the same bits split across the pool (each thread forms its own rows)', () => {
    const args = randomProblem({ m: 64, n: 1000, d: 13, variance: 0.5, seed: 3, nearCentres: true });
    const want = createWasmKernels({ variant: threads.pool.variant }).softmaxDenoise(args).mean.slice();
    meanToScore(want, args.queries, args.scale, args.variance);
    const asScore: ScoreRequest = { applied: false };
    const got = threads.pool.softmaxDenoise({ ...args, asScore });
    expect(asScore.applied).toBe(true);
    expect(bits(got.mean)).toEqual(bits(want));
  });

  it('gives a backward run the final state bits of a run whose sampler forms the score itself', async () => {
    const d = 64;
    const n = 40;
    const m = 301;
    const train = fillNormalAt(1, 1, 0, new Float32Array(n * d)) as Float32Array;
    const start = fillNormalAt(1, 2, 0, new Float32Array(m * d)) as Float32Array;
    const grid = uniformGrid(2, 0.05, 12);
    let formed = 0;
    const spy: Kernels = {
      backend: threads.pooled.backend,
      softmaxDenoise(a) {
        const r = threads.pooled.softmaxDenoise(a);
        if (a.asScore?.applied === true) formed++;
        return r;
      },
    };
    // the same kernels with the request hidden: the score's own `meanToScore` runs instead
    const hiding: Kernels = { backend: threads.pooled.backend, softmaxDenoise: (a) => threads.pooled.softmaxDenoise({ ...a, asScore: undefined }) };
    const run = (kernels: Kernels): Promise<Float32Array> => sampleBackward({ score: empiricalScore(train, n, d, kernels), start, m, grid, sampler: 'sde', seed: 4 });
    const byKernels = await run(spy);
    const bySampler = await run(hiding);
    expect(formed).toBe(grid.length - 1);
    expect(bits(byKernels)).toEqual(bits(bySampler));
  });
});

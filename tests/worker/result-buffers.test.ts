import { describe, expect, it } from 'vitest';
import {
  empiricalScore,
  referenceKernels,
  sampleBackward,
  uniformGrid,
  type Kernels,
  type Score,
  type ScoreBuffers,
  type SoftmaxDenoiseResult,
} from '@diffusion-atlas/core';
import { cpuKernels, createWasmKernels } from '@diffusion-atlas/worker';
import { randomProblem } from './problems.ts';
import { pooledKernels } from './pooled-kernels.ts';

/*
 * A backward run must not allocate per step: every kernel writes into caller-owned arrays when
 * given `out`, the scores pass their buffers through, and the sampler hands the same buffers to
 * every step. These tests hold each link of that chain.
 */

function outFor(m: number, d: number): SoftmaxDenoiseResult {
  return { mean: new Float32Array(m * d), nearest: new Int32Array(m) };
}

describe('kernels write into the caller’s arrays', () => {
  const threads = pooledKernels(1);

  const cases: ReadonlyArray<readonly [string, () => Kernels]> = [
    ['reference', () => referenceKernels],
    ['cpu', () => cpuKernels],
    ['wasm-simd', () => createWasmKernels()],
    ['wasm-simd pooled', () => threads.pooled],
  ];
  for (const [name, kernels] of cases) {
    for (const d of [2, 64]) {
      it(`${name}, d = ${d}: the result is \`out\`, with the values of a call without it`, () => {
        // large enough for the pool to take the call (m·n·(d + 8) ≥ 2^18)
        const args = randomProblem({ m: 64, n: 600, d, variance: 0.3, seed: 5, nearCentres: true });
        const fresh = kernels().softmaxDenoise(args);
        const out = outFor(args.m, d);
        out.mean.fill(Number.NaN);
        const got = kernels().softmaxDenoise({ ...args, out });
        expect(got.mean).toBe(out.mean);
        expect(got.nearest).toBe(out.nearest);
        expect(Array.from(out.mean)).toEqual(Array.from(fresh.mean));
        expect(Array.from(out.nearest)).toEqual(Array.from(fresh.nearest));
      });
    }
    it(`${name}: out arrays of the wrong size are refused`, () => {
      const args = randomProblem({ m: 8, n: 20, d: 3, variance: 0.3, seed: 6 });
      expect(() => kernels().softmaxDenoise({ ...args, out: outFor(7, 3) })).toThrow(RangeError);
      expect(() => kernels().softmaxDenoise({ ...args, out: { mean: new Float32Array(24), nearest: new Int32Array(9) } })).toThrow(RangeError);
    });
  }
});

describe('the sampler reuses one set of buffers for the whole run', () => {
  it('hands the score the same buffers at every step, and gets the same numbers as fresh arrays', async () => {
    const args = randomProblem({ m: 30, n: 50, d: 2, variance: 1, seed: 8 });
    const inner = empiricalScore(args.centres, args.n, 2, referenceKernels);
    const seen = new Set<ScoreBuffers | undefined>();
    const spy: Score = {
      d: 2,
      evaluate(x, m, t, into) {
        seen.add(into);
        return inner.evaluate(x, m, t, into);
      },
    };
    const fresh: Score = { d: 2, evaluate: (x, m, t) => inner.evaluate(x, m, t) };
    const grid = uniformGrid(2, 1e-3, 40);
    for (const sampler of ['sde', 'ode'] as const) {
      seen.clear();
      const run = { start: args.queries, m: args.m, grid, sampler, seed: 3 };
      const reused = await sampleBackward({ ...run, score: spy });
      const allocated = await sampleBackward({ ...run, score: fresh });
      // sde: one set; ode (Heun): one for the state and one for the predictor
      expect(seen.size).toBe(sampler === 'sde' ? 1 : 2);
      expect(seen.has(undefined)).toBe(false);
      expect(Array.from(reused)).toEqual(Array.from(allocated));
    }
  });
});

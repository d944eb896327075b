import { describe, expect, it } from 'vitest';
import {
  backwardBlockSteps,
  empiricalScore,
  mixtureScore,
  normalAt,
  normalsOf,
  sampleBackward,
  uniformGrid,
  type BackwardStepsArgs,
  type Kernels,
  type Score,
} from '@diffusion-atlas/core';
import { createWasmKernels, verifyPool, type WasmPool } from '@diffusion-atlas/worker';
import { pooledKernels } from './pooled-kernels.ts';

/*
 * Blocks of backward steps on the wasm thread pool: each thread carries its rows through every
 * step of a block. The step-by-step run does the same operations in the same order on every row
 * (the same kernel, the score stored in float32, the same float64 noise, the same update), so the
 * two must agree bit for bit, at every step, for every split of the rows; whatever differs is the
 * block's bookkeeping (noise offsets, times, rows taken twice or not at all, the history's layout).
 */

interface Recorded {
  x: Float32Array;
  states: Float32Array[];
  nearest: Int32Array[];
  times: number[];
}

/** Counts what a run asked of its kernels: blocks that ran, and single calls. */
function counting(inner: Kernels, blocks: boolean): Kernels & { blocks: number; calls: number } {
  const k = {
    backend: inner.backend,
    blocks: 0,
    calls: 0,
    softmaxDenoise(a: Parameters<Kernels['softmaxDenoise']>[0]) {
      k.calls++;
      return inner.softmaxDenoise(a);
    },
    fillNormalAt: (seed: number, stream: number, start: number, out: Float64Array) => inner.fillNormalAt?.(seed, stream, start, out),
    ...(blocks
      ? {
          backwardSteps(a: BackwardStepsArgs): boolean {
            const ran = inner.backwardSteps?.(a) ?? false;
            if (ran) k.blocks++;
            return ran;
          },
        }
      : {}),
  };
  return k;
}

async function run(score: Score, kernels: Kernels, start: Float32Array, m: number, L: number, seed: number): Promise<Recorded> {
  const rec: Recorded = { x: new Float32Array(0), states: [], nearest: [], times: [] };
  rec.x = await sampleBackward({
    score,
    start,
    m,
    grid: uniformGrid(3, 1e-3, L),
    sampler: 'sde',
    seed,
    normals: normalsOf(kernels),
    onStep(_k, x, t, nearest) {
      rec.states.push(x.slice());
      rec.nearest.push(Int32Array.from(nearest ?? []));
      rec.times.push(t);
    },
  });
  return rec;
}

const bits = (a: Float32Array): Uint32Array => new Uint32Array(a.buffer, a.byteOffset, a.length);

function expectSameRun(got: Recorded, want: Recorded): void {
  expect(got.times).toEqual(want.times);
  expect(got.states.length).toBe(want.states.length);
  for (let j = 0; j < want.states.length; j++) {
    // the first differing step, not a wall of numbers
    if (!bits(got.states[j]).every((v, i) => v === bits(want.states[j])[i])) expect.fail(`step ${j + 1}: the states differ`);
    expect(got.nearest[j]).toEqual(want.nearest[j]);
  }
  expect(bits(got.x)).toEqual(bits(want.x));
}

describe('backward blocks on the wasm thread pool', () => {
  const threads = pooledKernels();
  const single = createWasmKernels();

  const shapes = [
    // d = 2 (most figures): its own kernel path; 64 × 500 × 10 is just over the pool's threshold
    { m: 64, n: 500, d: 2, L: 70, seed: 3 },
    // an odd m: three groups of 12, 12 and 9 rows
    { m: 33, n: 200, d: 64, L: 45, seed: 4 },
    { m: 20, n: 40, d: 784, L: 40, seed: 5 },
    // an odd d: the update's last coordinate of every row outside its vector lanes
    { m: 40, n: 700, d: 3, L: 40, seed: 9 },
    // the calling thread alone carries at most 2¹⁶ coordinates of rows at a time: 32 + 13 rows
    { m: 45, n: 30, d: 2048, L: 40, seed: 10 },
  ];
  for (const s of shapes) {
    it(`give the step-by-step run's bits at every step: m=${s.m} n=${s.n} d=${s.d}, ${s.L} steps`, async () => {
      const train = Float32Array.from({ length: s.n * s.d }, (_, i) => normalAt(s.seed, 1, i) + (i % 2 === 0 ? 1 : -1));
      const start = Float32Array.from({ length: s.m * s.d }, (_, i) => normalAt(s.seed, 2, i));
      // fresh kernels on the shared pool: no spell on the calling thread left over from other tests
      const blocked = counting(createWasmKernels({ pool: threads.pool }), true);
      const stepped = counting(createWasmKernels({ pool: threads.pool }), false);
      const alone = counting(createWasmKernels(), true);
      const singleStepped = counting(single, false);
      const a = await run(empiricalScore(train, s.n, s.d, blocked), blocked, start, s.m, s.L, s.seed);
      const b = await run(empiricalScore(train, s.n, s.d, stepped), stepped, start, s.m, s.L, s.seed);
      const c = await run(empiricalScore(train, s.n, s.d, alone), alone, start, s.m, s.L, s.seed);
      const e = await run(empiricalScore(train, s.n, s.d, singleStepped), singleStepped, start, s.m, s.L, s.seed);
      // blocks of the length the sampler sizes them to, from the first step; on a machine busy
      // enough that the pool kept its caller waiting three times, the kernels decline the rest
      // (as they send single calls to the caller alone), and the run steps through it
      const B = backwardBlockSteps(s.m, s.d, s.n);
      expect(B).toBeLessThan(s.L);
      expect(blocked.blocks).toBeGreaterThanOrEqual(1);
      expect(blocked.calls).toBe(Math.max(0, s.L - blocked.blocks * B));
      expect(stepped.calls).toBe(s.L);
      // without a pool the calling thread carries every block itself
      expect(alone.blocks).toBe(Math.ceil(s.L / B));
      expect(alone.calls).toBe(0);
      expectSameRun(a, b);
      expectSameRun(a, c);
      expectSameRun(a, e);
    });
  }

  it('give the bits of the step-by-step run of a weighted mixture score (log-weights in every thread)', async () => {
    const K = 300;
    const d = 24;
    const m = 48;
    const means = Float32Array.from({ length: K * d }, (_, i) => 2 * normalAt(8, 1, i));
    const raw = Float64Array.from({ length: K }, (_, k) => 1 + (k % 7));
    const total = raw.reduce((x, y) => x + y, 0);
    const g = { means, K, d, variance: 0.05, weights: raw.map((w) => w / total) };
    const start = Float32Array.from({ length: m * d }, (_, i) => normalAt(8, 2, i));
    const blocked = counting(createWasmKernels({ pool: threads.pool }), true);
    const stepped = counting(single, false);
    const a = await run(mixtureScore(g, blocked), blocked, start, m, 50, 8);
    const b = await run(mixtureScore(g, stepped), stepped, start, m, 50, 8);
    expect(blocked.blocks).toBeGreaterThanOrEqual(1);
    expect(blocked.calls).toBe(Math.max(0, 50 - blocked.blocks * backwardBlockSteps(m, d, K)));
    expectSameRun(a, b);
  });

  it('carry blocks the pool would not take one call at a time on the calling thread, and decline blocks whose noise the wasm normals cannot draw exactly', () => {
    const args = (m: number, n: number, d: number, firstStep: number): BackwardStepsArgs => ({
      x: new Float32Array(m * d),
      m,
      centres: Float32Array.from({ length: n * d }, (_, i) => normalAt(1, 1, i)),
      n,
      d,
      steps: 2,
      times: Float64Array.from([1, 0.9, 0.8]),
      scales: Float64Array.from([Math.exp(-1), Math.exp(-0.9)]),
      variances: Float64Array.from([0.8, 0.7]),
      seed: 1,
      stream: 3,
      firstStep,
      history: new Float32Array(2 * m * d),
      nearest: new Int32Array(2 * m),
    });
    const kernels = createWasmKernels({ pool: threads.pool });
    const small = args(8, 30, 2, 0);
    expect(kernels.backwardSteps(small)).toBe(true);
    const alone = args(8, 30, 2, 0);
    expect(single.backwardSteps(alone)).toBe(true);
    expect(small.history).toEqual(alone.history);
    expect(small.nearest).toEqual(alone.nearest);
    // the noise's indices would pass 2⁵³: declined, the outputs left alone
    const far = args(64, 500, 2, 2 ** 48);
    expect(kernels.backwardSteps(far)).toBe(false);
    expect(far.history.every((v) => v === 0)).toBe(true);
    expect(() => kernels.backwardSteps({ ...args(64, 500, 2, 0), history: new Float32Array(10) })).toThrow(/history holds 10 values, 256 needed/);
    const taken = args(64, 500, 2, 0);
    expect(kernels.backwardSteps(taken)).toBe(true);
    expect(taken.history.some((v) => v !== 0)).toBe(true);
  });

  it("are part of selection's check of the pool: a pool whose blocks differ from the calling thread's by one bit is refused", () => {
    expect(() => verifyPool(threads.pool)).not.toThrow();
    const real = threads.pool;
    const flipped: WasmPool = {
      workers: real.workers,
      variant: real.variant,
      lastWaitRatio: 0,
      softmaxDenoise: (args, withNormals) => real.softmaxDenoise(args, withNormals),
      fillNormals: (seed, stream, start, out) => real.fillNormals(seed, stream, start, out),
      backwardSteps(args) {
        real.backwardSteps(args);
        const bits = new Uint32Array(args.history.buffer, args.history.byteOffset, args.history.length);
        bits[bits.length - 1] ^= 1;
      },
      destroy: () => undefined,
    };
    expect(() => verifyPool(flipped)).toThrow(/pooled block of steps differs from the single-thread one at entry \d+/);
  });

  it('give up the pool when it fails, and the calling thread carries the blocks, with the same bits', async () => {
    let destroyed = false;
    const failing: WasmPool = {
      workers: 2,
      variant: single.variant,
      lastWaitRatio: 0,
      softmaxDenoise: () => {
        throw new Error('not used');
      },
      fillNormals: () => {
        throw new Error('not used');
      },
      backwardSteps() {
        throw new Error('wasm pool: 1 worker(s) did not finish within 60 s');
      },
      destroy() {
        destroyed = true;
      },
    };
    const { m, n, d } = { m: 64, n: 500, d: 2 };
    const train = Float32Array.from({ length: n * d }, (_, i) => normalAt(6, 1, i));
    const start = Float32Array.from({ length: m * d }, (_, i) => normalAt(6, 2, i));
    const kernels = counting(createWasmKernels({ pool: failing }), true);
    const a = await run(empiricalScore(train, n, d, kernels), kernels, start, m, 20, 6);
    const stepped = counting(single, false);
    const b = await run(empiricalScore(train, n, d, stepped), stepped, start, m, 20, 6);
    expect(destroyed).toBe(true);
    expect(kernels.blocks).toBe(1);
    expect(kernels.calls).toBe(0);
    expectSameRun(a, b);
  });
});

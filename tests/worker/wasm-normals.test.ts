import { describe, expect, it } from 'vitest';
import {
  empiricalScore,
  fillNormalAt,
  normalsOf,
  referenceKernels,
  sampleBackward,
  uniformGrid,
  type Kernels,
  type NormalFill,
} from '@diffusion-atlas/core';
import {
  WasmNormals,
  createWasmKernels,
  guardKernels,
  routeKernels,
  wasmModule,
  type WasmPool,
} from '@diffusion-atlas/worker';
import { pooledKernels } from './pooled-kernels.ts';

/*
 * The wasm normals promise core's fillNormalAt bit for bit: the same hash and the same float64
 * operations in the same order. Compared as 64-bit patterns, so a one-ulp difference fails.
 */

/** Index of the first element whose bits differ, or −1. */
function firstDifference(a: Float64Array, b: Float64Array): number {
  if (a.length !== b.length) return 0;
  const x = new BigUint64Array(a.buffer, a.byteOffset, a.length);
  const y = new BigUint64Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

function expectSameBits(fill: NormalFill, seed: number, stream: number, start: number, length: number): void {
  const want = new Float64Array(length);
  fillNormalAt(seed, stream, start, want);
  // garbage first, so an element the fill skips cannot pass by holding core's value already
  const got = new Float64Array(length).fill(Number.NaN);
  fill(seed, stream, start, got);
  const at = firstDifference(want, got);
  expect(at, `seed ${seed}, stream ${stream}, start ${start}, length ${length}: index ${at}: ${want[at]} vs ${got[at]}`).toBe(-1);
}

/** (seed, stream, start, length) cases: odd and even starts, starts past 2³², every length class. */
const CASES: [number, number, number, number][] = [];
{
  const lengths = [0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 1001, 8192, 8193, 20000];
  const starts = [0, 1, 2, 5, 12345, 2 ** 32 - 3, 2 ** 32 - 2, 2 ** 32, 2 ** 32 + 1, 2 ** 33 + 7, 3 * 2 ** 40 + 6, 2 ** 52 + 1];
  let s = 0;
  for (const start of starts) {
    for (const length of lengths) {
      s++;
      CASES.push([(s * 2654435761) % 2 ** 32, [0, 1, 3, 4, 2 ** 31 - 1, -5][s % 6], start, length]);
    }
  }
  // edge seeds and streams
  for (const seed of [0, 1, 2 ** 32 - 1, -1, 123.75, 2 ** 40 + 3]) CASES.push([seed, 3, 101, 33]);
}

/** A small backward run whose m·d is above the pool's threshold, so pooled kernels split every step. */
function samplerProblem(): { d: number; n: number; m: number; train: Float32Array; start: Float32Array; grid: Float64Array } {
  const d = 64;
  const n = 40;
  const m = 301;
  const train = new Float32Array(n * d);
  fillNormalAt(1, 1, 0, train);
  const start = new Float32Array(m * d);
  fillNormalAt(1, 2, 0, start);
  return { d, n, m, train, start, grid: uniformGrid(2, 0.05, 12) };
}

describe('wasm normals', () => {
  const single = createWasmKernels();
  const threads = pooledKernels();

  it('equal core’s fillNormalAt bit for bit on one instance', () => {
    const normals = new WasmNormals(wasmModule(single.variant));
    for (const [seed, stream, start, length] of CASES) expectSameBits((...a) => normals.fill(...a), seed, stream, start, length);
  });

  it('equal it in both builds, through the kernels', () => {
    for (const variant of ['simd', 'relaxed'] as const) {
      const kernels = createWasmKernels({ variant });
      for (const [seed, stream, start, length] of CASES) expectSameBits((...a) => kernels.fillNormalAt(...a), seed, stream, start, length);
    }
  });

  it('equal it over many seeds and streams', () => {
    for (let seed = 0; seed < 200; seed++) {
      const stream = (seed * 7919) % 17;
      expectSameBits((...a) => single.fillNormalAt(...a), seed * 40503, stream, seed * 977 + (seed & 1), 64 + seed);
    }
  });

  it('equal it split across the pool (large fills go to the workers)', () => {
    // 3 · 2¹⁴ + 5 normals: three groups, odd lengths and odd group starts
    for (const [start, length] of [[0, 3 * 2 ** 14 + 5], [7, 50176], [2 ** 32 - 20001, 40002], [2 ** 44 + 3, 1 << 16]]) {
      expectSameBits((...a) => threads.pooled.fillNormalAt(...a), 17, 3, start, length);
    }
    // the pool was used, and kept: a failure would have dropped it
    expect(threads.pooled.workers).toBe(3);
  });

  it('fall back to core’s function where the wasm arithmetic would not be exact', () => {
    for (const [stream, start] of [[2 ** 31, 0], [1.5, 0], [3, 0.5], [3, -4], [3, 2 ** 53 - 2]]) {
      expectSameBits((...a) => single.fillNormalAt(...a), 5, stream, start, 9);
    }
  });

  it('give the sampler the same final state bits as core’s normals', async () => {
    const { d, n, m, train, start, grid } = samplerProblem();
    const run = (kernels: Kernels, normals?: NormalFill): Promise<Float32Array> =>
      sampleBackward({ score: empiricalScore(train, n, d, kernels), start, m, grid, sampler: 'sde', seed: 4, normals });
    const core = await run(single);
    for (const normals of [normalsOf(single), normalsOf(threads.pooled)]) {
      const got = await run(single, normals);
      // float32 states compared as their bit patterns
      expect(new Uint32Array(got.buffer)).toEqual(new Uint32Array(core.buffer));
    }
  });

  it('are drawn by the pool alongside a denoise call when the sampler asks, with the same bits', async () => {
    const { d, n, m, train, start, grid } = samplerProblem();
    // one call by hand: an odd first index, the normals and the denoised means both as without the request
    const queries = start.slice();
    const out = new Float64Array(m * d);
    const request = { seed: 9, stream: 3, start: 2 ** 33 + 7, out, filled: false };
    const args = { queries, m, centres: train, n, d, scale: 0.8, variance: 0.4, normals: request };
    const got = threads.pool.softmaxDenoise(args, true);
    expect(request.filled).toBe(true);
    expect(new BigUint64Array(out.buffer)).toEqual(new BigUint64Array(fillNormalAt(9, 3, 2 ** 33 + 7, new Float64Array(m * d)).buffer));
    expect(got.mean).toEqual(single.softmaxDenoise({ ...args, normals: undefined }).mean);
    // a whole run: the steps' noise comes with their denoise calls (from the first call on: only a
    // pool that kept its caller waiting hands later calls to the caller alone), and the final
    // state keeps its bits
    const fresh = createWasmKernels({ pool: threads.pool });
    let fused = 0;
    const spy: Kernels = {
      backend: fresh.backend,
      softmaxDenoise(a) {
        const r = fresh.softmaxDenoise(a);
        if (a.normals?.filled === true) fused++;
        return r;
      },
      fillNormalAt: (seed, stream, first, into) => fresh.fillNormalAt(seed, stream, first, into),
    };
    const viaPool = await sampleBackward({ score: empiricalScore(train, n, d, spy), start, m, grid, sampler: 'sde', seed: 4, normals: normalsOf(spy) });
    const core = await sampleBackward({ score: empiricalScore(train, n, d, single), start, m, grid, sampler: 'sde', seed: 4 });
    expect(fused).toBeGreaterThan(0);
    expect(new Uint32Array(viaPool.buffer)).toEqual(new Uint32Array(core.buffer));
  });

  it('fall back to core’s function, with the same bits, when the wasm fill throws', () => {
    let destroyed = false;
    const failing: WasmPool = {
      workers: 2,
      variant: single.variant,
      lastWaitRatio: 0,
      softmaxDenoise() {
        throw new Error('not used');
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
    expectSameBits((...a) => kernels.fillNormalAt(...a), 3, 3, 11, 1 << 15);
    expect(destroyed).toBe(true);
    expect(kernels.workers).toBe(1);
  });

  it('are forwarded by the guard (falling back on a throw) and the router, or left out by both', () => {
    const throwing: Kernels = {
      backend: 'broken-gpu',
      softmaxDenoise: (args) => referenceKernels.softmaxDenoise(args),
      fillNormalAt() {
        throw new Error('device lost');
      },
    };
    const report = { backend: 'broken-gpu' };
    const guarded = guardKernels(throwing, single, report);
    expectSameBits((...a) => guarded.fillNormalAt?.(...a), 8, 3, 3, 100);
    expect(guarded.backend).toBe('wasm-simd');
    expect(report).toMatchObject({ backend: 'wasm-simd', fallbackReason: expect.stringContaining('device lost') });
    // a GPU without a fill borrows its fallback's
    const gpuLike: Kernels = { backend: 'gpu', softmaxDenoise: (args) => referenceKernels.softmaxDenoise(args) };
    expect(guardKernels(gpuLike, single, { backend: 'gpu' }).fillNormalAt).toBeDefined();
    expect(guardKernels(gpuLike, referenceKernels, { backend: 'gpu' }).fillNormalAt).toBeUndefined();
    expect(normalsOf(guardKernels(gpuLike, referenceKernels, { backend: 'gpu' }))).toBe(fillNormalAt);

    const routing = { paths: ['gpu', 'wasm-simd'], budgetMs: 0, spentMs: 0, entries: [], skipped: [] };
    const routed = routeKernels([{ name: 'gpu', kernels: gpuLike }, { name: 'wasm-simd', kernels: single }], routing);
    expectSameBits((...a) => routed.fillNormalAt?.(...a), 8, 3, 4, 100);
    expect(routeKernels([{ name: 'gpu', kernels: gpuLike }], routing).fillNormalAt).toBeUndefined();
  });
});

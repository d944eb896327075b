import { describe, expect, it } from 'vitest';
import { GPU } from 'gpu.js';
import { referenceKernels, resultArrays, type Kernels } from '@diffusion-atlas/core';
import {
  CALIBRATION_SHAPES,
  bucketOf,
  calibrate,
  chooseRoute,
  fastestPath,
  routeKernels,
  selectKernels,
  type CalibrationEntry,
  type CallShape,
  type KernelPath,
} from '@diffusion-atlas/worker';

/*
 * The per-call routing with injected timings: a fake clock that only moves when a fake kernel
 * runs, by a cost the test sets per shape, so every decision below follows from the numbers
 * written here and none from the machine.
 */

interface FakeClock {
  now(): number;
  advance(ms: number): void;
}

function fakeClock(): FakeClock {
  let t = 0;
  return { now: () => t, advance: (ms) => (t += ms) };
}

/** A path whose every call costs `cost(shape)` fake milliseconds and records the shapes it ran. */
function fakePath(name: string, clock: FakeClock, cost: (s: CallShape) => number): KernelPath & { ran: CallShape[] } {
  const ran: CallShape[] = [];
  const kernels: Kernels = {
    backend: name,
    softmaxDenoise(args) {
      ran.push({ m: args.m, n: args.n, d: args.d });
      clock.advance(cost(args));
      return resultArrays(args);
    },
  };
  return { name, kernels, ran };
}

/** A GPU-like cost: a fixed 0.2 ms per call (dispatch + readback) and fast arithmetic. */
const gpuCost = ({ m, n, d }: CallShape): number => 0.2 + (m * n * d) / 2e9;
/** A CPU-like cost: no fixed cost, slower arithmetic (the two cross near m·n·d = 10⁶). */
const cpuCost = ({ m, n, d }: CallShape): number => (m * n * d) / 5e6;

function call({ m, n, d }: CallShape) {
  return { queries: new Float32Array(m * d), m, centres: new Float32Array(n * d), n, d, scale: 1, variance: 1 };
}

describe('buckets', () => {
  it('separate dimension classes and powers of four of m·n·d', () => {
    expect(bucketOf({ m: 100, n: 100, d: 2 })).toMatchObject({ dClass: 0, workClass: 7 });
    expect(bucketOf({ m: 1000, n: 1000, d: 2 })).toMatchObject({ dClass: 0, workClass: 10 });
    expect(bucketOf({ m: 256, n: 1000, d: 64 }).dClass).toBe(1);
    expect(bucketOf({ m: 64, n: 1000, d: 784 }).dClass).toBe(2);
    // twice the work stays in the bucket or moves one up, never more
    const a = bucketOf({ m: 100, n: 100, d: 2 }).workClass;
    const b = bucketOf({ m: 200, n: 100, d: 2 }).workClass;
    expect(b - a).toBeGreaterThanOrEqual(0);
    expect(b - a).toBeLessThanOrEqual(1);
  });

  it('every calibration shape has a bucket of its own', () => {
    const keys = new Set(CALIBRATION_SHAPES.map((s) => bucketOf(s).key));
    expect(keys.size).toBe(CALIBRATION_SHAPES.length);
  });
});

describe('fastestPath and chooseRoute', () => {
  const paths = ['gpu', 'wasm'];
  const entry = (shape: CallShape, timesMs: Record<string, number>): CalibrationEntry => ({
    ...shape,
    bucket: bucketOf(shape).key,
    timesMs,
    choice: fastestPath(timesMs, paths) ?? 'none',
  });

  it('picks the lower time, the earlier path on a tie, and skips paths without a time', () => {
    expect(fastestPath({ gpu: 2, wasm: 1 }, paths)).toBe('wasm');
    expect(fastestPath({ gpu: 1, wasm: 1 }, paths)).toBe('gpu');
    expect(fastestPath({ wasm: 3 }, paths)).toBe('wasm');
    expect(fastestPath({ gpu: Number.NaN, wasm: 3 }, paths)).toBe('wasm');
    expect(fastestPath({}, paths)).toBeUndefined();
  });

  const small = entry({ m: 100, n: 100, d: 2 }, { gpu: 0.6, wasm: 0.1 });
  const large = entry({ m: 1000, n: 1000, d: 2 }, { gpu: 1.5, wasm: 10 });
  const wide = entry({ m: 64, n: 1000, d: 784 }, { gpu: 0.9, wasm: 25 });

  it('routes a call by the nearest measured bucket of its dimension class', () => {
    expect(chooseRoute({ m: 100, n: 100, d: 2 }, [small, large, wide], paths)).toBe('wasm');
    expect(chooseRoute({ m: 120, n: 80, d: 2 }, [small, large, wide], paths)).toBe('wasm');
    expect(chooseRoute({ m: 1000, n: 1000, d: 2 }, [small, large, wide], paths)).toBe('gpu');
    expect(chooseRoute({ m: 4000, n: 1000, d: 2 }, [small, large, wide], paths)).toBe('gpu');
    // d = 3 is in the 2-D class: its small calls stay on wasm although the d = 784 entry prefers the GPU
    expect(chooseRoute({ m: 50, n: 100, d: 3 }, [small, large, wide], paths)).toBe('wasm');
    expect(chooseRoute({ m: 32, n: 500, d: 512 }, [small, large, wide], paths)).toBe('gpu');
  });

  it('takes the larger bucket when a call lies halfway between two measured ones', () => {
    // work classes 7 and 10: a call of class 8 is nearer 7, one of class 9 nearer 10
    expect(bucketOf({ m: 128, n: 256, d: 2 }).workClass).toBe(8);
    expect(chooseRoute({ m: 128, n: 256, d: 2 }, [small, large], paths)).toBe('wasm');
    expect(chooseRoute({ m: 512, n: 512, d: 2 }, [small, large], paths)).toBe('gpu');
    const mid = [entry({ m: 100, n: 100, d: 2 }, { gpu: 1, wasm: 0 }), entry({ m: 400, n: 400, d: 2 }, { gpu: 0, wasm: 1 })];
    // classes 7 and 9, a call of class 8: equally near, the larger wins
    expect(bucketOf({ m: 200, n: 200, d: 2 }).workClass).toBe(8);
    expect(chooseRoute({ m: 200, n: 200, d: 2 }, mid, paths)).toBe('gpu');
  });

  it('uses another dimension class only when its own has no entry, and the first path when nothing was measured', () => {
    expect(chooseRoute({ m: 256, n: 1000, d: 64 }, [small, wide], paths)).toBe('gpu');
    expect(chooseRoute({ m: 100, n: 100, d: 2 }, [], paths)).toBe('gpu');
  });
});

describe('calibrate', () => {
  it('times each path on each shape with the injected clock and chooses per bucket', () => {
    const clock = fakeClock();
    const gpu = fakePath('gpu', clock, gpuCost);
    const wasm = fakePath('wasm', clock, cpuCost);
    const report = calibrate([gpu, wasm], { clock: clock.now, budgetMs: 1e6, calls: 3 });
    expect(report.paths).toEqual(['gpu', 'wasm']);
    expect(report.skipped).toEqual([]);
    expect(report.entries.map((e) => e.choice)).toEqual(['wasm', 'gpu', 'gpu', 'gpu']);
    const first = report.entries[0];
    expect(first.timesMs['gpu']).toBeCloseTo(gpuCost(CALIBRATION_SHAPES[0]), 12);
    expect(first.timesMs['wasm']).toBeCloseTo(cpuCost(CALIBRATION_SHAPES[0]), 12);
    // one warm-up and three timed calls per path and shape
    expect(gpu.ran.length).toBe(4 * CALIBRATION_SHAPES.length);
    const total = CALIBRATION_SHAPES.reduce((sum, s) => sum + 4 * (gpuCost(s) + cpuCost(s)), 0);
    expect(report.spentMs).toBeCloseTo(total, 9);
  });

  it('stops at the budget and lists the shapes it skipped', () => {
    const clock = fakeClock();
    const slow = fakePath('gpu', clock, () => 20);
    const wasm = fakePath('wasm', clock, () => 1);
    // the first shape costs 4·20 + 4·1 = 84 ms; the second starts under 100 ms, and once past the
    // budget each path gets its warm-up and one timed call only: 84 + 2·20 + 2·1 = 126
    const report = calibrate([slow, wasm], { clock: clock.now, budgetMs: 100, calls: 3 });
    expect(report.entries.map((e) => e.m)).toEqual([CALIBRATION_SHAPES[0].m, CALIBRATION_SHAPES[1].m]);
    expect(report.entries[1].timesMs).toEqual({ gpu: 20, wasm: 1 });
    expect(report.skipped).toEqual(CALIBRATION_SHAPES.slice(2));
    expect(report.spentMs).toBe(126);
    expect(slow.ran.length).toBe(4 + 2);
  });

  it('gives a path that throws no time, so it is never chosen there', () => {
    const clock = fakeClock();
    const broken: KernelPath = {
      name: 'gpu',
      kernels: {
        backend: 'gpu',
        softmaxDenoise() {
          throw new Error('context lost');
        },
      },
    };
    const wasm = fakePath('wasm', clock, () => 5);
    const report = calibrate([broken, wasm], { clock: clock.now, budgetMs: 1e6, shapes: [{ m: 10, n: 10, d: 2 }] });
    expect(report.entries[0].timesMs).toEqual({ wasm: 5 });
    expect(report.entries[0].choice).toBe('wasm');
  });
});

describe('routeKernels', () => {
  it('sends each call to the chosen path and names it as the backend', () => {
    const clock = fakeClock();
    const gpu = fakePath('gpu', clock, gpuCost);
    const wasm = fakePath('wasm', clock, cpuCost);
    const routing = calibrate([gpu, wasm], { clock: clock.now, budgetMs: 1e6, calls: 1 });
    gpu.ran.length = 0;
    wasm.ran.length = 0;
    const routed = routeKernels([gpu, wasm], routing);
    routed.softmaxDenoise(call({ m: 100, n: 100, d: 2 }));
    expect(routed.backend).toBe('wasm');
    routed.softmaxDenoise(call({ m: 1000, n: 1000, d: 2 }));
    expect(routed.backend).toBe('gpu');
    routed.softmaxDenoise(call({ m: 90, n: 110, d: 2 }));
    expect(routed.lastPath).toBe('wasm');
    expect(gpu.ran).toEqual([{ m: 1000, n: 1000, d: 2 }]);
    expect(wasm.ran).toEqual([
      { m: 100, n: 100, d: 2 },
      { m: 90, n: 110, d: 2 },
    ]);
  });

  it('sends a block of backward steps to the path chosen for its shape, and declines it where that path cannot run blocks', () => {
    const clock = fakeClock();
    const gpu = fakePath('gpu', clock, gpuCost);
    const wasm = fakePath('wasm', clock, cpuCost);
    const blocks: CallShape[] = [];
    gpu.kernels.backwardSteps = (args) => {
      blocks.push({ m: args.m, n: args.n, d: args.d });
      return true;
    };
    const routing = calibrate([gpu, wasm], { clock: clock.now, budgetMs: 1e6, calls: 1 });
    const routed = routeKernels([gpu, wasm], routing);
    const block = (shape: CallShape) => ({
      x: new Float32Array(shape.m * shape.d),
      m: shape.m,
      centres: new Float32Array(shape.n * shape.d),
      n: shape.n,
      d: shape.d,
      steps: 1,
      times: new Float64Array([1, 0.5]),
      scales: new Float64Array([0.6]),
      variances: new Float64Array([0.6]),
      seed: 1,
      stream: 2,
      firstStep: 0,
      history: new Float32Array(shape.m * shape.d),
      nearest: new Int32Array(shape.m),
    });
    // the large shape is the GPU's: its block runs there
    expect(routed.backwardSteps?.(block({ m: 1000, n: 1000, d: 2 }))).toBe(true);
    expect(routed.lastPath).toBe('gpu');
    // the small one is wasm's, which has no blocks: declined, and the GPU never sees it
    expect(routed.backwardSteps?.(block({ m: 100, n: 100, d: 2 }))).toBe(false);
    expect(blocks).toEqual([{ m: 1000, n: 1000, d: 2 }]);
    // without a path that runs blocks, the routed kernels offer none
    expect(routeKernels([wasm], routing).backwardSteps).toBeUndefined();
  });

  it('refuses an empty path list', () => {
    expect(() => routeKernels([], { paths: [], budgetMs: 0, spentMs: 0, entries: [], skipped: [] })).toThrow(/at least one path/);
  });
});

describe('selectKernels with routing', () => {
  it('keeps the verified GPU and the CPU path, calibrates them, and each route matches the reference', async () => {
    // gpu.js's own CPU mode stands in for a GPU in Node: the real check, guard and routing run
    const { kernels, report } = await selectKernels({
      preferGpu: true,
      threads: 1,
      createGpu: () => new GPU({ mode: 'cpu' }),
      route: { shapes: [{ m: 8, n: 20, d: 2 }, { m: 16, n: 40, d: 64 }], budgetMs: 10_000, calls: 1 },
    });
    try {
      expect(report.backend).toBe('gpujs-cpu+wasm-simd');
      expect(report.routing?.paths).toEqual(['gpujs-cpu', 'wasm-simd']);
      expect(report.routing?.entries).toHaveLength(2);
      for (const entry of report.routing?.entries ?? []) {
        expect(Object.keys(entry.timesMs).sort()).toEqual(['gpujs-cpu', 'wasm-simd']);
        expect(['gpujs-cpu', 'wasm-simd']).toContain(entry.choice);
      }
      expect(report.checkMaxError).toBeLessThan(1e-4);
      // whatever path the timings chose, each call's result matches the float64 reference
      for (const shape of [{ m: 8, n: 20, d: 2 }, { m: 16, n: 40, d: 64 }]) {
        const args = call(shape);
        for (let i = 0; i < args.queries.length; i++) args.queries[i] = Math.sin(i);
        for (let i = 0; i < args.centres.length; i++) args.centres[i] = Math.cos(1.3 * i);
        const got = kernels.softmaxDenoise(args);
        const want = referenceKernels.softmaxDenoise(args);
        for (let j = 0; j < want.mean.length; j++) expect(Math.abs(got.mean[j] - want.mean[j])).toBeLessThan(1e-4);
        expect(kernels.backend).toBe(report.routing?.entries.find((e) => e.d === shape.d)?.choice);
      }
    } finally {
      (kernels as Partial<{ destroy(): void }>).destroy?.();
    }
  });

  it('without a verified accelerator there is one path and no calibration', async () => {
    const { report } = await selectKernels({ preferGpu: true, threads: 1, route: true });
    expect(report.backend).toBe('wasm-simd');
    expect(report.routing).toBeUndefined();
    expect(report.fallbackReason).toMatch(/no WebGL2/);
  });
});

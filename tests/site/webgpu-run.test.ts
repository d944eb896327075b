import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { BACKWARD_BLOCK_STEPS, ROTATION, empiricalScore, hash32, logUniform, normalAt, quarterTurns, sampleBackward, uniformAt } from '@diffusion-atlas/core';
import { cpuKernels } from '@diffusion-atlas/worker';
import { skipE2E } from './harness.ts';
import { closeFixture, launchWebGpu, serveFixture, type Fixture } from './webgpu-fixture.ts';
import type { WebGpuTestApi } from '../fixtures/webgpu/page.ts';
import { runProblem, type RunOutcome, type RunSpec } from '../fixtures/webgpu/run-problem.ts';

/*
 * Backward runs that stay on the GPU (Kernels.backwardSteps on WebGPU), in headless Chromium on
 * SwiftShader: the WGSL generator against core's, whole runs against the CPU path with the same
 * seed, and the fallback when the device is lost mid-run.
 *
 * Tolerances. Normals: the float32 transform is within NORMAL_ULPS float32 ulps of core's float64
 * normal. States: the GPU computes in float32 throughout (its noise within a few ulps of the CPU's),
 * so a run's final state is within STATE_TOL of the CPU run's, relative to max(1, max|x|).
 */
const NORMAL_ULPS = 4;
const STATE_TOL = 1e-4;

/** The float32 ulp at |v| (normal range). */
function ulp32(v: number): number {
  return 2 ** (Math.floor(Math.log2(Math.abs(v))) - 23);
}

function f32(bits: number): number {
  return new Float32Array(Uint32Array.of(bits).buffer)[0];
}

/** core's Box–Muller pair for the raw draws (h0, h1), in float64. */
function corePair(h0: number, h1: number): [number, number] {
  const r = Math.sqrt(-2 * logUniform(h0));
  const j = quarterTurns(h1);
  return [ROTATION[(4 - j) & 3] * r, ROTATION[j ^ 1] * r];
}

const TWO_POW_32 = 4294967296;

describe.skipIf(skipE2E)('WebGPU backward runs that stay on the GPU (SwiftShader)', () => {
  let browser: Browser;
  let page: Page;
  let fixture: Fixture;
  let gpuPresent = false;

  beforeAll(async () => {
    fixture = await serveFixture();
    ({ browser, page, gpuPresent } = await launchWebGpu(fixture));
  });

  afterAll(async () => {
    await browser?.close();
    await closeFixture(fixture);
  });


  it('draws core’s uniforms bit for bit and its normals within a few float32 ulps', async (ctx) => {
    if (!gpuPresent) ctx.skip('navigator.gpu is absent');
    const cases: [number, number, number, number][] = [];
    // (seed, stream, index) from core's own uniforms: indices below and past 2³², odd and even
    for (let i = 0; i < 4000; i++) {
      const seed = hash32(99, 7, 4 * i);
      const stream = hash32(99, 7, 4 * i + 1) % 9;
      const lo = hash32(99, 7, 4 * i + 2);
      const hi = i % 4 === 0 ? 0 : Math.floor(uniformAt(99, 7, 4 * i + 3) * 2 ** 21);
      cases.push([seed, stream, lo, hi]);
    }
    // the transform's edges as raw draws: u near 0 and 1, the √2 octave threshold, quarter-turn boundaries
    const edges = [0, 1, 2, 3, 0x7fffffff, 0x80000000, 0xb504f333, 0xb504f334, 0xb504f335, 0x1fffffff, 0x20000000, 0x5fffffff, 0x60000000, 0xdfffffff, 0xe0000000, 0xfffffffe, 0xffffffff];
    const indexed = cases.length;
    for (const h0 of edges) for (const h1 of edges) cases.push([1, 3, h0, h1]);
    const got = await page.evaluate(async (cs) => (await (globalThis as unknown as { webgpuTest: WebGpuTestApi }).webgpuTest.noise(cs)), cases);
    let worstNormal = 0;
    let worstPair = 0;
    for (const [i, [seed, stream, lo, hi]] of cases.entries()) {
      const index = hi * TWO_POW_32 + lo;
      const [hash, normalBits, pairX, pairY] = got[i];
      // past `indexed`, (lo, hi) are raw draws for the transform, not an index core could hold
      if (i < indexed && hash !== hash32(seed, stream, index)) expect.fail(`hash32(${seed}, ${stream}, ${index}): ${hash} vs core's ${hash32(seed, stream, index)}`);
      if (i < indexed) {
        const want = normalAt(seed, stream, index);
        const ulps = Math.abs(f32(normalBits) - want) / ulp32(want);
        if (!(ulps <= NORMAL_ULPS)) expect.fail(`normalAt(${seed}, ${stream}, ${index}): ${f32(normalBits)} vs core's ${want} (${ulps.toFixed(1)} ulps)`);
        worstNormal = Math.max(worstNormal, ulps);
      }
      const pair = corePair(lo, hi);
      for (const [g, w] of [[f32(pairX), pair[0]], [f32(pairY), pair[1]]]) {
        const e = Math.abs(g - w) / ulp32(w);
        if (!(e <= NORMAL_ULPS)) expect.fail(`pair of draws (${lo}, ${hi}): ${g} vs core's ${w} (${e.toFixed(1)} ulps)`);
        worstPair = Math.max(worstPair, e);
      }
    }
    console.log(`WGSL normals vs core: worst ${worstNormal.toFixed(2)} float32 ulps over ${indexed} indices; ${worstPair.toFixed(2)} over the raw-draw pairs`);
  });

  it('gives the same bits with the queries in several chunks of rows, and from cached bind groups for a shorter block', async (ctx) => {
    if (!gpuPresent) ctx.skip('navigator.gpu is absent');
    const spec: RunSpec = { n: 50, d: 3, m: 7, steps: 40, seed: 9 };
    // a budget of 2n logits: chunks of 2 rows, the last of 1
    const got = await page.evaluate(
      async ([s, b]) => (await (globalThis as unknown as { webgpuTest: WebGpuTestApi }).webgpuTest.chunkedSteps(s, [32, 8], b)),
      [spec, 2 * spec.n] as const,
    );
    expect(got.whole).toHaveLength(2);
    expect(got.chunked).toEqual(got.whole);
  });

  /** The CPU path's run (cpuKernels, step by step) and its state before the last step. */
  async function cpuRun(spec: RunSpec): Promise<{ final: Float32Array; beforeLast: Float32Array }> {
    const { train, start, grid } = runProblem(spec);
    const L = grid.length - 1;
    let beforeLast = new Float32Array(0);
    const final = await sampleBackward({
      score: empiricalScore(train, spec.n, spec.d, cpuKernels),
      start,
      m: spec.m,
      grid,
      sampler: 'sde',
      seed: spec.seed,
      onStep: (k, x) => {
        if (k === L - 1) beforeLast = x.slice();
      },
    });
    return { final, beforeLast };
  }

  /** Worst relative difference of the final states; fails over STATE_TOL. */
  function expectCloseStates(got: number[], want: Float32Array): number {
    expect(got).toHaveLength(want.length);
    let scale = 1;
    for (const v of want) scale = Math.max(scale, Math.abs(v));
    let worst = 0;
    for (let i = 0; i < want.length; i++) {
      const err = Math.abs(got[i] - want[i]) / scale;
      if (!(err <= STATE_TOL)) expect.fail(`final state entry ${i}: ${got[i]} vs the CPU's ${want[i]} (relative ${err.toExponential(2)})`);
      worst = Math.max(worst, err);
    }
    return worst;
  }

  /** The CPU run's nearest centres at the last step, and whether another pick is a float32 tie there. */
  function nearestAt(spec: RunSpec, x: Float32Array): { nearest: Int32Array; tie: (i: number, mu: number) => boolean } {
    const { train, grid } = runProblem(spec);
    const t = grid[grid.length - 2];
    const score = empiricalScore(train, spec.n, spec.d, cpuKernels).evaluate(x, spec.m, t);
    const a = Math.exp(-t);
    const v = -Math.expm1(-2 * t);
    const logit = (i: number, mu: number): number => {
      let s = 0;
      for (let k = 0; k < spec.d; k++) s += (x[i * spec.d + k] - a * train[mu * spec.d + k]) ** 2;
      return -s / (2 * v);
    };
    const nearest = score.nearest ?? new Int32Array(spec.m);
    return { nearest, tie: (i, mu) => logit(i, nearest[i]) - logit(i, mu) <= 1e-5 * Math.max(1, Math.abs(logit(i, nearest[i]))) };
  }

  it('runs whole SDE blocks on the GPU: the CPU run’s states within float32 tolerance, onStep per step in order, the same bits again', async (ctx) => {
    if (!gpuPresent) ctx.skip('navigator.gpu is absent');
    const specs: RunSpec[] = [
      // SwiftShader takes ~0.1 s a step at m = 64 (software, on a loaded 2-core machine): sizes kept small
      { n: 100, d: 2, m: 64, steps: 100, seed: 5 },
      { n: 100, d: 64, m: 24, steps: 50, seed: 6 },
      { n: 60, d: 3, m: 12, steps: 40, seed: 8, repeat: true },
      { n: 100, d: 2, m: 16, steps: 80, seed: 7, loseAtStep: 40 },
    ];
    const outcomes: RunOutcome[] = await page.evaluate(async (ss) => (await (globalThis as unknown as { webgpuTest: WebGpuTestApi }).webgpuTest.runs(ss)), specs);
    expect(outcomes[0].reason).toBeUndefined();
    const worst: string[] = [];
    for (const [j, spec] of specs.entries()) {
      const o = outcomes[j];
      const L = spec.steps;
      // onStep once per step, in order, with the grid's times
      const { grid } = runProblem(spec);
      expect(o.steps).toEqual(Array.from({ length: L }, (_, k) => k + 1));
      expect(o.times).toEqual(Array.from(grid.subarray(1)));
      const cpu = await cpuRun(spec);
      worst.push(`d=${spec.d} m=${spec.m} L=${spec.steps}${spec.loseAtStep ? ' (device lost)' : ''}: ${expectCloseStates(o.final ?? [], cpu.final).toExponential(1)}`);
      const { nearest, tie } = nearestAt(spec, cpu.beforeLast);
      for (let i = 0; i < spec.m; i++) {
        const got = o.nearest?.[i] ?? -1;
        if (got !== nearest[i] && !tie(i, got)) expect.fail(`d=${spec.d} row ${i}: nearest ${got} vs the CPU's ${nearest[i]}, not a float32 tie`);
      }
      if (spec.loseAtStep === undefined) {
        // the fused path ran every step: a silent fallback to step-by-step calls would show here
        expect(o.blocks).toBe(Math.ceil(L / BACKWARD_BLOCK_STEPS));
        expect(o.denoiseCalls).toBe(0);
        expect(o.report).toEqual({ backend: 'webgpu' });
        expect(o.repeatIdentical).toBe(spec.repeat === true ? true : undefined);
      } else {
        // lost after the block holding step 40 came back: the next block fails, and the run goes on step by step on the CPU
        const done = Math.ceil(spec.loseAtStep / BACKWARD_BLOCK_STEPS) * BACKWARD_BLOCK_STEPS;
        expect(o.blocks).toBe(done / BACKWARD_BLOCK_STEPS);
        expect(o.denoiseCalls).toBe(L - done);
        expect(o.report).toEqual({ backend: 'cpu', fallbackReason: expect.stringMatching(/^webgpu failed during a run: /) });
      }
    }
    console.log(`fused WebGPU runs vs the CPU path, worst relative final-state difference: ${worst.join('; ')}`);
  }, 120_000);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { LOG_WEIGHT_FLOOR, referenceKernels, type SoftmaxDenoiseArgs, type SoftmaxDenoiseResult } from '@diffusion-atlas/core';
import { chromiumPath, skipE2E } from './harness.ts';
import { WEBGPU_FLAGS, closeFixture, launchWebGpu, serveFixture, type Fixture } from './webgpu-fixture.ts';
import { floorProblem, randomProblem, type ProblemOptions } from '../worker/problems.ts';
import type { WebGpuTestApi } from '../fixtures/webgpu/page.ts';
import type { WireProblem, WireResult } from '../fixtures/webgpu/problem.ts';

/*
 * The WebGPU kernels against the Float64 reference, in headless Chromium on SwiftShader's Vulkan
 * (a software adapter: this checks correctness, never speed). The fixture scripts are bundled
 * here with esbuild and served with COOP/COEP, since the synchronous Kernels bridge needs
 * shared memory.
 *
 * Tolerances. Means: relative to max(1, max|mean|), 1e-4, what the GPU paths are held to at
 * start-up (float32 logits; exp within a few ulp; tile-wise float32 sums). Nearest: identical,
 * except on rows where the GPU's pick is within float32 reach of the best, i.e. its Float64 logit
 * lies within 1e-5·max(1, |best logit|) of the best one.
 */
const MEAN_TOL = 1e-4;
const TIE_TOL = 1e-5;

function wire(args: SoftmaxDenoiseArgs): WireProblem {
  const p: WireProblem = {
    queries: Array.from(args.queries),
    m: args.m,
    centres: Array.from(args.centres),
    n: args.n,
    d: args.d,
    scale: args.scale,
    variance: args.variance,
  };
  if (args.logWeights !== undefined) p.logWeights = Array.from(args.logWeights);
  return p;
}

/** Float64 logit of centre μ for query row i, as the reference forms it. */
function logit(args: SoftmaxDenoiseArgs, i: number, mu: number): number {
  let dist2 = 0;
  for (let k = 0; k < args.d; k++) {
    const diff = args.queries[i * args.d + k] - args.scale * args.centres[mu * args.d + k];
    dist2 += diff * diff;
  }
  return -dist2 / (2 * args.variance) + (args.logWeights ? args.logWeights[mu] : 0);
}

/** Returns the worst relative mean error; fails on any error over MEAN_TOL or a nearest that is not a float32 tie. */
function expectAgrees(args: SoftmaxDenoiseArgs, got: WireResult, want: SoftmaxDenoiseResult): number {
  expect(got.mean.length).toBe(want.mean.length);
  let scale = 1;
  for (const x of want.mean) scale = Math.max(scale, Math.abs(x));
  let worst = 0;
  for (let j = 0; j < want.mean.length; j++) {
    const err = Math.abs(got.mean[j] - want.mean[j]) / scale;
    // NaN fails here rather than vanishing in Math.max
    if (!(err <= MEAN_TOL)) expect.fail(`mean entry ${j}: ${got.mean[j]} vs ${want.mean[j]} (relative ${err.toExponential(2)})`);
    worst = Math.max(worst, err);
  }
  for (let i = 0; i < args.m; i++) {
    if (got.nearest[i] === want.nearest[i]) continue;
    const best = logit(args, i, want.nearest[i]);
    const picked = logit(args, i, got.nearest[i]);
    if (!(best - picked <= TIE_TOL * Math.max(1, Math.abs(best)))) {
      expect.fail(`row ${i}: nearest ${got.nearest[i]} vs ${want.nearest[i]}, logits ${picked} vs ${best}: not a float32 tie`);
    }
  }
  return worst;
}

const cases: (ProblemOptions & { label: string })[] = [];
for (const d of [2, 64, 784]) {
  const n = d === 784 ? 150 : 300;
  for (const variance of [1, 1e-3]) {
    cases.push({ label: `d=${d} variance=${variance} near centres`, m: 37, n, d, variance, seed: d + 1, nearCentres: true });
    cases.push({ label: `d=${d} variance=${variance} anywhere +logWeights`, m: 21, n, d, variance, seed: d + 2, withLogWeights: true });
  }
}
// more logits than one dispatch holds (2²² elements): the queries go in two chunks
cases.push({ label: 'd=2, chunked (m·n > 2²²)', m: 1100, n: 4000, d: 2, variance: 0.05, seed: 7, nearCentres: true });

describe.skipIf(skipE2E)('WebGPU softmaxDenoise in Chromium (SwiftShader)', () => {
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

  async function denoise(problems: SoftmaxDenoiseArgs[], shareCentres = false): Promise<WireResult[]> {
    return page.evaluate(
      ([ps, share]) => (globalThis as unknown as { webgpuTest: WebGpuTestApi }).webgpuTest.denoise(ps, share),
      [problems.map(wire), shareCentres] as const,
    );
  }

  it('has a WebGPU adapter under the SwiftShader flags, reported as software', async (ctx) => {
    if (!gpuPresent) ctx.skip(`navigator.gpu is absent in ${chromiumPath} even with ${WEBGPU_FLAGS.join(' ')}`);
    const adapter = await page.evaluate(() => (globalThis as unknown as { webgpuTest: WebGpuTestApi }).webgpuTest.adapter());
    expect(adapter).toMatchObject({ software: true });
  });

  it('matches the Float64 reference on random problems (d = 2, 64, 784; variance 1 and 1e-3; chunked)', async (ctx) => {
    if (!gpuPresent) ctx.skip('navigator.gpu is absent');
    const problems = cases.map((c) => randomProblem(c));
    const got = await denoise(problems);
    const worst = problems.map((args, j) => expectAgrees(args, got[j], referenceKernels.softmaxDenoise(args)));
    // the accuracy actually reached, for the record (docs/performance.md quotes it)
    console.log(`webgpu vs reference, worst relative mean error per case: ${cases.map((c, j) => `${c.label}: ${worst[j].toExponential(1)}`).join('; ')}`);
  }, 300_000);

  it('flushes weights below LOG_WEIGHT_FLOOR to exactly 0, keeps those just above, and breaks ties to the first index', async (ctx) => {
    if (!gpuPresent) ctx.skip('navigator.gpu is absent');
    // e^{floor − 0.3} is still a normal float32, so a GPU that flushes subnormals cannot zero it for us
    const below = floorProblem(LOG_WEIGHT_FLOOR - 0.3);
    const above = floorProblem(LOG_WEIGHT_FLOOR + 0.1);
    // tied centres read by different threads (0, 1) and by the same thread of the row reduction (3, 259)
    const tie = { queries: new Float32Array([0, 0]), m: 1, centres: new Float32Array([1, 0, -1, 0, 0, 1]), n: 3, d: 2, scale: 1, variance: 1 };
    const n = 300;
    const far = new Float32Array(n * 2).fill(5);
    far.set([1, 0], 3 * 2);
    far.set([0, 1], 259 * 2);
    const strided = { queries: new Float32Array([0, 0]), m: 1, centres: far, n, d: 2, scale: 1, variance: 1 };
    const [b, a, t, s] = await denoise([below, above, tie, strided]);
    expect(referenceKernels.softmaxDenoise(below).mean[0]).toBe(0);
    expect(b.mean[0]).toBe(0);
    const want = referenceKernels.softmaxDenoise(above).mean[0];
    expect(want).toBeGreaterThan(0);
    expect(Math.abs(a.mean[0] - want) / want).toBeLessThan(1e-4);
    expect(t.nearest[0]).toBe(0);
    expect(s.nearest[0]).toBe(3);
    expect(referenceKernels.softmaxDenoise(strided).nearest[0]).toBe(3);
  });

  it('keeps the training set on the GPU across calls, and sees it refilled in place', async (ctx) => {
    if (!gpuPresent) ctx.skip('navigator.gpu is absent');
    const first = randomProblem({ m: 10, n: 200, d: 64, variance: 0.3, seed: 4, nearCentres: true });
    const sameCentres = { ...randomProblem({ m: 12, n: 200, d: 64, variance: 0.3, seed: 5, nearCentres: true }), centres: first.centres };
    const refilled = randomProblem({ m: 10, n: 200, d: 64, variance: 0.3, seed: 6, nearCentres: true });
    // one centres array on the page for all three calls: kept for the second, refilled for the third
    const got = await denoise([first, sameCentres, refilled], true);
    for (const [j, args] of [first, sameCentres, refilled].entries()) expectAgrees(args, got[j], referenceKernels.softmaxDenoise(args));
  });

  it('rejects every call after the device is lost, saying so', async (ctx) => {
    if (!gpuPresent) ctx.skip('navigator.gpu is absent');
    const problem = wire(randomProblem({ m: 4, n: 20, d: 3, variance: 0.5, seed: 8 }));
    const message = await page.evaluate((p) => (globalThis as unknown as { webgpuTest: WebGpuTestApi }).webgpuTest.afterDeviceLoss(p), problem);
    expect(message).toMatch(/WebGPU device was lost/);
  });

  it('serves the synchronous Kernels contract from a worker: start-up check, results, fallback when the device is lost, selection', async (ctx) => {
    if (!gpuPresent) ctx.skip('navigator.gpu is absent');
    const problems = [
      randomProblem({ m: 30, n: 300, d: 64, variance: 0.1, seed: 21, nearCentres: true, withLogWeights: true }),
      randomProblem({ m: 5, n: 150, d: 784, variance: 1e-3, seed: 22, nearCentres: true }),
      randomProblem({ m: 50, n: 80, d: 2, variance: 1, seed: 23 }),
    ];
    const outcome = await page.evaluate((ps) => (globalThis as unknown as { webgpuTest: WebGpuTestApi }).webgpuTest.kernels(ps), problems.map(wire));
    expect(outcome.reason).toBeUndefined();
    expect(outcome.backend).toBe('webgpu');
    expect(outcome.checkMaxError).toBeLessThanOrEqual(1e-4);
    expect(outcome.results).toHaveLength(problems.length);
    problems.forEach((args, j) => expectAgrees(args, outcome.results![j], referenceKernels.softmaxDenoise(args)));
    // a lost device: that call and every later one go to the fallback, and the report says why
    expect(outcome.afterLoss).toMatch(/WebGPU device was lost/);
    expect(outcome.afterLossReport).toEqual({ backend: 'cpu', fallbackReason: expect.stringMatching(/^webgpu failed during a run: the WebGPU device was lost/) });
    expectAgrees(problems[0], outcome.afterLossResult!, referenceKernels.softmaxDenoise(problems[0]));
    expect(outcome.selected?.any).toMatchObject({ backend: 'webgpu' });
    expect(outcome.selected?.any.checkMaxError).toBeLessThanOrEqual(1e-4);
    console.log(`selectKernels in a worker: ${JSON.stringify(outcome.selected)}`);
    // by default SwiftShader is refused as software, and the chain goes on with the reason recorded
    expect(outcome.selected?.hardware.backend).not.toBe('webgpu');
    expect(outcome.selected?.hardware.fallbackReason).toMatch(/software WebGPU adapter/);
  }, 120_000);
});

import { describe, expect, it } from 'vitest';
import {
  AtlasError,
  directContext,
  gaussianEquivalentProblem,
  logLogSlope,
  lossesAt,
  memorizationTime,
  referenceKernels,
  resolveParams,
  rfConstants,
  runExperiment,
  scoreErrorMinimum,
  solveGradientFlow,
  logTimes,
  trainingSamples,
  trainingWindow as trainingWindowExperiment,
  widthThreshold,
  widthThresholdGrid,
  type ResultValue,
  type RfProblem,
} from '@diffusion-atlas/core';
import { runTyped } from './typed-run.ts';

type WindowResult = Awaited<ReturnType<typeof trainingWindowExperiment.run>>;

function trainingWindow(params: Record<string, unknown> = {}): Promise<WindowResult> {
  return runTyped(trainingWindowExperiment, params, directContext(referenceKernels));
}

/** Every typed array in a result, with where it sits. */
function typedArrays(value: ResultValue, path = 'result', out: [string, ArrayBufferView][] = []): [string, ArrayBufferView][] {
  if (value === null || typeof value !== 'object') return out;
  if (ArrayBuffer.isView(value)) {
    out.push([path, value]);
    return out;
  }
  if (Array.isArray(value)) {
    (value as readonly ResultValue[]).forEach((v, i) => typedArrays(v, `${path}[${i}]`, out));
    return out;
  }
  for (const [k, v] of Object.entries(value)) typedArrays(v, `${path}.${k}`, out);
  return out;
}

function expectOwnBuffers(a: ResultValue, b: ResultValue): void {
  const first = typedArrays(a);
  const second = typedArrays(b);
  expect(first.length).toBeGreaterThan(0);
  const buffers = new Set<ArrayBufferLike>();
  for (const [, view] of [...first, ...second]) {
    expect(buffers.has(view.buffer)).toBe(false);
    buffers.add(view.buffer);
  }
}

describe('training-window (defaults: d = 20, ψ_p = 32, ψ_n = 1, 2, 4, 8, t = 0.1, Gaussian-equivalent)', () => {
  it('has the result shape of the issue, with losses per dimension starting from the untrained model', async () => {
    const r = await trainingWindow();
    expect(Object.keys(r.constants).sort()).toEqual(['b', 'mu1', 's2', 'sigmaNorm2', 'v2']);
    expect(r.runs.map((x) => x.psiN)).toEqual([1, 2, 4, 8]);
    for (const run of r.runs) {
      for (const key of ['tau', 'trainLoss', 'testLoss', 'scoreError', 'generalizationGap'] as const) {
        expect(run[key]).toBeInstanceOf(Float64Array);
        expect(run[key]).toHaveLength(100);
      }
      expect(run.eigenvalues).toHaveLength(640);
      expect(run.rho1Edges).toHaveLength(2);
      // A = 0 at τ = 0: L = 1 per dimension, E_score = J_t = 1
      expect(run.trainLoss[0]).toBeGreaterThan(0.99);
      expect(run.scoreError[0]).toBeGreaterThan(0.95);
      // the population optimum of the test loss is e^{−2t}: nothing beats it
      for (const l of run.testLoss) expect(l).toBeGreaterThan(Math.exp(-0.2) - 1e-12);
      for (let i = 0; i < run.tau.length; i++) expect(run.generalizationGap[i]).toBeCloseTo(run.testLoss[i] - run.trainLoss[i], 12);
      expect(run.tauGen).toBeLessThan(run.tauMem);
    }
  });

  it('τ_gen barely moves with n while τ_mem grows monotonically, for seeds 1, 2, 3; the measured slope is below 1', async () => {
    const slopes: number[] = [];
    for (const seed of [1, 2, 3]) {
      const r = await trainingWindow({ seed });
      const gen = r.runs.map((x) => x.tauGen);
      const mem = r.runs.map((x) => x.tauMem);
      // measured: τ_gen ≈ 10 → 17 (×1.7) while τ_mem ≈ 450 → 3400 (×7.5) over the 8-fold range of n
      expect(Math.max(...gen) / Math.min(...gen)).toBeLessThan(2);
      expect(r.slopes.tauGen).toBeLessThan(0.35);
      for (let k = 1; k < mem.length; k++) expect(mem[k]).toBeGreaterThan(mem[k - 1]);
      expect(mem[mem.length - 1] / mem[0]).toBeGreaterThan(5);
      expect(r.slopes.tauMem).toBeCloseTo(logLogSlope(r.runs.map((x) => x.n), mem), 12);
      slopes.push(r.slopes.tauMem);
      // the theory value grows close to linearly (1.18 here: ψ_p ≫ ψ_n holds only roughly)
      expect(Math.abs(r.slopes.tauMemTheory - 1)).toBeLessThan(0.25);
    }
    // measured 0.89, 0.96, 0.96: sublinear at ψ_p = 32, as the issue anticipates; linearity is not asserted
    const mean = slopes.reduce((a, b) => a + b, 0) / slopes.length;
    expect(mean).toBeGreaterThan(0.7);
    expect(mean).toBeLessThan(1);
  });

  it('τ_mem is where the gap reaches half its τ → ∞ value, independent of the plotted window', async () => {
    const a = await trainingWindow({ psiN: [2], tauMax: 1e5 });
    const b = await trainingWindow({ psiN: [2], tauMax: 1e9, points: 300 });
    expect(a.runs[0].tauMem).toBeCloseTo(b.runs[0].tauMem, 6);
    expect(a.runs[0].tauGen).toBeCloseTo(b.runs[0].tauGen, 4);
    const final = b.runs[0].generalizationGapFinal;
    const gap = b.runs[0].generalizationGap;
    const tau = b.runs[0].tau;
    for (let i = 0; i < tau.length; i++) {
      if (tau[i] < b.runs[0].tauMem * 0.999) expect(gap[i]).toBeLessThan(final / 2);
    }
    expect(gap[gap.length - 1]).toBeCloseTo(final, 6);
  });

  it('returns new typed arrays every run, none sharing a buffer (they are transferred across the worker boundary)', async () => {
    const params = { psiN: [1, 2], points: 20 };
    const a = await trainingWindow(params);
    const b = await trainingWindow(params);
    expect(a.runs[1].testLoss).toEqual(b.runs[1].testLoss);
    expectOwnBuffers(a, b);
  });

  it('sampled real features (noise averaged exactly) show the same ordering of the two times', async () => {
    const r = await trainingWindow({ d: 10, psiP: 16, psiN: [1, 4], matrix: 'sampled', noiseDraws: 0, points: 40 });
    expect(r.runs[0].eigenvalues).toHaveLength(160);
    for (const run of r.runs) expect(run.tauGen).toBeLessThan(run.tauMem / 10);
    expect(r.runs[1].tauMem).toBeGreaterThan(r.runs[0].tauMem);
    expect(r.runs[1].tauGen / r.runs[0].tauGen).toBeLessThan(2);
    // Monte Carlo noise draws are accepted too (a model of nK fixed noisy points)
    const mc = await trainingWindow({ d: 6, psiP: 8, psiN: [1], matrix: 'sampled', noiseDraws: 4, points: 20 });
    expect(mc.runs[0].trainLoss).toHaveLength(20);
  });

  it('rejects inconsistent parameters before running', () => {
    expect(() => resolveParams('training-window', { tauMin: 10, tauMax: 10 })).toThrow(/tauMin/);
    expect(() => resolveParams('training-window', { d: 100, psiP: 64 })).toThrow(/psiP/);
    expect(() => resolveParams('training-window', { d: 2, psiN: [0.1] })).toThrow(/no training point/);
    expect(() => resolveParams('training-window', { matrix: 'exact' })).toThrow(/matrix must be one of/);
  });

  it('stops with AtlasError("cancelled") when the signal fires', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(runExperiment('training-window', {}, directContext(referenceKernels, { signal: controller.signal }))).rejects.toSatisfy(
      (e: unknown) => e instanceof AtlasError && e.code === 'cancelled',
    );
  });
});

describe('Float32 inputs, as a GPU matrix kernel would deliver them, against the Float64 reference', () => {
  it('moves eigenvalues by < 1e−5 relative and τ_gen, τ_mem by < 1e−3 relative', () => {
    const c = rfConstants(0.1);
    const problem = gaussianEquivalentProblem({ d: 20, p: 640, n: 80 }, c, 1);
    if (problem.u.kind !== 'low-rank' || problem.uPop.kind !== 'low-rank') throw new Error('expected low-rank forms');
    const rounded: RfProblem = {
      ...problem,
      u: { ...problem.u, factor: Float64Array.from(Float32Array.from(problem.u.factor)) },
      v: Float64Array.from(Float32Array.from(problem.v)),
      uPop: { ...problem.uPop, factor: Float64Array.from(Float32Array.from(problem.uPop.factor)) },
      vPop: Float64Array.from(Float32Array.from(problem.vPop)),
    };
    const f64 = solveGradientFlow(problem);
    const f32 = solveGradientFlow(rounded);
    for (let k = 0; k < 640; k++) expect(Math.abs(f32.eigenvalues[k] / f64.eigenvalues[k] - 1)).toBeLessThan(1e-5);
    const tau = logTimes(0.1, 1e7, 100);
    const curve = (f: typeof f64) => Float64Array.from(tau, (x) => lossesAt(f, x).scoreError);
    const gen64 = scoreErrorMinimum(f64, tau, curve(f64)).tau;
    const gen32 = scoreErrorMinimum(f32, tau, curve(f32)).tau;
    expect(Math.abs(gen32 / gen64 - 1)).toBeLessThan(1e-3);
    expect(Math.abs(memorizationTime(f32).tau / memorizationTime(f64).tau - 1)).toBeLessThan(1e-3);
    for (const x of [1, 100, 1e4, Infinity]) expect(Math.abs(lossesAt(f32, x).testLoss - lossesAt(f64, x).testLoss)).toBeLessThan(1e-5);
  });
});

type SamplesRun = Awaited<ReturnType<typeof trainingSamples.run>>['runs'][number];

describe('training-samples (d = 8, ψ_p = 32, ψ_n = ½ and 2, t = 0.02)', () => {
  it('samples are new inside the window and copies after τ_mem, later and fewer for the larger n', async () => {
    const { runs } = await runTyped(trainingSamples, { samples: 60 }, directContext(referenceKernels));
    expect(runs.map((r) => r.n)).toEqual([4, 16]);
    const [few, many] = runs;
    for (const run of runs) {
      expect(run.samples).toHaveLength(60 * 8);
      expect(run.training).toHaveLength(run.n * 8);
      expect(run.ratio).toHaveLength(60);
      // τ ≤ 100: inside the window, no copies (the k^d floor is 1.5e−4 at d = 8)
      for (let i = 0; i < run.curveTau.length; i++) if (run.curveTau[i] <= 100) expect(run.memorizedCurve[i]).toBeLessThanOrEqual(0.02);
    }
    // measured final fractions ≈ 0.5 (n = 4) and ≈ 0.4 (n = 16), from 100 chains each
    expect(few.memorizedCurve[few.memorizedCurve.length - 1]).toBeGreaterThan(0.3);
    expect(many.memorizedCurve[many.memorizedCurve.length - 1]).toBeGreaterThan(0.15);
    const onset = (r: SamplesRun) => r.memorizedCurve.findIndex((f) => f >= 0.2);
    expect(onset(few)).toBeGreaterThanOrEqual(0);
    expect(onset(many) === -1 || onset(many) > onset(few)).toBe(true);
    // the measured τ_mem (half the final gap) orders the same way, and sits where the curve rises
    expect(many.tauMem).toBeGreaterThan(few.tauMem);
    expect(few.memorizedCurve[few.curveTau.findIndex((x) => x >= few.tauMem * 10)]).toBeGreaterThan(0.1);
  });

  it('takes exactly two training-set sizes', () => {
    expect(() => resolveParams('training-samples', { psiN: [1] })).toThrow(/psiN must be a comma-separated list of 2–2/);
    expect(() => resolveParams('training-samples', { psiN: [1, 2, 4] })).toThrow(/psiN/);
    expect(() => resolveParams('training-samples', { d: 4, psiN: [0.25, 1] })).toThrow(/fewer than 2 training points/);
  });
});

describe('width-threshold: memorization at long times over (ψ_n, ψ_p)', () => {
  it('the τ → ∞ gap is large well below n = p, small well above it, and falls with n at every width', async () => {
    const r = await runTyped(widthThreshold, {}, directContext(referenceKernels));
    const cols = r.psiNValues.length;
    expect(r.generalizationGap).toHaveLength(r.psiPValues.length * cols);
    expect(r.snapshots.map((s) => s.tau)).toEqual([1e3, 1e4]);
    const at = (i: number, j: number) => r.generalizationGap[i * cols + j];
    for (let i = 0; i < r.psiPValues.length; i++) {
      for (let j = 0; j < cols; j++) {
        const psiP = r.psiPValues[i];
        const psiN = r.psiNValues[j];
        // measured: ≥ 1.2 for n ≤ p/4, ≤ 0.06 for n ≥ 4p (d = 8, t = 0.1)
        if (psiN <= psiP / 4) expect(at(i, j)).toBeGreaterThan(1);
        if (psiN >= 4 * psiP) expect(at(i, j)).toBeLessThan(0.1);
        if (j > 0) expect(at(i, j)).toBeLessThan(at(i, j - 1) + 0.01);
        // finite training times have not finished memorizing
        expect(r.snapshots[0].generalizationGap[i * cols + j]).toBeLessThanOrEqual(at(i, j) + 1e-9);
      }
    }
  });

  it('accepts any lists through widthThresholdGrid (the build-time fine grid)', async () => {
    const g = await widthThresholdGrid({ d: 6, psiPValues: [2, 8], psiNValues: [1, 4, 16], seed: 3, t: 0.05, snapshots: [100] });
    expect(g.generalizationGap).toHaveLength(6);
    expect(g.snapshots).toHaveLength(1);
    expect(g.t).toBe(0.05);
  });
});

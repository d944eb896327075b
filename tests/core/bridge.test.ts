import { describe, expect, it } from 'vitest';
import {
  bridgeTau,
  directContext,
  gaussianIpf,
  ipfDataHalfStep,
  ipfPriorHalfStep,
  ouBridgeMoments,
  ouLogKernel,
  referenceJoint,
  referenceKernels,
  runExperiment,
  sampleOuBridges,
  schrodingerCouplingTheory,
  sgmVarianceTheory,
  sinkhorn,
  sinkhornCoupling,
} from '@diffusion-atlas/core';

const CASES = [
  { A: 2, B: 1, T: 0.2 },
  { A: 0.3, B: 4, T: 0.05 },
  { A: 1, B: 1, T: 1 },
  { A: 5, B: 0.5, T: 3 },
];

describe('exact Gaussian IPF (OU reference, data N(0, A), prior N(0, B))', () => {
  it.each(CASES)('A = $A, B = $B, T = $T: converges to C* = (√(τ² + 4AB) − τ)/2 with both marginals', ({ A, B, T }) => {
    const { coupling, marginalError, final } = gaussianIpf(A, B, T, 400);
    const tau = bridgeTau(T);
    const cStar = schrodingerCouplingTheory(A, B, T);
    expect(cStar).toBeCloseTo((Math.sqrt(tau * tau + 4 * A * B) - tau) / 2, 12);
    // geometric convergence in Float64: 400 iterations leave only rounding
    expect(Math.abs(coupling[399] / cStar - 1)).toBeLessThan(1e-12);
    expect(final.a).toBe(A);
    expect(Math.abs(final.b / B - 1)).toBeLessThan(1e-12);
    expect(marginalError[399]).toBeLessThan(1e-12 * B);
    // the bridge's fixed point: precision off-diagonal −1/τ
    expect(final.c / (final.a * final.b - final.c * final.c)).toBeCloseTo(1 / tau, 8);
  });

  it.each([0.05, 0.5, 2])('T = %s: the cross term of log p_{T|0} is +x₀x_T e^{−T}/Δ_T = +x₀x_T/τ', (T) => {
    // Independent of the code: the OU transition density written out directly,
    // N(x_T; e^{−T}x₀, Δ_T), and its mixed derivative ∂²/∂x₀∂x_T by central differences.
    const delta = 1 - Math.exp(-2 * T);
    const logP = (x0: number, xT: number): number =>
      -((xT - Math.exp(-T) * x0) ** 2) / (2 * delta) - 0.5 * Math.log(2 * Math.PI * delta);
    const h = 1e-3;
    const [x0, xT] = [0.7, -0.4];
    const mixed = (logP(x0 + h, xT + h) - logP(x0 + h, xT - h) - logP(x0 - h, xT + h) + logP(x0 - h, xT - h)) / (4 * h * h);
    // log p is quadratic, so central differences are exact up to rounding: ε·|log p|/h² ≈ 1e-10
    expect(mixed).toBeGreaterThan(0);
    expect(Math.abs(mixed * bridgeTau(T) - 1)).toBeLessThan(1e-6);
  });

  it('the limits: optimal transport √(AB) as T → 0, independence as T → ∞', () => {
    expect(schrodingerCouplingTheory(2, 3, 1e-6) / Math.sqrt(6)).toBeCloseTo(1, 5);
    expect(schrodingerCouplingTheory(2, 3, 30)).toBeLessThan(1e-11);
  });

  it.each(CASES)('A = $A, B = $B, T = $T: the first half-step is score-based generation, variance in closed form', ({ A, B, T }) => {
    const ipf = gaussianIpf(A, B, T, 1);
    expect(ipf.sgmVariance).toBeCloseTo(sgmVarianceTheory(A, B, T), 12);
    expect(ipf.sgm.b).toBe(B);
    // by hand from the reference joint
    const ref = referenceJoint(A, T);
    const k = ref.c / ref.b;
    expect(ipf.sgmVariance).toBeCloseTo(k * k * B + ref.a - (ref.c * ref.c) / ref.b, 12);
  });

  it('SGM misses the data variance at short T and recovers it as T grows; coupling[k] is read after iteration k + 1', () => {
    expect(Math.abs(sgmVarianceTheory(2, 1, 0.2) - 2)).toBeGreaterThan(0.5);
    expect(Math.abs(sgmVarianceTheory(2, 1, 6) - 2)).toBeLessThan(1e-4);
    const ipf = gaussianIpf(2, 1, 0.2, 3);
    const one = ipfDataHalfStep(ipfPriorHalfStep(referenceJoint(2, 0.2), 1), 2);
    expect(ipf.coupling[0]).toBe(one.c);
    // errors shrink every iteration
    for (let k = 1; k < 3; k++) expect(ipf.marginalError[k]).toBeLessThan(ipf.marginalError[k - 1]);
  });
});

describe('Sinkhorn with the OU reference', () => {
  it('particles: marginal errors decrease monotonically and reach 10⁻⁶', async () => {
    const { result } = await runExperiment('bridge', { case: 'particles', iterations: 60, particles: 150 }, directContext(referenceKernels));
    const err = result.marginalError as Float64Array;
    expect(err).toHaveLength(60);
    // strictly decreasing until rounding (Σ of 150 terms of ≈ 10⁻² at 2⁻⁵³) takes over
    for (let k = 1; k < err.length; k++) if (err[k - 1] > 1e-13) expect(err[k]).toBeLessThan(err[k - 1]);
    expect(Math.min(...err)).toBeLessThan(1e-6);
  });

  it('on a 1-D grid, Gaussian marginals: the coupling is the closed-form C*', async () => {
    const A = 2;
    const B = 1;
    const T = 0.5;
    const G = 201;
    const grid = Float64Array.from({ length: G }, (_, i) => -9 + (18 * i) / (G - 1));
    const logMu = normalizedLog(grid.map((x) => (-x * x) / (2 * A)));
    const logNu = normalizedLog(grid.map((y) => (-y * y) / (2 * B)));
    const logK = ouLogKernel(grid, G, grid, G, 1, T);
    const solved = await sinkhorn({ logK, rows: G, cols: G, logMu, logNu, iterations: 100 });
    const pi = sinkhornCoupling(logK, G, G, solved);
    let c = 0;
    for (let i = 0; i < G; i++) for (let j = 0; j < G; j++) c += pi[i * G + j] * grid[i] * grid[j];
    // a grid of step 0.09 against standard deviations ≥ 1: discretization error ≪ 10⁻⁴
    expect(c).toBeCloseTo(schrodingerCouplingTheory(A, B, T), 4);
    expect(solved.marginalError[99]).toBeLessThan(1e-10);
  });
});

function normalizedLog(logw: Float64Array): Float64Array {
  const max = Math.max(...logw);
  let z = 0;
  for (const l of logw) z += Math.exp(l - max);
  return logw.map((l) => l - max - Math.log(z));
}

describe('OU bridges', () => {
  it('hit both endpoints and have the closed-form law in between', () => {
    const count = 20000;
    const x0 = new Float64Array(count).fill(0.7);
    const xT = new Float64Array(count).fill(-1.2);
    const T = 0.8;
    const { times, paths } = sampleOuBridges({ x0, xT, count, d: 1, T, frames: 9, seed: 3, stream: 1 });
    expect(times[0]).toBe(0);
    expect(times[8]).toBeCloseTo(T, 15);
    let endpointError = 0;
    for (let i = 0; i < count; i++) {
      endpointError = Math.max(endpointError, Math.abs(paths[i] - 0.7), Math.abs(paths[8 * count + i] + 1.2));
    }
    // Float32 storage of exactly the endpoints
    expect(endpointError).toBeLessThan(1e-7);
    for (const f of [2, 4, 6]) {
      const { mean, variance } = ouBridgeMoments(0.7, -1.2, times[f], T);
      let s1 = 0;
      let s2 = 0;
      for (let i = 0; i < count; i++) {
        s1 += paths[f * count + i];
        s2 += paths[f * count + i] ** 2;
      }
      const m = s1 / count;
      const v = s2 / count - m * m;
      expect(Math.abs(m - mean)).toBeLessThan(5 * Math.sqrt(variance / count));
      expect(Math.abs(v / variance - 1)).toBeLessThan(5 * Math.sqrt(2 / count));
    }
  });
});

describe('bridge experiment', () => {
  it('gaussian: the issue’s fields, SGM variance in closed form, coupling → C*', async () => {
    const { result: r } = await runExperiment('bridge', { iterations: 60 }, directContext(referenceKernels));
    expect(Array.from(r.iteration as Int32Array)).toEqual(Array.from({ length: 60 }, (_, k) => k + 1));
    const coupling = r.coupling as Float64Array;
    expect(coupling).toHaveLength(60);
    expect(Math.abs(coupling[59] / (r.couplingTheory as number) - 1)).toBeLessThan(1e-9);
    expect(r.sgmVariance).toBeCloseTo(r.sgmVarianceTheory as number, 12);
    expect(r.marginalError as Float64Array).toHaveLength(60);
    const frames = (r.times as Float64Array).length;
    expect((r.paths as Float32Array).length).toBe(frames * 200);
    expect((r.sgmPaths as Float32Array).length).toBe(frames * 200);
  });

  it('particles: SB paths end on data particles and start on the prior ones; new arrays every run', async () => {
    const run = () => runExperiment('bridge', { case: 'particles', particles: 60, iterations: 30 }, directContext(referenceKernels));
    const [a, b] = [await run(), await run()];
    const r = a.result;
    expect(r.couplingTheory).toBeNull();
    const M = 60;
    const frames = (r.times as Float64Array).length;
    const paths = r.paths as Float32Array;
    const data = r.data as Float32Array;
    const prior = r.prior as Float32Array;
    // frame 0 is time 0 (data side), the last frame time T (prior side)
    for (let j = 0; j < M; j++) {
      expect(paths[(frames - 1) * M * 2 + 2 * j]).toBe(prior[2 * j]);
      let onData = false;
      for (let i = 0; i < M; i++) if (paths[2 * j] === data[2 * i] && paths[2 * j + 1] === data[2 * i + 1]) onData = true;
      expect(onData).toBe(true);
    }
    expect(paths).not.toBe(b.result.paths);
    expect(Array.from(paths)).toEqual(Array.from(b.result.paths as Float32Array));
    // sgmVariance is the spread of plain diffusion's output (frame 0, t = 0), not of its start
    const sgm = r.sgmPaths as Float32Array;
    let total = 0;
    for (let k = 0; k < 2; k++) {
      const xs = Array.from({ length: M }, (_, i) => sgm[2 * i + k]);
      const mean = xs.reduce((u, v) => u + v, 0) / M;
      total += xs.reduce((u, v) => u + (v - mean) ** 2, 0) / (M - 1);
    }
    expect(r.sgmVariance as number).toBeCloseTo(total / 2, 5);
  });
});

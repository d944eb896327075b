import { describe, expect, it } from 'vitest';
import {
  Rng,
  delta,
  empiricalScore,
  mixtureLogDensity,
  mixtureScore,
  referenceKernels,
  sampleMixture,
  toyMixture,
  toyNames,
  twoClassLogDensity,
  twoClassMixture,
  twoClassScore,
} from '@diffusion-atlas/core';

/** Central finite-difference gradient of a log density, in Float64. */
function fdGradient(f: (x: Float64Array) => number, x: Float64Array, h = 1e-5): Float64Array {
  const g = new Float64Array(x.length);
  for (let j = 0; j < x.length; j++) {
    const xp = Float64Array.from(x);
    const xm = Float64Array.from(x);
    xp[j] += h;
    xm[j] -= h;
    g[j] = (f(xp) - f(xm)) / (2 * h);
  }
  return g;
}

describe('exact two-class Gaussian-mixture score (with Γ_t)', () => {
  it.each([
    [0.1, 1],
    [0.8, 0.5],
    [2.5, 1.7],
  ])('equals the finite-difference gradient of log P_t at t = %s, σ = %s', (t, sigma) => {
    const d = 8;
    const g = twoClassMixture(d, 0.6, sigma);
    const mean = g.means.subarray(0, d);
    const score = twoClassScore(mean, sigma);
    const rng = new Rng(3, 1);
    for (let trial = 0; trial < 5; trial++) {
      const x = new Float64Array(d).map(() => rng.normal());
      const fd = fdGradient((y) => twoClassLogDensity(mean, sigma, y, t), x);
      const s = score.evaluate(Float32Array.from(x), 1, t).score;
      for (let j = 0; j < d; j++) expect(s[j]).toBeCloseTo(fd[j], 4);
      // the general mixture log density agrees with the tanh closed form up to a constant in x
      const fd2 = fdGradient((y) => mixtureLogDensity(g, y, t), x);
      for (let j = 0; j < d; j++) expect(fd2[j]).toBeCloseTo(fd[j], 5);
    }
  });
});

describe('exact mixture score of the 2-D toy data sets', () => {
  it.each(toyNames.map((n) => [n]))('%s: softmax-kernel score equals the finite-difference gradient', (name) => {
    const g = toyMixture(name);
    const score = mixtureScore(g, referenceKernels);
    const rng = new Rng(9, 2);
    for (const t of [0.02, 0.3, 2]) {
      for (let trial = 0; trial < 4; trial++) {
        const x = new Float64Array(2).map(() => 1.5 * rng.normal());
        const fd = fdGradient((y) => mixtureLogDensity(g, y, t), x, 1e-6);
        const s = score.evaluate(Float32Array.from(x), 1, t).score;
        const scale = Math.max(1, Math.hypot(fd[0], fd[1]));
        for (let j = 0; j < 2; j++) expect(Math.abs(s[j] - fd[j]) / scale).toBeLessThan(2e-4);
      }
    }
  });
});

/** Direct Float64 evaluation of the empirical score, without log-sum-exp tricks beyond a max shift. */
function directEmpiricalScore(train: Float32Array, n: number, d: number, x: Float64Array, t: number): Float64Array {
  const a = Math.exp(-t);
  const D = delta(t);
  const logs = new Float64Array(n);
  let max = -Infinity;
  for (let mu = 0; mu < n; mu++) {
    let r2 = 0;
    for (let j = 0; j < d; j++) r2 += (x[j] - a * train[mu * d + j]) ** 2;
    logs[mu] = -r2 / (2 * D);
    max = Math.max(max, logs[mu]);
  }
  const out = new Float64Array(d);
  let z = 0;
  for (let mu = 0; mu < n; mu++) {
    const w = Math.exp(logs[mu] - max);
    z += w;
    for (let j = 0; j < d; j++) out[j] += (w * (a * train[mu * d + j] - x[j])) / D;
  }
  return out.map((v) => v / z);
}

describe('exact empirical score', () => {
  it.each([1e-3, 0.05, 0.5, 3])('equals a direct Float64 sum over training points (t = %s)', (t) => {
    const d = 5;
    const n = 300;
    const train = sampleMixture(twoClassMixture(d, 1, 1), n, new Rng(1, 1)).x;
    const score = empiricalScore(train, n, d, referenceKernels);
    const rng = new Rng(2, 3);
    for (let trial = 0; trial < 8; trial++) {
      // queries near a noised training point, where the softmax saturates at small t
      const mu = rng.int(n);
      const x = new Float64Array(d).map((_, j) => Math.exp(-t) * train[mu * d + j] + Math.sqrt(delta(t)) * rng.normal());
      const expected = directEmpiricalScore(train, n, d, x, t);
      const got = score.evaluate(Float32Array.from(x), 1, t).score;
      const scale = Math.max(1, Math.hypot(...expected));
      for (let j = 0; j < d; j++) expect(Math.abs(got[j] - expected[j]) / scale).toBeLessThan(1e-5);
    }
  });

  it('is the gradient of log P_t^e (finite differences of the empirical log density)', () => {
    const d = 3;
    const n = 40;
    const pts = sampleMixture(twoClassMixture(d, 0.5, 1), n, new Rng(4, 1)).x;
    const asMixture = { means: pts, K: n, d, variance: 0 };
    const t = 0.2;
    const score = empiricalScore(pts, n, d, referenceKernels);
    const x = new Float64Array([0.3, -0.2, 0.5]);
    const fd = fdGradient((y) => mixtureLogDensity(asMixture, y, t), x, 1e-6);
    const s = score.evaluate(Float32Array.from(x), 1, t).score;
    for (let j = 0; j < d; j++) expect(s[j]).toBeCloseTo(fd[j], 4);
  });

  it('flushes weights below the float32 underflow band to exactly zero', () => {
    // two centres: the far one has log-weight −100 relative to the near one, far below −87
    const d = 1;
    const centres = new Float32Array([0, 1]);
    const variance = 1 / 200; // −|x − 1|²/(2v) = −100 at x = 0
    const { mean } = referenceKernels.softmaxDenoise({ queries: new Float32Array([0]), m: 1, centres, n: 2, d, scale: 1, variance });
    expect(mean[0]).toBe(0);
    // just inside the band (−80), the far centre still counts
    const v2 = 1 / 160;
    const r2 = referenceKernels.softmaxDenoise({ queries: new Float32Array([0]), m: 1, centres, n: 2, d, scale: 1, variance: v2 });
    expect(r2.mean[0]).toBeGreaterThan(0);
    expect(r2.mean[0]).toBeCloseTo(Math.exp(-80), 40);
  });
});

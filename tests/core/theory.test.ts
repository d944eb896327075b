import { describe, expect, it } from 'vitest';
import {
  Rng,
  SPECIATION_LEVEL,
  cloningCurve,
  cloningOverlap,
  cloningTheory,
  collapseTimeForAlpha,
  collapseTimeGaussian,
  delta,
  excessEntropyGaussian,
  excessEntropySpectrum,
  excessEntropyTwoClass,
  gamma,
  gaussHermite,
  gaussianExpectation,
  largestZero,
  lastCrossing,
  mixtureLogDensity,
  requiredAlpha,
  sampleMixture,
  twoClassMixture,
} from '@diffusion-atlas/core';

/** Composite Simpson on [a, b] with an even number of panels: independent of Gauss–Hermite. */
function simpson(f: (y: number) => number, a: number, b: number, panels: number): number {
  const h = (b - a) / panels;
  let s = f(a) + f(b);
  for (let i = 1; i < panels; i++) s += (i % 2 ? 4 : 2) * f(a + i * h);
  return (s * h) / 3;
}

/** The paper's eq. 5 integral φ = ½ ∫ [G₊² + G₋²]/(G₊ + G₋) dy, G± = N(y; ±|m|e^{−t}, Γ_t). */
function paperCloningIntegral(t: number, d: number, mu: number, sigma: number): number {
  const g = gamma(t, sigma * sigma);
  const c = mu * Math.sqrt(d) * Math.exp(-t);
  const sd = Math.sqrt(g);
  const pdf = (y: number, m: number): number => Math.exp(-((y - m) ** 2) / (2 * g)) / Math.sqrt(2 * Math.PI * g);
  const f = (y: number): number => {
    const gp = pdf(y, c);
    const gm = pdf(y, -c);
    const s = gp + gm;
    return s === 0 ? 0 : (0.5 * (gp * gp + gm * gm)) / s;
  };
  const half = c + 12 * sd;
  return simpson(f, -half, half, 20000);
}

describe('Gauss–Hermite quadrature', () => {
  it('integrates e^{−x²} x^{2k} exactly up to degree 2n − 1', () => {
    const { nodes, weights } = gaussHermite(20);
    // ∫ e^{−x²} x^{2k} dx = Γ(k + ½) = (2k − 1)!! √π / 2^k
    let exact = Math.sqrt(Math.PI);
    for (let k = 0; k < 20; k++) {
      let q = 0;
      for (let i = 0; i < nodes.length; i++) q += weights[i] * nodes[i] ** (2 * k);
      expect(Math.abs(q / exact - 1)).toBeLessThan(1e-11);
      exact *= (2 * k + 1) / 2;
    }
  });

  it('keeps its weights normalised up to the largest order it allows', () => {
    for (const n of [1, 2, 7, 96, 180]) {
      const { nodes, weights } = gaussHermite(n);
      expect(weights.reduce((a, b) => a + b, 0) / Math.sqrt(Math.PI)).toBeCloseTo(1, 12);
      for (let i = 1; i < n; i++) expect(nodes[i]).toBeLessThan(nodes[i - 1]);
    }
    expect(() => gaussHermite(181)).toThrow(RangeError);
  });

  it('gives Gaussian moments', () => {
    expect(gaussianExpectation((y) => y, 1.5, 2)).toBeCloseTo(1.5, 12);
    expect(gaussianExpectation((y) => (y - 1.5) ** 2, 1.5, 2)).toBeCloseTo(4, 11);
  });
});

describe('the universal cloning curve F(u)', () => {
  it('F(1) = 0.7752, the paper’s 0.775 line', () => {
    expect(Math.abs(SPECIATION_LEVEL - 0.7752)).toBeLessThan(5e-5);
    expect(cloningCurve(0)).toBe(0.5);
  });

  it.each([
    [1.0, 256, 1, 1],
    [2.5, 256, 1, 1],
    [3.2, 1024, 1, 1],
    [5.0, 4096, 1, 1],
    [0.3, 16, 0.5, 2],
    [1.7, 64, 1.3, 0.4],
    [4.0, 16384, 1, 1],
    [0.5, 1024, 1, 1],
  ])('F(u_t) by Gauss–Hermite equals numerical quadrature of the paper’s integral (t = %s, d = %s, μ̃ = %s, σ = %s)', (t, d, mu, sigma) => {
    // Simpson with 20 000 panels is accurate to ~1e−12 here. Gauss–Hermite (180 nodes) converges
    // slowly for the step-like logistic near u ≈ 3 (measured ≤ 3e−8): 5e−8 is that bound, five
    // orders of magnitude below the Monte Carlo error of any cloning run it is compared with.
    expect(Math.abs(cloningTheory(t, d, mu, sigma) - paperCloningIntegral(t, d, mu, sigma))).toBeLessThan(5e-8);
  });

  it.each([16, 256, 1024, 4096, 16384, 1e6])('σ = 1: φ(½ log d) = F(1) for d = %s (the curves cross there)', (d) => {
    const tS = 0.5 * Math.log(d);
    expect(cloningOverlap(tS, d, 1, 1)).toBeCloseTo(1, 12);
    expect(Math.abs(cloningTheory(tS, d, 1, 1) - SPECIATION_LEVEL)).toBeLessThan(1e-12);
    expect(Math.abs(paperCloningIntegral(tS, d, 1, 1) - SPECIATION_LEVEL)).toBeLessThan(5e-8);
  });

  it('is monotone from ½ to 1', () => {
    let previous = 0.5;
    for (let u = 0.05; u < 8; u += 0.05) {
      const f = cloningCurve(u);
      expect(f).toBeGreaterThan(previous);
      expect(f).toBeLessThanOrEqual(1);
      previous = f;
    }
  });
});

describe('collapse time and excess entropy', () => {
  it.each([
    [1000, 32, 1],
    [20000, 256, 1],
    [20000, 4096, 1],
    [200, 784, 0.5],
    [10, 2, 2],
  ])('closed-form t_C solves f(t_C) = 0 and is the largest zero (n = %s, d = %s, σ = %s)', (n, d, sigma) => {
    const tC = collapseTimeGaussian(n, d, sigma);
    const alpha = Math.log(n) / d;
    expect(Math.abs(excessEntropyGaussian(tC, alpha, sigma))).toBeLessThan(1e-12);
    const found = largestZero((t) => excessEntropyGaussian(t, alpha, sigma), 1e-9, 50);
    expect(found).not.toBeNull();
    expect(Math.abs((found as number) - tC)).toBeLessThan(1e-9 * Math.max(1, tC));
    // f > 0 above t_C (the generalizing side), f < 0 below
    expect(excessEntropyGaussian(tC * 1.1, alpha, sigma)).toBeGreaterThan(0);
    expect(excessEntropyGaussian(tC * 0.9, alpha, sigma)).toBeLessThan(0);
  });

  it('f → α as t → ∞ and the anisotropic form reduces to the isotropic one', () => {
    expect(excessEntropyGaussian(40, 0.3, 1.7)).toBeCloseTo(0.3, 12);
    const d = 16;
    const iso = Array.from({ length: d }, () => 2.25);
    for (const t of [0.1, 0.7, 2]) expect(excessEntropySpectrum(t, 0.2, d, iso)).toBeCloseTo(excessEntropyGaussian(t, 0.2, 1.5), 12);
  });

  it('the curse inversion: t_C(α*(t*)) = t* and α* does not depend on d', () => {
    for (const [tStar, sigma] of [[0.1, 1], [0.01, 1], [1, 3], [0.5, 0.3]]) {
      const a = requiredAlpha(tStar, sigma);
      expect(collapseTimeForAlpha(a, sigma)).toBeCloseTo(tStar, 10);
      // n = e^{α* d} itself must stay finite in double precision, hence the small d
      for (const d of [2, 8, 64]) if (a * d < 700) expect(collapseTimeGaussian(Math.exp(a * d), d, sigma)).toBeCloseTo(tStar, 8);
    }
  });

  it.each([0.3, 0.8, 1.5])(
    'finite-d two-class entropy matches Monte Carlo of −(1/d) E log P_t (d = 4, t = %s)',
    (t) => {
      // The class term (1/d)[log 2 − E H₂] is O(0.1) here, far above the Monte Carlo error.
      const d = 4;
      const mu = 1;
      const sigma = 0.7;
      const g = twoClassMixture(d, mu, sigma);
      const M = 20000;
      const x0 = sampleMixture(g, M, new Rng(3, 1)).x;
      const rng = new Rng(3, 2);
      const a = Math.exp(-t);
      const s = Math.sqrt(delta(t));
      let sum = 0;
      let sum2 = 0;
      const x = new Float64Array(d);
      for (let i = 0; i < M; i++) {
        for (let j = 0; j < d; j++) x[j] = a * x0[i * d + j] + s * rng.normal();
        const l = -mixtureLogDensity(g, x, t) / d;
        sum += l;
        sum2 += l * l;
      }
      const entropy = sum / M;
      const se = Math.sqrt((sum2 / M - entropy ** 2) / M);
      const alpha = 0.25;
      const fMonteCarlo = alpha + 0.5 + 0.5 * Math.log(2 * Math.PI * delta(t)) - entropy;
      const classTerm = excessEntropyGaussian(t, alpha, sigma) - excessEntropyTwoClass(t, alpha, d, mu, sigma);
      expect(classTerm).toBeGreaterThan(0.02);
      expect(Math.abs(fMonteCarlo - excessEntropyTwoClass(t, alpha, d, mu, sigma))).toBeLessThan(4 * se);
    },
  );
});

describe('crossings', () => {
  it('lastCrossing interpolates the crossing met first from large t', () => {
    const t = [1, 2, 3, 4];
    expect(lastCrossing(t, [1, 0.8, 0.6, 0.5], 0.7)).toBeCloseTo(2.5, 12);
    // order of the samples does not matter
    expect(lastCrossing([4, 2, 3, 1], [0.5, 0.8, 0.6, 1], 0.7)).toBeCloseTo(2.5, 12);
    // a later (smaller t) recrossing is ignored: the first one from the noise end counts
    expect(lastCrossing([1, 2, 3, 4, 5], [0.9, 0.6, 0.9, 0.5, 0.4], 0.7)).toBeCloseTo(3.5, 12);
    expect(lastCrossing(t, [1, 1, 1, 1], 0.7)).toBeNull();
  });

  it('largestZero finds the largest of several zeros', () => {
    const z = largestZero((t) => Math.sin(t), 0.5, 10);
    expect(z).toBeCloseTo(3 * Math.PI, 10);
    expect(largestZero((t) => t + 1, 0.1, 5)).toBeNull();
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import {
  besselI0Scaled,
  besselI1Scaled,
  besselRatioI1I0,
  circleScore,
  directContext,
  isometricFrame,
  logBesselI0,
  referenceKernels,
  runExperiment,
} from '@diffusion-atlas/core';

/**
 * e^{−κ} I_ν(κ) = (1/π) ∫₀^π e^{κ(cos θ − 1)} cos νθ dθ. The integrand extends to a smooth
 * 2π-periodic function, so the trapezoid rule converges geometrically; 40 000 nodes resolve the
 * peak of width 1/√κ at θ = 0 with hundreds of nodes even at κ = 10⁴.
 */
function besselScaledByQuadrature(nu: number, kappa: number): number {
  const N = 40_000;
  const h = Math.PI / N;
  let s = 0;
  for (let i = 0; i <= N; i++) {
    const theta = i * h;
    const w = i === 0 || i === N ? 0.5 : 1;
    s += w * Math.exp(kappa * (Math.cos(theta) - 1)) * Math.cos(nu * theta);
  }
  return (s * h) / Math.PI;
}

describe('scaled modified Bessel functions I₀, I₁', () => {
  const KAPPAS = [0, 1e-3, 0.5, 1, 5, 12, 19.99, 20.01, 25, 60, 300, 2000, 1e4];
  it.each(KAPPAS)('κ = %s: series and asymptotic branches agree with quadrature to 1e-12', (kappa) => {
    for (const [nu, f] of [
      [0, besselI0Scaled],
      [1, besselI1Scaled],
    ] as const) {
      const q = besselScaledByQuadrature(nu, kappa);
      const v = f(kappa);
      // relative 1e-12, plus the quadrature's own rounding: summing 40 001 terms of size ≤ 1 whose
      // cosine weights cancel down to I₁(κ) ≈ κ/2 at small κ leaves an absolute error ≈ 1e-15
      expect(Math.abs(v - q)).toBeLessThanOrEqual(1e-12 * q + 1e-15);
    }
  });

  it('the ratio I₁/I₀ rises from κ/2 at small κ to 1 − 1/(2κ) − 1/(8κ²) at large κ; log I₀ stays finite', () => {
    expect(besselRatioI1I0(0)).toBe(0);
    expect(besselRatioI1I0(1e-4) / 5e-5).toBeCloseTo(1, 8);
    const k = 5000;
    expect(Math.abs(besselRatioI1I0(k) - (1 - 1 / (2 * k) - 1 / (8 * k * k)))).toBeLessThan(1e-10);
    // I₀(1000) overflows Float64 (≈ 2·10⁴³¹); its logarithm is κ − ½ log(2πκ) + log(1 + 1/(8κ) +
    // 9/(128κ²) + O(κ⁻³)), the last term ≈ 2·10⁻¹¹ at κ = 1000
    expect(logBesselI0(1000)).toBeCloseTo(1000 - 0.5 * Math.log(2 * Math.PI * 1000) + Math.log(1 + 1 / 8000 + 9 / 128e6), 9);
  });
});

describe('population score of the uniform circle in R^D', () => {
  const D = 5;
  const frame = isometricFrame(D, 7, 3);

  /** log P_t(x) by trapezoid quadrature over φ (periodic: geometric convergence), log-sum-exp. */
  function logDensity(x: Float64Array, t: number): number {
    const a = Math.exp(-t);
    const v = 1 - Math.exp(-2 * t);
    const N = 8192;
    const logs = new Float64Array(N);
    let best = -Infinity;
    for (let j = 0; j < N; j++) {
      const phi = (2 * Math.PI * j) / N;
      let r2 = 0;
      for (let k = 0; k < D; k++) {
        const g = frame[2 * k] * Math.cos(phi) + frame[2 * k + 1] * Math.sin(phi);
        r2 += (x[k] - a * g) ** 2;
      }
      logs[j] = -r2 / (2 * v);
      best = Math.max(best, logs[j]);
    }
    let s = 0;
    for (const l of logs) s += Math.exp(l - best);
    return best + Math.log(s / N);
  }

  it.each([0.02, 0.3, 2])('t = %s: the closed form is the gradient of the quadrature log-density', (t) => {
    const x = Float64Array.from([0.6, -0.4, 0.3, 0.5, -0.2]);
    const score = circleScore(frame, D).evaluate(Float32Array.from(x), 1, t).score;
    const h = 1e-5;
    for (let k = 0; k < D; k++) {
      const up = Float64Array.from(x);
      const down = Float64Array.from(x);
      up[k] += h;
      down[k] -= h;
      const fd = (logDensity(up, t) - logDensity(down, t)) / (2 * h);
      // central differences: O(h²|∂³ log P|) ≲ 1e-10 · t⁻²; the closed form is returned in
      // Float32 and computed as (e^{−t}E[γ|x] − x)/Δ_t, a rounding of ≈ 2⁻²⁴·|x|/Δ_t
      const tol = 1e-6 + (6e-8 * 2) / (1 - Math.exp(-2 * t)) + 2e-7 * Math.abs(fd);
      expect(Math.abs(score[k] - fd)).toBeLessThan(tol);
    }
  });
});

interface ManifoldResult {
  epsilon: Float64Array;
  t: Float64Array;
  scoreNorm: Float64Array;
  scoreNormTheory: Float64Array;
  scoreNormTangential: Float64Array;
  w1: Float64Array;
  w1Bound: Float64Array;
  w1Curve: Float64Array;
  w1CurveDenoised: Float64Array;
  w1CurveFloor: number;
  memorizedFraction: number;
  score: string;
}

describe('manifold: population score beside the empirical one', () => {
  let pop: ManifoldResult;
  let emp: ManifoldResult;
  beforeAll(async () => {
    const params = { D: 32, n: 50, trajectories: 96, epsilon: [0.001, 0.01, 0.1] };
    pop = (await runExperiment('manifold', { ...params, score: 'population' }, directContext(referenceKernels))).result as unknown as ManifoldResult;
    emp = (await runExperiment('manifold', params, directContext(referenceKernels))).result as unknown as ManifoldResult;
  }, 120_000);

  it('only the normal part of the population score blows up; the empirical score’s tangential part does too', () => {
    expect(pop.score).toBe('population');
    const last = pop.t.length - 1;
    for (let k = 0; k <= last; k++) {
      // exactly zero in exact arithmetic: Float32 rounding of |F| ≈ √(D/Δ) components only
      expect(pop.scoreNormTangential[k]).toBeLessThan(1e-5 * pop.scoreNorm[k]);
    }
    // the normal part still grows like E|z|/√Δ_t (D − 1 of D directions are normal to the circle)
    expect(pop.scoreNorm[last] / pop.scoreNormTheory[last]).toBeGreaterThan(0.9);
    expect(pop.scoreNorm[last] / pop.scoreNormTheory[last]).toBeLessThan(1.1);
    // empirical: a trajectory committed to one point has |⟨F, τ⟩| ≈ |z_τ|/√Δ, mean √(2/π)/√Δ ≈ 0.8/√Δ
    const delta = 1 - Math.exp(-2 * emp.t[last]);
    expect(emp.scoreNormTangential[last]).toBeGreaterThan(0.4 / Math.sqrt(delta));
  });

  it('population samples lie on the curve with its law; empirical ones on the training points', () => {
    // at the smallest ε the denoised samples of the population score are m draws of (almost) the
    // circle's law: within 1.5 × the exact-draw floor of W₁ (measured 0.154 against 0.128)
    expect(pop.w1CurveDenoised[0]).toBeLessThan(1.5 * pop.w1CurveFloor);
    // the empirical ones reproduce 50 training points, whose own W₁ to the circle's law is larger
    expect(emp.w1CurveDenoised[0]).toBeGreaterThan(1.5 * pop.w1CurveDenoised[0]);
    // the ratio test: chance level ≈ 1/3 in intrinsic dimension 1 for the population, well above for the empirical
    expect(pop.memorizedFraction).toBeLessThan(emp.memorizedFraction);
  });

  it('W₁ to the curve’s law grows with ε as the early-stopping bound says, for both scores', () => {
    for (const r of [pop, emp]) {
      for (let e = 1; e < r.epsilon.length; e++) expect(r.w1Curve[e]).toBeGreaterThan(r.w1Curve[e - 1]);
      // the bound is to the law itself; add the m-sample floor and the reference's quantization
      for (let e = 0; e < r.epsilon.length; e++) expect(r.w1Curve[e]).toBeLessThan(r.w1Bound[e] + r.w1CurveFloor + 0.25);
    }
  });
});

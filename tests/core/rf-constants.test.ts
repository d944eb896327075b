import { describe, expect, it } from 'vitest';
import { delta, normalAt, rfConstants } from '@diffusion-atlas/core';

/** Mean and standard error of a Monte Carlo estimate. */
function meanSe(values: Float64Array): { mean: number; se: number } {
  let s = 0;
  for (const v of values) s += v;
  const mean = s / values.length;
  let q = 0;
  for (const v of values) q += (v - mean) ** 2;
  return { mean, se: Math.sqrt(q / (values.length - 1) / values.length) };
}

const N = 400_000;

describe('Gaussian-equivalence constants of the tanh random features (σ_x² = 1)', () => {
  it.each([0.01, 0.1, 0.5])('μ_1, ‖σ‖², b_t, v_t², s_t² match Monte Carlo at t = %s (within 5 standard errors)', (t) => {
    const c = rfConstants(t);
    const dt = delta(t);
    const e = Math.exp(-t);
    const sd = Math.sqrt(dt);
    // κ_t = 1 for σ_x² = 1, so the pre-activation of x_t = e^{−t}x + √Δ_t ξ is N(0, 1).
    const mu1 = new Float64Array(N);
    const norm2 = new Float64Array(N);
    const b = new Float64Array(N);
    const meanSquare = new Float64Array(N);
    for (let i = 0; i < N; i++) {
      const x = normalAt(7, 1, i);
      const xi1 = normalAt(7, 2, i);
      const xi2 = normalAt(7, 3, i);
      const u1 = e * x + sd * xi1;
      const f1 = Math.tanh(u1);
      mu1[i] = f1 * u1;
      norm2[i] = f1 * f1;
      // b_t = E[σ(x_t) ξ]: the linear response to the noise, by its definition rather than by Stein.
      b[i] = f1 * xi1;
      // E_x[m(x)²] with m(x) = E_ξ σ(e^{−t}x + √Δ ξ): two independent noises make it unbiased.
      meanSquare[i] = f1 * Math.tanh(e * x + sd * xi2);
    }
    const m1 = meanSe(mu1);
    const n2 = meanSe(norm2);
    const bb = meanSe(b);
    const ms = meanSe(meanSquare);
    expect(Math.abs(c.mu1 - m1.mean)).toBeLessThan(5 * m1.se);
    expect(Math.abs(c.sigmaNorm2 - n2.mean)).toBeLessThan(5 * n2.se);
    expect(Math.abs(c.b - bb.mean)).toBeLessThan(5 * bb.se);
    const v2 = ms.mean - c.a * c.a * e * e;
    expect(Math.abs(c.v2 - v2)).toBeLessThan(5 * ms.se);
    // s² = ‖σ‖² − μ_1² − v²: errors of ‖σ‖² and E[m²] are positively correlated; the sum of SEs bounds it.
    const s2 = n2.mean - c.mu1 ** 2 - v2;
    expect(Math.abs(c.s2 - s2)).toBeLessThan(5 * (n2.se + ms.se + 2 * c.mu1 * m1.se));
  });

  it('satisfies the identities and limits of §3.4, and is converged in the quadrature order', () => {
    for (const t of [0.001, 0.01, 0.1, 1, 3]) {
      const c = rfConstants(t);
      expect(c.kappa).toBeCloseTo(1, 14);
      expect(c.a * c.a * Math.exp(-2 * t) + c.b * c.b).toBeCloseTo(c.mu1 * c.mu1, 14);
      expect(c.v2).toBeGreaterThanOrEqual(0);
      expect(c.s2).toBeGreaterThanOrEqual(0);
      const fine = rfConstants(t, 'tanh', 1, 160);
      for (const key of ['mu1', 'sigmaNorm2', 'b', 'v2', 's2'] as const) expect(Math.abs(c[key] - fine[key])).toBeLessThan(1e-10);
    }
    // b_t = √Δ_t μ_1 → 0 and s_t² = O(Δ_t) → 0 as t → 0; v_t² → ‖σ‖² − μ_1² (all of the nonlinearity is in the data)
    const small = rfConstants(1e-4);
    expect(small.b).toBeLessThan(0.01);
    expect(small.s2).toBeLessThan(1e-4);
    expect(small.v2).toBeCloseTo(small.sigmaNorm2 - small.mu1 ** 2, 3);
    // known values for tanh of a standard normal
    expect(small.mu1).toBeCloseTo(0.6057055, 6);
    expect(small.sigmaNorm2).toBeCloseTo(0.3942945, 6);
  });
});

import { describe, expect, it } from 'vitest';
import {
  deltaPeakCount,
  denseOf,
  gaussianEquivalentProblem,
  logLogSlope,
  rfConstants,
  rho1Edges,
  solveGradientFlow,
  symmetricEigen,
  tauMemTheory,
} from '@diffusion-atlas/core';

describe('spectrum of the Gaussian-equivalent U (full p × p eigendecomposition, no Gram shortcut)', () => {
  it.each([
    [10, 16, 2, 0.1],
    [10, 16, 4, 0.1],
    [20, 16, 4, 0.01],
    [16, 24, 8, 0.1],
  ])('d = %i, ψ_p = %i, ψ_n = %i, t = %s: p − n − d eigenvalues at s_t², the ρ_1 part inside its edges', (d, psiP, psiN, t) => {
    const c = rfConstants(t);
    const p = psiP * d;
    const n = psiN * d;
    const problem = gaussianEquivalentProblem({ d, p, n }, c, 3);
    const { values } = symmetricEigen(denseOf(problem.u), p, { vectors: false });

    // The δ-peak: U − s²I = FFᵀ has rank n + d, so exactly p − n − d eigenvalues equal s² (to rounding).
    const atS2 = Array.from(values).filter((x) => Math.abs(x - c.s2) < 1e-10).length;
    expect(atS2).toBe(p - n - d);
    expect(deltaPeakCount(p, n, d)).toBe(p - n - d);

    // Above the peak: n eigenvalues of ρ_1 (the n-dependent bulk), then the d eigenvalues of ρ_2 (scale ψ_p).
    const rho1 = Array.from(values.subarray(p - n - d, p - d));
    const rho2Min = values[p - d];
    const [lo, hi] = rho1Edges(psiP, psiN, c);
    expect(rho2Min).toBeGreaterThan(5 * hi);
    // Finite-size margin: the leading-order edges are for ψ_p, ψ_n ≫ 1. At finite ψ_p about d eigenvalues
    // (an O(1/ψ_p) fraction of all p, science.md §6.4) sit between s² and the left edge; the other n − d
    // lie within [0.9 lo, hi] (measured: the bulk is a little narrower than predicted, never wider).
    expect(rho1[0]).toBeGreaterThan(c.s2);
    const below = rho1.filter((x) => x < lo).length;
    expect(below).toBeLessThanOrEqual(d);
    expect(rho1[d]).toBeGreaterThanOrEqual(0.9 * lo);
    expect(rho1[n - 1]).toBeLessThanOrEqual(hi * 1.02);
  });

  it('has no δ-peak once p ≤ n + d, and the Gram route reproduces the full spectrum', () => {
    const c = rfConstants(0.1);
    const wide = gaussianEquivalentProblem({ d: 8, p: 64, n: 16 }, c, 1);
    const full = symmetricEigen(denseOf(wide.u), 64, { vectors: false }).values;
    const viaGram = solveGradientFlow(wide).eigenvalues;
    for (let k = 0; k < 64; k++) expect(Math.abs(viaGram[k] - full[k])).toBeLessThan(1e-11 * (1 + full[k]));
    const narrow = gaussianEquivalentProblem({ d: 8, p: 32, n: 40 }, c, 1);
    const values = symmetricEigen(denseOf(narrow.u), 32, { vectors: false }).values;
    expect(values.filter((x) => Math.abs(x - c.s2) < 1e-10).length).toBe(0);
    expect(deltaPeakCount(32, 40, 8)).toBe(0);
  });
});

describe('τ_mem from theory, ψ_p/(2Δ_t λ_min(ρ_1))', () => {
  it('grows close to linearly in n when ψ_p ≫ ψ_n, with the slope the formula predicts', () => {
    const c = rfConstants(0.1);
    const psiN = [1, 2, 4, 8];
    // log-log slopes over ψ_n = 1…8: 1.18 at ψ_p = 32, 1.05 at ψ_p = 1024; → 1 as ψ_p/ψ_n → ∞ (from above: x/(x − 1))
    for (const [psiP, tol] of [
      [32, 0.25],
      [1024, 0.1],
    ] as const) {
      const slope = logLogSlope(psiN, psiN.map((x) => tauMemTheory(psiP, x, c)));
      expect(Math.abs(slope - 1)).toBeLessThan(tol);
    }
    // asymptote ψ_n/(2Δ_t v_t²)
    const far = tauMemTheory(1e8, 4, c);
    expect(far / (4 / (2 * c.delta * c.v2))).toBeCloseTo(1, 3);
  });
});

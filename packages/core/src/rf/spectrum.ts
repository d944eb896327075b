import type { RfConstants } from './constants.ts';

/**
 * Leading-order spectrum of U (Theorem 3.2 of Bonnaire et al., ψ_p, ψ_n ≫ 1) and the timescales it
 * sets. Float64 throughout. At finite ψ_p the theorem misses an O(1/ψ_p) fraction of eigenvalues
 * just above s_t² (science.md §6.4); the GEP matrix has them, which is why its eigenvalues, not
 * these formulas, drive the curves, and the formulas are overlaid for reading.
 */

/**
 * supp ρ_1 = [s_t² + v_t²(1 − √(ψ_p/ψ_n))², s_t² + v_t²(1 + √(ψ_p/ψ_n))²]: the Marchenko–Pastur-like
 * bulk of the n-dependent part (the features' nonlinear response to each training point).
 */
export function rho1Edges(psiP: number, psiN: number, c: Pick<RfConstants, 's2' | 'v2'>): [number, number] {
  const x = Math.sqrt(psiP / psiN);
  return [c.s2 + c.v2 * (1 - x) ** 2, c.s2 + c.v2 * (1 + x) ** 2];
}

/**
 * Edges of the bulk of the population matrix Ũ = μ_1² WWᵀ/d + (s_t² + v_t²) I for isotropic data
 * (derived): the d nonzero eigenvalues of WWᵀ/d follow Marchenko–Pastur with ratio 1/ψ_p and fill
 * [(√ψ_p − 1)², (√ψ_p + 1)²] (ψ_p > 1). This is ρ_2 at leading order; the top d eigenvalues of U
 * itself spread wider at finite ψ_n, by the sample covariance of n points in d dimensions.
 */
export function rho2Edges(psiP: number, c: Pick<RfConstants, 's2' | 'v2' | 'mu1'>): [number, number] {
  const base = c.s2 + c.v2;
  const m2 = c.mu1 * c.mu1;
  const r = Math.sqrt(psiP);
  return [base + m2 * (r - 1) ** 2, base + m2 * (r + 1) ** 2];
}

/** Eigenvalues exactly at s_t² in the Gaussian-equivalent U: p − n − d when p > n + d, else 0. */
export function deltaPeakCount(p: number, n: number, d: number): number {
  return Math.max(0, p - n - d);
}

/** τ_λ = ψ_p/(2Δ_t λ): the relaxation time of an eigenmode λ under the gradient flow. */
export function relaxationTime(lambda: number, psiP: number, delta: number): number {
  return psiP / (2 * delta * lambda);
}

/**
 * τ_mem from theory: the relaxation time of the slowest ρ_1 mode, ψ_p/(2Δ_t λ_min(ρ_1)). (The
 * paper prints it inverted and without the 2, science.md §6.4.) It tends to ψ_n/(2Δ_t v_t²) ∝ n
 * only when ψ_p ≫ ψ_n; at moderate ψ_p its log-log slope in n is v²x(x − 1)/(s² + v²(x − 1)²),
 * x = √(ψ_p/ψ_n), which is neither 1 nor constant.
 */
export function tauMemTheory(psiP: number, psiN: number, c: Pick<RfConstants, 's2' | 'v2' | 'delta'>): number {
  return relaxationTime(rho1Edges(psiP, psiN, c)[0], psiP, c.delta);
}

/** Least-squares slope of log y against log x (a power-law exponent). */
export function logLogSlope(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += Math.log(x[i]);
    sy += Math.log(y[i]);
  }
  const mx = sx / n;
  const my = sy / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const dx = Math.log(x[i]) - mx;
    num += dx * (Math.log(y[i]) - my);
    den += dx * dx;
  }
  return den === 0 ? Number.NaN : num / den;
}

import { delta } from '../forward.ts';

/**
 * The exact Gaussian Schrödinger bridge (science.md §5.3, derived): data N(0, A), prior N(0, B),
 * reference = the OU process dx = −x dt + √2 dW run for time T. Every IPF iterate is a centred
 * Gaussian coupling of (x₀, x_T), so it is three numbers, and each half-step is a closed form.
 * Float64 throughout: the iterates converge geometrically and the test reads them to 10⁻¹².
 */
export interface JointCovariance {
  /** var x₀ */
  a: number;
  /** cov(x₀, x_T) */
  c: number;
  /** var x_T */
  b: number;
}

/** τ = 2 sinh T: the cross term of −log p_{T|0} is −x₀x_T e^{−T}/Δ_T = −x₀x_T/τ. */
export function bridgeTau(T: number): number {
  return 2 * Math.sinh(T);
}

/** The reference (forward OU) coupling from x₀ ~ N(0, A): c = e^{−T}A, b = e^{−2T}A + Δ_T. */
export function referenceJoint(A: number, T: number): JointCovariance {
  const e = Math.exp(-T);
  return { a: A, c: e * A, b: e * e * A + delta(T) };
}

/** Odd half-step: keep the law of x₀ given x_T, set var x_T = B (π^{2n+1}). */
export function ipfPriorHalfStep(j: JointCovariance, B: number): JointCovariance {
  const k = j.c / j.b;
  return { a: k * k * B + j.a - (j.c * j.c) / j.b, c: k * B, b: B };
}

/** Even half-step: keep the law of x_T given x₀, set var x₀ = A (π^{2n+2}). */
export function ipfDataHalfStep(j: JointCovariance, A: number): JointCovariance {
  const k = j.c / j.a;
  return { a: A, c: k * A, b: k * k * A + j.b - (j.c * j.c) / j.a };
}

/**
 * The static Schrödinger-bridge covariance C* = (√(τ² + 4AB) − τ)/2: the Gaussian coupling with
 * marginals A, B whose precision has off-diagonal −1/τ (the density ∝ e^{x₀x_T/τ} × marginal factors).
 * τ → 0 gives √(AB) (optimal transport), τ → ∞ gives 0 (independence).
 */
export function schrodingerCouplingTheory(A: number, B: number, T: number): number {
  const tau = bridgeTau(T);
  // (√(τ² + 4AB) − τ)/2 written without the cancellation at large τ
  return (2 * A * B) / (Math.sqrt(tau * tau + 4 * A * B) + tau);
}

/**
 * Variance of x₀ under π¹, the first half-step = standard score-based generation from N(0, B) at
 * time T: A − (e^{−2T}A²/b)(1 − B/b), b = e^{−2T}A + Δ_T. It equals A only as T → ∞ (or B = b).
 */
export function sgmVarianceTheory(A: number, B: number, T: number): number {
  const e2 = Math.exp(-2 * T);
  const b = e2 * A + delta(T);
  return A - ((e2 * A * A) / b) * (1 - B / b);
}

export interface GaussianIpfResult {
  /** cov(x₀, x_T) after full iteration k + 1 (both half-steps). */
  coupling: Float64Array;
  /** |var x_T − B| after full iteration k + 1 (var x₀ = A holds exactly after the second half-step). */
  marginalError: Float64Array;
  /** var x₀ after the first half-step: the SGM output variance. */
  sgmVariance: number;
  /** The coupling after the first half-step. */
  sgm: JointCovariance;
  final: JointCovariance;
}

export function gaussianIpf(A: number, B: number, T: number, iterations: number): GaussianIpfResult {
  const coupling = new Float64Array(iterations);
  const marginalError = new Float64Array(iterations);
  let j = referenceJoint(A, T);
  let sgm: JointCovariance | undefined;
  for (let k = 0; k < iterations; k++) {
    j = ipfPriorHalfStep(j, B);
    sgm ??= j;
    j = ipfDataHalfStep(j, A);
    coupling[k] = j.c;
    marginalError[k] = Math.abs(j.b - B);
  }
  sgm ??= ipfPriorHalfStep(j, B);
  return { coupling, marginalError, sgmVariance: sgm.a, sgm, final: j };
}

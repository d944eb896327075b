/**
 * The heat kernel of S² for the generator ½Δ (Brownian time s, not a β-rescaled time), as a density
 * with respect to surface area, written as a function of u = ⟨x, x₀⟩ = cos θ:
 *   p_s(u) = Σ_{l≥0} (2l+1)/(4π) e^{−l(l+1)s/2} P_l(u).
 * Everything here is Float64: the series is an alternating sum whose terms reach ≈ 1/(2πs) while
 * the kernel in the tails is many orders smaller, so float32 would lose it entirely.
 */

/**
 * Below this Brownian time the tables use the Varadhan form, above it the Legendre series. The
 * series needs ≈ √(2·45/s) terms and cancels catastrophically in the tails at small s; the
 * Varadhan form (with its van Vleck and curvature factors) is exact up to O(s²) and fails only
 * near the antipode, whose weight e^{−π²/2s} is below e^{−98} here. tests/core/sphere.test.ts
 * checks both sides of the switch.
 */
export const HEAT_KERNEL_SERIES_MIN_S = 0.05;

/** Never tabulate past this many terms: s = 10⁻⁶ already needs ≈ 10⁴. */
const MAX_TERMS = 20_000;

/**
 * Terms kept for time s: the tail Σ_{l>L} (2l+1) e^{−l(l+1)s/2} ≲ (2/s) e^{−L(L+1)s/2} is pushed below
 * e^{−45} ≈ 3·10⁻²⁰ relative, enough for the value and for P_l′ ≤ l(l+1)/2 in the derivative.
 */
export function legendreTerms(s: number): number {
  if (!(s > 0)) throw new RangeError(`heat kernel time must be positive (got ${s})`);
  const target = (2 * (Math.log(2 / s) + 45)) / s;
  const L = Math.ceil(Math.sqrt(Math.max(0, target)));
  return Math.min(MAX_TERMS, Math.max(4, L));
}

/** Series value and u-derivative at one point, by the three-term Legendre recurrences. */
export function heatKernelSeries(s: number, u: number, terms = legendreTerms(s)): { p: number; dp: number } {
  // P_{l+1} = ((2l+1) u P_l − l P_{l−1})/(l+1); P′_{l+1} = P′_{l−1} + (2l+1) P_l is regular at u = ±1.
  let pPrev = 1;
  let p = u;
  let dPrev = 0;
  let d = 1;
  let value = 1 / (4 * Math.PI);
  let deriv = 0;
  for (let l = 1; l <= terms; l++) {
    const c = ((2 * l + 1) / (4 * Math.PI)) * Math.exp((-l * (l + 1) * s) / 2);
    value += c * p;
    deriv += c * d;
    const pNext = ((2 * l + 1) * u * p - l * pPrev) / (l + 1);
    const dNext = dPrev + (2 * l + 1) * p;
    pPrev = p;
    p = pNext;
    dPrev = d;
    d = dNext;
  }
  return { p: value, dp: deriv };
}

/** p_s(u), the density with respect to area (∫_{S²} p dA = 1). */
export function heatKernel(s: number, u: number): number {
  return heatKernelSeries(s, clampUnit(u)).p;
}

/**
 * P(⟨X_s, x₀⟩ ≤ u) for Brownian motion started at x₀: term by term, ∫_{−1}^{u} P_l = (P_{l+1} − P_{l−1})/(2l+1),
 * so F(u) = (1+u)/2 + ½ Σ_{l≥1} e^{−l(l+1)s/2} (P_{l+1}(u) − P_{l−1}(u)).
 */
export function heatKernelCosineCdf(s: number, u: number, terms = legendreTerms(s)): number {
  const x = clampUnit(u);
  let pPrev = 1;
  let p = x;
  let sum = (1 + x) / 2;
  for (let l = 1; l <= terms; l++) {
    const pNext = ((2 * l + 1) * x * p - l * pPrev) / (l + 1);
    sum += 0.5 * Math.exp((-l * (l + 1) * s) / 2) * (pNext - pPrev);
    pPrev = p;
    p = pNext;
  }
  return Math.min(1, Math.max(0, sum));
}

/** E⟨X_s, x₀⟩ = e^{−s}: only the l = 1 term survives (eigenvalue l(l+1)/2 = 1 of −½Δ). */
export function meanCosineTheory(s: number): number {
  return Math.exp(-s);
}

/** ∂_θ log p_s from the series, θ = geodesic distance in (0, π): −sin θ · p′(u)/p(u). */
export function seriesLogKernelThetaDerivative(s: number, theta: number): number {
  const { p, dp } = heatKernelSeries(s, Math.cos(theta));
  return (-Math.sin(theta) * dp) / p;
}

/**
 * Varadhan's short-time form with the van Vleck factor (θ/sin θ)^{1/2} and the curvature term s/6
 * (the first heat invariant, R/12 · s with scalar curvature R = 2; it does not depend on θ at this
 * order, so it changes the density, not the score):
 *   log p_s(θ) ≈ −log(2πs) + s/6 − θ²/(2s) + ½ log(θ/sin θ).
 * Away from the antipode the log-density is then off by O(s²), and so is the score relative to its
 * size θ/s (1.4·10⁻⁵ at s = 0.05, 5.8·10⁻⁵ at s = 0.1).
 */
export function varadhanLogKernel(s: number, theta: number): number {
  return -Math.log(2 * Math.PI * s) + s / 6 - (theta * theta) / (2 * s) + 0.5 * logThetaOverSin(theta);
}

/** ∂_θ of the Varadhan form: −θ/s + ½(1/θ − cot θ); the correction is ≈ θ/6 for small θ. */
export function varadhanLogKernelThetaDerivative(s: number, theta: number): number {
  return -theta / s + 0.5 * inverseMinusCot(theta);
}

/** The leading Varadhan score alone, ∂_θ log p ≈ −θ/s, i.e. ∇ log p ≈ log_x(x₀)/s. */
export function varadhanLeadingThetaDerivative(s: number, theta: number): number {
  return -theta / s;
}

function logThetaOverSin(theta: number): number {
  if (theta < 1e-4) return (theta * theta) / 6;
  return Math.log(theta / Math.sin(theta));
}

function inverseMinusCot(theta: number): number {
  // 1/θ − cot θ = θ/3 + θ³/45 + …; the direct form cancels below θ ≈ 10⁻⁴.
  if (theta < 1e-4) return theta / 3;
  return 1 / theta - Math.cos(theta) / Math.sin(theta);
}

function clampUnit(u: number): number {
  return u > 1 ? 1 : u < -1 ? -1 : u;
}

/**
 * log p_s and G = d log p_s/du on a uniform grid in u = cos θ over [−1, 1]. The empirical score on
 * the sphere needs both for every (walker, data point) pair; a lookup by the dot product costs no
 * arccos. log p is nearly linear in u near u = 1 (−(1 − u)/s to leading order), so linear
 * interpolation stays accurate where the kernel is narrowest.
 */
export interface HeatKernelTable {
  s: number;
  /** Grid intervals; values at u_k = −1 + 2k/size, k = 0…size. */
  size: number;
  logP: Float64Array;
  dLogPdu: Float64Array;
  /** Which form filled the table. */
  method: 'series' | 'varadhan';
}

/** Largest θ the Varadhan table uses: its (θ/sin θ)^{1/2} factor is singular at the antipode. */
const VARADHAN_THETA_MAX = Math.PI - 1e-3;

export function heatKernelTable(s: number, size = 4096): HeatKernelTable {
  const logP = new Float64Array(size + 1);
  const dLogPdu = new Float64Array(size + 1);
  const method = s >= HEAT_KERNEL_SERIES_MIN_S ? 'series' : 'varadhan';
  if (method === 'series') {
    const terms = legendreTerms(s);
    const peak = heatKernelSeries(s, 1, terms).p;
    for (let k = 0; k <= size; k++) {
      const u = -1 + (2 * k) / size;
      const { p, dp } = heatKernelSeries(s, u, terms);
      // Where cancellation leaves fewer than ~4 good digits, fall back to Varadhan for that point.
      if (p > 1e-12 * peak) {
        logP[k] = Math.log(p);
        dLogPdu[k] = dp / p;
      } else {
        fillVaradhan(s, u, logP, dLogPdu, k);
      }
    }
  } else {
    for (let k = 0; k <= size; k++) fillVaradhan(s, -1 + (2 * k) / size, logP, dLogPdu, k);
  }
  return { s, size, logP, dLogPdu, method };
}

function fillVaradhan(s: number, u: number, logP: Float64Array, dLogPdu: Float64Array, k: number): void {
  const theta = Math.min(VARADHAN_THETA_MAX, Math.acos(clampUnit(u)));
  logP[k] = varadhanLogKernel(s, theta);
  // d/du = −(1/sin θ) d/dθ; at θ → 0 the ratio θ/sin θ → 1 and (1/θ − cot θ)/sin θ → 1/3.
  if (theta < 1e-4) {
    dLogPdu[k] = 1 / s - 1 / 6;
  } else {
    dLogPdu[k] = -varadhanLogKernelThetaDerivative(s, theta) / Math.sin(theta);
  }
}

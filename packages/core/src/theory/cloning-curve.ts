import { gamma } from '../forward.ts';
import { gaussianExpectation } from './gauss-hermite.ts';

/**
 * The universal cloning curve of the two-class model (science.md §2.4, derived; it equals the
 * paper's eq. 5 integral). All in Float64.
 *
 * With the exact score, the class of the end point depends only on the overlap with m̂, and two
 * clones released at time t pick classes independently given x_t with the posterior probability
 * r = 1/(1 + e^{−2uy}). Hence φ(t) = E[r² + (1 − r)²] = F(u_t).
 */

/** log(1 + e^x) without overflow. */
function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/** F(u) = E_{y~N(u,1)}[1/(1 + e^{−2uy})]: ½ at u = 0, → 1 as u → ∞. */
export function cloningCurve(u: number): number {
  if (u === 0) return 0.5;
  return gaussianExpectation((y) => 1 / (1 + Math.exp(-2 * u * y)), u, 1);
}

/** F(1) = 0.7752: the paper's 0.775 level, crossed at t_S = ½ log(dμ̃²) for σ = 1 and every d. */
export const SPECIATION_LEVEL = cloningCurve(1);

/** u_t = μ̃ √d e^{−t} / √Γ_t: the class signal-to-noise ratio along m̂ at time t. */
export function cloningOverlap(t: number, d: number, mu: number, sigma: number): number {
  return (mu * Math.sqrt(d) * Math.exp(-t)) / Math.sqrt(gamma(t, sigma * sigma));
}

/** φ(t) = F(u_t) for the two-class model ½ N(±m, σ² I), |m|² = d μ̃². */
export function cloningTheory(t: number, d: number, mu: number, sigma: number): number {
  return cloningCurve(cloningOverlap(t, d, mu, sigma));
}

/**
 * E_{y~N(u,1)} H₂(1/(1 + e^{−2uy})), H₂ the binary entropy in nats: the conditional entropy of the
 * class given x_t, which enters the finite-d entropy of the noised mixture.
 */
export function meanClassEntropy(u: number): number {
  if (u === 0) return Math.LN2;
  return gaussianExpectation((y) => {
    const z = 2 * u * y;
    // log r = −softplus(−z), log(1 − r) = −softplus(z); r from the same z keeps H₂ ≥ 0 to rounding.
    const r = 1 / (1 + Math.exp(-z));
    return r * softplus(-z) + (1 - r) * softplus(z);
  }, u, 1);
}

/**
 * Exponentially scaled modified Bessel functions of the first kind, e^{−κ} I₀(κ) and e^{−κ} I₁(κ)
 * for κ ≥ 0, in Float64. The scaling keeps them finite where I₀ itself overflows (κ > 713), which
 * the score of a noised circle reaches as t → 0 (κ = e^{−t}|y|/Δ_t ≈ 1/(2t)).
 *
 * Two regimes, each accurate to a few ulps of the result:
 * - κ ≤ SERIES_LIMIT: the power series I_ν(κ) = Σ_k (κ/2)^{2k+ν} / (k! (k+ν)!), all terms positive
 *   (no cancellation); at κ = 20 the largest term is ≈ 4·10⁷ and the series stops when a term falls
 *   below 10⁻¹⁷ of the sum, after about 60 terms.
 * - κ > SERIES_LIMIT: the large-argument expansion e^{κ}/√(2πκ) Σ_k (−1)^k a_k(ν)/κ^k with
 *   a_k(ν) = Π_{j=1..k} (4ν² − (2j−1)²) / (k! 8^k). It is asymptotic: its terms shrink until
 *   k ≈ 2κ, and the error of stopping at the smallest term is of order e^{−2κ} ≈ 4·10⁻¹⁸ at κ = 20.
 * Hand-written because no maintained npm package in reach provides scaled Bessel functions of
 * large argument; the tests check both regimes against quadrature of the integral representation.
 */
const SERIES_LIMIT = 20;

export function besselI0Scaled(kappa: number): number {
  return scaled(0, kappa);
}

export function besselI1Scaled(kappa: number): number {
  return scaled(1, kappa);
}

/** I₁(κ)/I₀(κ): the mean resultant length of a von Mises law, 0 at κ = 0, → 1 − 1/(2κ) as κ → ∞. */
export function besselRatioI1I0(kappa: number): number {
  if (kappa === 0) return 0;
  return scaled(1, kappa) / scaled(0, kappa);
}

/** log I₀(κ), finite for every κ ≥ 0. */
export function logBesselI0(kappa: number): number {
  return kappa + Math.log(scaled(0, kappa));
}

function scaled(nu: 0 | 1, kappa: number): number {
  if (!(kappa >= 0)) throw new RangeError(`Bessel I: argument must be ≥ 0 (got ${kappa})`);
  if (kappa <= SERIES_LIMIT) {
    const h = kappa / 2;
    const h2 = h * h;
    let term = nu === 0 ? 1 : h;
    let sum = term;
    for (let k = 1; k < 500; k++) {
      term *= h2 / (k * (k + nu));
      sum += term;
      if (term < 1e-17 * sum) break;
    }
    return sum * Math.exp(-kappa);
  }
  const mu = 4 * nu * nu;
  let term = 1;
  let sum = 1;
  for (let k = 1; k < 2 * kappa; k++) {
    const next = (-term * (mu - (2 * k - 1) ** 2)) / (k * 8 * kappa);
    if (Math.abs(next) >= Math.abs(term)) break;
    term = next;
    sum += term;
    if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
  }
  return sum / Math.sqrt(2 * Math.PI * kappa);
}

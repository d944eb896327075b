/*
 * Collapse and speciation times in closed form (science.md §2.3, §2.6), all in Float64.
 * α = (log n)/d throughout.
 */

/** t_S = ½ log Λ (the paper's convention, Table 1), Λ the top eigenvalue of the data covariance. */
export function speciationTime(lambda: number): number {
  return 0.5 * Math.log(lambda);
}

/** Λ = σ² + dμ̃² for ½ N(±m, σ² I), m = μ̃ (1, …, 1). */
export function twoClassTopEigenvalue(d: number, mu: number, sigma: number): number {
  return sigma * sigma + d * mu * mu;
}

/**
 * Eq. 7: t_C = ½ log(1 + σ²/(n^{2/d} − 1)), for isotropic Gaussian data (and the two-class mixture
 * at large d, where its entropy is one Gaussian's). expm1 keeps n^{2/d} − 1 accurate when
 * log n ≪ d, the regime where t_C grows like ½ log d.
 */
export function collapseTimeGaussian(n: number, d: number, sigma: number): number {
  return collapseTimeForAlpha(Math.log(n) / d, sigma);
}

/** Eq. 7 in terms of α: t_C = ½ log(1 + σ²/(e^{2α} − 1)). */
export function collapseTimeForAlpha(alpha: number, sigma: number): number {
  return 0.5 * Math.log1p((sigma * sigma) / Math.expm1(2 * alpha));
}

/**
 * The inverse (curse of dimensionality, derived from eq. 7): t_C ≤ t* ⇔ α ≥ ½ log(1 + σ²/(e^{2t*} − 1)).
 * The required α does not depend on d, so the required n = e^{dα} grows exponentially in d.
 */
export function requiredAlpha(tStar: number, sigma: number): number {
  return 0.5 * Math.log1p((sigma * sigma) / Math.expm1(2 * tStar));
}

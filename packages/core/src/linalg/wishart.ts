import type { Rng } from '../random.ts';

/**
 * χ²_k by Marsaglia–Tsang gamma sampling (shape k/2, scale 2): exact, with an acceptance rate
 * above 95% for the large k needed here.
 */
export function chiSquare(k: number, rng: Rng): number {
  const shape = k / 2;
  if (shape < 1) {
    // boost: Γ(a) = Γ(a + 1) · U^{1/a}
    return chiSquare(k + 2, rng) * rng.uniform() ** (1 / shape);
  }
  const dd = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * dd);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.uniform();
    if (Math.log(u) < 0.5 * x * x + dd - dd * v + dd * Math.log(v)) return 2 * dd * v;
  }
}

/**
 * Bartlett's decomposition: for W ~ Wishart_p(I, k), k ≥ p, W = L Lᵀ with L lower triangular,
 * L_ii² ~ χ²_{k−i} (i from 0), L_ij ~ N(0, 1) below the diagonal, all independent. W is the Gram
 * matrix Z Zᵀ of p independent N(0, I_k) vectors, obtained in O(p²) draws whatever k is: what
 * lets a sample covariance in d = 10⁶ be formed exactly from p ≪ d samples.
 * Returns L as a dense p × p row-major Float64Array (upper part zero).
 */
export function wishartCholesky(p: number, k: number, rng: Rng): Float64Array {
  if (k < p) throw new RangeError(`wishartCholesky: k = ${k} degrees of freedom is below the dimension p = ${p}`);
  const L = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    L[i * p + i] = Math.sqrt(chiSquare(k - i, rng));
    for (let j = 0; j < i; j++) L[i * p + j] = rng.normal();
  }
  return L;
}

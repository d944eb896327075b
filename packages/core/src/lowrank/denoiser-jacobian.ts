import { delta } from '../forward.ts';
import type { LowRankMixture } from './molrg.ts';

/**
 * Jacobians ∂x̂_0/∂x_t of exact denoisers, for editing along their singular vectors (LOCO Edit,
 * science.md §4.4) and for the rank of the denoiser over t. Float64 throughout: they feed
 * eigen-solvers and finite-difference tests.
 */

/**
 * The MoLRG posterior mean of molrg.ts, x̂_0 = e^{−t}[o x + Σ_k w_k (i − o) P_k x] with
 * i = (1+σ²)/v_1, o = σ²/v_0 and w = softmax_k(c |U_kᵀx|²), c = ½(1/v_0 − 1/v_1), differentiated
 * (derived; for σ = 0 it is science.md §4.2's J = c_t Σ_k [w_k P_k + P_k x ∇w_kᵀ]):
 *   J = e^{−t} [ o I + (i − o) Σ_k (w_k P_k + P_k x ∇w_kᵀ) ],  ∇w_k = 2c w_k (P_k x − Σ_l w_l P_l x).
 * Returns d × d row-major, J[a·d + b] = ∂x̂_0,a / ∂x_b.
 */
export function molrgJacobian(model: LowRankMixture, x: ArrayLike<number>, t: number): Float64Array {
  const { d, K, r, bases } = model;
  const a = Math.exp(-t);
  const dt = delta(t);
  const s2 = model.noise * model.noise;
  const v1 = a * a * (1 + s2) + dt;
  const v0 = a * a * s2 + dt;
  const c = 0.5 * (1 / v0 - 1 / v1);
  const inside = (1 + s2) / v1;
  const outside = s2 / v0;
  // P_k x for each k, and the softmax weights (log-sum-exp)
  const px = new Float64Array(K * d);
  const logits = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    let norm2 = 0;
    for (let j = 0; j < r; j++) {
      const u = (k * r + j) * d;
      let coef = 0;
      for (let l = 0; l < d; l++) coef += bases[u + l] * x[l];
      norm2 += coef * coef;
      for (let l = 0; l < d; l++) px[k * d + l] += coef * bases[u + l];
    }
    logits[k] = c * norm2;
  }
  const best = Math.max(...logits);
  let z = 0;
  const w = logits.map((l) => {
    const e = Math.exp(l - best);
    z += e;
    return e;
  });
  for (let k = 0; k < K; k++) w[k] /= z;
  const avg = new Float64Array(d);
  for (let k = 0; k < K; k++) for (let l = 0; l < d; l++) avg[l] += w[k] * px[k * d + l];
  const J = new Float64Array(d * d);
  for (let l = 0; l < d; l++) J[l * d + l] = outside;
  const g = inside - outside;
  for (let k = 0; k < K; k++) {
    // w_k P_k: Σ_j u_j u_jᵀ
    for (let j = 0; j < r; j++) {
      const u = (k * r + j) * d;
      for (let p = 0; p < d; p++) {
        const up = g * w[k] * bases[u + p];
        if (up === 0) continue;
        for (let q = 0; q < d; q++) J[p * d + q] += up * bases[u + q];
      }
    }
    // P_k x ∇w_kᵀ
    const scale = g * 2 * c * w[k];
    if (scale === 0) continue;
    for (let p = 0; p < d; p++) {
      const lhs = scale * px[k * d + p];
      for (let q = 0; q < d; q++) J[p * d + q] += lhs * (px[k * d + q] - avg[q]);
    }
  }
  for (let i = 0; i < J.length; i++) J[i] *= a;
  return J;
}

/** Softmax weights of the empirical denoiser at one query x (§1.5), by log-sum-exp in Float64. */
export function empiricalWeights(train: ArrayLike<number>, n: number, d: number, x: ArrayLike<number>, t: number): Float64Array {
  const a = Math.exp(-t);
  const v = delta(t);
  const w = new Float64Array(n);
  let best = -Infinity;
  for (let mu = 0; mu < n; mu++) {
    let r2 = 0;
    for (let l = 0; l < d; l++) r2 += (x[l] - a * train[mu * d + l]) ** 2;
    w[mu] = -r2 / (2 * v);
    if (w[mu] > best) best = w[mu];
  }
  let z = 0;
  for (let mu = 0; mu < n; mu++) {
    w[mu] = Math.exp(w[mu] - best);
    z += w[mu];
  }
  for (let mu = 0; mu < n; mu++) w[mu] /= z;
  return w;
}

/**
 * The empirical denoiser D(x) = Σ_μ w_μ a_μ has Jacobian (e^{−t}/Δ_t) Σ_μ w_μ (a_μ − D)(a_μ − D)ᵀ
 * = (e^{−t}/Δ_t) Cov_w (derived from ∂w_μ/∂x = (e^{−t}/Δ_t) w_μ (a_μ − D)): symmetric and positive
 * semi-definite, so its singular vectors are the eigenvectors of the softmax-weighted covariance of
 * the training points. This returns the rows √(w_μ m)(a_μ − D) of the m points whose weight is
 * above 10⁻¹² of the largest (the rest change nothing in Float64), so that the uncentred covariance
 * (1/m) Σ rows rowsᵀ is Cov_w, together with D and the factor e^{−t}/Δ_t.
 */
export function empiricalJacobianFactor(
  train: ArrayLike<number>,
  n: number,
  d: number,
  x: ArrayLike<number>,
  t: number,
): { rows: Float64Array; count: number; mean: Float64Array; scale: number; weights: Float64Array } {
  const w = empiricalWeights(train, n, d, x, t);
  const mean = new Float64Array(d);
  for (let mu = 0; mu < n; mu++) for (let l = 0; l < d; l++) mean[l] += w[mu] * train[mu * d + l];
  const wMax = Math.max(...w);
  const kept: number[] = [];
  for (let mu = 0; mu < n; mu++) if (w[mu] > 1e-12 * wMax) kept.push(mu);
  const count = kept.length;
  const rows = new Float64Array(count * d);
  kept.forEach((mu, i) => {
    const s = Math.sqrt(w[mu] * count);
    for (let l = 0; l < d; l++) rows[i * d + l] = s * (train[mu * d + l] - mean[l]);
  });
  return { rows, count, mean, scale: Math.exp(-t) / delta(t), weights: w };
}

/** The full d × d empirical Jacobian (small d: tests and low-dimensional figures). */
export function empiricalJacobian(train: ArrayLike<number>, n: number, d: number, x: ArrayLike<number>, t: number): Float64Array {
  const { rows, count, scale } = empiricalJacobianFactor(train, n, d, x, t);
  const J = new Float64Array(d * d);
  for (let i = 0; i < count; i++) {
    for (let p = 0; p < d; p++) {
      const rp = (scale * rows[i * d + p]) / count;
      for (let q = 0; q < d; q++) J[p * d + q] += rp * rows[i * d + q];
    }
  }
  return J;
}

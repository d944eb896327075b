import type { Rng } from '../random.ts';

/**
 * Thin QR by Householder reflections, in Float64. Householder rather than Gram–Schmidt because its
 * Q is orthonormal to rounding error whatever the conditioning of A (even rank-deficient A), which
 * the subspace code relies on: a basis that drifts from orthonormality makes UUᵀ a non-projector
 * and every subspace error built on it wrong.
 */
export interface ThinQR {
  /** m × n row-major, orthonormal columns. */
  q: Float64Array;
  /** n × n row-major, upper triangular with a non-negative diagonal. */
  r: Float64Array;
}

/** A = Q R for the m × n row-major A (m ≥ n); `a` is not modified. */
export function householderQR(a: Float64Array, m: number, n: number): ThinQR {
  if (m < n) throw new RangeError(`householderQR: needs rows ≥ columns (got ${m} × ${n})`);
  const w = Float64Array.from(a.subarray(0, m * n));
  // Reflector k acts on rows k…m−1: H_k = I − β_k v_k v_kᵀ, v_k stored in vs[k·m + i] for i ≥ k.
  const vs = new Float64Array(n * m);
  const betas = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let norm2 = 0;
    for (let i = k; i < m; i++) norm2 += w[i * n + k] * w[i * n + k];
    if (norm2 === 0) continue;
    const x0 = w[k * n + k];
    // The sign opposite to x0 avoids cancellation in v0 = x0 − α.
    const alpha = x0 > 0 ? -Math.sqrt(norm2) : Math.sqrt(norm2);
    const vk = k * m;
    vs[vk + k] = x0 - alpha;
    for (let i = k + 1; i < m; i++) vs[vk + i] = w[i * n + k];
    // |v|² = |x|² − x0² + (x0 − α)² = 2(|x|² − x0 α), and −x0 α ≥ 0 by the choice of sign.
    const beta = 1 / (norm2 - x0 * alpha);
    betas[k] = beta;
    for (let j = k; j < n; j++) {
      let s = 0;
      for (let i = k; i < m; i++) s += vs[vk + i] * w[i * n + j];
      s *= beta;
      for (let i = k; i < m; i++) w[i * n + j] -= s * vs[vk + i];
    }
  }
  const r = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) r[i * n + j] = w[i * n + j];
  // Q = H_0 ⋯ H_{n−1} applied to the first n columns of I, innermost reflector first.
  const q = new Float64Array(m * n);
  for (let i = 0; i < n; i++) q[i * n + i] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const beta = betas[k];
    if (beta === 0) continue;
    const vk = k * m;
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = k; i < m; i++) s += vs[vk + i] * q[i * n + j];
      if (s === 0) continue;
      s *= beta;
      for (let i = k; i < m; i++) q[i * n + j] -= s * vs[vk + i];
    }
  }
  // A non-negative diagonal makes the factorization unique, and Q Haar-distributed for Gaussian A.
  for (let k = 0; k < n; k++) {
    if (r[k * n + k] >= 0) continue;
    for (let j = k; j < n; j++) r[k * n + j] = -r[k * n + j];
    for (let i = 0; i < m; i++) q[i * n + k] = -q[i * n + k];
  }
  return { q, r };
}

/**
 * Orthonormalizes `count` row vectors of length `dim` in order (the span of the first j is kept
 * for every j), returning count × dim rows. The rows must be linearly independent for that span
 * property; dependent rows still come back orthonormal.
 */
export function orthonormalizeRows(rows: Float64Array, count: number, dim: number): Float64Array {
  const a = new Float64Array(dim * count);
  for (let j = 0; j < count; j++) for (let i = 0; i < dim; i++) a[i * count + j] = rows[j * dim + i];
  const { q } = householderQR(a, dim, count);
  const out = new Float64Array(count * dim);
  for (let j = 0; j < count; j++) for (let i = 0; i < dim; i++) out[j * dim + i] = q[i * count + j];
  return out;
}

/**
 * `count` orthonormal rows of length `dim` spanning a uniformly random (Haar) subspace: the Q of a
 * Gaussian matrix with R's diagonal made positive. A pure function of the generator's state.
 */
export function randomOrthonormalRows(dim: number, count: number, rng: Rng): Float64Array {
  if (count > dim) throw new RangeError(`randomOrthonormalRows: ${count} orthonormal vectors do not fit in dimension ${dim}`);
  const g = new Float64Array(count * dim);
  for (let i = 0; i < g.length; i++) g[i] = rng.normal();
  return orthonormalizeRows(g, count, dim);
}

/**
 * Completes k orthonormal rows to `count` with random directions orthogonal to them, uniform in
 * the orthogonal complement (Gaussian vectors are rotation-invariant there, and Householder QR
 * keeps the span of the first k rows).
 */
export function completeOrthonormalRows(rows: Float64Array, k: number, count: number, dim: number, rng: Rng): Float64Array {
  if (k >= count) return Float64Array.from(rows.subarray(0, count * dim));
  const a = new Float64Array(count * dim);
  a.set(rows.subarray(0, k * dim));
  for (let i = k * dim; i < count * dim; i++) a[i] = rng.normal();
  const q = orthonormalizeRows(a, count, dim);
  // QR may flip the sign of a kept row; restore the given rows exactly (same span, same vectors).
  q.set(rows.subarray(0, k * dim));
  return q;
}

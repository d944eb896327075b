import { AtlasError } from '../errors.ts';
import { progressPart, type ProgressReport } from '../progress.ts';

/**
 * Symmetric eigendecomposition in Float64: Householder reduction to tridiagonal form, then the
 * implicit QL algorithm with Wilkinson-type shifts (the tred2/tqli pair of Numerical Recipes,
 * reorganised for row-major storage). Spectra feed theory comparisons (bulk edges, δ-peak counts,
 * relaxation times ψ_p/(2Δ_t λ)), where Float32 rounding would blur eigenvalues that differ by
 * less than 10⁻⁷ of the largest, so everything here is Float64.
 */
export interface SymmetricEigen {
  /** Eigenvalues in ascending order. */
  values: Float64Array;
  /**
   * n × n row-major, row k = the unit eigenvector of values[k] (that is, Qᵀ for A = QΛQᵀ).
   * Rows rather than columns so that each vector is contiguous. Absent when not requested.
   */
  vectors: Float64Array | undefined;
}

const EPS = 2.220446049250313e-16;
const MAX_SWEEPS = 60;

/**
 * Eigenvalues (and optionally eigenvectors) of the symmetric n × n row-major matrix `a`. Only
 * the lower triangle is read; `a` is not modified. Cost ≈ (4/3)n³ without vectors, ≈ 9n³ with.
 */
export function symmetricEigen(
  a: Float64Array,
  n: number,
  options: { vectors?: boolean; onProgress?: ProgressReport } = {},
): SymmetricEigen {
  if (a.length < n * n) throw new AtlasError('internal', `symmetricEigen: matrix has ${a.length} entries, needs ${n * n}`);
  const wantVectors = options.vectors ?? true;
  const report = options.onProgress;
  const work = Float64Array.from(a.subarray(0, n * n));
  const diag = new Float64Array(n);
  const off = new Float64Array(n);
  // Rough shares of the work: reduction ~ (4/3)n³, accumulation ~ n³, QL with vectors ~ 3n³.
  const share = wantVectors ? [0, 0.25, 0.45, 1] : [0, 0.7, 0.7, 1];
  const part = (k: number): ProgressReport | undefined => progressPart(report, share[k], share[k + 1]);
  const reflectors = householderTridiagonalize(work, n, diag, off, part(0));
  let z: Float64Array | undefined;
  if (wantVectors) z = accumulateTransposed(work, n, reflectors, part(1));
  return tridiagonalQL(diag, off, n, z, part(2));
}

/** Step i of a loop over i = n − 1 … 1 whose step costs ~i² (reduction, accumulation): the share done. */
function cubicShare(i: number, n: number): number {
  return 1 - (i / n) ** 3;
}

/**
 * Eigen-decomposition of the symmetric tridiagonal matrix with diagonal `diag` (length n) and
 * off-diagonal `off` (length n − 1; off[i] couples i and i + 1). Vectors are those of the
 * tridiagonal matrix itself, rows as in `symmetricEigen`.
 */
export function tridiagonalEigen(diag: ArrayLike<number>, off: ArrayLike<number>, options: { vectors?: boolean } = {}): SymmetricEigen {
  const n = diag.length;
  const d = Float64Array.from(diag);
  // tridiagonalQL expects the coupling of (i − 1, i) in e[i].
  const e = new Float64Array(n);
  for (let i = 1; i < n; i++) e[i] = off[i - 1];
  let z: Float64Array | undefined;
  if (options.vectors ?? true) {
    z = new Float64Array(n * n);
    for (let i = 0; i < n; i++) z[i * n + i] = 1;
  }
  return tridiagonalQL(d, e, n, z);
}

/**
 * Reduces `w` in place, reading and updating only its lower triangle (half the flops of a
 * full-matrix update, and every inner loop runs along a contiguous row). On return diag/off hold
 * the tridiagonal matrix (off[i] couples i − 1 and i), row i of `w` holds the Householder vector
 * u_i in columns 0..i−1, and the returned array holds H_i = |u_i|²/2 (0 where no reflection was
 * needed), so that the reflector is P_i = I − u_i u_iᵀ / H_i.
 */
function householderTridiagonalize(w: Float64Array, n: number, diag: Float64Array, off: Float64Array, report?: ProgressReport): Float64Array {
  const hs = new Float64Array(n);
  const p = new Float64Array(n);
  for (let i = n - 1; i >= 1; i--) {
    report?.(cubicShare(i + 1, n));
    const l = i - 1;
    const row = i * n;
    if (l === 0) {
      off[i] = w[row];
      continue;
    }
    let scale = 0;
    for (let k = 0; k <= l; k++) scale += Math.abs(w[row + k]);
    if (scale === 0) {
      off[i] = w[row + l];
      continue;
    }
    // Scaling by the 1-norm keeps h from under- or overflowing.
    let h = 0;
    for (let k = 0; k <= l; k++) {
      const x = w[row + k] / scale;
      w[row + k] = x;
      h += x * x;
    }
    const f = w[row + l];
    const g = f >= 0 ? -Math.sqrt(h) : Math.sqrt(h);
    off[i] = scale * g;
    h -= f * g;
    w[row + l] = f - g;
    // p = A u / H from the lower triangle: row j contributes A_jk u_k to p_j and A_jk u_j to p_k.
    p.fill(0, 0, i);
    for (let j = 0; j <= l; j++) {
      const rj = j * n;
      const uj = w[row + j];
      let s = w[rj + j] * uj;
      for (let k = 0; k < j; k++) {
        const ajk = w[rj + k];
        s += ajk * w[row + k];
        p[k] += ajk * uj;
      }
      p[j] += s;
    }
    // K = uᵀp / 2H, q = p − K u, then A ← A − u qᵀ − q uᵀ on the leading block.
    let uap = 0;
    for (let j = 0; j <= l; j++) {
      p[j] /= h;
      uap += p[j] * w[row + j];
    }
    const kk = uap / (2 * h);
    for (let j = 0; j <= l; j++) p[j] -= kk * w[row + j];
    for (let j = 0; j <= l; j++) {
      const rj = j * n;
      const uj = w[row + j];
      const qj = p[j];
      for (let k = 0; k <= j; k++) w[rj + k] -= uj * p[k] + qj * w[row + k];
    }
    hs[i] = h;
  }
  off[0] = 0;
  for (let i = 0; i < n; i++) diag[i] = w[i * n + i];
  return hs;
}

/**
 * Qᵀ for Q = P_{n−1} ⋯ P_2 (so that A = Q T Qᵀ), built directly in transposed form because the
 * QL rotations then combine contiguous rows instead of strided columns.
 */
function accumulateTransposed(w: Float64Array, n: number, hs: Float64Array, report?: ProgressReport): Float64Array {
  // Q is built by left-multiplying reflectors (Q ← P_i Q for ascending i); its transpose satisfies
  // Qᵀ ← Qᵀ P_i, a column operation on Qᵀ that becomes a row operation on Q. Build Q, then transpose.
  const q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) q[i * n + i] = 1;
  const wv = new Float64Array(n);
  for (let i = 2; i < n; i++) {
    report?.((i / n) ** 3);
    const h = hs[i];
    if (h === 0) continue;
    const row = i * n;
    // Q so far differs from I only in its leading i × i block, where P_i acts.
    wv.fill(0, 0, i);
    for (let k = 0; k < i; k++) {
      const uk = w[row + k];
      if (uk === 0) continue;
      const rk = k * n;
      for (let j = 0; j < i; j++) wv[j] += uk * q[rk + j];
    }
    for (let k = 0; k < i; k++) {
      const c = w[row + k] / h;
      if (c === 0) continue;
      const rk = k * n;
      for (let j = 0; j < i; j++) q[rk + j] -= c * wv[j];
    }
  }
  const qt = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) qt[j * n + i] = q[i * n + j];
  return qt;
}

/**
 * Implicit QL on the tridiagonal (d, e) with e[i] coupling i − 1 and i; `zt` (rows = vectors,
 * initially Qᵀ of the reduction) receives the rotations. Returns sorted eigenpairs.
 */
function tridiagonalQL(d: Float64Array, e: Float64Array, n: number, zt: Float64Array | undefined, report?: ProgressReport): SymmetricEigen {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  if (n > 0) e[n - 1] = 0;
  for (let l = 0; l < n; l++) {
    report?.(l / n);
    let iter = 0;
    for (;;) {
      let m = l;
      for (; m < n - 1; m++) {
        const dd = Math.abs(d[m]) + Math.abs(d[m + 1]);
        if (Math.abs(e[m]) <= EPS * dd) break;
      }
      if (m === l) break;
      if (iter++ === MAX_SWEEPS) throw new AtlasError('internal', 'symmetric eigensolver did not converge');
      let g = (d[l + 1] - d[l]) / (2 * e[l]);
      let r = Math.hypot(g, 1);
      g = d[m] - d[l] + e[l] / (g + (g >= 0 ? Math.abs(r) : -Math.abs(r)));
      let s = 1;
      let c = 1;
      let p = 0;
      let i = m - 1;
      let underflow = false;
      for (; i >= l; i--) {
        const f = s * e[i];
        const b = c * e[i];
        r = Math.hypot(f, g);
        e[i + 1] = r;
        if (r === 0) {
          // Deflate: the rotation would divide by zero, and the matrix already splits here.
          d[i + 1] -= p;
          e[m] = 0;
          underflow = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1] - p;
        r = (d[i] - g) * s + 2 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
        if (zt) {
          const r0 = i * n;
          const r1 = (i + 1) * n;
          for (let k = 0; k < n; k++) {
            const zf = zt[r1 + k];
            const zi = zt[r0 + k];
            zt[r1 + k] = s * zi + c * zf;
            zt[r0 + k] = c * zi - s * zf;
          }
        }
      }
      if (underflow) continue;
      d[l] -= p;
      e[l] = g;
      e[m] = 0;
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => d[x] - d[y]);
  const values = new Float64Array(n);
  for (let k = 0; k < n; k++) values[k] = d[order[k]];
  let vectors: Float64Array | undefined;
  if (zt) {
    vectors = new Float64Array(n * n);
    for (let k = 0; k < n; k++) vectors.set(zt.subarray(order[k] * n, order[k] * n + n), k * n);
  }
  return { values, vectors };
}

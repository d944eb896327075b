import type { ProgressReport } from '../progress.ts';

/**
 * Dense Float64 products in row-major storage, with loop orders chosen so the innermost loop runs
 * along contiguous rows. Small on purpose: only what the random-features spectra need.
 */

/** C = A B for A (m × k) and B (k × n). */
export function matMul(a: Float64Array, b: Float64Array, m: number, k: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    const ci = i * n;
    for (let l = 0; l < k; l++) {
      const x = a[i * k + l];
      if (x === 0) continue;
      const bl = l * n;
      for (let j = 0; j < n; j++) c[ci + j] += x * b[bl + j];
    }
  }
  return c;
}

/** C = A Bᵀ for A (m × k) and B (n × k): every entry is a dot product of two rows. `report` hears the share of C's rows done. */
export function matMulTransB(a: Float64Array, b: Float64Array, m: number, k: number, n: number, report?: ProgressReport): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    report?.(i / m);
    const ai = i * k;
    for (let j = 0; j < n; j++) {
      const bj = j * k;
      let s = 0;
      for (let l = 0; l < k; l++) s += a[ai + l] * b[bj + l];
      c[i * n + j] = s;
    }
  }
  return c;
}

/** G = Fᵀ F (cols × cols) for F (rows × cols), accumulated row by row of F; full symmetric output. `report` hears the share of F's rows done. */
export function gramOfColumns(f: Float64Array, rows: number, cols: number, report?: ProgressReport): Float64Array {
  const g = new Float64Array(cols * cols);
  for (let r = 0; r < rows; r++) {
    report?.(r / rows);
    const fr = r * cols;
    for (let a = 0; a < cols; a++) {
      const x = f[fr + a];
      if (x === 0) continue;
      const ga = a * cols;
      for (let b = 0; b <= a; b++) g[ga + b] += x * f[fr + b];
    }
  }
  for (let a = 0; a < cols; a++) for (let b = 0; b < a; b++) g[b * cols + a] = g[a * cols + b];
  return g;
}

/** G = F Fᵀ (rows × rows) for F (rows × cols); full symmetric output. */
export function gramOfRows(f: Float64Array, rows: number, cols: number): Float64Array {
  const g = new Float64Array(rows * rows);
  for (let i = 0; i < rows; i++) {
    const fi = i * cols;
    for (let j = 0; j <= i; j++) {
      const fj = j * cols;
      let s = 0;
      for (let l = 0; l < cols; l++) s += f[fi + l] * f[fj + l];
      g[i * rows + j] = s;
      g[j * rows + i] = s;
    }
  }
  return g;
}

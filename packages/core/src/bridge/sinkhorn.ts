import { delta } from '../forward.ts';

/**
 * Sinkhorn = IPF on a discrete coupling π_ij = exp(log K_ij + u_i + v_j) with marginals μ (rows) and
 * ν (columns), in the log domain: u ← log μ − LSE_j(log K + v), v ← log ν − LSE_i(log K + u).
 * With log K = log p_{T|0} of the OU reference, this is the static Schrödinger bridge between two
 * empirical measures (science.md §5.3, route iii). Float64: the kernel spans hundreds of e-folds.
 */
export interface SinkhornResult {
  logU: Float64Array;
  logV: Float64Array;
  /**
   * After each full iteration (both updates), Σ_i |Σ_j π_ij − μ_i|: the column marginals are then
   * exact, so this L1 row error is the whole marginal error.
   */
  marginalError: Float64Array;
}

export async function sinkhorn(o: {
  /** rows × cols, row-major. */
  logK: Float64Array;
  rows: number;
  cols: number;
  logMu: Float64Array;
  logNu: Float64Array;
  iterations: number;
  /** Called after each full iteration; await it to allow cancellation. */
  onIteration?: (k: number) => Promise<void> | void;
}): Promise<SinkhornResult> {
  const { logK, rows, cols, logMu, logNu } = o;
  const logU = new Float64Array(rows);
  const logV = new Float64Array(cols);
  const marginalError = new Float64Array(o.iterations);
  const rowLse = new Float64Array(rows);
  const colMax = new Float64Array(cols);
  const colSum = new Float64Array(cols);
  rowLogSumExp(logK, rows, cols, logV, rowLse);
  for (let k = 0; k < o.iterations; k++) {
    for (let i = 0; i < rows; i++) logU[i] = logMu[i] - rowLse[i];
    // column LSE of log K + u, row-major friendly: a max pass, then a sum pass
    colMax.fill(-Infinity);
    for (let i = 0; i < rows; i++) {
      const ui = logU[i];
      const row = i * cols;
      for (let j = 0; j < cols; j++) {
        const v = logK[row + j] + ui;
        if (v > colMax[j]) colMax[j] = v;
      }
    }
    colSum.fill(0);
    for (let i = 0; i < rows; i++) {
      const ui = logU[i];
      const row = i * cols;
      for (let j = 0; j < cols; j++) colSum[j] += Math.exp(logK[row + j] + ui - colMax[j]);
    }
    for (let j = 0; j < cols; j++) logV[j] = logNu[j] - (colMax[j] + Math.log(colSum[j]));
    // The row sums of the new coupling are exp(u_i + rowLse_i); the next u-update needs rowLse too.
    rowLogSumExp(logK, rows, cols, logV, rowLse);
    let err = 0;
    for (let i = 0; i < rows; i++) err += Math.abs(Math.exp(logU[i] + rowLse[i]) - Math.exp(logMu[i]));
    marginalError[k] = err;
    await o.onIteration?.(k + 1);
  }
  return { logU, logV, marginalError };
}

function rowLogSumExp(logK: Float64Array, rows: number, cols: number, logV: Float64Array, out: Float64Array): void {
  for (let i = 0; i < rows; i++) {
    const row = i * cols;
    let best = -Infinity;
    for (let j = 0; j < cols; j++) {
      const v = logK[row + j] + logV[j];
      if (v > best) best = v;
    }
    let s = 0;
    for (let j = 0; j < cols; j++) s += Math.exp(logK[row + j] + logV[j] - best);
    out[i] = best + Math.log(s);
  }
}

/**
 * log p_{T|0}(y_j | x_i) up to a constant for the OU reference: −|y_j − e^{−T}x_i|²/(2Δ_T)
 * (rows of x: data at time 0, rows of y: prior at time T, both d-dimensional).
 */
export function ouLogKernel(x: ArrayLike<number>, rows: number, y: ArrayLike<number>, cols: number, d: number, T: number): Float64Array {
  const e = Math.exp(-T);
  const inv = 1 / (2 * delta(T));
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      let r2 = 0;
      for (let k = 0; k < d; k++) {
        const diff = y[j * d + k] - e * x[i * d + k];
        r2 += diff * diff;
      }
      out[i * cols + j] = -r2 * inv;
    }
  }
  return out;
}

/** π_ij = exp(log K_ij + u_i + v_j), rows × cols. */
export function sinkhornCoupling(logK: Float64Array, rows: number, cols: number, r: SinkhornResult): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) out[i * cols + j] = Math.exp(logK[i * cols + j] + r.logU[i] + r.logV[j]);
  }
  return out;
}

import { LOG_WEIGHT_FLOOR } from '../kernels.ts';
import { heatKernelTable, type HeatKernelTable } from './heat-kernel.ts';
import { geodesicStep } from './geodesic-walk.ts';

/**
 * The exact empirical score on S²: the Riemannian gradient of log p_s for the heat-kernel-smoothed
 * data p_s(x) = (1/n) Σ_μ p_s(⟨x, a_μ⟩). Writing L = log p_s and G = dL/du as functions of
 * u = ⟨x, a⟩, the Euclidean gradient of L(⟨x, a⟩) is G·a and its tangent part at x is G(a − u x), so
 *   ∇ log p_s(x) = P_x Σ_μ w_μ G(u_μ) a_μ,   w = softmax_μ L(u_μ),   P_x c = c − ⟨c, x⟩x.
 * Each pair costs a dot product and a table lookup (no arccos). Float64 throughout: the weights
 * span hundreds of e-folds at small s.
 */
export function sphereEmpiricalScore(
  table: HeatKernelTable,
  data: Float64Array,
  n: number,
  x: Float64Array,
  count: number,
  out: Float64Array = new Float64Array(3 * count),
  logits: Float64Array = new Float64Array(n),
  gains: Float64Array = new Float64Array(n),
): Float64Array {
  const { size, logP, dLogPdu } = table;
  const half = size / 2;
  for (let i = 0; i < count; i++) {
    const x0 = x[3 * i];
    const x1 = x[3 * i + 1];
    const x2 = x[3 * i + 2];
    let best = -Infinity;
    for (let mu = 0; mu < n; mu++) {
      let u = x0 * data[3 * mu] + x1 * data[3 * mu + 1] + x2 * data[3 * mu + 2];
      u = u > 1 ? 1 : u < -1 ? -1 : u;
      const f = (u + 1) * half;
      const k = Math.min(size - 1, Math.floor(f));
      const r = f - k;
      const l = logP[k] + r * (logP[k + 1] - logP[k]);
      logits[mu] = l;
      gains[mu] = dLogPdu[k] + r * (dLogPdu[k + 1] - dLogPdu[k]);
      if (l > best) best = l;
    }
    let z = 0;
    let c0 = 0;
    let c1 = 0;
    let c2 = 0;
    for (let mu = 0; mu < n; mu++) {
      const rel = logits[mu] - best;
      // same cut as the Euclidean kernels: such weights are < e^{−87} relative and only cost time
      if (rel < LOG_WEIGHT_FLOOR) continue;
      const w = Math.exp(rel);
      z += w;
      const g = w * gains[mu];
      c0 += g * data[3 * mu];
      c1 += g * data[3 * mu + 1];
      c2 += g * data[3 * mu + 2];
    }
    c0 /= z;
    c1 /= z;
    c2 /= z;
    const dot = c0 * x0 + c1 * x1 + c2 * x2;
    out[3 * i] = c0 - dot * x0;
    out[3 * i + 1] = c1 - dot * x1;
    out[3 * i + 2] = c2 - dot * x2;
  }
  return out;
}

export interface BackwardWalkOptions {
  /** n × 3 unit vectors: the data points (centres of the heat kernels). */
  data: Float64Array;
  n: number;
  /** count × 3 starting points at Brownian time grid[0]; not modified. */
  start: Float64Array;
  count: number;
  /** Decreasing Brownian times, grid[0] = s (noise) down to grid[L] = s_min > 0. */
  grid: Float64Array;
  seed: number;
  stream: number;
  /** Intervals of the u-table built for each step's time. */
  tableSize?: number;
  /** After every step, with the new state at time grid[k]; await it to allow cancellation. */
  onStep?: (k: number, x: Float64Array, s: number) => Promise<void> | void;
}

/**
 * Reverse-time geodesic random walk (the reversal of dX = dB_M, generator ½Δ, has drift ∇ log p):
 *   y ← exp_y(h ∇ log p_{s_k}(y) + √h z_T),   h = s_k − s_{k+1},
 * with the exact empirical score of the data, evaluated at the start of each step.
 */
export async function geodesicWalkBackward(o: BackwardWalkOptions): Promise<{ x: Float64Array; maxNormError: number }> {
  const x = Float64Array.from(o.start);
  const drift = new Float64Array(3 * o.count);
  const logits = new Float64Array(o.n);
  const gains = new Float64Array(o.n);
  let maxNormError = 0;
  const L = o.grid.length - 1;
  for (let k = 0; k < L; k++) {
    const s = o.grid[k];
    const h = s - o.grid[k + 1];
    const table = heatKernelTable(s, o.tableSize);
    sphereEmpiricalScore(table, o.data, o.n, x, o.count, drift, logits, gains);
    maxNormError = Math.max(maxNormError, geodesicStep(x, o.count, h, drift, o.seed, o.stream, k));
    await o.onStep?.(k + 1, x, o.grid[k + 1]);
  }
  return { x, maxNormError };
}

import type { ProgressReport } from '../progress.ts';
import { Rng } from '../random.ts';

/**
 * A mixture of isotropic Gaussians N(c_k, s² I) with weights π_k. Every data set of the atlas is one:
 * its noised density stays a mixture (means e^{−t} c_k, variance Γ_t), so its score is exact.
 */
export interface GaussianMixture {
  /** K × d component means, row-major. */
  means: Float32Array;
  K: number;
  d: number;
  /** Shared component variance s². */
  variance: number;
  /** Component weights (sum to 1); uniform when absent. */
  weights?: Float64Array;
  /** Class label of each component, for experiments that track classes. */
  labels?: Int32Array;
}

/** Rows between two progress reports of a long draw. */
const PROGRESS_ROWS = 64;

/**
 * n samples (n × d) and the component each came from. Seeded and counter-based. `onProgress`
 * hears the fraction of rows drawn, for a draw long enough to need it (10⁶ normals take ~0.1 s).
 */
export function sampleMixture(g: GaussianMixture, n: number, rng: Rng, onProgress?: ProgressReport): { x: Float32Array; component: Int32Array } {
  const x = new Float32Array(n * g.d);
  const component = new Int32Array(n);
  const cumulative = g.weights ? cumulativeOf(g.weights) : undefined;
  const s = Math.sqrt(g.variance);
  for (let i = 0; i < n; i++) {
    if (onProgress !== undefined && i % PROGRESS_ROWS === 0) onProgress(i / n);
    const u = rng.uniform();
    const k = cumulative ? Math.min(g.K - 1, lowerBound(cumulative, u)) : Math.min(g.K - 1, Math.floor(u * g.K));
    component[i] = k;
    for (let j = 0; j < g.d; j++) x[i * g.d + j] = g.means[k * g.d + j] + s * rng.normal();
  }
  return { x, component };
}

function cumulativeOf(w: Float64Array): Float64Array {
  const c = new Float64Array(w.length);
  let acc = 0;
  for (let i = 0; i < w.length; i++) c[i] = acc += w[i];
  return c;
}

function lowerBound(c: Float64Array, u: number): number {
  let lo = 0;
  let hi = c.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (c[mid] < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** log density of the mixture noised to time t, in Float64 (tests and entropy estimates). */
export function mixtureLogDensity(g: GaussianMixture, x: ArrayLike<number>, t: number): number {
  const a = Math.exp(-t);
  const v = -Math.expm1(-2 * t) + g.variance * a * a;
  let best = -Infinity;
  const logs = new Float64Array(g.K);
  for (let k = 0; k < g.K; k++) {
    let r2 = 0;
    for (let j = 0; j < g.d; j++) {
      const diff = x[j] - a * g.means[k * g.d + j];
      r2 += diff * diff;
    }
    const lw = g.weights ? Math.log(g.weights[k]) : -Math.log(g.K);
    logs[k] = lw - r2 / (2 * v);
    if (logs[k] > best) best = logs[k];
  }
  let z = 0;
  for (let k = 0; k < g.K; k++) z += Math.exp(logs[k] - best);
  return best + Math.log(z) - (g.d / 2) * Math.log(2 * Math.PI * v);
}

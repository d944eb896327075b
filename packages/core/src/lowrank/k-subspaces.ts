import type { Rng } from '../random.ts';
import { principalSubspace } from './pca.ts';

/**
 * K-subspace clustering: the problem that training the MoLRG-parametrized denoiser reduces to for
 * K > 1 (Wang et al., Theorem 3): max over bases U_k and clusters C_k of Σ_k Σ_{i∈C_k} |U_kᵀx_i|².
 * Alternating maximization (assign each point to the subspace that captures most of it, refit each
 * subspace by uncentred PCA) climbs the objective monotonically but finds local maxima, hence
 * restarts from different seeds, keeping the best objective.
 */
export interface KSubspacesOptions {
  K: number;
  r: number;
  restarts: number;
  maxIterations: number;
  /** Awaited after each seeding and each alternation: progress and cancellation on large inputs. */
  onIteration?: () => Promise<void> | void;
}

export interface KSubspaces {
  /** K × r × d, rows orthonormal within each block (Float64). */
  bases: Float64Array;
  /** count: the cluster of each point. */
  labels: Int32Array;
  /** Σ_i |U_{c_i}ᵀ x_i|² of the best restart. */
  objective: number;
  /** Alternations the best restart needed (it stops when no label changes). */
  iterations: number;
  restart: number;
}

/** Asynchronous only so that a large clustering can yield between alternations. */
export async function kSubspaces(
  x: Float32Array | Float64Array,
  count: number,
  d: number,
  options: KSubspacesOptions,
  rng: Rng,
): Promise<KSubspaces> {
  const { K, r } = options;
  let best: KSubspaces | undefined;
  for (let restart = 0; restart < Math.max(1, options.restarts); restart++) {
    const bases = seedBases(x, count, d, K, r, rng);
    await options.onIteration?.();
    const labels = new Int32Array(count);
    let objective = assign(x, count, d, bases, K, r, labels);
    let iterations = 0;
    while (iterations < options.maxIterations) {
      iterations++;
      refit(x, count, d, bases, K, r, labels, rng);
      const before = Int32Array.from(labels);
      objective = assign(x, count, d, bases, K, r, labels);
      await options.onIteration?.();
      if (labels.every((l, i) => l === before[i])) break;
    }
    if (best === undefined || objective > best.objective) best = { bases, labels, objective, iterations, restart };
  }
  return best as KSubspaces;
}

/**
 * Seeding by angular neighbourhoods, k-means++ style: a seed point and the r − 1 points most
 * aligned with it (|cos|) span an initial subspace; the next seed is drawn with probability ∝ the
 * squared fraction of each point left unexplained by the subspaces so far. Points of one subspace
 * are far more aligned with each other than with another subspace's (cos ~ 1/√r against ~1/√d), so
 * this starts most restarts near the right clusters; uniform random starts often do not.
 */
function seedBases(x: Float32Array | Float64Array, count: number, d: number, K: number, r: number, rng: Rng): Float64Array {
  const bases = new Float64Array(K * r * d);
  const norms = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    let s = 0;
    for (let l = 0; l < d; l++) s += x[i * d + l] * x[i * d + l];
    norms[i] = Math.sqrt(s);
  }
  const unexplained = new Float64Array(count).fill(1);
  const captured = new Float64Array(count);
  for (let k = 0; k < K; k++) {
    const seed = k === 0 ? rng.int(Math.max(1, count)) : drawProportional(unexplained, rng);
    const members = count === 0 ? [] : alignedWith(x, count, d, norms, seed, r);
    const rows = new Float64Array(members.length * d);
    members.forEach((i, j) => {
      for (let l = 0; l < d; l++) rows[j * d + l] = x[i * d + l];
    });
    bases.set(principalSubspace(rows, members.length, d, r, { fill: rng }).basis, k * r * d);
    for (let i = 0; i < count; i++) {
      captured[i] = Math.max(captured[i], projectedNorm2(x, i, d, bases, k, r));
      const frac = norms[i] > 0 ? Math.max(0, 1 - captured[i] / (norms[i] * norms[i])) : 0;
      unexplained[i] = frac * frac;
    }
  }
  return bases;
}

function alignedWith(x: Float32Array | Float64Array, count: number, d: number, norms: Float64Array, seed: number, r: number): number[] {
  const cos = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    let s = 0;
    for (let l = 0; l < d; l++) s += x[i * d + l] * x[seed * d + l];
    const n = norms[i] * norms[seed];
    cos[i] = i === seed ? Infinity : n > 0 ? Math.abs(s) / n : 0;
  }
  return Array.from({ length: count }, (_, i) => i)
    .sort((a, b) => cos[b] - cos[a] || a - b)
    .slice(0, Math.min(r, count));
}

function drawProportional(weights: Float64Array, rng: Rng): number {
  let total = 0;
  for (const w of weights) total += w;
  if (!(total > 0)) return rng.int(Math.max(1, weights.length));
  let u = rng.uniform() * total;
  for (let i = 0; i < weights.length; i++) {
    u -= weights[i];
    if (u <= 0) return i;
  }
  return weights.length - 1;
}

function projectedNorm2(x: Float32Array | Float64Array, i: number, d: number, bases: Float64Array, k: number, r: number): number {
  let s = 0;
  for (let j = 0; j < r; j++) {
    const u = (k * r + j) * d;
    let c = 0;
    for (let l = 0; l < d; l++) c += bases[u + l] * x[i * d + l];
    s += c * c;
  }
  return s;
}

/** Each point to the subspace capturing most of it (ties to the lower index); returns the objective. */
function assign(x: Float32Array | Float64Array, count: number, d: number, bases: Float64Array, K: number, r: number, labels: Int32Array): number {
  let objective = 0;
  for (let i = 0; i < count; i++) {
    let arg = 0;
    let top = -1;
    for (let k = 0; k < K; k++) {
      const p = projectedNorm2(x, i, d, bases, k, r);
      if (p > top) {
        top = p;
        arg = k;
      }
    }
    labels[i] = arg;
    objective += top;
  }
  return objective;
}

function refit(x: Float32Array | Float64Array, count: number, d: number, bases: Float64Array, K: number, r: number, labels: Int32Array, rng: Rng): void {
  for (let k = 0; k < K; k++) {
    let size = 0;
    for (let i = 0; i < count; i++) if (labels[i] === k) size++;
    const rows = new Float64Array(size * d);
    let row = 0;
    for (let i = 0; i < count; i++) {
      if (labels[i] !== k) continue;
      for (let l = 0; l < d; l++) rows[row * d + l] = x[i * d + l];
      row++;
    }
    bases.set(principalSubspace(rows, size, d, r, { fill: rng }).basis, k * r * d);
  }
}

/**
 * ‖AᵀA − BᵀB‖_F for orthonormal rows A (ra × d) and B (rb × d): the Frobenius distance between the
 * two orthogonal projectors, = √(ra + rb − 2‖ABᵀ‖_F²) = √2 · (Σ sin² of the principal angles)^½
 * for equal ranks. Float64; clamped at 0 against rounding.
 */
export function projectorDistance(a: Float64Array, ra: number, b: Float64Array, rb: number, d: number): number {
  let overlap = 0;
  for (let i = 0; i < ra; i++) {
    for (let j = 0; j < rb; j++) {
      let s = 0;
      for (let l = 0; l < d; l++) s += a[i * d + l] * b[j * d + l];
      overlap += s * s;
    }
  }
  return Math.sqrt(Math.max(0, ra + rb - 2 * overlap));
}

export interface SubspaceMatching {
  /** K: ‖ÛÛᵀ − UUᵀ‖_F for each true subspace against its matched learned one. */
  errors: Float64Array;
  /** K: the learned subspace matched to each true one. */
  assignment: Int32Array;
}

/** The largest K whose K! permutations the exact matching below still enumerates quickly. */
export const MAX_MATCHED_SUBSPACES = 8;

/**
 * Learned subspaces come in an arbitrary order; pair them with the true ones by the permutation
 * minimizing Σ_k ‖Û_{π(k)}Û_{π(k)}ᵀ − U_kU_kᵀ‖_F², found by enumeration (K ≤ 8).
 */
export function matchSubspaces(truth: Float64Array, learned: Float64Array, K: number, r: number, d: number): SubspaceMatching {
  if (K > MAX_MATCHED_SUBSPACES) throw new RangeError(`matchSubspaces: K = ${K} exceeds ${MAX_MATCHED_SUBSPACES}`);
  const block = r * d;
  const dist = new Float64Array(K * K);
  for (let k = 0; k < K; k++) {
    for (let l = 0; l < K; l++) {
      dist[k * K + l] = projectorDistance(truth.subarray(k * block, (k + 1) * block), r, learned.subarray(l * block, (l + 1) * block), r, d);
    }
  }
  const perm = Int32Array.from({ length: K }, (_, i) => i);
  let bestCost = Infinity;
  let best = Int32Array.from(perm);
  const visit = (depth: number, cost: number): void => {
    if (cost >= bestCost) return;
    if (depth === K) {
      bestCost = cost;
      best = Int32Array.from(perm);
      return;
    }
    for (let i = depth; i < K; i++) {
      [perm[depth], perm[i]] = [perm[i], perm[depth]];
      const e = dist[depth * K + perm[depth]];
      visit(depth + 1, cost + e * e);
      [perm[depth], perm[i]] = [perm[i], perm[depth]];
    }
  };
  visit(0, 0);
  const errors = new Float64Array(K);
  for (let k = 0; k < K; k++) errors[k] = dist[k * K + best[k]];
  return { errors, assignment: best };
}

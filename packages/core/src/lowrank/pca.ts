import { symmetricEigen } from '../linalg/symmetric-eigen.ts';
import { gramOfColumns, gramOfRows } from '../linalg/matrix.ts';
import { completeOrthonormalRows, orthonormalizeRows } from '../linalg/qr.ts';
import { Rng, normalAt } from '../random.ts';

/**
 * Principal subspaces in Float64. For the mixture of low-rank Gaussians the model is zero-mean, so
 * the training objective of the low-rank denoiser (Wang et al., Theorem 1) is maximized by the
 * top eigenvectors of the *uncentred* second moment Σ x xᵀ; centring is an option for real data
 * (MNIST), whose class mean is far from 0.
 */
export interface PrincipalSubspace {
  /** r × dim row-major: orthonormal directions, largest variance first. */
  basis: Float64Array;
  /**
   * r: the data's variance along each direction (second moment / count uncentred, covariance with
   * 1/(count − 1) centred, as `sampleCovarianceOperator`); 0 for directions filled at random.
   */
  values: Float64Array;
  /** How many directions the data determine (their numerical rank, at most r). */
  determined: number;
  /** dim: the mean that was subtracted (zeros when uncentred). */
  mean: Float64Array;
}

export interface PcaOptions {
  centred?: boolean;
  /**
   * Draws the directions the data leave undetermined (rank < r, e.g. fewer samples than r). The
   * loss is flat along them, so a trained model keeps whatever its initialization put there: a
   * uniformly random completion is the faithful stand-in (and what the n < r error formula
   * assumes). Default: a fixed generator, so the result is a pure function of the data.
   */
  fill?: Rng;
}

/**
 * Eigenvalues below this fraction of the largest count as zero. Noiseless rank-r data leave
 * ~10⁻¹⁶ relative eigenvalues beyond r; an ambient noise σ leaves ~σ² ≫ 10⁻¹⁰ for any σ used here.
 */
export const RANK_TOLERANCE = 1e-10;

/** Random directions for the undetermined part: a fixed stream unless the caller passes one. */
const DEFAULT_FILL_SEED = 0x5eed;
const DEFAULT_FILL_STREAM = 0x9ca;

/**
 * The exact top-r principal subspace of the rows of x (count × dim), through whichever Gram
 * matrix is smaller (count × count or dim × dim), so the cost is ~9 min(count, dim)³.
 */
export function principalSubspace(
  x: Float32Array | Float64Array,
  count: number,
  dim: number,
  r: number,
  options: PcaOptions = {},
): PrincipalSubspace {
  if (r > dim) throw new RangeError(`principalSubspace: r = ${r} exceeds the dimension ${dim}`);
  const centred = options.centred ?? false;
  const mean = new Float64Array(dim);
  const rows = new Float64Array(count * dim);
  for (let i = 0; i < count * dim; i++) rows[i] = x[i];
  if (centred && count > 0) {
    for (let i = 0; i < count; i++) for (let j = 0; j < dim; j++) mean[j] += rows[i * dim + j];
    for (let j = 0; j < dim; j++) mean[j] /= count;
    for (let i = 0; i < count; i++) for (let j = 0; j < dim; j++) rows[i * dim + j] -= mean[j];
  }
  const denominator = centred ? Math.max(1, count - 1) : Math.max(1, count);
  const found = new Float64Array(r * dim);
  const values = new Float64Array(r);
  let determined = 0;
  if (count > 0) {
    if (count <= dim) {
      // Gram trick: XXᵀ v = λ v gives XᵀX (Xᵀv) = λ (Xᵀv), |Xᵀv|² = λ.
      const eig = symmetricEigen(gramOfRows(rows, count, dim), count);
      const top = eig.values[count - 1];
      for (let j = 0; j < Math.min(r, count); j++) {
        const k = count - 1 - j;
        const lambda = eig.values[k];
        if (!(lambda > RANK_TOLERANCE * top)) break;
        const v = (eig.vectors as Float64Array).subarray(k * count, (k + 1) * count);
        const u = found.subarray(determined * dim, (determined + 1) * dim);
        for (let i = 0; i < count; i++) {
          const c = v[i];
          if (c === 0) continue;
          for (let l = 0; l < dim; l++) u[l] += c * rows[i * dim + l];
        }
        const s = 1 / Math.sqrt(lambda);
        for (let l = 0; l < dim; l++) u[l] *= s;
        values[determined++] = lambda / denominator;
      }
    } else {
      const eig = symmetricEigen(gramOfColumns(rows, count, dim), dim);
      const top = eig.values[dim - 1];
      for (let j = 0; j < r; j++) {
        const k = dim - 1 - j;
        const lambda = eig.values[k];
        if (!(lambda > RANK_TOLERANCE * top)) break;
        found.set((eig.vectors as Float64Array).subarray(k * dim, (k + 1) * dim), determined * dim);
        values[determined++] = lambda / denominator;
      }
    }
  }
  // Xᵀv/√λ is orthonormal only to ~ε λ_max/λ; one QR pass restores it without changing the spans.
  const determinedRows = determined > 0 ? orthonormalizeRows(found, determined, dim) : new Float64Array(0);
  const fill = options.fill ?? new Rng(DEFAULT_FILL_SEED, DEFAULT_FILL_STREAM);
  const basis = completeOrthonormalRows(determinedRows, determined, r, dim, fill);
  return { basis, values, determined, mean };
}

export interface TopDirections extends PrincipalSubspace {
  iterations: number;
  /** Whether every residual |C u − λ u| fell below tolerance · λ_1 before maxIterations. */
  converged: boolean;
}

export interface SubspaceIterationOptions {
  centred?: boolean;
  /** Relative residual target; the subspace angle error is then ~ tolerance · λ_1/gap. */
  tolerance?: number;
  maxIterations?: number;
  /** Awaited after every iteration (~4·count·dim·(k + 8) flops): progress and cancellation. */
  onIteration?: (iteration: number) => Promise<void> | void;
  /**
   * Called within an iteration with the iterations done so far, fractional (2.5: halfway through
   * the third): an iteration on thousands of images is long enough to need progress of its own.
   */
  onProgress?: (iterations: number) => void;
  /**
   * Called after every iteration with its Rayleigh–Ritz estimate of the top k directions (rows,
   * largest first) and their variances: what a caller may show while the iteration converges.
   * The arrays are the caller's to keep.
   */
  onEstimate?: (estimate: { basis: Float64Array; values: Float64Array; mean: Float64Array; iteration: number }) => void;
}

/** Rows between two progress reports inside an iteration's passes over the data. */
const PROGRESS_ROWS = 256;

/** Extra block columns: convergence of direction j goes as (λ_{k+extra+1}/λ_j)^iterations. */
const OVERSAMPLE = 8;

/**
 * The top k principal directions of many rows in a large dimension (MNIST: ~1000 × 784), by block
 * subspace iteration with Rayleigh–Ritz. Only products with the data are formed, never the
 * dim × dim covariance, so one iteration costs ~4·count·dim·(k + 8) instead of the ~9·dim³ of
 * a full eigendecomposition. The start block is fixed, so the result is a pure function of x.
 * Asynchronous only so that a long run can yield between iterations.
 */
export async function topPrincipalDirections(
  x: Float32Array | Float64Array,
  count: number,
  dim: number,
  k: number,
  options: SubspaceIterationOptions = {},
): Promise<TopDirections> {
  const centred = options.centred ?? true;
  const tolerance = options.tolerance ?? 1e-6;
  const maxIterations = options.maxIterations ?? 300;
  const p = Math.min(dim, k + OVERSAMPLE, Math.max(k, count));
  const mean = new Float64Array(dim);
  if (centred) {
    for (let i = 0; i < count; i++) for (let j = 0; j < dim; j++) mean[j] += x[i * dim + j];
    for (let j = 0; j < dim; j++) mean[j] /= count;
  }
  const denominator = centred ? Math.max(1, count - 1) : Math.max(1, count);
  const start = new Float64Array(p * dim);
  for (let i = 0; i < start.length; i++) start[i] = normalAt(DEFAULT_FILL_SEED, 0x70e2, i);
  let q = orthonormalizeRows(start, p, dim);
  const z = new Float64Array(count * p);
  const w = new Float64Array(p * dim);
  const qm = new Float64Array(p);
  const zsum = new Float64Array(p);
  let ritzQ = new Float64Array(p * dim);
  let ritzW = new Float64Array(p * dim);
  const theta = new Float64Array(p);
  for (let it = 1; it <= maxIterations; it++) {
    // Z = (X − 1mᵀ) Qᵀ, W = Zᵀ (X − 1mᵀ) / denominator: the covariance applied to each row of Q.
    for (let j = 0; j < p; j++) {
      let s = 0;
      for (let l = 0; l < dim; l++) s += mean[l] * q[j * dim + l];
      qm[j] = s;
    }
    for (let i = 0; i < count; i++) {
      if (i % PROGRESS_ROWS === 0) options.onProgress?.(it - 1 + (0.5 * i) / count);
      const xi = i * dim;
      for (let j = 0; j < p; j++) {
        const qj = j * dim;
        let s = 0;
        for (let l = 0; l < dim; l++) s += x[xi + l] * q[qj + l];
        z[i * p + j] = s - qm[j];
      }
    }
    w.fill(0);
    zsum.fill(0);
    for (let i = 0; i < count; i++) {
      if (i % PROGRESS_ROWS === 0) options.onProgress?.(it - 0.5 + (0.5 * i) / count);
      const xi = i * dim;
      for (let j = 0; j < p; j++) {
        const c = z[i * p + j];
        zsum[j] += c;
        const wj = j * dim;
        for (let l = 0; l < dim; l++) w[wj + l] += c * x[xi + l];
      }
    }
    for (let j = 0; j < p; j++) {
      const wj = j * dim;
      for (let l = 0; l < dim; l++) w[wj + l] = (w[wj + l] - zsum[j] * mean[l]) / denominator;
    }
    // Rayleigh–Ritz: B = Q C Qᵀ (p × p), rotate Q and CQ to B's eigenvectors, largest first.
    const b = new Float64Array(p * p);
    for (let a = 0; a < p; a++) {
      for (let c = 0; c <= a; c++) {
        let s = 0;
        for (let l = 0; l < dim; l++) s += q[a * dim + l] * w[c * dim + l];
        b[a * p + c] = s;
        b[c * p + a] = s;
      }
    }
    const eig = symmetricEigen(b, p);
    const vectors = eig.vectors as Float64Array;
    ritzQ = new Float64Array(p * dim);
    ritzW = new Float64Array(p * dim);
    for (let a = 0; a < p; a++) {
      const e = p - 1 - a;
      theta[a] = eig.values[e];
      for (let j = 0; j < p; j++) {
        const s = vectors[e * p + j];
        if (s === 0) continue;
        for (let l = 0; l < dim; l++) {
          ritzQ[a * dim + l] += s * q[j * dim + l];
          ritzW[a * dim + l] += s * w[j * dim + l];
        }
      }
    }
    let worst = 0;
    for (let a = 0; a < k; a++) {
      let r2 = 0;
      for (let l = 0; l < dim; l++) {
        const d = ritzW[a * dim + l] - theta[a] * ritzQ[a * dim + l];
        r2 += d * d;
      }
      worst = Math.max(worst, Math.sqrt(r2));
    }
    options.onEstimate?.({ basis: ritzQ.slice(0, k * dim), values: theta.slice(0, k), mean: mean.slice(), iteration: it });
    if (worst <= tolerance * Math.abs(theta[0]) || it === maxIterations) {
      return {
        basis: ritzQ.slice(0, k * dim),
        values: theta.slice(0, k),
        determined: k,
        mean,
        iterations: it,
        converged: worst <= tolerance * Math.abs(theta[0]),
      };
    }
    q = orthonormalizeRows(ritzW, p, dim);
    await options.onIteration?.(it);
  }
  throw new RangeError('topPrincipalDirections: maxIterations must be at least 1');
}

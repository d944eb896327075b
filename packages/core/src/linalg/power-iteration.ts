import { normalAt } from '../random.ts';

/** y = A v for a symmetric positive semi-definite A, written into `out` (Float64: spectra). */
export type SymmetricOperator = (v: Float64Array, out: Float64Array) => void;

export interface TopEigenpair {
  value: number;
  /** Unit eigenvector. */
  vector: Float64Array;
  iterations: number;
  /** Whether the residual test passed before maxIterations. */
  converged: boolean;
}

export interface PowerIterationOptions {
  /** Stop when |A v − λ v| ≤ tolerance · λ; the eigenvalue error is then ~ tolerance² λ²/gap. */
  tolerance?: number;
  maxIterations?: number;
  /** Starting vector; by default a fixed pseudo-random one, so the result is a pure function of A. */
  start?: Float64Array;
  /** Called after every product A v with the iterations done: progress for a long run. */
  onIteration?: (iteration: number) => void;
}

/**
 * The top eigenpair of a symmetric PSD operator by power iteration with the Rayleigh quotient.
 * Only products A v are needed, so a sample covariance is never formed (d² memory at d = 784 or
 * 4096 would be wasteful and the product through the data is cheaper for count ≪ d).
 */
export function powerIteration(apply: SymmetricOperator, dim: number, options: PowerIterationOptions = {}): TopEigenpair {
  const tolerance = options.tolerance ?? 1e-7;
  const maxIterations = options.maxIterations ?? 2000;
  let v = new Float64Array(dim);
  if (options.start) v.set(options.start);
  // A random start has a nonzero component on the top eigenvector with probability 1.
  else for (let i = 0; i < dim; i++) v[i] = normalAt(0x5eed, 0x70e1, i);
  normalize(v);
  let w = new Float64Array(dim);
  let value = 0;
  for (let it = 1; it <= maxIterations; it++) {
    apply(v, w);
    options.onIteration?.(it);
    value = dot(v, w);
    let r2 = 0;
    for (let i = 0; i < dim; i++) {
      const r = w[i] - value * v[i];
      r2 += r * r;
    }
    const norm = Math.sqrt(dot(w, w));
    if (norm === 0) return { value: 0, vector: v, iterations: it, converged: true };
    if (Math.sqrt(r2) <= tolerance * Math.abs(value)) return { value, vector: v, iterations: it, converged: true };
    for (let i = 0; i < dim; i++) w[i] /= norm;
    [v, w] = [w, v];
  }
  return { value, vector: v, iterations: maxIterations, converged: false };
}

/**
 * The sample covariance (1/(count − 1)) Σ (x − x̄)(x − x̄)ᵀ of `count` rows of dimension `dim`
 * (centred, not standardized: Table 1's convention), as an operator, in Float64.
 */
export function sampleCovarianceOperator(x: Float32Array | Float64Array, count: number, dim: number): SymmetricOperator {
  const mean = new Float64Array(dim);
  for (let i = 0; i < count; i++) for (let j = 0; j < dim; j++) mean[j] += x[i * dim + j];
  for (let j = 0; j < dim; j++) mean[j] /= count;
  const row = new Float64Array(dim);
  return (v, out) => {
    out.fill(0);
    for (let i = 0; i < count; i++) {
      const r0 = i * dim;
      let s = 0;
      for (let j = 0; j < dim; j++) {
        row[j] = x[r0 + j] - mean[j];
        s += row[j] * v[j];
      }
      for (let j = 0; j < dim; j++) out[j] += s * row[j];
    }
    const c = 1 / (count - 1);
    for (let j = 0; j < dim; j++) out[j] *= c;
  };
}

/** Λ: the top eigenvalue of the sample covariance of the rows of x. */
export function topCovarianceEigenvalue(
  x: Float32Array | Float64Array,
  count: number,
  dim: number,
  options?: PowerIterationOptions,
): TopEigenpair {
  return powerIteration(sampleCovarianceOperator(x, count, dim), dim, options);
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function normalize(v: Float64Array): void {
  const n = Math.sqrt(dot(v, v));
  for (let i = 0; i < v.length; i++) v[i] /= n;
}

import type { Score } from '../score.ts';
import { delta } from '../forward.ts';
import { randomOrthonormalRows } from '../linalg/qr.ts';
import type { Rng } from '../random.ts';

/**
 * The mixture of low-rank Gaussians (MoLRG) of Wang et al. (science.md §4), in this project's
 * notation (science.md §6 item 7): d ambient dimension, K subspaces of dimension r, equal weights
 * 1/K, zero means, x_0 = U_k a + σ e with a ~ N(0, I_r), e ~ N(0, I_d). σ = 0 is the paper's
 * model; σ > 0 is the "small ambient noise" of the experiments, handled exactly below.
 */
export interface LowRankMixture {
  d: number;
  K: number;
  r: number;
  /** K × r × d: row j of block k is the j-th orthonormal basis vector of U_k (Float64). */
  bases: Float64Array;
  /** Ambient noise standard deviation σ. */
  noise: number;
}

export interface MixtureShape {
  d: number;
  K: number;
  r: number;
  noise: number;
  /** Mutually orthogonal subspaces (the theory's assumption; needs K·r ≤ d), else independent Haar ones. */
  orthogonal: boolean;
}

/** Bases from seeded Householder QR of Gaussian matrices. */
export function randomLowRankMixture(shape: MixtureShape, rng: Rng): LowRankMixture {
  const { d, K, r } = shape;
  let bases: Float64Array;
  if (shape.orthogonal) {
    if (K * r > d) throw new RangeError(`${K} mutually orthogonal subspaces of dimension ${r} need d ≥ ${K * r} (got ${d})`);
    // One Haar frame of K·r columns, cut into K blocks: orthogonal blocks with a uniformly random joint orientation.
    bases = randomOrthonormalRows(d, K * r, rng);
  } else {
    bases = new Float64Array(K * r * d);
    for (let k = 0; k < K; k++) bases.set(randomOrthonormalRows(d, r, rng), k * r * d);
  }
  return { d, K, r, bases, noise: shape.noise };
}

/** The labels 0…K−1, each repeated `perComponent` times in blocks (n samples per subspace). */
export function balancedLabels(K: number, perComponent: number): Int32Array {
  const labels = new Int32Array(K * perComponent);
  for (let k = 0; k < K; k++) labels.fill(k, k * perComponent, (k + 1) * perComponent);
  return labels;
}

/** Components drawn uniformly (weights 1/K). */
export function randomLabels(K: number, count: number, rng: Rng): Int32Array {
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) labels[i] = rng.int(K);
  return labels;
}

/** x_i = U_{labels[i]} a_i + σ e_i for each label, count × d (Float32, as every point set). */
export function sampleLowRankMixture(model: LowRankMixture, labels: Int32Array, rng: Rng): Float32Array {
  const { d, r, bases, noise } = model;
  const x = new Float32Array(labels.length * d);
  const row = new Float64Array(d);
  for (let i = 0; i < labels.length; i++) {
    row.fill(0);
    const block = labels[i] * r * d;
    for (let j = 0; j < r; j++) {
      const a = rng.normal();
      for (let l = 0; l < d; l++) row[l] += a * bases[block + j * d + l];
    }
    if (noise > 0) for (let l = 0; l < d; l++) row[l] += noise * rng.normal();
    x.set(row, i * d);
  }
  return x;
}

/**
 * Variances of x_t given component k, along U_k (v_1) and orthogonal to it (v_0):
 * x_t | k ~ N(0, e^{−2t}(U_kU_kᵀ + σ²I) + Δ_t I).
 */
function noisedVariances(t: number, noise: number): { a: number; dt: number; v1: number; v0: number; s2: number } {
  const a = Math.exp(-t);
  const dt = delta(t);
  const s2 = noise * noise;
  return { a, dt, s2, v1: a * a * (1 + s2) + dt, v0: a * a * s2 + dt };
}

export interface MolrgDenoised {
  /** m × d: E[x_0 | x_t]. */
  mean: Float32Array;
  /** m × K: posterior component probabilities w_k(x_t) (Float64: they feed error bars and tests). */
  weights: Float64Array;
}

/**
 * The exact posterior mean of the MoLRG in OU time. With P_k = U_kU_kᵀ,
 *   E[x_0 | x_t, k] = e^{−t} [ (1+σ²)/v_1 P_k + σ²/v_0 (I − P_k) ] x_t,
 *   w_k ∝ exp( ½ (1/v_0 − 1/v_1) |U_kᵀ x_t|² ),
 * because log N(x_t; 0, Σ_k) differs between components only through |P_k x_t|² when the ranks
 * are equal. For σ = 0 this is science.md §4.2: x̂_0 = e^{−t} Σ_k w_k U_kU_kᵀ x_t with
 * w_k ∝ exp(|U_kᵀx_t|² / (2(e^{2t} − 1))) (v_1 = 1, v_0 = Δ_t). Weights by log-sum-exp in Float64.
 */
export function molrgDenoise(model: LowRankMixture, x: Float32Array, m: number, t: number): MolrgDenoised {
  const { d, K, r, bases } = model;
  const { a, v1, v0, s2 } = noisedVariances(t, model.noise);
  const logitScale = 0.5 * (1 / v0 - 1 / v1);
  const inside = (1 + s2) / v1;
  const outside = s2 / v0;
  const mean = new Float32Array(m * d);
  const weights = new Float64Array(m * K);
  const coeff = new Float64Array(K * r);
  const logits = new Float64Array(K);
  const acc = new Float64Array(d);
  for (let i = 0; i < m; i++) {
    const xi = i * d;
    let best = -Infinity;
    for (let k = 0; k < K; k++) {
      let norm2 = 0;
      for (let j = 0; j < r; j++) {
        const u = (k * r + j) * d;
        let c = 0;
        for (let l = 0; l < d; l++) c += bases[u + l] * x[xi + l];
        coeff[k * r + j] = c;
        norm2 += c * c;
      }
      logits[k] = logitScale * norm2;
      if (logits[k] > best) best = logits[k];
    }
    let z = 0;
    for (let k = 0; k < K; k++) {
      // Below e^{−700} a Float64 weight turns subnormal (slow arithmetic) and is < 10⁻³⁰⁰ anyway.
      const rel = logits[k] - best;
      logits[k] = rel < -700 ? 0 : Math.exp(rel);
      z += logits[k];
    }
    for (let l = 0; l < d; l++) acc[l] = outside * x[xi + l];
    for (let k = 0; k < K; k++) {
      const w = logits[k] / z;
      weights[i * K + k] = w;
      const gain = w * (inside - outside);
      if (gain === 0) continue;
      for (let j = 0; j < r; j++) {
        const c = gain * coeff[k * r + j];
        const u = (k * r + j) * d;
        for (let l = 0; l < d; l++) acc[l] += c * bases[u + l];
      }
    }
    for (let l = 0; l < d; l++) mean[xi + l] = a * acc[l];
  }
  return { mean, weights };
}

/** The score of the noised MoLRG, (e^{−t} E[x_0 | x_t] − x_t)/Δ_t (Tweedie), for the samplers. */
export function molrgScore(model: LowRankMixture): Score {
  return {
    d: model.d,
    evaluate(x, m, t) {
      const a = Math.exp(-t);
      const v = delta(t);
      const { mean, weights } = molrgDenoise(model, x, m, t);
      const score = new Float32Array(m * model.d);
      for (let i = 0; i < score.length; i++) score[i] = (a * mean[i] - x[i]) / v;
      const nearest = new Int32Array(m);
      for (let i = 0; i < m; i++) {
        let arg = 0;
        for (let k = 1; k < model.K; k++) if (weights[i * model.K + k] > weights[i * model.K + arg]) arg = k;
        nearest[i] = arg;
      }
      return { score, nearest };
    },
  };
}

/**
 * The MMSE E|E[x_0 | x_t, k] − x_0|² of a posterior mean that knows the component: the trace of
 * the Gaussian posterior covariance, Σ_i λ_i Δ_t / (e^{−2t} λ_i + Δ_t) over the eigenvalues
 * λ = 1 + σ² (r of them) and σ² (d − r). It is the exact error of the MoLRG denoiser for K = 1
 * (r Δ_t when σ = 0, science.md §4.2) and a lower bound for K > 1, reached when the components
 * are told apart with certainty. Float64, closed form.
 */
export function knownComponentMmse(d: number, r: number, noise: number, t: number): number {
  const { dt, v1, v0, s2 } = noisedVariances(t, noise);
  return (r * (1 + s2) * dt) / v1 + ((d - r) * s2 * dt) / v0;
}

/** A model with the same shape and new bases: the trained denoiser of the paper's parametrization. */
export function withBases(model: LowRankMixture, bases: Float64Array, noise = 0): LowRankMixture {
  return { d: model.d, K: model.K, r: model.r, bases, noise };
}

/**
 * Exact draws from the MoLRG with σ = 0 and the given bases: what the reverse process driven by
 * that model's own denoiser produces as t_min → 0, without integrating it.
 */
export function sampleFromBases(bases: Float64Array, K: number, r: number, d: number, count: number, rng: Rng): Float32Array {
  return sampleLowRankMixture({ d, K, r, bases, noise: 0 }, randomLabels(K, count, rng), rng);
}

import { delta, gamma } from '../forward.ts';
import { fillNormalAt, uniformAt } from '../random.ts';
import { cloningOverlap, meanClassEntropy } from './cloning-curve.ts';

/*
 * The excess entropy density f(t) = s^sep(t) − s(t) of the collapse criterion (science.md §2.6):
 * s^sep = α + ½ + ½ log(2πΔ_t) is the entropy per variable of n well-separated Gaussians of
 * variance Δ_t, s the entropy per variable of the noised data law. t_C is the largest zero of f.
 * Everything here is Float64: f is a difference of O(1) entropies and the interesting values are
 * O(α), small when log n ≪ d.
 */

/** Isotropic Gaussian data N(·, σ² I) (and the mixture at large d): f = α + ½ log(Δ_t/Γ_t). */
export function excessEntropyGaussian(t: number, alpha: number, sigma: number): number {
  return alpha + 0.5 * Math.log(delta(t) / gamma(t, sigma * sigma));
}

/**
 * The two-class mixture at finite d (derived): its entropy is one Gaussian's plus the class
 * information, s = ½ log(2πeΓ_t) + (1/d)[log 2 − E H₂(r)], an identity for a two-component
 * mixture (H(x) = H(x | class) + H(class) − H(class | x)), with r the class posterior, whose law
 * depends on x only through u_t. Exact for the population at any d.
 */
export function excessEntropyTwoClass(t: number, alpha: number, d: number, mu: number, sigma: number): number {
  const u = cloningOverlap(t, d, mu, sigma);
  return excessEntropyGaussian(t, alpha, sigma) - (Math.LN2 - meanClassEntropy(u)) / d;
}

/**
 * Anisotropic Gaussian data with covariance eigenvalues λ_i (derived):
 * f = α + (1/2d) Σ_i log(Δ_t / (Δ_t + λ_i e^{−2t})). Eigenvalues not listed count as 0.
 */
export function excessEntropySpectrum(t: number, alpha: number, d: number, eigenvalues: ArrayLike<number>): number {
  const dt = delta(t);
  const e2 = Math.exp(-2 * t);
  let s = 0;
  for (let i = 0; i < eigenvalues.length; i++) s += Math.log(dt / (dt + eigenvalues[i] * e2));
  return alpha + s / (2 * d);
}

export interface EmpiricalEntropyOptions {
  /** n × d training points, row-major. */
  train: Float32Array;
  n: number;
  d: number;
  t: number;
  probes: number;
  seed: number;
  /** Counter stream for the probes; the same probes (common random numbers) are reused at every t. */
  stream: number;
}

export interface EmpiricalEntropy {
  /** f^e with the own-centre control variate (see below): the estimate reported. */
  excess: number;
  /** f^e exactly as the paper writes it, s^sep − s^e, from the same probes. */
  excessPlain: number;
  /** s^e = −(1/(n'd)) Σ log P_t^e(x^(ν)). */
  entropy: number;
}

/**
 * The empirical estimator f^e(t) = s^sep(t) − s^e(t) with probes x = e^{−t} a_μ + √Δ_t ξ, μ
 * uniform (science.md §2.6), log P_t^e by log-sum-exp in Float64.
 *
 * Control variate: the probe's own centre contributes ℓ_own = log[(1/n) N(x; e^{−t}a_μ, Δ_t)],
 * whose mean is exactly −d·s^sep. So f^e = (1/(n'd)) Σ_ν [log P^e(x^ν) − ℓ_own(x^ν)] has the same
 * expectation as s^sep − s^e, but without the χ²_d fluctuation of |ξ|² that dominates the plain
 * form's variance; each term is log(1 + weight of the others / weight of the own centre) ≥ 0, so
 * the curve is ≥ 0 and falls to ≈ 0 exactly where that ratio vanishes (the collapse).
 */
export async function empiricalExcessEntropy(o: EmpiricalEntropyOptions, checkpoint?: () => Promise<void>): Promise<EmpiricalEntropy> {
  const { train, n, d, t, probes, seed, stream } = o;
  const a = Math.exp(-t);
  const v = delta(t);
  const s = Math.sqrt(v);
  const inv2v = 1 / (2 * v);
  const centres = new Float64Array(n * d);
  for (let i = 0; i < n * d; i++) centres[i] = a * train[i];
  const x = new Float64Array(d);
  const noise = new Float64Array(d);
  const logits = new Float64Array(n);
  let sumLse = 0;
  let sumOwn = 0;
  // A chance to cancel every ~10⁷ pair-coordinates (tens of ms): one time point at the largest
  // sizes is minutes of work.
  const probesPerChunk = Math.max(1, Math.floor(1e7 / (n * d)));
  for (let p = 0; p < probes; p++) {
    if (checkpoint && p > 0 && p % probesPerChunk === 0) await checkpoint();
    const mu = Math.min(n - 1, Math.floor(uniformAt(seed, stream + 1, p) * n));
    // In bulk: the same draws as normalAt(seed, stream, p·d + j), at a fraction of the cost per draw.
    fillNormalAt(seed, stream, p * d, noise);
    for (let j = 0; j < d; j++) x[j] = centres[mu * d + j] + s * noise[j];
    let best = -Infinity;
    for (let k = 0; k < n; k++) {
      let r2 = 0;
      const c0 = k * d;
      for (let j = 0; j < d; j++) {
        const diff = x[j] - centres[c0 + j];
        r2 += diff * diff;
      }
      const l = -r2 * inv2v;
      logits[k] = l;
      if (l > best) best = l;
    }
    let z = 0;
    for (let k = 0; k < n; k++) z += Math.exp(logits[k] - best);
    sumLse += best + Math.log(z);
    sumOwn += logits[mu];
  }
  const norm = probes * d;
  // log P^e = LSE − log n − (d/2) log(2πΔ); s^sep = α + ½ + ½ log(2πΔ)
  const entropy = -(sumLse / norm - Math.log(n) / d - 0.5 * Math.log(2 * Math.PI * v));
  const sSep = Math.log(n) / d + 0.5 + 0.5 * Math.log(2 * Math.PI * v);
  return { excess: (sumLse - sumOwn) / norm, excessPlain: sSep - entropy, entropy };
}

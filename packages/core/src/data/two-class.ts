import type { GaussianMixture } from './mixture.ts';

/**
 * The two-class model of Biroli et al.: ½ N(+m, σ² I) + ½ N(−m, σ² I) with m = μ̃ (1, …, 1), so
 * |m|² = d μ̃².
 */
export function twoClassMixture(d: number, muTilde: number, sigma: number): GaussianMixture {
  const means = new Float32Array(2 * d);
  for (let j = 0; j < d; j++) {
    means[j] = muTilde;
    means[d + j] = -muTilde;
  }
  return { means, K: 2, d, variance: sigma * sigma, labels: Int32Array.from([0, 1]) };
}

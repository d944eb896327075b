/**
 * The memorization test of Bonnaire et al.: a sample is memorized when the distance to its nearest
 * training point is less than k = 1/3 of the distance to the second nearest.
 */
export const MEMORIZATION_RATIO = 1 / 3;

export interface NearestTwo {
  /** m: index of each sample's nearest training point. */
  nearest: Int32Array;
  /** m: |x − a^{μ1}| / |x − a^{μ2}|. */
  ratio: Float32Array;
}

export function nearestTwo(samples: Float32Array, m: number, train: Float32Array, n: number, d: number): NearestTwo {
  const nearest = new Int32Array(m);
  const ratio = new Float32Array(m);
  for (let i = 0; i < m; i++) {
    let b1 = Infinity;
    let b2 = Infinity;
    let arg = -1;
    for (let mu = 0; mu < n; mu++) {
      let r2 = 0;
      for (let j = 0; j < d; j++) {
        const diff = samples[i * d + j] - train[mu * d + j];
        r2 += diff * diff;
      }
      if (r2 < b1) {
        b2 = b1;
        b1 = r2;
        arg = mu;
      } else if (r2 < b2) {
        b2 = r2;
      }
    }
    nearest[i] = arg;
    ratio[i] = b2 === Infinity ? 0 : Math.sqrt(b1 / b2);
  }
  return { nearest, ratio };
}

export function memorizedFraction(ratio: Float32Array, k = MEMORIZATION_RATIO): number {
  if (ratio.length === 0) return 0;
  let c = 0;
  for (const r of ratio) if (r < k) c++;
  return c / ratio.length;
}

/**
 * The false-positive floor: fresh samples from the data law pass the ratio test with probability
 * ≈ k^d against a locally Poisson-like training set (exactly k^d for a Poisson process).
 */
export function memorizationBaselineTheory(d: number, k = MEMORIZATION_RATIO): number {
  return k ** d;
}

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
  const found = { arg: -1, b1: Infinity, b2: Infinity };
  // One call per sample and one per pair, not three nested loops in one function: V8 optimizes each
  // as a function of its own. Nested, the loops ran through on-stack replacement, and in a worker's
  // later runs that code could bail out at the end of each inner loop until a recompilation landed,
  // tripling the call's time (collapse's final test: 20–30 ms, now and then 90 ms, in Chromium).
  for (let i = 0; i < m; i++) {
    nearestTwoOf(samples, i * d, train, n, d, found);
    nearest[i] = found.arg;
    ratio[i] = found.b2 === Infinity ? 0 : Math.sqrt(found.b1 / found.b2);
  }
  return { nearest, ratio };
}

/** The nearest and second-nearest squared distances from one sample to the training points. */
function nearestTwoOf(samples: Float32Array, offset: number, train: Float32Array, n: number, d: number, found: { arg: number; b1: number; b2: number }): void {
  let b1 = Infinity;
  let b2 = Infinity;
  let arg = -1;
  for (let mu = 0; mu < n; mu++) {
    const r2 = squaredDistance(samples, offset, train, mu * d, d);
    if (r2 < b1) {
      b2 = b1;
      b1 = r2;
      arg = mu;
    } else if (r2 < b2) {
      b2 = r2;
    }
  }
  found.arg = arg;
  found.b1 = b1;
  found.b2 = b2;
}

/** |a − b|² over d coordinates, in Float64. */
function squaredDistance(a: Float32Array, aOffset: number, b: Float32Array, bOffset: number, d: number): number {
  let r2 = 0;
  for (let j = 0; j < d; j++) {
    const diff = a[aOffset + j] - b[bOffset + j];
    r2 += diff * diff;
  }
  return r2;
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

/**
 * The hot loops behind a small interface. Core calls these; the worker supplies fast
 * implementations (gpu.js, tuned CPU loops) and checks them against `referenceKernels`, which is
 * the ground truth in tests.
 */
export interface SoftmaxDenoiseArgs {
  /** m × d queries, row-major. */
  queries: Float32Array;
  m: number;
  /** n × d centres (training points or mixture means), row-major. */
  centres: Float32Array;
  n: number;
  d: number;
  /** Multiplies the centres: e^{−t} in OU time. */
  scale: number;
  /** Variance of each noised centre: Δ_t for the empirical score, Γ_t for a mixture. */
  variance: number;
  /** Optional per-centre log weights (log π_k); uniform when absent. */
  logWeights?: Float32Array;
  /**
   * Where to write the result (mean m × d, nearest m), so a run can reuse one pair of arrays for
   * every step instead of allocating per step; new arrays when absent. Returned as the result.
   */
  out?: SoftmaxDenoiseResult;
  /**
   * Optional: normals the caller needs next (a sampler's step noise). Kernels that can fill them
   * while they compute, bit for bit as `fillNormalAt`, do so and set `filled`; the others leave it
   * false and the caller draws them itself.
   */
  normals?: NormalRequest;
}

/** Normals at indices start … start + out.length − 1 of (seed, stream), wanted in `out`. */
export interface NormalRequest {
  seed: number;
  stream: number;
  start: number;
  out: Float64Array;
  /** Set by kernels that filled `out`; the caller clears it before each call. */
  filled: boolean;
}

export interface SoftmaxDenoiseResult {
  /** m × d: Σ_μ w_μ a_μ, the posterior mean of the (unscaled) centre. */
  mean: Float32Array;
  /** m: index of the heaviest centre (the nearest noised centre). */
  nearest: Int32Array;
}

export interface Kernels {
  /** Which implementation ran, reported with every result. */
  readonly backend: string;
  softmaxDenoise(args: SoftmaxDenoiseArgs): SoftmaxDenoiseResult;
  /**
   * Optional: core's `fillNormalAt(seed, stream, start, out)` (scale 1), the same bits, faster.
   * Absent: callers use core's own function (`normalsOf`).
   */
  fillNormalAt?: NormalFill;
}

/** Fills `out` with the standard normals at indices start … start + out.length − 1 of (seed, stream). */
export type NormalFill = (seed: number, stream: number, start: number, out: Float64Array) => void;

/** The arrays a call writes its result into: `args.out` when given (checked), new ones otherwise. */
export function resultArrays({ m, d, out }: Pick<SoftmaxDenoiseArgs, 'm' | 'd' | 'out'>): SoftmaxDenoiseResult {
  if (out === undefined) return { mean: new Float32Array(m * d), nearest: new Int32Array(m) };
  if (out.mean.length !== m * d || out.nearest.length !== m) {
    throw new RangeError(`softmaxDenoise: out arrays must hold ${m * d} means and ${m} indices, got ${out.mean.length} and ${out.nearest.length}`);
  }
  return out;
}

/**
 * Below this log-weight (relative to the row maximum) a float32 weight would be subnormal:
 * e^{−87.3} is the smallest normal float32. Such weights are set to exactly 0 on every path, so CPU
 * and GPU agree and no path runs at subnormal speed.
 */
export const LOG_WEIGHT_FLOOR = -87;

/** Plain loops in Float64: the reference every other implementation is tested against. */
export const referenceKernels: Kernels = {
  backend: 'reference',
  softmaxDenoise(args) {
    const { queries, m, centres, n, d, scale, variance, logWeights } = args;
    const { mean, nearest } = resultArrays(args);
    const logits = new Float64Array(n);
    const acc = new Float64Array(d);
    const inv2v = 1 / (2 * variance);
    for (let i = 0; i < m; i++) {
      let best = -Infinity;
      let arg = 0;
      for (let mu = 0; mu < n; mu++) {
        let dist2 = 0;
        for (let k = 0; k < d; k++) {
          const diff = queries[i * d + k] - scale * centres[mu * d + k];
          dist2 += diff * diff;
        }
        const l = -dist2 * inv2v + (logWeights ? logWeights[mu] : 0);
        logits[mu] = l;
        if (l > best) {
          best = l;
          arg = mu;
        }
      }
      acc.fill(0);
      let z = 0;
      for (let mu = 0; mu < n; mu++) {
        const rel = logits[mu] - best;
        if (rel < LOG_WEIGHT_FLOOR) continue;
        const w = Math.exp(rel);
        z += w;
        for (let k = 0; k < d; k++) acc[k] += w * centres[mu * d + k];
      }
      for (let k = 0; k < d; k++) mean[i * d + k] = acc[k] / z;
      nearest[i] = arg;
    }
    return { mean, nearest };
  },
};

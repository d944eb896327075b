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
  /**
   * Optional: the caller wants the score F = (scale·mean − query)/variance in `mean` rather than the
   * mean itself (a softmax score's last step). Kernels that can form it where they write their
   * result, with `meanToScore` (so the same float64 arithmetic and the same bits), do so and set
   * `applied`; the others leave it false and the caller forms it.
   */
  asScore?: ScoreRequest;
}

/** See `SoftmaxDenoiseArgs.asScore`. */
export interface ScoreRequest {
  /** Set by kernels that formed the score; the caller clears it before each call. */
  applied: boolean;
}

/**
 * F = (scale·mean − x)/variance over entries [from, to) of m × d arrays, in place in `mean`: the
 * softmax scores' last step, written once so that wherever it runs (the caller, or the kernels'
 * threads on their own rows) it gives the same bits.
 */
export function meanToScore(mean: Float32Array, x: Float32Array, scale: number, variance: number, from = 0, to = mean.length): void {
  for (let i = from; i < to; i++) mean[i] = (scale * mean[i] - x[i]) / variance;
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
  /**
   * Optional: a block of backward SDE steps for a softmax score, run where the state can stay
   * between steps (a GPU; CPU threads that each carry their rows through the block), noise
   * included. Returns false, leaving the outputs alone, when it cannot take the problem; the caller
   * then steps with `softmaxDenoise`. Its results agree with the step-by-step run within float32
   * tolerance, and may agree bit for bit (see `BackwardStepsArgs`).
   */
  backwardSteps?(args: BackwardStepsArgs): boolean;
}

/**
 * `steps` Euler–Maruyama steps x ← x + η (x + 2F) + √(2η) ξ with F = (scale·mean − x) / variance,
 * mean the softmaxDenoise of x over the centres at each step's scale and variance, η = times[j] −
 * times[j + 1], and ξ step j's normals: indices (firstStep + j)·m·d … of (seed, stream), as
 * `sampleBackward` draws them. Implementations may compute in float32 throughout (noise too), so
 * they match the step-by-step run within float32 tolerance, and themselves bit for bit.
 */
export interface BackwardStepsArgs {
  /** m × d state at times[0]; not modified. */
  x: Float32Array;
  m: number;
  centres: Float32Array;
  n: number;
  d: number;
  logWeights?: Float32Array;
  steps: number;
  /** steps + 1 decreasing times. */
  times: Float64Array;
  /** Per step, at times[j]: the centres' scale and the variance of the softmax (as `SoftmaxDenoiseArgs`). */
  scales: Float64Array;
  variances: Float64Array;
  seed: number;
  stream: number;
  /** The global index of step 0, which places its noise in the stream. */
  firstStep: number;
  /** steps × m × d: receives the state after each step. */
  history: Float32Array;
  /** steps × m: receives each step's nearest centres, of the state the step started from. */
  nearest: Int32Array;
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

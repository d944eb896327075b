import type { Kernels, NormalRequest, SoftmaxDenoiseResult } from './kernels.ts';

/**
 * A score: F(x, t) = ∇ log P_t(x) for each of the m rows of x (m × d, row-major), written into a
 * new array. The optional `nearest` output receives, per row, the index of the heaviest centre
 * when the score is a softmax over centres (empirical or mixture scores).
 */
export interface Score {
  readonly d: number;
  /**
   * `into`, when given, receives the result and is returned: a sampler reuses it every step.
   * `normals`: the step's noise, which a score computed by kernels may hand to them to fill
   * alongside (see `SoftmaxDenoiseArgs.normals`); others ignore it.
   */
  evaluate(x: Float32Array, m: number, t: number, into?: ScoreBuffers, normals?: NormalRequest): ScoreResult;
  /**
   * Present on scores that are a softmax over centres, F = (scale(t)·mean − x) / variance(t): what
   * a sampler needs to hand whole blocks of steps to kernels that keep the state (`Kernels.backwardSteps`).
   */
  readonly softmax?: SoftmaxScoreForm;
}

/** A softmax score's parts: `evaluate` forms F from the same ones. */
export interface SoftmaxScoreForm {
  readonly kernels: Kernels;
  /** n × d centres. */
  readonly centres: Float32Array;
  readonly n: number;
  readonly logWeights?: Float32Array;
  /** The centres' scale at time t (e^{−t}). */
  scale(t: number): number;
  /** The variance of a noised centre at time t. */
  variance(t: number): number;
}

export interface ScoreResult {
  score: Float32Array;
  nearest?: Int32Array;
}

/** Result arrays for m rows in d dimensions, allocated once and reused across steps. */
export interface ScoreBuffers {
  score: Float32Array;
  nearest: Int32Array;
}

export function scoreBuffers(m: number, d: number): ScoreBuffers {
  return { score: new Float32Array(m * d), nearest: new Int32Array(m) };
}

/**
 * For softmax scores: the kernel's `out` for a caller's buffers (the mean is written into the score
 * array and turned into the score in place), remembered so that a step allocates nothing.
 */
export function kernelOutFor(): (into: ScoreBuffers | undefined) => SoftmaxDenoiseResult | undefined {
  let last: ScoreBuffers | undefined;
  let out: SoftmaxDenoiseResult | undefined;
  return (into) => {
    if (into === undefined) return undefined;
    if (into !== last || out?.mean !== into.score || out.nearest !== into.nearest) {
      last = into;
      out = { mean: into.score, nearest: into.nearest };
    }
    return out;
  };
}

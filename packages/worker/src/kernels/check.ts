import { Rng, referenceKernels, type Kernels, type SoftmaxDenoiseArgs } from '@diffusion-atlas/core';

/** Relative tolerance of the start-up check: float32 logits and sums, against Float64 loops. */
const CHECK_TOLERANCE = 1e-4;
/** Rows whose two best logits are closer than this may legitimately pick either centre. */
const TIE_GAP = 1e-3;

/**
 * Runs a small problem on `candidate` and the reference and returns the largest relative error of
 * the means; throws if it exceeds the tolerance or if `nearest` differs on a row without a tie.
 * Two regimes: moderate variance, and a small one where the softmax is nearly one-hot and the
 * floor flushes most weights.
 */
export function checkAgainstReference(candidate: Kernels): number {
  let worst = 0;
  for (const [variance, seed] of [[0.7, 11], [0.004, 12]] as const) {
    const args = checkProblem(seed, variance);
    const want = referenceKernels.softmaxDenoise(args);
    const got = candidate.softmaxDenoise(args);
    if (got.mean.length !== want.mean.length || got.nearest.length !== want.nearest.length) {
      throw new Error(`${candidate.backend} returned arrays of the wrong length`);
    }
    let scaleOfMean = 1;
    for (const x of want.mean) scaleOfMean = Math.max(scaleOfMean, Math.abs(x));
    for (let j = 0; j < want.mean.length; j++) {
      const err = Math.abs(got.mean[j] - want.mean[j]) / scaleOfMean;
      // NaN fails the comparison below, so it is caught rather than hidden by Math.max
      if (!(err <= CHECK_TOLERANCE)) {
        throw new Error(`${candidate.backend} mean differs from the reference by ${err.toExponential(2)} (variance ${variance}, entry ${j})`);
      }
      worst = Math.max(worst, err);
    }
    const gaps = topTwoGaps(args);
    for (let i = 0; i < args.m; i++) {
      if (got.nearest[i] !== want.nearest[i] && gaps[i] > TIE_GAP) {
        throw new Error(`${candidate.backend} nearest differs from the reference on row ${i}: ${got.nearest[i]} vs ${want.nearest[i]}`);
      }
    }
  }
  return worst;
}

function checkProblem(seed: number, variance: number): SoftmaxDenoiseArgs {
  const m = 24;
  const n = 70;
  const d = 5;
  const rng = new Rng(seed);
  const centres = rng.stream(1).fillNormal(new Float32Array(n * d)) as Float32Array;
  const scale = 0.8;
  const queries = new Float32Array(m * d);
  const noise = rng.stream(2);
  // Queries near noised centres, so some rows are decided and some are mixtures.
  for (let i = 0; i < m; i++) {
    const mu = (i * 7) % n;
    for (let k = 0; k < d; k++) queries[i * d + k] = scale * centres[mu * d + k] + Math.sqrt(variance) * 1.5 * noise.normal();
  }
  const logWeights = rng.stream(3).fillNormal(new Float32Array(n), 0.3) as Float32Array;
  return { queries, m, centres, n, d, scale, variance, logWeights };
}

/** Float64 gap between the best and second-best logit of each row. */
function topTwoGaps({ queries, m, centres, n, d, scale, variance, logWeights }: SoftmaxDenoiseArgs): Float64Array {
  const gaps = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let first = -Infinity;
    let second = -Infinity;
    for (let mu = 0; mu < n; mu++) {
      let dist2 = 0;
      for (let k = 0; k < d; k++) {
        const diff = queries[i * d + k] - scale * centres[mu * d + k];
        dist2 += diff * diff;
      }
      const l = -dist2 / (2 * variance) + (logWeights ? logWeights[mu] : 0);
      if (l > first) {
        second = first;
        first = l;
      } else if (l > second) {
        second = l;
      }
    }
    gaps[i] = first - second;
  }
  return gaps;
}

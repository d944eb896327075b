import { defineExperiment } from '../experiment.ts';
import { param } from '../params.ts';
import { Rng } from '../random.ts';
import { MEMORIZATION_RATIO, memorizedFraction, nearestTwo } from '../metrics.ts';
import { randomLowRankMixture, sampleFromBases, sampleLowRankMixture, type LowRankMixture } from '../lowrank/molrg.ts';
import { principalSubspace } from '../lowrank/pca.ts';
import { kSubspaces, matchSubspaces } from '../lowrank/k-subspaces.ts';
import { K_SUBSPACES_MAX_ITERATIONS, K_SUBSPACES_RESTARTS, LOW_RANK_CHAPTER } from './low-rank-mixture.ts';

/**
 * A trial succeeds when every subspace is within this Frobenius distance of the truth. Below the
 * threshold (n < r) the noiseless error is at least √(2(d − r)/(d − r + 1)) ≈ 1.4 (the derived
 * formula at n = r − 1), so 0.5 separates the two regimes whatever d and r: it allows principal
 * angles of ~20° in one direction, or ~7° in each of eight.
 */
export const SUCCESS_TOLERANCE = 0.5;
/** Samples drawn per trial from the learned model, and from the true one for the chance floor. */
export const TRANSITION_SAMPLES = 32;

const MAX_N = 255;
const MAX_TRIALS = 1000;

/**
 * The random streams of one cell depend on (seed, r, n, trial) only, never on the grid around
 * it, so the coarse live map and the fine precomputed one agree on every cell they share; the
 * subspaces and the first n samples of each depend on (r, trial) only, so along a row of the map
 * the data grow by adding samples to the same subspaces.
 */
function stream(r: number, n: number, trial: number, purpose: number): number {
  return (((r * (MAX_N + 1) + n) * MAX_TRIALS + trial) * 8 + purpose) >>> 0;
}
const PURPOSE_MODEL = 0;
const PURPOSE_CLUSTER = 1;
const PURPOSE_GENERATE = 2;
const PURPOSE_FRESH = 3;
/** Component k's samples use purpose 4 + k (K ≤ 4). */
const PURPOSE_DATA = 4;

export const subspaceTransition = defineExperiment({
  name: 'subspace-transition',
  title: 'How many samples? The transition at n ≈ r',
  summary:
    'Training the low-rank denoiser is PCA for K = 1 and K-subspace clustering for K > 1: over a grid of subspace dimensions r and samples per subspace n, the probability of recovering every subspace switches from 0 to 1 near n = r, with the derived noiseless PCA error below it.',
  chapter: LOW_RANK_CHAPTER,
  params: {
    d: param.int({ label: 'Ambient dimension', symbol: 'd', min: 4, max: 128, default: 48 }),
    K: param.int({ label: 'Subspaces', symbol: 'K', min: 1, max: 4, default: 2 }),
    rValues: param.numberList({
      label: 'Subspace dimensions',
      symbol: 'r',
      min: 1,
      max: 32,
      minItems: 1,
      maxItems: 32,
      integer: true,
      default: [1, 2, 3, 4, 5, 6, 7, 8],
    }),
    nValues: param.numberList({
      label: 'Samples per subspace',
      symbol: 'n',
      min: 1,
      max: MAX_N,
      minItems: 1,
      maxItems: 64,
      integer: true,
      default: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 16],
    }),
    noise: param.number({ label: 'Ambient noise', symbol: 'σ', min: 0, max: 0.5, default: 0.01 }),
    trials: param.int({ label: 'Trials per cell', min: 1, max: 200, default: 8 }),
    seed: param.int({ label: 'Seed', min: 0, max: 2147483647, default: 1 }),
  },
  constraints: [
    {
      id: 'orthogonal-fit',
      params: ['rValues', 'K', 'd'],
      rule: 'K·r ≤ d for the largest r (the K subspaces are orthogonal)',
      holds: (p) => p.K * Math.max(...p.rValues) <= p.d,
      message: (p) =>
        `K·r must not exceed d for K orthogonal subspaces (got K = ${p.K}, largest r = ${Math.max(...p.rValues)}, d = ${p.d})`,
      repair: (p) => {
        const kept = p.rValues.filter((r) => p.K * r <= p.d);
        return kept.length > 0 ? { rValues: kept } : { K: Math.max(1, Math.floor(p.d / Math.max(...p.rValues))) };
      },
    },
  ],
  cost: {
    drivers: ['trials', 'nValues', 'rValues', 'K', 'd'],
    // Per cell and trial: K-subspaces on K·n points in d dimensions, whose restarts and iterations
    // cost about 100·r per point and coordinate (the fuzz test met r = 12 with n up to 255 taking
    // 10 s, estimated 1 s by a d²-per-point model), plus d per point for PCA and the checks.
    units: (p) => p.trials * p.rValues.reduce((s, r) => s + p.nValues.reduce((t, n) => t + p.K * n * p.d * (100 * r + p.d), 0), 0),
    // Fitted to CLI runs (elapsedMs less the CLI's 0.5 s setup) on the 2-core development machine
    // under load from parallel builds: 6851 and 10554 ms at the defaults, 1800 ms at trials = 2 d = 24.
    // Rescaled ×0.20 from that fit with `npm run bench:cost -w @diffusion-atlas/tests` on the quiet
    // machine (runLocal's elapsedMs, the run alone), plus 30 % headroom for a busy one.
    secondsPerUnit: 9.7e-9,
    baseSeconds: 0.16,
  },
  async run(p, ctx) {
    const rows = p.rValues.length;
    const columns = p.nValues.length;
    const cells = rows * columns;
    const n = new Float64Array(cells);
    const r = new Float64Array(cells);
    const subspaceError = new Float64Array(cells);
    const subspaceErrorTheory = new Float64Array(cells);
    const successProbability = new Float64Array(cells);
    const memorized = new Float64Array(cells);
    const memorizedBaseline = new Float64Array(cells);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < columns; j++) {
        const c = i * columns + j;
        const rc = p.rValues[i];
        const nc = p.nValues[j];
        n[c] = nc;
        r[c] = rc;
        subspaceErrorTheory[c] = noiselessPcaError(p.d, rc, nc);
        let squared = 0;
        let successes = 0;
        let mem = 0;
        let floor = 0;
        for (let trial = 0; trial < p.trials; trial++) {
          const progress = (c + trial / p.trials) / cells;
          const o = await transitionTrial(p.d, p.K, rc, nc, p.noise, p.seed, trial, () => ctx.checkpoint(progress));
          for (const e of o.errors) squared += e * e;
          if (Math.max(...o.errors) <= SUCCESS_TOLERANCE) successes++;
          mem += o.memorized;
          floor += o.baseline;
          await ctx.checkpoint((c + (trial + 1) / p.trials) / cells);
        }
        subspaceError[c] = Math.sqrt(squared / (p.trials * p.K));
        successProbability[c] = successes / p.trials;
        memorized[c] = mem / p.trials;
        memorizedBaseline[c] = floor / p.trials;
      }
    }
    return {
      n,
      r,
      subspaceError,
      subspaceErrorTheory,
      successProbability,
      memorizedFraction: memorized,
      memorizedBaseline,
      grid: {
        rValues: Float64Array.from(p.rValues),
        nValues: Float64Array.from(p.nValues),
        rows,
        columns,
        layout: 'row-major over cells: entry i·columns + j of every per-cell array is r = rValues[i], n = nValues[j]',
      },
      d: p.d,
      K: p.K,
      trials: p.trials,
      restarts: p.K === 1 ? 1 : K_SUBSPACES_RESTARTS,
      successTolerance: SUCCESS_TOLERANCE,
      memorizationRatio: MEMORIZATION_RATIO,
      samplesPerTrial: TRANSITION_SAMPLES,
      subspaceErrorMeaning: 'root mean square over trials and subspaces of ‖ÛÛᵀ − UUᵀ‖_F after matching',
      subspaceErrorTheoryLabel: 'derived (science.md §4.3): noiseless PCA with n < r fills r − n directions at random, √(2(r − n)(d − r)/(d − n)); undefined (NaN) for n ≥ r, where the error is noise-limited',
      pca: 'uncentred: the model is zero-mean (centring would spend one sample on the mean and move the threshold to n = r + 1)',
      memorizedFractionMeaning:
        'fraction of samples from the learned model (the reverse process with the learned denoiser, drawn exactly at t → 0) passing the ratio test against the training set; memorizedBaseline is the same test on fresh samples of the true model, the chance floor (≈ k^r)',
    };
  },
  tables(res) {
    return {
      cells: {
        n: res.n,
        r: res.r,
        subspaceError: res.subspaceError,
        subspaceErrorTheory: res.subspaceErrorTheory,
        successProbability: res.successProbability,
        memorizedFraction: res.memorizedFraction,
        memorizedBaseline: res.memorizedBaseline,
      },
    };
  },
});

/**
 * Derived (science.md §4.3): with n < r noiseless samples PCA recovers their n-dimensional span
 * exactly and fills the other r − n directions uniformly in the (d − n)-dimensional complement of
 * that span, of which r − n dimensions belong to the true subspace, so E‖ÛÛᵀ − UUᵀ‖_F² =
 * 2(r − n)(d − r)/(d − n). NaN for n ≥ r.
 */
export function noiselessPcaError(d: number, r: number, n: number): number {
  return n < r ? Math.sqrt((2 * (r - n) * (d - r)) / (d - n)) : Number.NaN;
}

export interface TransitionTrial {
  /** K: subspace errors after matching. */
  errors: Float64Array;
  memorized: number;
  baseline: number;
  model: LowRankMixture;
  learned: Float64Array;
}

/** One trial of one cell: orthogonal subspaces, n noisy samples on each, fit, match, generate. */
export async function transitionTrial(
  d: number,
  K: number,
  r: number,
  n: number,
  noise: number,
  seed: number,
  trial: number,
  onIteration?: () => Promise<void>,
): Promise<TransitionTrial> {
  const model = randomLowRankMixture({ d, K, r, noise, orthogonal: true }, new Rng(seed, stream(r, 0, trial, PURPOSE_MODEL)));
  const count = K * n;
  const training = new Float32Array(count * d);
  for (let k = 0; k < K; k++) {
    const labels = new Int32Array(n).fill(k);
    training.set(sampleLowRankMixture(model, labels, new Rng(seed, stream(r, 0, trial, PURPOSE_DATA + k))), k * n * d);
  }
  const rng = new Rng(seed, stream(r, n, trial, PURPOSE_CLUSTER));
  const learned =
    K === 1
      ? principalSubspace(training, count, d, r, { fill: rng }).basis
      : (await kSubspaces(training, count, d, { K, r, restarts: K_SUBSPACES_RESTARTS, maxIterations: K_SUBSPACES_MAX_ITERATIONS, onIteration }, rng)).bases;
  const { errors } = matchSubspaces(model.bases, learned, K, r, d);
  const generated = sampleFromBases(learned, K, r, d, TRANSITION_SAMPLES, new Rng(seed, stream(r, n, trial, PURPOSE_GENERATE)));
  const fresh = sampleFromBases(model.bases, K, r, d, TRANSITION_SAMPLES, new Rng(seed, stream(r, n, trial, PURPOSE_FRESH)));
  return {
    errors,
    memorized: memorizedFraction(nearestTwo(generated, TRANSITION_SAMPLES, training, count, d).ratio),
    baseline: memorizedFraction(nearestTwo(fresh, TRANSITION_SAMPLES, training, count, d).ratio),
    model,
    learned,
  };
}

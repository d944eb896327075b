import { defineExperiment } from '../experiment.ts';
import { param } from '../params.ts';
import type { Kernels } from '../kernels.ts';
import { Rng, hash32, normalAt } from '../random.ts';
import { geometricGrid } from '../time-grid.ts';
import { MEMORIZATION_RATIO, memorizedFraction, nearestTwo } from '../metrics.ts';
import { randomLowRankMixture, sampleFromBases, sampleLowRankMixture, withBases, type LowRankMixture } from '../lowrank/molrg.ts';
import { matchSubspaces } from '../lowrank/k-subspaces.ts';
import { fitLowRankDenoiser, K_SUBSPACES_RESTARTS } from '../lowrank/fit.ts';
import { reverseGenerate, type GeneratingDenoiser } from '../lowrank/reverse-generation.ts';
import { LOW_RANK_CHAPTER } from './low-rank-mixture.ts';

/**
 * A trial succeeds when every subspace is within this Frobenius distance of the truth. Below the
 * threshold (n < r) the noiseless error is at least √(2(d − r)/(d − r + 1)) ≈ 1.4 (the derived
 * formula at n = r − 1), so 0.5 separates the two regimes whatever d and r: it allows principal
 * angles of ~20° in one direction, or ~7° in each of eight.
 */
export const SUCCESS_TOLERANCE = 0.5;
/** Samples drawn per trial from the learned model, and from the true one for the chance floor. */
export const TRANSITION_SAMPLES = 32;

/**
 * The reverse process each trial runs with the learned denoiser and, from the same start and step
 * noise, with the empirical denoiser of the same training set: Euler–Maruyama on the reverse SDE
 * (science.md §1.3) over a geometric grid from T = 5 to t_min = 10⁻³ (§1.6), then each denoiser's
 * output x̂_0 at t_min. Four samples a trial make 32 a cell at the default eight trials, and 256
 * per n once the panel averages the eight rows of r: enough for fractions near 0 and near 1, at a
 * third of the run's time. Forty steps keep η/t ≈ 0.2, inside the stable range of the stiff drift
 * near t_min (its factor per step is about 1 − η/t), and x̂_0 removes the noise left at t_min, whose
 * discretization error would otherwise blur the ratio test; tests/core checks the learned run's law
 * against its Gaussians with finer steps.
 */
export interface ReverseSettings {
  samples: number;
  steps: number;
  tMax: number;
  tMin: number;
}
export const TRANSITION_REVERSE: ReverseSettings = { samples: 4, steps: 40, tMax: 5, tMin: 1e-3 };

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
/** Component k's samples use purpose 4 + k (K ≤ 4), at n = 0 only. */
const PURPOSE_DATA = 4;
/** The reverse process's start and step noise: purposes 4 and 5 at n ≥ 1, which the data never use. */
const PURPOSE_REVERSE_START = 4;
const PURPOSE_REVERSE_STEPS = 5;

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
    // 10 s, estimated 1 s by a d²-per-point model), plus d per point for PCA and the checks; then the
    // two reverse processes, steps × samples × d × (K·r for the learned denoiser, about K·n/4 for
    // the empirical one's kernel, and 10 for the two runs' step noise, which costs as much as
    // several projections: timed per step at 8 samples, d = 48), plus a fixed 250 a step for the
    // calls themselves, which is what small d costs (d = 4, K = 1 ran 1.6× its estimate without it).
    units: (p) =>
      p.trials *
      p.rValues.reduce(
        (s, r) =>
          s +
          p.nValues.reduce(
            (t, n) =>
              t +
              p.K * n * p.d * (100 * r + p.d) +
              TRANSITION_REVERSE.steps * (TRANSITION_REVERSE.samples * p.d * (10 + p.K * (r + n / 4)) + 2 * 250),
            0,
          ),
        0,
      ),
    // Fitted to CLI runs (elapsedMs less the CLI's 0.5 s setup) on the 2-core development machine
    // under load from parallel builds: 6851 and 10554 ms at the defaults, 1800 ms at trials = 2 d = 24.
    // Rescaled ×0.20 from that fit with `npm run bench:cost -w @diffusion-atlas/tests` on the quiet
    // machine (runLocal's elapsedMs, the run alone), plus 30 % headroom for a busy one. With the
    // reverse processes added (weights from per-step timings) the same constant still fits: at the
    // defaults 2.9 s measured against 3.9 s estimated at load 3.3, and at load 10 (measured/estimate,
    // before the fixed term, which adds 4 % at the defaults)
    // 1.45 at the defaults, 0.66 at trials = 2 d = 24, 1.45 at K = 1 d = 16 trials = 40, 0.95 at
    // K = 4 d = 128 trials = 2; at load 7, 0.8–1.0 at the defaults, 1.1 at d = 4 K = 1 r = 1, 2
    // n = 1…8 trials = 100 (with the fixed term), and at d = 64 r = 4, 16 n = 32, 128, 255, where
    // the K-subspaces term overestimates (0.4–0.7 over two runs).
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
    const memorizedLearned = new Float64Array(cells);
    const memorizedEmpirical = new Float64Array(cells);
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
        let learned = 0;
        let empirical = 0;
        for (let trial = 0; trial < p.trials; trial++) {
          const progress = (c + trial / p.trials) / cells;
          const checkpoint = () => ctx.checkpoint(progress);
          const o = await transitionTrial(p.d, p.K, rc, nc, p.noise, p.seed, trial, { kernels: ctx.kernels, onIteration: checkpoint, onStep: checkpoint });
          for (const e of o.errors) squared += e * e;
          if (Math.max(...o.errors) <= SUCCESS_TOLERANCE) successes++;
          mem += o.memorized;
          floor += o.baseline;
          learned += o.memorizedLearned;
          empirical += o.memorizedEmpirical;
          await ctx.checkpoint((c + (trial + 1) / p.trials) / cells);
        }
        subspaceError[c] = Math.sqrt(squared / (p.trials * p.K));
        successProbability[c] = successes / p.trials;
        memorized[c] = mem / p.trials;
        memorizedBaseline[c] = floor / p.trials;
        memorizedLearned[c] = learned / p.trials;
        memorizedEmpirical[c] = empirical / p.trials;
      }
    }
    const byN = (values: Float64Array): Float64Array =>
      Float64Array.from(p.nValues, (_, j) => {
        let sum = 0;
        for (let i = 0; i < rows; i++) sum += values[i * columns + j];
        return sum / rows;
      });
    return {
      n,
      r,
      subspaceError,
      subspaceErrorTheory,
      successProbability,
      memorizedFraction: memorized,
      memorizedBaseline,
      memorizedFractionLearned: memorizedLearned,
      memorizedFractionEmpirical: memorizedEmpirical,
      byN: {
        n: Float64Array.from(p.nValues),
        memorizedFractionLearned: byN(memorizedLearned),
        memorizedFractionEmpirical: byN(memorizedEmpirical),
        memorizedBaseline: byN(memorizedBaseline),
        memorizedFraction: byN(memorized),
      },
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
      reverseSamplesPerTrial: TRANSITION_REVERSE.samples,
      reverseSteps: TRANSITION_REVERSE.steps,
      reverseTMax: TRANSITION_REVERSE.tMax,
      reverseTMin: TRANSITION_REVERSE.tMin,
      subspaceErrorMeaning: 'root mean square over trials and subspaces of ‖ÛÛᵀ − UUᵀ‖_F after matching',
      subspaceErrorTheoryLabel: 'derived (science.md §4.3): noiseless PCA with n < r fills r − n directions at random, √(2(r − n)(d − r)/(d − n)); undefined (NaN) for n ≥ r, where the error is noise-limited',
      pca: 'uncentred: the model is zero-mean (centring would spend one sample on the mean and move the threshold to n = r + 1)',
      memorizedFractionMeaning:
        'fraction of exact draws from the learned Gaussians (where the learned model’s reverse process ends as t_min → 0 with exact integration, not a run of it) passing the ratio test against the training set: the reference memorizedFractionLearned must approach; memorizedBaseline is the same test on fresh samples of the true model, the chance floor (≈ k^r)',
      memorizedFractionLearnedMeaning:
        'fraction of samples generated by the reverse process (Euler–Maruyama on the reverse SDE, reverseSteps geometric steps from reverseTMax to reverseTMin, then the denoiser’s output x̂_0) with the learned low-rank denoiser that pass the ratio test against the training set',
      memorizedFractionEmpiricalMeaning:
        'the same for the exact empirical denoiser of the same training set, run from the same starts and step noise: the model able to memorize; with a single training point (K·n = 1) its samples count as copies and the learned model’s do not',
      byNMeaning: 'per n, the mean over the grid’s r values of the per-cell fractions',
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
      // Separate tables, so that the main one's CSV columns stay those it always had.
      reverse: {
        n: res.n,
        r: res.r,
        memorizedFractionLearned: res.memorizedFractionLearned,
        memorizedFractionEmpirical: res.memorizedFractionEmpirical,
        memorizedBaseline: res.memorizedBaseline,
      },
      byN: {
        n: res.byN.n,
        memorizedFractionLearned: res.byN.memorizedFractionLearned,
        memorizedFractionEmpirical: res.byN.memorizedFractionEmpirical,
        memorizedBaseline: res.byN.memorizedBaseline,
        memorizedFraction: res.byN.memorizedFraction,
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
  /** Ratio-test fraction of exact draws from the learned Gaussians. */
  memorized: number;
  /** The same for fresh samples of the true model: the chance floor. */
  baseline: number;
  /** Ratio-test fraction of the learned denoiser's reverse-process samples. */
  memorizedLearned: number;
  /** Ratio-test fraction of the empirical denoiser's reverse-process samples (same starts, same noise). */
  memorizedEmpirical: number;
  model: LowRankMixture;
  learned: Float64Array;
  /** K·n × d, component k's n points in block k. */
  training: Float32Array;
  /** The reverse process with the learned denoiser: state at t_min and output x̂_0. */
  learnedRun: { final: Float32Array; denoised: Float32Array };
  empiricalRun: { final: Float32Array; denoised: Float32Array };
}

export interface TrialOptions {
  kernels: Kernels;
  onIteration?: () => Promise<void>;
  onStep?: () => Promise<void>;
  /** The defaults are TRANSITION_REVERSE; tests change them. */
  reverse?: Partial<ReverseSettings>;
}

/**
 * One trial of one cell: orthogonal subspaces, n noisy samples on each, fit, match, then generate
 * by exact draws, by the reverse process with the learned denoiser, and by the reverse process with
 * the empirical denoiser of the same training set.
 */
export async function transitionTrial(
  d: number,
  K: number,
  r: number,
  n: number,
  noise: number,
  seed: number,
  trial: number,
  options: TrialOptions,
): Promise<TransitionTrial> {
  const model = randomLowRankMixture({ d, K, r, noise, orthogonal: true }, new Rng(seed, stream(r, 0, trial, PURPOSE_MODEL)));
  const count = K * n;
  const training = new Float32Array(count * d);
  for (let k = 0; k < K; k++) {
    const labels = new Int32Array(n).fill(k);
    training.set(sampleLowRankMixture(model, labels, new Rng(seed, stream(r, 0, trial, PURPOSE_DATA + k))), k * n * d);
  }
  const rng = new Rng(seed, stream(r, n, trial, PURPOSE_CLUSTER));
  const learned = (await fitLowRankDenoiser(training, count, { d, K, r }, rng, options.onIteration)).bases;
  const { errors } = matchSubspaces(model.bases, learned, K, r, d);
  const generated = sampleFromBases(learned, K, r, d, TRANSITION_SAMPLES, new Rng(seed, stream(r, n, trial, PURPOSE_GENERATE)));
  const fresh = sampleFromBases(model.bases, K, r, d, TRANSITION_SAMPLES, new Rng(seed, stream(r, n, trial, PURPOSE_FRESH)));

  const settings = { ...TRANSITION_REVERSE, ...options.reverse };
  const m = settings.samples;
  const start = new Float32Array(m * d);
  const startStream = stream(r, n, trial, PURPOSE_REVERSE_START);
  for (let i = 0; i < start.length; i++) start[i] = normalAt(seed, startStream, i);
  const grid = geometricGrid(settings.tMax, settings.tMin, settings.steps);
  // One step-noise seed per trial, shared by the two denoisers: their runs are paired.
  const stepSeed = hash32(seed, stream(r, n, trial, PURPOSE_REVERSE_STEPS), 0);
  const run = (denoiser: GeneratingDenoiser) =>
    reverseGenerate({ denoiser, kernels: options.kernels, start, m, grid, sampler: 'sde', seed: stepSeed, onStep: options.onStep });
  // The paper's parametrization: learned bases, no ambient-noise term.
  const learnedRun = await run({ kind: 'mixture', model: withBases(model, learned) });
  const empiricalRun = await run({ kind: 'empirical', training, count, d });
  // The ratio test needs two training points; with one, the empirical denoiser returns it exactly.
  const test = (x: Float32Array, single: number): number => (count > 1 ? memorizedFraction(nearestTwo(x, m, training, count, d).ratio) : single);
  return {
    errors,
    memorized: memorizedFraction(nearestTwo(generated, TRANSITION_SAMPLES, training, count, d).ratio),
    baseline: memorizedFraction(nearestTwo(fresh, TRANSITION_SAMPLES, training, count, d).ratio),
    memorizedLearned: test(learnedRun.denoised, 0),
    memorizedEmpirical: test(empiricalRun.denoised, 1),
    model,
    learned,
    training,
    learnedRun,
    empiricalRun,
  };
}

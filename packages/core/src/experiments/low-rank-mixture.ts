import { defineExperiment, type RunContext } from '../experiment.ts';
import { param } from '../params.ts';
import { ascending } from '../constraints.ts';
import { Rng, Streams, normalAt } from '../random.ts';
import { delta } from '../forward.ts';
import { geometricGrid } from '../time-grid.ts';
import { normalsOf, sampleBackward } from '../samplers.ts';
import { memorizedFraction, nearestTwo } from '../metrics.ts';
import {
  balancedLabels,
  knownComponentMmse,
  molrgDenoise,
  randomLabels,
  randomLowRankMixture,
  sampleLowRankMixture,
  withBases,
  type LowRankMixture,
} from '../lowrank/molrg.ts';
import { matchSubspaces } from '../lowrank/k-subspaces.ts';
import { fitLowRankDenoiser, K_SUBSPACES_MAX_ITERATIONS, K_SUBSPACES_RESTARTS } from '../lowrank/fit.ts';
import { generatingScore, type GeneratingDenoiser } from '../lowrank/reverse-generation.ts';

export const LOW_RANK_CHAPTER = 'low-dimensional-structure';

/**
 * Fresh test points: the errors' Monte Carlo standard error is then ≲ 4.5% of their value (the
 * squared error of one point has relative spread ≤ √2, reached for r = 1).
 */
export const MIXTURE_TEST_POINTS = 1000;
/** Generated samples per denoiser; their paths are the 3-D view's trajectories. */
const GENERATED = 24;
/** Reverse SDE from T = 5 (Δ_T = 1 − 5·10⁻⁵) to 10⁻³ on a geometric grid (science.md §1.6). */
const GEN_T_MAX = 5;
const GEN_T_MIN = 1e-3;
const GEN_STEPS = 200;
const FRAME_EVERY = 5;
/** Queries per empirical-denoiser call: bounds the time between checkpoints at large K·n·d. */
const QUERY_CHUNK = 100;

const BASE_STREAM = 11;
const TEST_STREAM = 12;
const CLUSTER_STREAM = 13;
/**
 * One forward noise z for every time: x_t = e^{−t} x_0 + √Δ_t z. The curves are then smooth in t
 * (their Monte Carlo error is a slowly varying offset, not jitter from point to point).
 */
const NOISE_STREAM = 14;

export const lowRankMixture = defineExperiment({
  name: 'low-rank-mixture',
  title: 'A mixture of low-rank Gaussians: optimal, trained and memorizing denoisers',
  summary:
    'Data on K random r-dimensional subspaces of R^d: the exact posterior-mean denoiser, the same denoiser with subspaces learned from n samples each by subspace clustering, and the empirical denoiser that memorizes them, compared by their denoising error on fresh points over t.',
  chapter: LOW_RANK_CHAPTER,
  params: {
    d: param.int({ label: 'Ambient dimension', symbol: 'd', min: 2, max: 64, default: 3 }),
    K: param.int({ label: 'Subspaces', symbol: 'K', min: 1, max: 6, default: 2 }),
    r: param.int({ label: 'Subspace dimension', symbol: 'r', min: 1, max: 32, default: 1 }),
    n: param.int({ label: 'Samples per subspace', symbol: 'n', min: 1, max: 1000, default: 40, scale: 'log' }),
    noise: param.number({
      label: 'Ambient noise',
      symbol: 'σ',
      min: 0,
      max: 0.5,
      default: 0,
      help: 'Standard deviation of isotropic noise added to every data point; 0 is the paper’s exactly low-rank model.',
    }),
    orthogonal: param.boolean({
      label: 'Orthogonal subspaces',
      default: true,
      help: 'Mutually orthogonal subspaces (the theory’s assumption, needs K·r ≤ d); otherwise each is drawn independently at random.',
    }),
    tMin: param.number({ label: 'Smallest time', symbol: 't_min', min: 1e-4, max: 1, default: 0.005, scale: 'log' }),
    tMax: param.number({ label: 'Largest time', symbol: 't_max', min: 0.01, max: 10, default: 3, scale: 'log' }),
    points: param.int({ label: 'Time points', min: 4, max: 100, default: 24 }),
    seed: param.int({ label: 'Seed', min: 0, max: 2147483647, default: 1 }),
  },
  constraints: [
    ascending('tMin', 'tMax'),
    {
      id: 'r-below-d',
      params: ['r', 'd'],
      rule: 'r < d',
      holds: (p) => p.r < p.d,
      message: (p) => `r (${p.r}) must be smaller than d (${p.d}): a subspace of full dimension has no low-rank structure`,
      repair: (p) => ({ r: p.d - 1 }),
    },
    {
      id: 'orthogonal-fit',
      params: ['K', 'r', 'd', 'orthogonal'],
      rule: 'K·r ≤ d when orthogonal',
      holds: (p) => !p.orthogonal || p.K * p.r <= p.d,
      message: (p) =>
        `orthogonal subspaces need K·r ≤ d (got K·r = ${p.K * p.r}, d = ${p.d}); lower K or r, or set orthogonal false`,
      // Fewer subspaces keeps each one's dimension, the figure's subject; r shrinks only when even K = 1 does not fit.
      repair: (p) => (Math.floor(p.d / p.r) >= 1 ? { K: Math.floor(p.d / p.r) } : { K: 1, r: p.d - 1 }),
    },
  ],
  cost: {
    drivers: ['K', 'n', 'd', 'points', 'r'],
    // Every generation step and test point at every time queries the empirical denoiser (K·n
    // distances in d) and the two mixture denoisers (K projections of rank r, about ten times
    // the work per coordinate: found by the fuzz test, which met d = 64, K = 6, n = 1 taking
    // seconds that the empirical term alone put at a few milliseconds), plus K-subspaces restarts.
    units: (p) =>
      (GEN_STEPS * GENERATED + MIXTURE_TEST_POINTS * p.points) * p.K * p.d * (p.n + 10 * (2 * p.r + 2)) +
      K_SUBSPACES_RESTARTS * K_SUBSPACES_MAX_ITERATIONS * p.K * p.n * p.d * p.r,
    // Fitted to CLI runs (elapsedMs less the CLI's 0.5 s setup) on the 2-core development machine
    // under load from parallel builds: 976 and 2211 ms at the defaults, 1904 ms at d = 16 n = 100 K = 3 r = 4.
    // Rescaled ×0.13 from that fit with `npm run bench:cost -w @diffusion-atlas/tests` on the quiet
    // machine (runLocal's elapsedMs, the run alone), plus 30 % headroom for a busy one.
    secondsPerUnit: 6.5e-10,
    baseSeconds: 0.091,
  },
  async run(p, ctx) {
    const { d, K, r, n } = p;
    const model = randomLowRankMixture({ d, K, r, noise: p.noise, orthogonal: p.orthogonal }, new Rng(p.seed, BASE_STREAM));
    const trainingLabels = balancedLabels(K, n);
    const training = sampleLowRankMixture(model, trainingLabels, new Rng(p.seed, Streams.data));
    const count = K * n;

    // Training the MoLRG-parametrized denoiser = PCA for K = 1, K-subspace clustering for K > 1.
    const fit = await fitLowRankDenoiser(training, count, { d, K, r }, new Rng(p.seed, CLUSTER_STREAM), () => ctx.checkpoint(0.02));
    const matching = matchSubspaces(model.bases, fit.bases, K, r, d);
    // Reorder so that learned block k faces true block k, and cluster labels name true components.
    const learnedBases = new Float64Array(K * r * d);
    const toTrue = new Int32Array(K);
    for (let k = 0; k < K; k++) {
      const l = matching.assignment[k];
      learnedBases.set(fit.bases.subarray(l * r * d, (l + 1) * r * d), k * r * d);
      toTrue[l] = k;
    }
    const learnedLabels = fit.labels.map((l) => toTrue[l]);
    const trained = withBases(model, learnedBases);
    await ctx.checkpoint(0.05);

    const t = geometricGrid(p.tMax, p.tMin, p.points - 1).reverse();
    const testRng = new Rng(p.seed, TEST_STREAM);
    const test = sampleLowRankMixture(model, randomLabels(K, MIXTURE_TEST_POINTS, testRng), testRng);
    // NaN marks a time not measured yet and a frame not reached yet, which a partial result leaves out.
    const unmeasured = (): Float64Array => new Float64Array(t.length).fill(Number.NaN);
    const mseOptimal = unmeasured();
    const mseTrained = unmeasured();
    const mseEmpirical = unmeasured();
    const mseOptimalStdErr = unmeasured();
    const mseTrainedStdErr = unmeasured();
    const mseEmpiricalStdErr = unmeasured();
    // The known-component bound is a closed form: known before the run, and in every partial result.
    const mseKnownComponent = Float64Array.from(t, (ti) => knownComponentMmse(d, r, p.noise, ti));

    const grid = geometricGrid(GEN_T_MAX, GEN_T_MIN, GEN_STEPS);
    const frameCount = Math.floor(GEN_STEPS / FRAME_EVERY) + 1;
    const frameTimes = new Float64Array(frameCount);
    for (let f = 0; f < frameCount; f++) frameTimes[f] = grid[f * FRAME_EVERY];
    const start = new Float32Array(GENERATED * d);
    for (let i = 0; i < start.length; i++) start[i] = normalAt(p.seed, Streams.init, i);
    const generation = (): Generation => {
      const frames = new Float32Array(frameCount * GENERATED * d).fill(Number.NaN);
      frames.set(start, 0);
      return { frames, samples: new Float32Array(GENERATED * d).fill(Number.NaN), memorized: Number.NaN };
    };
    const runs: Record<Driver, Generation> = { optimal: generation(), trained: generation(), empirical: generation() };

    /** The final result, or (`copy`) a partial one: the errors measured and the frames generated so far. */
    const assemble = (copy: boolean) => {
      const own = <T extends Float32Array | Float64Array | Int32Array>(a: T): T => (copy ? (a.slice() as T) : a);
      return {
        d,
        K,
        r,
        n,
        t: own(t),
        mseOptimal: own(mseOptimal),
        mseTrained: own(mseTrained),
        mseEmpirical: own(mseEmpirical),
        mseKnownComponent: own(mseKnownComponent),
        mseOptimalStdErr: own(mseOptimalStdErr),
        mseTrainedStdErr: own(mseTrainedStdErr),
        mseEmpiricalStdErr: own(mseEmpiricalStdErr),
        testPoints: MIXTURE_TEST_POINTS,
        subspaceError: own(matching.errors),
        bases: Float64Array.from(model.bases),
        learnedBases: own(learnedBases),
        basisLayout: 'K × r × d row-major: row j of block k is the j-th unit basis vector of subspace k; learned block k is matched to true block k',
        training: own(training),
        trainingLabels: own(trainingLabels),
        learnedLabels: own(learnedLabels),
        generated: GENERATED,
        frameTimes: own(frameTimes),
        trajectoriesOptimal: own(runs.optimal.frames),
        trajectoriesEmpirical: own(runs.empirical.frames),
        trajectoriesTrained: own(runs.trained.frames),
        trajectoryLayout: 'frames × generated × d row-major; frame f is the state at frameTimes[f], from t = 5 down to 10⁻³',
        samplesOptimal: own(runs.optimal.samples),
        samplesEmpirical: own(runs.empirical.samples),
        samplesTrained: own(runs.trained.samples),
        memorizedFractionOptimal: runs.optimal.memorized,
        memorizedFractionEmpirical: runs.empirical.memorized,
        memorizedFractionTrained: runs.trained.memorized,
      };
    };
    // The first frame: the training points and the subspaces, true and learned, before any error is measured.
    ctx.partial(0.05, () => assemble(true));

    for (let i = 0; i < t.length; i++) {
      // One set of noised points for all three denoisers: their differences carry less noise.
      const e = await denoisingErrors(model, trained, training, count, test, t[i], p.seed, NOISE_STREAM, ctx, 0.05 + (0.45 * i) / t.length);
      mseOptimal[i] = e.optimal.mean;
      mseTrained[i] = e.trained.mean;
      mseEmpirical[i] = e.empirical.mean;
      mseOptimalStdErr[i] = e.optimal.stdErr;
      mseTrainedStdErr[i] = e.trained.stdErr;
      mseEmpiricalStdErr[i] = e.empirical.stdErr;
      ctx.partial(0.05 + (0.45 * (i + 1)) / t.length, () => assemble(true));
    }

    // Paired generation: one start and one noise sequence (the sampler's step stream) for all three.
    const denoiserOf = (which: Driver): GeneratingDenoiser =>
      which === 'optimal' ? { kind: 'mixture', model } : which === 'trained' ? { kind: 'mixture', model: trained } : { kind: 'empirical', training, count, d };
    const generate = async (which: Driver, from: number): Promise<void> => {
      const run = runs[which];
      const samples = await sampleBackward({
        score: generatingScore(denoiserOf(which), ctx.kernels),
        start,
        m: GENERATED,
        grid,
        sampler: 'sde',
        seed: p.seed,
        normals: normalsOf(ctx.kernels),
        onStep: async (k, x) => {
          if (k % FRAME_EVERY === 0) run.frames.set(x, (k / FRAME_EVERY) * GENERATED * d);
          const fraction = from + (0.16 * k) / GEN_STEPS;
          await ctx.checkpoint(fraction);
          ctx.partial(fraction, () => assemble(true));
        },
      });
      run.samples = samples;
      run.memorized = memorizedFraction(nearestTwo(samples, GENERATED, training, count, d).ratio);
    };
    await generate('optimal', 0.5);
    // The learned (trained) denoiser run by the same reverse process: its samples are generated, not
    // drawn from the learned Gaussians, so whether they copy training points is measured, not assumed.
    await generate('trained', 0.66);
    await generate('empirical', 0.82);
    await ctx.checkpoint(1);

    return assemble(false);
  },
  tables(res) {
    const components = Float64Array.from({ length: res.K }, (_, k) => k);
    return {
      errors: {
        t: res.t,
        mseOptimal: res.mseOptimal,
        mseTrained: res.mseTrained,
        mseEmpirical: res.mseEmpirical,
        mseKnownComponent: res.mseKnownComponent,
        mseOptimalStdErr: res.mseOptimalStdErr,
        mseTrainedStdErr: res.mseTrainedStdErr,
        mseEmpiricalStdErr: res.mseEmpiricalStdErr,
      },
      subspaces: { component: components, subspaceError: res.subspaceError },
      summary: {
        memorizedFractionOptimal: [res.memorizedFractionOptimal],
        memorizedFractionEmpirical: [res.memorizedFractionEmpirical],
        memorizedFractionTrained: [res.memorizedFractionTrained],
        testPoints: [res.testPoints],
      },
    };
  },
});

/** The three denoisers that generate: the exact one, the one learned from the samples, the memorizing one. */
type Driver = 'optimal' | 'trained' | 'empirical';

/** One denoiser's generation: its frames (NaN until reached), its samples and memorized fraction (NaN until done). */
interface Generation {
  frames: Float32Array;
  samples: Float32Array;
  memorized: number;
}

/** Mean over test points of the summed squared error, with its Monte Carlo standard error. */
interface ErrorEstimate {
  mean: number;
  stdErr: number;
}

/** Per-point squared errors, accumulated into sums of e and e² (Float64). */
class ErrorSums {
  sum = 0;
  sum2 = 0;
  count = 0;

  add(estimate: Float32Array, truth: Float32Array, offset: number, d: number): void {
    for (let i = 0; i < estimate.length; i += d) {
      let e = 0;
      for (let l = 0; l < d; l++) {
        const diff = estimate[i + l] - truth[offset + i + l];
        e += diff * diff;
      }
      this.sum += e;
      this.sum2 += e * e;
      this.count++;
    }
  }

  estimate(): ErrorEstimate {
    const mean = this.sum / this.count;
    return { mean, stdErr: Math.sqrt(Math.max(0, this.sum2 / this.count - mean * mean) / this.count) };
  }
}

/**
 * E|x̂_0 − x_0|² summed over coordinates, averaged over the test points, for the exact MoLRG
 * denoiser, the same formula with learned bases (σ = 0: the paper's parametrization has no noise
 * term), and the empirical denoiser of the training set.
 */
async function denoisingErrors(
  model: LowRankMixture,
  trained: LowRankMixture,
  training: Float32Array,
  count: number,
  test: Float32Array,
  t: number,
  seed: number,
  stream: number,
  ctx: RunContext,
  progress: number,
): Promise<{ optimal: ErrorEstimate; trained: ErrorEstimate; empirical: ErrorEstimate }> {
  const d = model.d;
  const m = test.length / d;
  const a = Math.exp(-t);
  const s = Math.sqrt(delta(t));
  const noised = new Float32Array(test.length);
  for (let i = 0; i < test.length; i++) noised[i] = a * test[i] + s * normalAt(seed, stream, i);
  const optimal = new ErrorSums();
  optimal.add(molrgDenoise(model, noised, m, t).mean, test, 0, d);
  const trainedError = new ErrorSums();
  trainedError.add(molrgDenoise(trained, noised, m, t).mean, test, 0, d);
  const empirical = new ErrorSums();
  for (let from = 0; from < m; from += QUERY_CHUNK) {
    const rows = Math.min(QUERY_CHUNK, m - from);
    const { mean } = ctx.kernels.softmaxDenoise({
      queries: noised.subarray(from * d, (from + rows) * d),
      m: rows,
      centres: training,
      n: count,
      d,
      scale: a,
      variance: delta(t),
    });
    empirical.add(mean, test, from * d, d);
    await ctx.checkpoint(progress);
  }
  return { optimal: optimal.estimate(), trained: trainedError.estimate(), empirical: empirical.estimate() };
}

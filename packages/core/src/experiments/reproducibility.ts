import { defineExperiment, type RunContext } from '../experiment.ts';
import { AtlasError } from '../errors.ts';
import { ascending } from '../constraints.ts';
import { param } from '../params.ts';
import { Rng, normalAt } from '../random.ts';
import { delta } from '../forward.ts';
import { geometricGrid } from '../time-grid.ts';
import { normalsOf, sampleBackward } from '../samplers.ts';
import { empiricalScore } from '../scores/empirical.ts';
import { memorizedFraction, nearestTwo } from '../metrics.ts';
import {
  balancedLabels,
  molrgDenoise,
  molrgScore,
  randomLowRankMixture,
  sampleLowRankMixture,
  withBases,
  type LowRankMixture,
} from '../lowrank/molrg.ts';
import { principalSubspace } from '../lowrank/pca.ts';
import { kSubspaces, matchSubspaces } from '../lowrank/k-subspaces.ts';
import { LOW_RANK_CHAPTER } from './low-rank-mixture.ts';
import { K_SUBSPACES_MAX_ITERATIONS, K_SUBSPACES_RESTARTS } from '../lowrank/fit.ts';

/**
 * Streams. The two training sets are drawn from disjoint streams, so they share no point; the
 * shared initial noises come from their own stream and are the same for every model and every n.
 */
const BASE_STREAM = 31;
const SET_A_STREAM = 32;
const SET_B_STREAM = 33;
const FIT_A_STREAM = 34;
const FIT_B_STREAM = 35;
const START_STREAM = 36;
/** Work units each n costs beyond the samplers (see `cost`): about 0.08 s on the development machine. */
const PER_N_UNITS = 8e7;
/** Queries per empirical-denoiser call at the last step: bounds the time between checkpoints. */
const QUERY_CHUNK = 200;

/** What each field of the result means (it travels with the numbers). */
const MEANING = {
  reproducibilityLearnedDisjoint: 'fraction of shared noises where the low-rank denoisers trained on the disjoint sets A and B give samples within agreementDistance',
  reproducibilityEmpiricalDisjoint: 'the same for the exact empirical denoisers of A and of B',
  reproducibilityLearnedEmpirical: 'the same for the low-rank denoiser and the empirical denoiser of one set A',
  memorizedFraction: 'ratio test (k = 1/3) of each model’s samples against its own training set A; with a single training point the empirical model counts as memorizing and the learned one does not',
  nearestDistanceEmpirical: 'largest distance from an empirical-denoiser sample to its nearest training point',
  meanSquaredDistanceLearned: 'mean over noises of |x_A − x_B|² for the two learned models; for K = 1 it equals e^{−2 t_min} ‖P_A − P_B‖_F² (projectorDistanceSquaredLearned) in expectation',
  sampler: 'Heun on the probability-flow ODE over a geometric grid T → t_min, then x̂_0 of each model at t_min',
};

/**
 * Consistent model reproducibility (Zhang et al., arXiv 2310.05264) on the mixture of low-rank
 * Gaussians: several models, one shared set of initial noises, one deterministic sampler (Heun on
 * the probability-flow ODE, then the denoiser's output x̂_0 at t_min, as DDIM returns x̂_0 at its
 * last step). Two samples from the same noise count as the same when they lie within
 * `closeness`·√r of each other (√r is the root-mean-square norm of a data point for σ = 0); the
 * reproducibility score of a pair of models is the fraction of shared noises whose two samples do.
 *
 * Models: the MoLRG-parametrized denoiser trained (PCA for K = 1, K-subspace clustering for K > 1)
 * on set A and, separately, on a disjoint set B of the same size; and the exact empirical
 * denoisers of A and of B, which any model that fits its training set perfectly reproduces.
 */
export const reproducibility = defineExperiment({
  name: 'reproducibility',
  title: 'Reproducibility: same noise, same sample, in both regimes',
  summary:
    'Learned low-rank denoisers and exact empirical denoisers, trained on the same set and on disjoint sets of n samples per subspace, run from the same initial noises with a deterministic sampler: the fraction of noises whose two samples agree, against n.',
  chapter: LOW_RANK_CHAPTER,
  params: {
    d: param.int({ label: 'Ambient dimension', symbol: 'd', min: 2, max: 64, default: 8 }),
    K: param.int({ label: 'Subspaces', symbol: 'K', min: 1, max: 4, default: 2 }),
    r: param.int({ label: 'Subspace dimension', symbol: 'r', min: 1, max: 16, default: 2 }),
    nValues: param.numberList({
      label: 'Samples per subspace',
      symbol: 'n',
      min: 1,
      max: 2000,
      minItems: 1,
      maxItems: 32,
      integer: true,
      default: [1, 2, 3, 4, 6, 8, 16, 32, 64, 128],
    }),
    noise: param.number({
      label: 'Ambient noise',
      symbol: 'σ',
      min: 0,
      max: 0.5,
      default: 0.05,
      help: 'Standard deviation of isotropic noise on every training point: with σ > 0 two disjoint sets never give exactly the same subspaces.',
    }),
    noises: param.int({ label: 'Shared initial noises', symbol: 'm', min: 4, max: 2000, default: 100, scale: 'log' }),
    steps: param.int({ label: 'Sampler steps', symbol: 'L', min: 20, max: 2000, default: 100, scale: 'log' }),
    tMax: param.number({ label: 'Start time', symbol: 'T', min: 1, max: 10, default: 5 }),
    tMin: param.number({ label: 'End time', symbol: 't_min', min: 1e-4, max: 0.1, default: 1e-3, scale: 'log' }),
    closeness: param.number({
      label: 'Agreement distance',
      symbol: 'δ',
      min: 0.001,
      max: 1,
      default: 0.1,
      scale: 'log',
      help: 'Two samples agree when they are within δ·√r of each other.',
    }),
    seed: param.int({ label: 'Seed', min: 0, max: 2147483647, default: 1 }),
  },
  constraints: [
    ascending('tMin', 'tMax'),
    {
      id: 'r-below-d',
      params: ['r', 'd'],
      rule: 'r < d',
      holds: (p) => p.r < p.d,
      message: (p) => `r (${p.r}) must be smaller than d (${p.d})`,
      repair: (p) => ({ r: p.d - 1 }),
    },
    {
      id: 'orthogonal-fit',
      params: ['K', 'r', 'd'],
      rule: 'K·r ≤ d (orthogonal subspaces)',
      holds: (p) => p.K * p.r <= p.d,
      message: (p) => `orthogonal subspaces need K·r ≤ d (got K·r = ${p.K * p.r}, d = ${p.d}); lower K or r`,
      repair: (p) => ({ K: Math.max(1, Math.floor(p.d / p.r)) }),
    },
  ],
  cost: {
    drivers: ['nValues', 'noises', 'steps', 'd', 'K', 'r'],
    // For each n, four models run the Heun sampler (two score calls a step) from m shared noises:
    // the two empirical denoisers cost K·n distances in d per call, the two low-rank ones K
    // projections of rank r (about 20(r + 1) per coordinate, as in low-rank-mixture); weights 2n
    // and 40(r + 1) are the fitted sum of both pairs. Each n also pays a fixed share (the
    // K-subspace restarts, whose checkpoints yield, and the ratio tests), found from many small n.
    units: (p) => {
      let total = 0;
      for (const n of new Set(p.nValues)) total += p.steps * p.noises * p.K * p.d * (2 * n + 40 * (p.r + 1)) + PER_N_UNITS;
      return total;
    },
    // Fitted to CLI runs (elapsedMs less the CLI's 0.5 s setup) on the 2-core development machine
    // under load from parallel builds: 1627 ms at the defaults (estimate 1.1 s); 423 ms at
    // nValues = 4,16, m = 50 (0.19 s); 555 ms at d = 16, r = 4, nValues = 8,64, m = 200, L = 50
    // (0.27 s); 8632 ms at d = 32, r = 4, nValues = 200,1000, m = 400 (7.3 s); 3877 ms at K = 4,
    // r = 1, nValues = 1,2,4, m = 2000, L = 200 (3.5 s).
    // Rescaled ×0.56 from that fit with `npm run bench:cost -w @diffusion-atlas/tests` on the quiet
    // machine (runLocal's elapsedMs, the run alone), plus 30 % headroom for a busy one.
    secondsPerUnit: 5.6e-10,
    baseSeconds: 0.028,
  },
  async run(p, ctx) {
    const { d, K, r } = p;
    const nValues = [...new Set(p.nValues)].sort((a, b) => a - b);
    const model = randomLowRankMixture({ d, K, r, noise: p.noise, orthogonal: true }, new Rng(p.seed, BASE_STREAM));
    const nMax = nValues[nValues.length - 1];
    // Each set grows by appending: the n samples of subspace k at size n are the first n of size nMax.
    const poolA = sampleLowRankMixture(model, balancedLabels(K, nMax), new Rng(p.seed, SET_A_STREAM));
    const poolB = sampleLowRankMixture(model, balancedLabels(K, nMax), new Rng(p.seed, SET_B_STREAM));
    const m = p.noises;
    const start = new Float32Array(m * d);
    for (let i = 0; i < start.length; i++) start[i] = normalAt(p.seed, START_STREAM, i);
    const grid = geometricGrid(p.tMax, p.tMin, p.steps);
    const threshold = p.closeness * Math.sqrt(r);

    const columns = nValues.length;
    // NaN marks a size not run yet, which a partial result leaves out.
    const column = (): Float64Array => new Float64Array(columns).fill(Number.NaN);
    const out = {
      learnedDisjoint: column(),
      empiricalDisjoint: column(),
      learnedEmpirical: column(),
      memorizedLearned: column(),
      memorizedEmpirical: column(),
      nearestDistanceEmpirical: column(),
      squaredDistanceLearned: column(),
      projectorDistanceSquared: column(),
      subspaceErrorA: column(),
    };
    /** The final result, or (`copy`) a partial one with the sizes run so far. */
    const assemble = (copy: boolean) => {
      const own = (a: Float64Array): Float64Array => (copy ? a.slice() : a);
      return {
        d,
        K,
        r,
        noise: p.noise,
        nValues: Float64Array.from(nValues),
        noises: m,
        closeness: p.closeness,
        agreementDistance: threshold,
        reproducibilityLearnedDisjoint: own(out.learnedDisjoint),
        reproducibilityEmpiricalDisjoint: own(out.empiricalDisjoint),
        reproducibilityLearnedEmpirical: own(out.learnedEmpirical),
        memorizedFractionLearned: own(out.memorizedLearned),
        memorizedFractionEmpirical: own(out.memorizedEmpirical),
        nearestDistanceEmpirical: own(out.nearestDistanceEmpirical),
        meanSquaredDistanceLearned: own(out.squaredDistanceLearned),
        projectorDistanceSquaredLearned: own(out.projectorDistanceSquared),
        subspaceErrorLearned: own(out.subspaceErrorA),
        meaning: MEANING,
      };
    };
    for (let j = 0; j < columns; j++) {
      const n = nValues[j];
      const setA = firstPerComponent(poolA, K, nMax, n, d);
      const setB = firstPerComponent(poolB, K, nMax, n, d);
      const count = K * n;
      // progress (j + f)/columns from integers, so that the end of one n is exactly the start of the next
      const at = (f: number): number => (j + f) / columns;
      const from = at(0);
      const learnedA = await fitDenoiser(model, setA, count, new Rng(p.seed, FIT_A_STREAM + 16 * j), ctx, from);
      const learnedB = await fitDenoiser(model, setB, count, new Rng(p.seed, FIT_B_STREAM + 16 * j), ctx, from);

      const samplesLA = await runLearned(learnedA, start, m, grid, p.seed, ctx, at(0.1));
      const samplesLB = await runLearned(learnedB, start, m, grid, p.seed, ctx, at(0.2));
      const samplesEA = await runEmpirical(setA, count, d, start, m, grid, p.seed, ctx, at(0.3));
      const samplesEB = await runEmpirical(setB, count, d, start, m, grid, p.seed, ctx, at(0.6));

      out.learnedDisjoint[j] = agreement(samplesLA, samplesLB, m, d, threshold);
      out.empiricalDisjoint[j] = agreement(samplesEA, samplesEB, m, d, threshold);
      out.learnedEmpirical[j] = agreement(samplesLA, samplesEA, m, d, threshold);
      out.squaredDistanceLearned[j] = meanSquaredDistance(samplesLA, samplesLB, m, d);
      const matching = matchSubspaces(learnedA.bases, learnedB.bases, K, r, d);
      out.projectorDistanceSquared[j] = matching.errors.reduce((s, e) => s + e * e, 0) / K;
      out.subspaceErrorA[j] = matchSubspaces(model.bases, learnedA.bases, K, r, d).errors.reduce((s, e) => Math.max(s, e), 0);
      const nearA = nearestTwo(samplesEA, m, setA, count, d);
      out.memorizedEmpirical[j] = count > 1 ? memorizedFraction(nearA.ratio) : 1;
      out.nearestDistanceEmpirical[j] = largestDistanceToNearest(samplesEA, setA, nearA.nearest, m, d);
      out.memorizedLearned[j] = count > 1 ? memorizedFraction(nearestTwo(samplesLA, m, setA, count, d).ratio) : 0;
      if (j < columns - 1) ctx.partial(at(1), () => assemble(true));
      await ctx.checkpoint(at(1));
    }

    return assemble(false);
  },
  tables(res) {
    return {
      reproducibility: {
        n: res.nValues,
        learnedDisjoint: res.reproducibilityLearnedDisjoint,
        empiricalDisjoint: res.reproducibilityEmpiricalDisjoint,
        learnedEmpirical: res.reproducibilityLearnedEmpirical,
        memorizedLearned: res.memorizedFractionLearned,
        memorizedEmpirical: res.memorizedFractionEmpirical,
        meanSquaredDistanceLearned: res.meanSquaredDistanceLearned,
        projectorDistanceSquaredLearned: res.projectorDistanceSquaredLearned,
        subspaceErrorLearned: res.subspaceErrorLearned,
      },
      summary: { agreementDistance: [res.agreementDistance], noises: [res.noises] },
    };
  },
});

/** The first n points of each component's block of nMax (pools are balanced, in blocks). */
function firstPerComponent(pool: Float32Array, K: number, nMax: number, n: number, d: number): Float32Array {
  const set = new Float32Array(K * n * d);
  for (let k = 0; k < K; k++) set.set(pool.subarray(k * nMax * d, (k * nMax + n) * d), k * n * d);
  return set;
}

/** Training the MoLRG-parametrized denoiser (no noise term, as in the paper): PCA or K-subspaces. */
async function fitDenoiser(model: LowRankMixture, x: Float32Array, count: number, rng: Rng, ctx: RunContext, progress: number): Promise<LowRankMixture> {
  const { d, K, r } = model;
  const bases =
    K === 1
      ? principalSubspace(x, count, d, r, { fill: rng }).basis
      : (
          await kSubspaces(
            x,
            count,
            d,
            { K, r, restarts: K_SUBSPACES_RESTARTS, maxIterations: K_SUBSPACES_MAX_ITERATIONS, onIteration: () => ctx.checkpoint(progress) },
            rng,
          )
        ).bases;
  return withBases(model, bases);
}

async function runLearned(model: LowRankMixture, start: Float32Array, m: number, grid: Float64Array, seed: number, ctx: RunContext, progress: number): Promise<Float32Array> {
  const x = await sampleBackward({ score: molrgScore(model), start, m, grid, sampler: 'ode', seed, normals: normalsOf(ctx.kernels), onStep: () => ctx.checkpoint(progress) });
  return molrgDenoise(model, x, m, grid[grid.length - 1]).mean;
}

async function runEmpirical(
  training: Float32Array,
  count: number,
  d: number,
  start: Float32Array,
  m: number,
  grid: Float64Array,
  seed: number,
  ctx: RunContext,
  progress: number,
): Promise<Float32Array> {
  const x = await sampleBackward({ score: empiricalScore(training, count, d, ctx.kernels), start, m, grid, sampler: 'ode', seed, normals: normalsOf(ctx.kernels), onStep: () => ctx.checkpoint(progress) });
  const t = grid[grid.length - 1];
  const denoised = new Float32Array(m * d);
  for (let from = 0; from < m; from += QUERY_CHUNK) {
    const rows = Math.min(QUERY_CHUNK, m - from);
    const { mean } = ctx.kernels.softmaxDenoise({
      queries: x.subarray(from * d, (from + rows) * d),
      m: rows,
      centres: training,
      n: count,
      d,
      scale: Math.exp(-t),
      variance: delta(t),
    });
    denoised.set(mean, from * d);
  }
  return denoised;
}

/** The reproducibility score: the fraction of rows i with |a_i − b_i| ≤ threshold. */
export function agreement(a: Float32Array, b: Float32Array, m: number, d: number, threshold: number): number {
  let close = 0;
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let l = 0; l < d; l++) {
      const diff = a[i * d + l] - b[i * d + l];
      s += diff * diff;
    }
    if (Math.sqrt(s) <= threshold) close++;
  }
  return close / m;
}

function meanSquaredDistance(a: Float32Array, b: Float32Array, m: number, d: number): number {
  let s = 0;
  for (let i = 0; i < m * d; i++) s += (a[i] - b[i]) ** 2;
  return s / m;
}

/** max_i |x_i − a_{nearest(i)}|: how far the farthest sample sits from its nearest training point. */
function largestDistanceToNearest(x: Float32Array, training: Float32Array, nearest: Int32Array, m: number, d: number): number {
  let worst = 0;
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let l = 0; l < d; l++) s += (x[i * d + l] - training[nearest[i] * d + l]) ** 2;
    worst = Math.max(worst, Math.sqrt(s));
  }
  return worst;
}

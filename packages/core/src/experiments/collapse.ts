import { defineExperiment } from '../experiment.ts';
import { param } from '../params.ts';
import { ascending } from '../constraints.ts';
import { Rng, Streams, normalAt } from '../random.ts';
import type { GaussianMixture } from '../data/mixture.ts';
import { sampleMixture } from '../data/mixture.ts';
import { twoClassMixture } from '../data/two-class.ts';
import { empiricalScore } from '../scores/empirical.ts';
import { geometricGrid } from '../time-grid.ts';
import { normalsOf, sampleBackward } from '../samplers.ts';
import { memorizationBaselineTheory, memorizedFraction, nearestTwo } from '../metrics.ts';
import { topCovarianceEigenvalue } from '../linalg/power-iteration.ts';
import { collapseTimeGaussian, speciationTime, twoClassTopEigenvalue } from '../theory/collapse-time.ts';
import { empiricalExcessEntropy, excessEntropyGaussian, excessEntropyTwoClass } from '../theory/excess-entropy.ts';
import { largestZero, lastCrossing } from '../theory/crossing.ts';

/** Time points of the excess-entropy curve (geometric, from ENTROPY_T_MIN to tMax). */
export const ENTROPY_POINTS = 24;
const ENTROPY_T_MIN = 0.02;
/** Counter stream of the entropy probes (it and the next one). */
export const PROBE_STREAM = 50;

const VIEW_TRAJECTORIES = 16;
/** How the view trajectories are laid out (count × frames, row-major, frame times in t). */
const PROJECTION_AXES = 'alongMean = m̂·x with m̂ = (1, …, 1)/√d; alongRandom = e·x with e a seeded unit vector ⊥ m̂';
const MAX_FRAMES = 120;
const DIRECTION_STREAM = 400;

export const collapse = defineExperiment({
  name: 'collapse',
  title: 'Collapse: when does a trajectory fall onto a training point?',
  summary:
    'Backward dynamics driven by the exact empirical score of n training points: each trajectory ends on one of them (memorization) after the collapse time t_C, which the excess entropy f^e locates and eq. 7 predicts for Gaussian data.',
  chapter: 'speciation-and-collapse',
  params: {
    n: param.int({ label: 'Training points', symbol: 'n', min: 2, max: 5000, default: 1000, scale: 'log' }),
    d: param.int({ label: 'Dimension', symbol: 'd', min: 1, max: 512, default: 32, scale: 'log' }),
    mu: param.number({ label: 'Class mean per coordinate', symbol: 'μ̃', min: 0, max: 5, default: 1 }),
    sigma: param.number({ label: 'Class standard deviation', symbol: 'σ', min: 0.1, max: 5, default: 1 }),
    data: param.enum({
      label: 'Data law',
      options: ['mixture', 'gaussian'],
      default: 'mixture',
      optionLabels: { mixture: 'two classes ½ N(±m, σ²I)', gaussian: 'one Gaussian N(0, σ²I)' },
    }),
    trajectories: param.int({ label: 'Trajectories', symbol: 'N', min: 1, max: 2000, default: 200, scale: 'log' }),
    steps: param.int({ label: 'Steps', symbol: 'L', min: 20, max: 4000, default: 300, scale: 'log' }),
    tMax: param.number({ label: 'Start time', symbol: 'T', min: 1, max: 12, default: 6 }),
    tMin: param.number({ label: 'End time', symbol: 't_min', min: 1e-5, max: 0.5, default: 1e-3, scale: 'log' }),
    probes: param.int({ label: 'Entropy probes', symbol: "n'", min: 10, max: 20000, default: 200, scale: 'log' }),
    seed: param.int({ label: 'Seed', min: 0, max: 2147483647, default: 1 }),
  },
  constraints: [ascending('tMin', 'tMax')],
  cost: {
    drivers: ['trajectories', 'steps', 'n', 'd', 'probes'],
    // The backward run's empirical score (m·n·d per step), then the entropy probes at ENTROPY_POINTS
    // times; each sample's step and each probe also costs a fixed few hundred of those terms (noise
    // draws, the step, the recorders): the fuzz test met n = 2, d = 1 with 1527 trajectories of
    // 4000 steps taking 5.8 s, estimated 0.5 s without it.
    // Each entropy probe also draws d normals (about 85 units each). Λ's power iteration adds about
    // 5 units per n·d per iteration (two passes in float64 JS), and its iteration count depends on the spectral gap: isotropic data (or a tiny μ) leaves the top
    // eigenvalue at the Marchenko–Pastur edge, where it runs all 2000 (15 s at n = 5000, d = 512).
    units: (p) =>
      p.trajectories * p.steps * (p.n * p.d + 300) +
      ENTROPY_POINTS * p.probes * (p.n * p.d + 85 * p.d + 50) +
      5 * p.n * p.d * powerIterationsExpected(p.data, p.n, p.d, p.mu, p.sigma),
    // Fitted to CLI runs (elapsedMs less the CLI's 0.5 s setup) on the 2-core development machine
    // under load from parallel builds: 2760 and 14575 ms at the defaults (the machine was shared; the fit sits between), 2787 ms at n = 200 trajectories = 100.
    // Rescaled ×0.21 from that fit with `npm run bench:cost -w @diffusion-atlas/tests` on the quiet
    // machine (runLocal's elapsedMs, the run alone), plus 30 % headroom for a busy one.
    secondsPerUnit: 6.2e-10,
    baseSeconds: 0.1,
  },
  async run(p, ctx) {
    const { n, d, sigma } = p;
    const m = p.trajectories;
    const law = dataLaw(p.data, d, p.mu, sigma);
    const rng = new Rng(p.seed);
    const training = sampleMixture(law, n, rng.stream(Streams.data)).x;
    const lambda = topCovarianceEigenvalue(training, n, d).value;
    const lambdaTheory = p.data === 'mixture' ? twoClassTopEigenvalue(d, p.mu, sigma) : sigma * sigma;
    // The theory needs no run: known before it, and in every partial result.
    const alpha = Math.log(n) / d;
    const t = geometricGrid(p.tMax, Math.min(ENTROPY_T_MIN, p.tMax / 2), ENTROPY_POINTS - 1).reverse();
    const theory = theoryModel(p.data, alpha, d, p.mu, sigma);
    const excessEntropyTheory = t.map((x) => theory.f(x) / alpha);
    const tCEntropy = largestZero(theory.f, 1e-9, 50);
    // NaN marks an entropy point not estimated yet.
    const excessEntropy = new Float64Array(t.length).fill(Number.NaN);
    const excessEntropyPlain = new Float64Array(t.length).fill(Number.NaN);
    await ctx.checkpoint(0.01);

    // Backward run, tracking each trajectory's heaviest training point (§1.5) along the way.
    const start = new Float32Array(m * d);
    for (let i = 0; i < start.length; i++) start[i] = normalAt(p.seed, Streams.init, i);
    const grid = geometricGrid(p.tMax, p.tMin, p.steps);
    const tracker = nearestTracker(grid, m);
    const view = projectionRecorder(grid, Math.min(VIEW_TRAJECTORIES, m), d, p.seed);
    view.record(0, start);

    /** What the run has, as a result: partial ones copy the arrays (they may be transferred away). */
    interface Ends {
      samples: Float32Array;
      collapseTimes: Float64Array;
      test: { nearest: Int32Array; ratio: Float32Array };
      memorizedFraction: number;
      memorizedBaseline: number;
    }
    const assemble = (ends: Ends, copy: boolean) => {
      const own = (a: Float64Array): Float64Array => (copy ? a.slice() : a);
      return {
        tC: collapseTimeGaussian(n, d, sigma),
        tCEntropy,
        tCEmpirical: lastCrossing(t, excessEntropy, empiricalCollapseLevel(n)),
        collapseLevel: empiricalCollapseLevel(n),
        collapseTimes: { mean: mean(ends.collapseTimes), median: median(ends.collapseTimes) },
        collapseTimesPerTrajectory: ends.collapseTimes,
        memorizedFraction: ends.memorizedFraction,
        memorizedBaseline: ends.memorizedBaseline,
        memorizedBaselineTheory: memorizationBaselineTheory(d),
        alpha,
        t: own(t),
        excessEntropy: own(excessEntropy),
        excessEntropyPlain: own(excessEntropyPlain),
        excessEntropyTheory: own(excessEntropyTheory),
        excessEntropyTheoryModel: theory.model,
        Lambda: lambda,
        tS: speciationTime(lambda),
        LambdaTheory: lambdaTheory,
        tSTheory: speciationTime(lambdaTheory),
        samples: ends.samples,
        nearest: ends.test.nearest,
        ratio: ends.test.ratio,
        trajectories: view.result(copy),
      };
    };
    // Before the samples land: no end points, no collapse times, no memorization yet.
    const running = (): Ends => ({
      samples: new Float32Array(0),
      collapseTimes: new Float64Array(0),
      test: { nearest: new Int32Array(0), ratio: new Float32Array(0) },
      memorizedFraction: Number.NaN,
      memorizedBaseline: Number.NaN,
    });

    const score = empiricalScore(training, n, d, ctx.kernels);
    const samples = await sampleBackward({
      score,
      start,
      m,
      grid,
      sampler: 'sde',
      seed: p.seed,
      normals: normalsOf(ctx.kernels),
      onStep: async (k, x, _t, nearest) => {
        // `nearest` belongs to the state at grid[k − 1], where the score was evaluated.
        if (nearest) tracker.observe(k - 1, nearest);
        view.record(k, x);
        const fraction = 0.01 + (0.69 * k) / p.steps;
        ctx.partial(fraction, () => assemble(running(), true));
        await ctx.checkpoint(fraction);
      },
    });
    const last = score.evaluate(samples, m, grid[p.steps]);
    if (last.nearest) tracker.observe(p.steps, last.nearest);
    const collapseTimes = tracker.lastChange;

    // The memorization test and its baseline take a few tens of milliseconds each in a browser:
    // progress between them keeps the bar moving (it does not yield, so a cancel waits for 0.72).
    ctx.progress(0.705);
    const test = nearestTwo(samples, m, training, n, d);
    ctx.progress(0.71);
    const fresh = sampleMixture(law, m, rng.stream(Streams.fresh)).x;
    const freshTest = nearestTwo(fresh, m, training, n, d);
    const ends: Ends = {
      samples,
      collapseTimes,
      test,
      memorizedFraction: memorizedFraction(test.ratio),
      memorizedBaseline: memorizedFraction(freshTest.ratio),
    };
    await ctx.checkpoint(0.72);

    // Excess entropy: the empirical estimator against the theory, on a geometric grid.
    for (let i = 0; i < t.length; i++) {
      const fraction = 0.72 + (0.27 * i) / t.length;
      const e = await empiricalExcessEntropy(
        { train: training, n, d, t: t[i], probes: p.probes, seed: p.seed, stream: PROBE_STREAM },
        () => ctx.checkpoint(fraction),
      );
      excessEntropy[i] = e.excess / alpha;
      excessEntropyPlain[i] = e.excessPlain / alpha;
      ctx.partial(0.72 + (0.27 * (i + 1)) / t.length, () =>
        assemble({ ...ends, samples: ends.samples.slice(), collapseTimes: ends.collapseTimes.slice(), test: { nearest: test.nearest.slice(), ratio: test.ratio.slice() } }, true),
      );
      await ctx.checkpoint(0.72 + (0.27 * (i + 1)) / t.length);
    }

    await ctx.checkpoint(1);
    return assemble(ends, false);
  },
  tables(r) {
    return {
      entropy: {
        t: r.t,
        excessEntropy: r.excessEntropy,
        excessEntropyPlain: r.excessEntropyPlain,
        excessEntropyTheory: r.excessEntropyTheory,
      },
      trajectories: { collapseTime: r.collapseTimesPerTrajectory, nearest: r.nearest, ratio: r.ratio },
      summary: {
        tC: [r.tC],
        tCEntropy: [r.tCEntropy ?? Number.NaN],
        tCEmpirical: [r.tCEmpirical ?? Number.NaN],
        collapseTimeMean: [r.collapseTimes.mean],
        collapseTimeMedian: [r.collapseTimes.median],
        memorizedFraction: [r.memorizedFraction],
        memorizedBaseline: [r.memorizedBaseline],
        alpha: [r.alpha],
        Lambda: [r.Lambda],
        tS: [r.tS],
      },
    };
  },
});

/**
 * Iterations the power iteration for Λ is expected to need: log(tolerance)/log(λ₂/λ₁), with λ₁ the
 * larger of the law's top eigenvalue and the Marchenko–Pastur edge σ²(1 + √(d/n))², and λ₂ that edge;
 * at most its cap of 2000 when the gap closes.
 */
function powerIterationsExpected(kind: 'mixture' | 'gaussian', n: number, d: number, mu: number, sigma: number): number {
  const edge = sigma * sigma * (1 + Math.sqrt(d / n)) ** 2;
  const top = kind === 'mixture' ? Math.max(twoClassTopEigenvalue(d, mu, sigma), edge) : edge;
  const ratio = edge / top;
  if (ratio > 0.99) return 2000;
  return Math.min(2000, Math.ceil(Math.log(1e-7) / Math.log(ratio)) + 5);
}

function dataLaw(kind: 'mixture' | 'gaussian', d: number, mu: number, sigma: number): GaussianMixture {
  if (kind === 'mixture') return twoClassMixture(d, mu, sigma);
  return { means: new Float32Array(d), K: 1, d, variance: sigma * sigma };
}

/**
 * f(t) for the data law: the two-class mixture's exact finite-d entropy (derived, science.md §2.6,
 * an identity for two components; the tests check it against Monte Carlo of log P_t), or the
 * single Gaussian's α + ½ log(Δ_t/Γ_t), which is exact at every d.
 */
function theoryModel(kind: 'mixture' | 'gaussian', alpha: number, d: number, mu: number, sigma: number) {
  return kind === 'mixture'
    ? { model: 'two-gaussian-finite-d', f: (t: number): number => excessEntropyTwoClass(t, alpha, d, mu, sigma) }
    : { model: 'gaussian', f: (t: number): number => excessEntropyGaussian(t, alpha, sigma) };
}

/**
 * The level at which f^e/α is read as "reached 0". The control-variate estimator is the mean of
 * (1/d) log(1 + R), R the weight of all other centres relative to the probe's own; it is ≥ 0 and
 * only vanishes exponentially in d. We read t_C where that mean equals (log 2)/d, i.e. where the
 * own centre and all the others weigh the same (R = 1) for a typical probe: f^e/α = log 2 / log n.
 * The offset → 0 relative to α as n grows, so it converges to the paper's "largest zero".
 */
export function empiricalCollapseLevel(n: number): number {
  return Math.LN2 / Math.log(n);
}

/** Each trajectory's last backward time at which its heaviest training point changes (§2.7b). */
function nearestTracker(grid: Float64Array, m: number) {
  const previous = new Int32Array(m).fill(-1);
  // Never changing after the start counts as choosing at T.
  const lastChange = new Float64Array(m).fill(grid[0]);
  let previousK = -1;
  return {
    lastChange,
    observe(k: number, nearest: Int32Array): void {
      for (let i = 0; i < m; i++) {
        if (previousK >= 0 && nearest[i] !== previous[i]) {
          // the change happened between the two evaluations: their geometric mean
          lastChange[i] = Math.sqrt(grid[previousK] * grid[k]);
        }
        previous[i] = nearest[i];
      }
      previousK = k;
    },
  };
}

/** A few trajectories projected on m̂ = (1, …, 1)/√d and on a seeded unit direction e ⊥ m̂. */
function projectionRecorder(grid: Float64Array, count: number, d: number, seed: number) {
  const L = grid.length - 1;
  const every = Math.max(1, Math.ceil(L / (MAX_FRAMES - 1)));
  const frameSteps: number[] = [];
  for (let k = 0; k < L; k += every) frameSteps.push(k);
  frameSteps.push(L);
  const frames = frameSteps.length;
  const frameOf = new Map(frameSteps.map((k, f) => [k, f]));
  const t = Float64Array.from(frameSteps, (k) => grid[k]);
  const alongMean = new Float32Array(count * frames).fill(Number.NaN);
  const alongRandom = new Float32Array(count * frames).fill(Number.NaN);
  const e = new Float64Array(d);
  if (d > 1) {
    let avg = 0;
    for (let j = 0; j < d; j++) avg += (e[j] = normalAt(seed, DIRECTION_STREAM, j)) / d;
    let n2 = 0;
    for (let j = 0; j < d; j++) n2 += (e[j] -= avg) ** 2;
    for (let j = 0; j < d; j++) e[j] /= Math.sqrt(n2);
  }
  const u = 1 / Math.sqrt(d);
  return {
    record(k: number, x: Float32Array): void {
      const f = frameOf.get(k);
      if (f === undefined) return;
      for (let i = 0; i < count; i++) {
        let a = 0;
        let b = 0;
        for (let j = 0; j < d; j++) {
          a += x[i * d + j] * u;
          b += x[i * d + j] * e[j];
        }
        alongMean[i * frames + f] = a;
        alongRandom[i * frames + f] = b;
      }
    },
    /** Frames not recorded yet are NaN; `copy` for a partial result, which may be transferred away. */
    result(copy = false) {
      if (!copy) return { count, frames, t, alongMean, alongRandom, axes: PROJECTION_AXES };
      return { count, frames, t: t.slice(), alongMean: alongMean.slice(), alongRandom: alongRandom.slice(), axes: PROJECTION_AXES };
    },
  };
}

function mean(x: Float64Array): number {
  let s = 0;
  for (const v of x) s += v;
  return x.length ? s / x.length : Number.NaN;
}

function median(x: Float64Array): number {
  if (x.length === 0) return Number.NaN;
  const s = Float64Array.from(x).sort();
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : 0.5 * (s[h - 1] + s[h]);
}

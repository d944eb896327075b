import { defineExperiment } from '../experiment.ts';
import { param } from '../params.ts';
import { memorizationBaselineTheory, memorizedFraction, nearestTwo } from '../metrics.ts';
import { rfConstants } from '../rf/constants.ts';
import { RF_LIMITS, noiseAveragedProblem } from '../rf/feature-matrices.ts';
import { realFeatureMemoryProblem } from '../rf/size-rules.ts';
import { lossesAt, memorizationTime, readoutAt, solveGradientFlow } from '../rf/gradient-flow.ts';
import { sampleAtFixedTime, type RandomFeaturesScore } from '../rf/score-model.ts';
import { tauMemTheory } from '../rf/spectrum.ts';
import { progressPart, type ProgressReport } from '../progress.ts';

/** Training times of the memorization curve: 10⁰…10⁸, one per decade. */
const CURVE_TAUS = Array.from({ length: 9 }, (_, i) => 10 ** i);
/** Chains per point of the curve: ±0.05 binomial error at worst, cheap enough for 2 × 9 points. */
const CURVE_SAMPLES = 100;
const LANGEVIN_STEPS = 40;
/** η = Δ_t/4: stable for the stiffness 1/Δ_t of a well, and 40 steps span a time 10 Δ_t. */
const STEP_FRACTION = 0.25;

/** One training-set size: its memorization curve over τ, and what the model generates at the chosen τ. */
export type TrainingSamplesRun = {
  psiN: number;
  n: number;
  /** n × d. */
  training: Float32Array;
  /** Training times of the curve. */
  curveTau: Float64Array;
  /** Memorized fraction (ratio test, k = 1/3) of CURVE_SAMPLES chains at each curveTau. */
  memorizedCurve: Float64Array;
  /** samples × d, generated with the model trained for τ. */
  samples: Float32Array;
  nearest: Int32Array;
  ratio: Float32Array;
  memorizedFraction: number;
  trainLoss: number;
  testLoss: number;
  generalizationGap: number;
  /** Measured on the same model: first τ where the gap reaches half its τ → ∞ value. */
  tauMem: number;
  tauMemTheory: number;
};

export type TrainingSamplesResult = {
  d: number;
  p: number;
  t: number;
  tau: number;
  /** k^d: the fraction of fresh data points that pass the test by chance. */
  memorizedBaselineTheory: number;
  runs: TrainingSamplesRun[];
};

export const trainingSamples = defineExperiment({
  name: 'training-samples',
  title: 'Samples before and after τ_mem',
  summary:
    'The random-features score trained for a time τ on real features of n Gaussian points generates by Langevin dynamics at a small time t: between τ_gen and τ_mem its samples are new, after τ_mem they copy training points, later for larger n.',
  chapter: 'training-time',
  params: {
    d: param.int({ label: 'Dimension', symbol: 'd', min: 2, max: 32, default: 8 }),
    psiP: param.number({ label: 'Width ratio', symbol: 'ψ_p = p/d', min: 1, max: 128, default: 32, scale: 'log' }),
    psiN: param.numberList({
      label: 'Training-set ratios (two)',
      symbol: 'ψ_n = n/d',
      min: 0.125,
      max: 64,
      minItems: 2,
      maxItems: 2,
      default: [0.5, 2],
    }),
    t: param.number({ label: 'Diffusion time', symbol: 't', min: 0.005, max: 0.5, default: 0.02, scale: 'log' }),
    tau: param.number({ label: 'Training time', symbol: 'τ', min: 0.01, max: 1e10, default: 1e6, scale: 'log' }),
    samples: param.int({ label: 'Samples', symbol: 'N', min: 10, max: 4000, default: 300, scale: 'log' }),
    seed: param.int({ label: 'Seed', min: 0, max: 2147483647, default: 1 }),
  },
  constraints: [
    {
      id: 'width',
      params: ['psiP', 'd'],
      rule: `psiP·d ≤ ${RF_LIMITS.maxWidthRealFeatures} features`,
      holds: (p) => Math.round(p.psiP * p.d) <= RF_LIMITS.maxWidthRealFeatures,
      message: (p) => `psiP·d = ${Math.round(p.psiP * p.d)} features is above ${RF_LIMITS.maxWidthRealFeatures}; lower psiP or d`,
      repair: (p) => ({ psiP: Math.floor(RF_LIMITS.maxWidthRealFeatures / p.d) }),
    },
    {
      id: 'two-points',
      params: ['psiN', 'd'],
      rule: 'psiN·d ≥ 2 training points for every psiN',
      holds: (p) => p.psiN.every((psiN) => Math.round(psiN * p.d) >= 2),
      message: (p) => {
        const psiN = p.psiN.find((x) => Math.round(x * p.d) < 2);
        return `psiN = ${psiN} gives fewer than 2 training points at d = ${p.d} (the memorization test needs two)`;
      },
      repair: (p) => ({ psiN: p.psiN.filter((psiN) => Math.round(psiN * p.d) >= 2) }),
    },
    {
      id: 'memory',
      params: ['psiN', 'psiP', 'd'],
      rule: `psiP·d × psiN·d ≤ ${RF_LIMITS.maxNoiseAverageEntries} for every psiN`,
      holds: (p) => p.psiN.every((psiN) => realFeatureMemoryProblem(p.psiP, psiN, p.d, 0) === undefined),
      message: (p) => p.psiN.map((psiN) => realFeatureMemoryProblem(p.psiP, psiN, p.d, 0)).find((m) => m !== undefined) ?? '',
      repair: (p) => ({ psiN: p.psiN.filter((psiN) => realFeatureMemoryProblem(p.psiP, psiN, p.d, 0) === undefined) }),
    },
  ],
  cost: {
    drivers: ['psiP', 'd', 'samples', 'psiN'],
    // Per training set: Langevin sampling (every step evaluates p features of d inputs for each of
    // the curve's and the figure's samples), the eigenproblem, and the exact noise average.
    units: (p) => {
      const width = Math.round(p.psiP * p.d);
      return p.psiN.reduce((s, psiN) => {
        const n = Math.round(psiN * p.d);
        return s + (CURVE_TAUS.length * CURVE_SAMPLES + p.samples) * LANGEVIN_STEPS * width * p.d + width ** 3 + 20 * width * n * p.d;
      }, 0);
    },
    // Fitted to CLI runs (elapsedMs less the CLI's 0.5 s setup) on the 2-core development machine
    // under load from parallel builds: 12267 and 12429 ms at the defaults, 3669 ms at samples = 50 ψ_p = 8.
    // Rescaled ×0.38 from that fit with `npm run bench:cost -w @diffusion-atlas/tests` on the quiet
    // machine (runLocal's elapsedMs, the run alone), plus 30 % headroom for a busy one.
    secondsPerUnit: 1.7e-8,
    baseSeconds: 0.49,
  },
  async run(p, ctx): Promise<TrainingSamplesResult> {
    const width = Math.round(p.psiP * p.d);
    const psiP = width / p.d;
    const c = rfConstants(p.t);
    const curveTau = Float64Array.from(CURVE_TAUS);
    const runs: TrainingSamplesRun[] = [];
    // per training-set size: the matrices, the flow, one sampler run per curve point, the samples
    const stages = p.psiN.length * (3 + CURVE_TAUS.length);
    let stage = 0;
    const assemble = (done: TrainingSamplesRun[]): TrainingSamplesResult => ({
      d: p.d,
      p: width,
      t: p.t,
      tau: p.tau,
      memorizedBaselineTheory: memorizationBaselineTheory(p.d),
      runs: done,
    });
    /**
     * A partial result: the sizes done so far and the one under way, whose memorized curve has
     * the training times sampled so far (NaN for the rest) and whose samples are still to come
     * (empty, NaN fraction). Every array is a copy: a partial may be transferred away.
     */
    const offer = (current: TrainingSamplesRun | undefined): void =>
      ctx.partial(stage / stages, () =>
        assemble([...runs, ...(current === undefined ? [] : [current])].map((run) => ({
          ...run,
          training: run.training.slice(),
          curveTau: run.curveTau.slice(),
          memorizedCurve: run.memorizedCurve.slice(),
          samples: run.samples.slice(),
          nearest: run.nearest.slice(),
          ratio: run.ratio.slice(),
        }))),
      );
    for (const requested of p.psiN) {
      const n = Math.round(requested * p.d);
      const within = (): ProgressReport | undefined => progressPart(ctx.progress, stage / stages, (stage + 1) / stages);
      const problem = noiseAveragedProblem({ d: p.d, p: width, n }, p.t, 'tanh', p.seed, within());
      await ctx.checkpoint(++stage / stages);
      const training = Float32Array.from(problem.data);
      const memorizedCurve = new Float64Array(CURVE_TAUS.length).fill(Number.NaN);
      /** The size under way: its losses and τ_mem once the flow is solved (NaN before), samples still to come. */
      const underWay = (lossesNow?: ReturnType<typeof lossesAt>, tauMem = Number.NaN): TrainingSamplesRun => ({
        psiN: n / p.d,
        n,
        training,
        curveTau,
        memorizedCurve,
        samples: new Float32Array(0),
        nearest: new Int32Array(0),
        ratio: new Float32Array(0),
        memorizedFraction: Number.NaN,
        trainLoss: lossesNow?.trainLoss ?? Number.NaN,
        testLoss: lossesNow?.testLoss ?? Number.NaN,
        generalizationGap: lossesNow?.generalizationGap ?? Number.NaN,
        tauMem,
        tauMemTheory: tauMemTheory(psiP, n / p.d, c),
      });
      // The training set is drawn before its flow is solved: a first figure of it while that runs.
      offer(underWay());
      const flow = solveGradientFlow(problem, within());
      await ctx.checkpoint(++stage / stages);
      const model = (tau: number): RandomFeaturesScore => ({ d: p.d, p: width, weights: problem.weights, readout: readoutAt(flow, tau), activation: 'tanh' });
      const lossesNow = lossesAt(flow, p.tau);
      const tauMemNow = memorizationTime(flow, 0.5).tau;
      offer(underWay(lossesNow, tauMemNow));
      for (let i = 0; i < CURVE_TAUS.length; i++) {
        const out = sampleAtFixedTime(model(CURVE_TAUS[i]), { t: p.t, m: CURVE_SAMPLES, steps: LANGEVIN_STEPS, stepFraction: STEP_FRACTION, seed: p.seed, onProgress: within() });
        memorizedCurve[i] = memorizedFraction(nearestTwo(Float32Array.from(out), CURVE_SAMPLES, training, n, p.d).ratio);
        ++stage;
        offer(underWay(lossesNow, tauMemNow));
        await ctx.checkpoint(stage / stages);
      }
      const generated = sampleAtFixedTime(model(p.tau), { t: p.t, m: p.samples, steps: LANGEVIN_STEPS, stepFraction: STEP_FRACTION, seed: p.seed, onProgress: within() });
      await ctx.checkpoint(++stage / stages);
      const samples = Float32Array.from(generated);
      const test = nearestTwo(samples, p.samples, training, n, p.d);
      const losses = lossesAt(flow, p.tau);
      runs.push({
        psiN: n / p.d,
        n,
        training,
        curveTau: Float64Array.from(curveTau),
        memorizedCurve,
        samples,
        nearest: test.nearest,
        ratio: test.ratio,
        memorizedFraction: memorizedFraction(test.ratio),
        trainLoss: losses.trainLoss,
        testLoss: losses.testLoss,
        generalizationGap: losses.generalizationGap,
        tauMem: memorizationTime(flow, 0.5).tau,
        tauMemTheory: tauMemTheory(psiP, n / p.d, c),
      });
      offer(undefined);
    }
    await ctx.checkpoint(1);
    return assemble(runs);
  },
  tables(r) {
    const curve: { psiN: number[]; tau: number[]; memorizedFraction: number[] } = { psiN: [], tau: [], memorizedFraction: [] };
    for (const run of r.runs) {
      for (let i = 0; i < run.curveTau.length; i++) {
        curve.psiN.push(run.psiN);
        curve.tau.push(run.curveTau[i]);
        curve.memorizedFraction.push(run.memorizedCurve[i]);
      }
    }
    const tables: Record<string, Record<string, ArrayLike<number>>> = { curve };
    r.runs.forEach((run, k) => {
      const cols: Record<string, ArrayLike<number>> = {};
      for (let j = 0; j < r.d; j++) cols[`x${j}`] = run.samples.filter((_, i) => i % r.d === j);
      cols.ratio = run.ratio;
      cols.nearest = run.nearest;
      tables[`samples${k}`] = cols;
      const train: Record<string, ArrayLike<number>> = {};
      for (let j = 0; j < r.d; j++) train[`x${j}`] = run.training.filter((_, i) => i % r.d === j);
      tables[`training${k}`] = train;
    });
    tables.summary = {
      psiN: r.runs.map((x) => x.psiN),
      n: r.runs.map((x) => x.n),
      memorizedFraction: r.runs.map((x) => x.memorizedFraction),
      tauMem: r.runs.map((x) => x.tauMem),
      tauMemTheory: r.runs.map((x) => x.tauMemTheory),
      generalizationGap: r.runs.map((x) => x.generalizationGap),
    };
    return tables;
  },
});

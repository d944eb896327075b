import { defineExperiment } from '../experiment.ts';
import { param } from '../params.ts';
import { ascending } from '../constraints.ts';
import { realFeatureMemoryProblem, trainingSetProblem } from '../rf/size-rules.ts';
import { rfActivations, rfConstants } from '../rf/constants.ts';
import { RF_LIMITS, gaussianEquivalentProblem, noiseAveragedProblem, sampledProblem, type RfProblem } from '../rf/feature-matrices.ts';
import { logTimes, lossesAt, memorizationTime, scoreErrorMinimum, solveGradientFlow } from '../rf/gradient-flow.ts';
import { logLogSlope, rho1Edges, tauMemTheory } from '../rf/spectrum.ts';
import { progressPart } from '../progress.ts';

/** One training-set size: curves over τ (losses per dimension), the two times, and the spectrum of U. */
export type TrainingWindowRun = {
  /** n/d as run (n = round(ψ_n d)). */
  psiN: number;
  n: number;
  tau: Float64Array;
  trainLoss: Float64Array;
  testLoss: Float64Array;
  /** (1/d) E|s_A − ∇log P_t|². */
  scoreError: Float64Array;
  generalizationGap: Float64Array;
  /** argmin over τ of the score error (refined between grid points). */
  tauGen: number;
  /** First τ with generalizationGap ≥ ½ generalizationGapFinal. */
  tauMem: number;
  /** The τ → ∞ generalization gap, the reference of the τ_mem criterion. */
  generalizationGapFinal: number;
  /** ψ_p/(2Δ_t λ_min(ρ_1)) with the ρ_1 left edge. */
  tauMemTheory: number;
  /** All p eigenvalues of U, ascending (Float64). */
  eigenvalues: Float64Array;
  rho1Edges: [number, number];
};

export type TrainingWindowResult = {
  constants: { mu1: number; sigmaNorm2: number; b: number; v2: number; s2: number };
  runs: TrainingWindowRun[];
  /** Least-squares log-log slopes against n (NaN with fewer than two distinct n, or when a time is infinite: never reached). */
  slopes: { tauGen: number; tauMem: number; tauMemTheory: number };
};

/** Real features (matrix sampled) need their p × p Gram matrix per draw; the Gaussian equivalent only the spectrum. */
function maxWidthFor(matrix: string): number {
  return matrix === 'sampled' ? RF_LIMITS.maxWidthRealFeatures : RF_LIMITS.maxWidth;
}

export const trainingWindow = defineExperiment({
  name: 'training-window',
  title: 'The training window: generalization first, memorization later',
  summary:
    'Gradient flow of a random-features score on the denoising loss, in closed form through the spectrum of its feature matrix U: the score error reaches its minimum at a time that barely depends on n, and the model starts to memorize at a time that grows with n.',
  chapter: 'training-time',
  params: {
    d: param.int({ label: 'Dimension', symbol: 'd', min: 2, max: 200, default: 20, scale: 'log' }),
    psiP: param.number({ label: 'Width ratio', symbol: 'ψ_p = p/d', min: 0.5, max: 256, default: 32, scale: 'log' }),
    psiN: param.numberList({
      label: 'Training-set ratios',
      symbol: 'ψ_n = n/d',
      min: 0.05,
      max: 256,
      minItems: 1,
      maxItems: 8,
      default: [1, 2, 4, 8],
    }),
    t: param.number({ label: 'Diffusion time', symbol: 't', min: 0.001, max: 3, default: 0.1, scale: 'log' }),
    activation: param.enum({ label: 'Activation', symbol: 'σ', options: rfActivations, default: 'tanh' }),
    matrix: param.enum({
      label: 'Feature matrix',
      options: ['gaussian-equivalent', 'sampled'],
      default: 'gaussian-equivalent',
      optionLabels: { 'gaussian-equivalent': 'Gaussian equivalent', sampled: 'sampled (real features)' },
    }),
    noiseDraws: param.int({
      label: 'Noise draws per point',
      symbol: 'K',
      min: 0,
      max: 256,
      default: 0,
      help: 'sampled only: K noisy copies of each training point; 0 averages over the noise exactly (K → ∞, the loss of the paper)',
    }),
    tauMin: param.number({ label: 'First training time', symbol: 'τ_min', min: 1e-4, max: 1e4, default: 0.1, scale: 'log' }),
    tauMax: param.number({ label: 'Last training time', symbol: 'τ_max', min: 1, max: 1e14, default: 1e7, scale: 'log' }),
    points: param.int({ label: 'Times', min: 10, max: 1000, default: 100 }),
    seed: param.int({ label: 'Seed', min: 0, max: 2147483647, default: 1 }),
  },
  constraints: [
    ascending('tauMin', 'tauMax'),
    {
      id: 'width',
      params: ['psiP', 'd', 'matrix'],
      rule: `psiP·d ≤ ${RF_LIMITS.maxWidthRealFeatures} features for matrix sampled, ≤ ${RF_LIMITS.maxWidth} otherwise`,
      holds: (p) => Math.round(p.psiP * p.d) <= maxWidthFor(p.matrix),
      message: (p) => `psiP·d = ${Math.round(p.psiP * p.d)} features is above ${maxWidthFor(p.matrix)} for matrix = ${p.matrix}; lower psiP or d`,
      repair: (p) => ({ psiP: Math.floor(maxWidthFor(p.matrix) / p.d) }),
    },
    {
      id: 'training-set',
      params: ['psiN', 'd'],
      rule: `1 ≤ psiN·d ≤ ${RF_LIMITS.maxTrainingSet} training points for every psiN`,
      holds: (p) => p.psiN.every((psiN) => trainingSetProblem('psiN =', psiN, p.d) === undefined),
      message: (p) => p.psiN.map((psiN) => trainingSetProblem('psiN =', psiN, p.d)).find((m) => m !== undefined) ?? '',
      repair: (p) => ({ psiN: p.psiN.filter((psiN) => trainingSetProblem('psiN =', psiN, p.d) === undefined) }),
    },
    {
      id: 'memory',
      params: ['psiN', 'psiP', 'd', 'noiseDraws', 'matrix'],
      rule: `for matrix sampled, psiP·d × psiN·d × noiseDraws ≤ ${RF_LIMITS.maxNoiseDrawEntries} for every psiN`,
      holds: (p) => p.matrix !== 'sampled' || p.psiN.every((psiN) => realFeatureMemoryProblem(p.psiP, psiN, p.d, p.noiseDraws) === undefined),
      message: (p) => p.psiN.map((psiN) => realFeatureMemoryProblem(p.psiP, psiN, p.d, p.noiseDraws)).find((m) => m !== undefined) ?? '',
      repair: (p) => ({ psiN: p.psiN.filter((psiN) => realFeatureMemoryProblem(p.psiP, psiN, p.d, p.noiseDraws) === undefined) }),
    },
  ],
  cost: {
    drivers: ['psiP', 'd', 'psiN', 'matrix', 'noiseDraws', 'points'],
    // Per training set: the p × p (or n × n) eigenproblem, the p²·n feature products (times the
    // noise draws for sampled features), and the loss curves at every point.
    units: (p) => {
      const width = Math.round(p.psiP * p.d);
      return p.psiN.reduce((s, psiN) => {
        const n = Math.round(psiN * p.d);
        return s + width ** 3 + n ** 3 + width * width * n * (p.matrix === 'sampled' ? Math.max(1, p.noiseDraws) : 1) + p.points * (width + n) ** 2;
      }, 0);
    },
    // Fitted to CLI runs (elapsedMs less the CLI's 0.5 s setup) on the 2-core development machine
    // under load from parallel builds: 2227–4633 ms at the defaults (two runs), 682 ms at d = 10 ψ_p = 16, 3737 ms at d = 40 ψ_p = 16.
    // Rescaled ×0.25 from that fit with `npm run bench:cost -w @diffusion-atlas/tests` on the quiet
    // machine (runLocal's elapsedMs, the run alone), plus 30 % headroom for a busy one.
    secondsPerUnit: 4.9e-10,
    baseSeconds: 0.025,
  },
  async run(p, ctx): Promise<TrainingWindowResult> {
    const c = rfConstants(p.t, p.activation);
    const width = Math.round(p.psiP * p.d);
    const psiP = width / p.d;
    const count = p.psiN.length;
    const runs: TrainingWindowRun[] = [];
    const assemble = (done: TrainingWindowRun[]): TrainingWindowResult => {
      const ns = done.map((x) => x.n);
      const finite = done.every((x) => Number.isFinite(x.tauMem));
      return {
        constants: { mu1: c.mu1, sigmaNorm2: c.sigmaNorm2, b: c.b, v2: c.v2, s2: c.s2 },
        runs: done,
        slopes: {
          tauGen: logLogSlope(ns, done.map((x) => x.tauGen)),
          tauMem: finite ? logLogSlope(ns, done.map((x) => x.tauMem)) : Number.NaN,
          tauMemTheory: logLogSlope(ns, done.map((x) => x.tauMemTheory)),
        },
      };
    };
    /** A size not trained yet: what theory says of it (τ_mem and the ρ₁ support), every measured value NaN. */
    const pendingRun = (r: number): TrainingWindowRun => {
      const n = Math.round(p.psiN[r] * p.d);
      const psiN = n / p.d;
      const unmeasured = (): Float64Array => new Float64Array(p.points).fill(Number.NaN);
      return {
        psiN,
        n,
        tau: logTimes(p.tauMin, p.tauMax, p.points),
        trainLoss: unmeasured(),
        testLoss: unmeasured(),
        scoreError: unmeasured(),
        generalizationGap: unmeasured(),
        tauGen: Number.NaN,
        tauMem: Number.NaN,
        generalizationGapFinal: Number.NaN,
        tauMemTheory: tauMemTheory(psiP, psiN, c),
        eigenvalues: new Float64Array(0),
        rho1Edges: rho1Edges(psiP, psiN, c),
      };
    };
    /**
     * The run so far as a result: the sizes trained (copies: a partial may be transferred away) and
     * their measured slopes, then the sizes still to come with their theory only, so the theory's
     * slope is over every size, as in the final result.
     */
    const runSoFar = (): TrainingWindowResult => {
      const done = assemble(
        runs.map((run) => ({
          ...run,
          tau: run.tau.slice(),
          trainLoss: run.trainLoss.slice(),
          testLoss: run.testLoss.slice(),
          scoreError: run.scoreError.slice(),
          generalizationGap: run.generalizationGap.slice(),
          eigenvalues: run.eigenvalues.slice(),
          rho1Edges: [...run.rho1Edges],
        })),
      );
      const all = [...done.runs];
      for (let r = runs.length; r < count; r++) all.push(pendingRun(r));
      const tauMemSlope = logLogSlope(
        all.map((x) => x.n),
        all.map((x) => x.tauMemTheory),
      );
      return { ...done, runs: all, slopes: { ...done.slopes, tauMemTheory: tauMemSlope } };
    };
    // The first frame: every size's predicted τ_mem and ρ₁ support, before any training.
    ctx.partial(0, runSoFar);
    for (let r = 0; r < count; r++) {
      const n = Math.round(p.psiN[r] * p.d);
      const psiN = n / p.d;
      const shape = { d: p.d, p: width, n };
      const base = r / count;
      await ctx.checkpoint(base);
      let problem: RfProblem;
      if (p.matrix === 'gaussian-equivalent') problem = gaussianEquivalentProblem(shape, c, p.seed);
      else if (p.noiseDraws === 0) problem = noiseAveragedProblem(shape, p.t, p.activation, p.seed, progressPart(ctx.progress, base, base + 0.3 / count));
      else problem = sampledProblem({ ...shape, noiseDraws: p.noiseDraws }, p.t, p.activation, p.seed);
      await ctx.checkpoint(base + 0.3 / count);
      const flow = solveGradientFlow(problem, progressPart(ctx.progress, base + 0.3 / count, base + 0.8 / count));
      await ctx.checkpoint(base + 0.8 / count);
      const tau = logTimes(p.tauMin, p.tauMax, p.points);
      const trainLoss = new Float64Array(p.points);
      const testLoss = new Float64Array(p.points);
      const scoreError = new Float64Array(p.points);
      const generalizationGap = new Float64Array(p.points);
      const work = new Float64Array(flow.modes);
      for (let i = 0; i < p.points; i++) {
        const l = lossesAt(flow, tau[i], work);
        trainLoss[i] = l.trainLoss;
        testLoss[i] = l.testLoss;
        scoreError[i] = l.scoreError;
        generalizationGap[i] = l.generalizationGap;
      }
      const gen = scoreErrorMinimum(flow, tau, scoreError);
      const mem = memorizationTime(flow, 0.5);
      runs.push({
        psiN,
        n,
        tau,
        trainLoss,
        testLoss,
        scoreError,
        generalizationGap,
        tauGen: gen.tau,
        tauMem: mem.tau,
        generalizationGapFinal: mem.finalGap,
        tauMemTheory: tauMemTheory(psiP, psiN, c),
        eigenvalues: flow.eigenvalues,
        rho1Edges: rho1Edges(psiP, psiN, c),
      });
      if (r < count - 1) ctx.partial((r + 1) / count, runSoFar);
    }
    await ctx.checkpoint(1);
    return assemble(runs);
  },
  tables(r) {
    const curveColumns = ['psiN', 'tau', 'trainLoss', 'testLoss', 'scoreError', 'generalizationGap'] as const;
    const curves: Record<(typeof curveColumns)[number], number[]> = {
      psiN: [],
      tau: [],
      trainLoss: [],
      testLoss: [],
      scoreError: [],
      generalizationGap: [],
    };
    const spectrum: { psiN: number[]; eigenvalue: number[] } = { psiN: [], eigenvalue: [] };
    for (const run of r.runs) {
      for (let i = 0; i < run.tau.length; i++) {
        curves.psiN.push(run.psiN);
        curves.tau.push(run.tau[i]);
        curves.trainLoss.push(run.trainLoss[i]);
        curves.testLoss.push(run.testLoss[i]);
        curves.scoreError.push(run.scoreError[i]);
        curves.generalizationGap.push(run.generalizationGap[i]);
      }
      for (const e of run.eigenvalues) {
        spectrum.psiN.push(run.psiN);
        spectrum.eigenvalue.push(e);
      }
    }
    return {
      curves,
      times: {
        psiN: r.runs.map((x) => x.psiN),
        n: r.runs.map((x) => x.n),
        tauGen: r.runs.map((x) => x.tauGen),
        tauMem: r.runs.map((x) => x.tauMem),
        tauMemTheory: r.runs.map((x) => x.tauMemTheory),
        generalizationGapFinal: r.runs.map((x) => x.generalizationGapFinal),
        rho1Lo: r.runs.map((x) => x.rho1Edges[0]),
        rho1Hi: r.runs.map((x) => x.rho1Edges[1]),
      },
      spectrum,
      constants: {
        mu1: [r.constants.mu1],
        sigmaNorm2: [r.constants.sigmaNorm2],
        b: [r.constants.b],
        v2: [r.constants.v2],
        s2: [r.constants.s2],
        tauGenSlope: [r.slopes.tauGen],
        tauMemSlope: [r.slopes.tauMem],
        tauMemTheorySlope: [r.slopes.tauMemTheory],
      },
    };
  },
});

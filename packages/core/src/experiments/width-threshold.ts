import { defineExperiment, type RunContext } from '../experiment.ts';
import { param } from '../params.ts';
import { rfConstants } from '../rf/constants.ts';
import { RF_LIMITS, gaussianEquivalentProblem } from '../rf/feature-matrices.ts';
import { trainingSetProblem, widthProblem } from '../rf/size-rules.ts';
import { lossesAt, solveGradientFlow } from '../rf/gradient-flow.ts';
import { progressPart } from '../progress.ts';

/** Diffusion time of the paper's Fig. 5 heatmaps (RF model, ψ_n × ψ_p). */
export const WIDTH_THRESHOLD_T = 0.1;
/** Finite training times of Fig. 5, reported beside the τ → ∞ limit. */
export const WIDTH_THRESHOLD_SNAPSHOTS = [1e3, 1e4] as const;

export interface WidthThresholdGridOptions {
  d: number;
  psiPValues: readonly number[];
  psiNValues: readonly number[];
  seed: number;
  t?: number;
  snapshots?: readonly number[];
}

/** Grids are row-major, one row per ψ_p, one column per ψ_n. */
export type WidthThresholdResult = {
  d: number;
  t: number;
  psiPValues: number[];
  psiNValues: number[];
  /** L_test − L_train of the fully trained model (τ → ∞). */
  generalizationGap: Float64Array;
  trainLoss: Float64Array;
  testLoss: Float64Array;
  scoreError: Float64Array;
  /** The gap after finite training times. */
  snapshots: { tau: number; generalizationGap: Float64Array }[];
};

/**
 * Losses of the Gaussian-equivalent random-features model over a (ψ_p, ψ_n) grid, at τ → ∞ and at
 * the snapshot times. Each grid is stored row-major with one row per ψ_p and one column per ψ_n:
 * value(ψ_p[i], ψ_n[j]) = grid[i·psiNValues.length + j]. Exported for build scripts that precompute
 * fine grids; the experiment below is the same call on coarse lists.
 */
export async function widthThresholdGrid(
  o: WidthThresholdGridOptions,
  ctx?: Pick<RunContext, 'checkpoint' | 'progress'> & Partial<Pick<RunContext, 'partial'>>,
): Promise<WidthThresholdResult> {
  const t = o.t ?? WIDTH_THRESHOLD_T;
  const snapshots = o.snapshots ?? WIDTH_THRESHOLD_SNAPSHOTS;
  const c = rfConstants(t);
  const rows = o.psiPValues.length;
  const cols = o.psiNValues.length;
  const cells = rows * cols;
  // NaN marks a cell not computed yet, which a partial result leaves blank.
  const generalizationGap = new Float64Array(cells).fill(Number.NaN);
  const trainLoss = new Float64Array(cells).fill(Number.NaN);
  const testLoss = new Float64Array(cells).fill(Number.NaN);
  const scoreError = new Float64Array(cells).fill(Number.NaN);
  const atSnapshots = snapshots.map(() => new Float64Array(cells).fill(Number.NaN));
  const assemble = (copy: (a: Float64Array) => Float64Array): WidthThresholdResult => ({
    d: o.d,
    t,
    psiPValues: [...o.psiPValues],
    psiNValues: [...o.psiNValues],
    generalizationGap: copy(generalizationGap),
    trainLoss: copy(trainLoss),
    testLoss: copy(testLoss),
    scoreError: copy(scoreError),
    snapshots: snapshots.map((tau, k) => ({ tau, generalizationGap: copy(atSnapshots[k]) })),
  });
  for (let i = 0; i < rows; i++) {
    const p = Math.round(o.psiPValues[i] * o.d);
    for (let j = 0; j < cols; j++) {
      const n = Math.round(o.psiNValues[j] * o.d);
      const cell = i * cols + j;
      const flow = solveGradientFlow(gaussianEquivalentProblem({ d: o.d, p, n }, c, o.seed), progressPart(ctx?.progress, cell / cells, (cell + 1) / cells));
      const inf = lossesAt(flow, Infinity);
      generalizationGap[cell] = inf.generalizationGap;
      trainLoss[cell] = inf.trainLoss;
      testLoss[cell] = inf.testLoss;
      scoreError[cell] = inf.scoreError;
      snapshots.forEach((tau, k) => {
        atSnapshots[k][cell] = lossesAt(flow, tau).generalizationGap;
      });
      // The cells done so far, the rest NaN; copies, since a partial may be transferred away.
      if (ctx?.partial) ctx.partial((cell + 1) / cells, () => assemble((a) => a.slice()));
      await ctx?.checkpoint((cell + 1) / cells);
    }
  }
  return assemble((a) => a);
}

export const widthThreshold = defineExperiment({
  name: 'width-threshold',
  title: 'Width threshold: no memorization once n exceeds p',
  summary:
    'The generalization gap of the fully trained random-features score over training-set size and width: large where n < p, where the model can fit every training point, and small beyond the boundary n* = p, where its width regularizes it.',
  chapter: 'training-time',
  params: {
    d: param.int({ label: 'Dimension', symbol: 'd', min: 2, max: 100, default: 8, scale: 'log' }),
    psiPValues: param.numberList({
      label: 'Width ratios',
      symbol: 'ψ_p = p/d',
      min: 0.25,
      max: 256,
      minItems: 1,
      maxItems: 64,
      default: [1, 2, 4, 8, 16, 32],
    }),
    psiNValues: param.numberList({
      label: 'Training-set ratios',
      symbol: 'ψ_n = n/d',
      min: 0.125,
      max: 1024,
      minItems: 1,
      maxItems: 64,
      default: [0.5, 1, 2, 4, 8, 16, 32, 64],
    }),
    seed: param.int({ label: 'Seed', min: 0, max: 2147483647, default: 1 }),
  },
  constraints: [
    {
      id: 'widths',
      params: ['psiPValues', 'd'],
      rule: `1 ≤ psiP·d ≤ ${RF_LIMITS.maxWidth} features for every psiP`,
      holds: (p) => p.psiPValues.every((psiP) => widthProblem('psiPValues entry', psiP, p.d, RF_LIMITS.maxWidth) === undefined),
      message: (p) => p.psiPValues.map((psiP) => widthProblem('psiPValues entry', psiP, p.d, RF_LIMITS.maxWidth)).find((m) => m !== undefined) ?? '',
      repair: (p) => ({ psiPValues: p.psiPValues.filter((psiP) => widthProblem('psiPValues entry', psiP, p.d, RF_LIMITS.maxWidth) === undefined) }),
    },
    {
      id: 'training-sets',
      params: ['psiNValues', 'd'],
      rule: `1 ≤ psiN·d ≤ ${RF_LIMITS.maxTrainingSet} training points for every psiN`,
      holds: (p) => p.psiNValues.every((psiN) => trainingSetProblem('psiNValues entry', psiN, p.d) === undefined),
      message: (p) => p.psiNValues.map((psiN) => trainingSetProblem('psiNValues entry', psiN, p.d)).find((m) => m !== undefined) ?? '',
      repair: (p) => ({ psiNValues: p.psiNValues.filter((psiN) => trainingSetProblem('psiNValues entry', psiN, p.d) === undefined) }),
    },
  ],
  cost: {
    drivers: ['psiPValues', 'psiNValues', 'd'],
    // One gradient flow per (ψ_p, ψ_n) cell: the p × p and n × n eigenproblems and the p²·n products.
    units: (p) =>
      p.psiPValues.reduce(
        (s, psiP) =>
          s +
          p.psiNValues.reduce((t, psiN) => {
            const width = Math.round(psiP * p.d);
            const n = Math.round(psiN * p.d);
            return t + width ** 3 + n ** 3 + width * width * n;
          }, 0),
        0,
      ),
    // Fitted to CLI runs (elapsedMs less the CLI's 0.5 s setup) on the 2-core development machine
    // under load from parallel builds: 3528 and 3692 ms at the defaults, 1074 ms at d = 4.
    // Rescaled ×0.30 from that fit with `npm run bench:cost -w @diffusion-atlas/tests` on the quiet
    // machine (runLocal's elapsedMs, the run alone), plus 30 % headroom for a busy one.
    secondsPerUnit: 7.8e-10,
    baseSeconds: 0.06,
  },
  async run(p, ctx) {
    const grid = await widthThresholdGrid(p, ctx);
    await ctx.checkpoint(1);
    return grid;
  },
  tables(r) {
    const cells = r.psiPValues.length * r.psiNValues.length;
    const psiP: number[] = [];
    const psiN: number[] = [];
    for (let i = 0; i < cells; i++) {
      psiP.push(r.psiPValues[Math.floor(i / r.psiNValues.length)]);
      psiN.push(r.psiNValues[i % r.psiNValues.length]);
    }
    const grid: Record<string, ArrayLike<number>> = {
      psiP,
      psiN,
      generalizationGap: r.generalizationGap,
      trainLoss: r.trainLoss,
      testLoss: r.testLoss,
      scoreError: r.scoreError,
    };
    for (const s of r.snapshots) grid[`generalizationGapTau${s.tau}`] = s.generalizationGap;
    return { grid };
  },
});

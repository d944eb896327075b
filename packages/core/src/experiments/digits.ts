import { defineExperiment, type ImageSet } from '../experiment.ts';
import { AtlasError } from '../errors.ts';
import { param } from '../params.ts';
import { Rng, Streams, normalAt } from '../random.ts';
import { empiricalScore } from '../scores/empirical.ts';
import { geometricGrid } from '../time-grid.ts';
import { normalsOf, sampleBackward } from '../samplers.ts';
import { memorizedFraction, nearestTwo } from '../metrics.ts';
import { topCovarianceEigenvalue } from '../linalg/power-iteration.ts';
import { speciationTime } from '../theory/collapse-time.ts';
import { empiricalExcessEntropy } from '../theory/excess-entropy.ts';
import { lastCrossing } from '../theory/crossing.ts';
import { ENTROPY_POINTS, PROBE_STREAM, empiricalCollapseLevel } from './collapse.ts';

/**
 * Default classes 1 and 8. The paper's text names 0 and 7 for Table 1 and an SI caption 1 and 8.
 * On all of this package's digits of each pair (pixels in [0, 1]), 1/8 gives Λ ≈ 7.33 (Table 1:
 * 7.66) and 0/7 gives Λ ≈ 12.4, so the caption's pair is the one that reproduces the table.
 */
export const DEFAULT_DIGIT_CLASSES = [1, 8] as const;

/** Backward run from T = 5, close to the paper's DDPM horizon T = 5.05 (science.md §1.7). */
const DIGITS_T_MAX = 5;
/**
 * Ten times below the Gaussian experiments' 10⁻³: at d = 784 the residual noise √(2 t_min d) ≈ 1.25
 * at 10⁻³ is comparable to the gap between near-duplicate training digits (≈ 3.5), and the ratio
 * test then misses samples that did collapse; at 10⁻⁴ it is ≈ 0.4.
 */
const DIGITS_T_MIN = 1e-4;
/** Probes per time point for f^e; the control-variate form needs few (it is ≥ 0 and smooth). */
export const DIGITS_PROBES = 60;
const SIDE = 28;

export const digits = defineExperiment({
  name: 'digits',
  title: 'Digits: speciation and collapse on MNIST',
  summary:
    'The exact empirical score of a small set of MNIST digits of two classes: Λ and t_S from the covariance spectrum, t_C from the excess entropy, and generated digits beside the training digits they reproduce.',
  chapter: 'speciation-and-collapse',
  params: {
    classes: param.numberList({
      label: 'Digit classes',
      min: 0,
      max: 9,
      minItems: 2,
      maxItems: 2,
      integer: true,
      default: DEFAULT_DIGIT_CLASSES,
      help: 'Two distinct digits. The paper names 0 and 7 in its text, 1 and 8 in an SI caption; 1 and 8 reproduce its Λ.',
    }),
    n: param.int({ label: 'Training digits', symbol: 'n', min: 2, max: 1700, default: 200, scale: 'log' }),
    trajectories: param.int({ label: 'Generated digits', symbol: 'N', min: 1, max: 200, default: 16, scale: 'log' }),
    steps: param.int({ label: 'Steps', symbol: 'L', min: 20, max: 2000, default: 150, scale: 'log' }),
    seed: param.int({ label: 'Seed', min: 0, max: 2147483647, default: 1 }),
  },
  constraints: [
    {
      id: 'classes-differ',
      params: ['classes'],
      rule: 'the two classes are different digits',
      holds: (p) => p.classes[0] !== p.classes[1],
      message: (p) => `classes must be two different digits (got ${p.classes.join(',')})`,
      repair: (p) => ({ classes: [p.classes[0], ((p.classes[0] ?? 0) + 1) % 10] }),
    },
  ],
  cost: {
    drivers: ['trajectories', 'steps', 'n'],
    // Empirical score over 784 pixels per step, then the entropy probes; the base is reading MNIST.
    units: (p) => p.trajectories * p.steps * p.n * SIDE * SIDE + 24 * DIGITS_PROBES * p.n * SIDE * SIDE,
    // Fitted to CLI runs (elapsedMs less the CLI's 0.5 s setup) on the 2-core development machine
    // under load from parallel builds: 1678 and 3842 ms at the defaults, 7535 ms at n = 600.
    // Rescaled ×0.48 from that fit with `npm run bench:cost -w @diffusion-atlas/tests` on the quiet
    // machine (runLocal's elapsedMs, the run alone), plus 30 % headroom for a busy one.
    secondsPerUnit: 1.6e-9,
    baseSeconds: 0.34,
  },
  async run(p, ctx) {
    if (!ctx.data) throw new AtlasError('internal', 'digits needs the MNIST data source, which this environment does not supply');
    const [a, b] = p.classes;
    const sets = [await ctx.data.mnistDigit(a), await ctx.data.mnistDigit(b)];
    await ctx.checkpoint(0.02);
    const d = sets[0].width * sets[0].height;
    const rng = new Rng(p.seed);
    const perClass = [Math.ceil(p.n / 2), Math.floor(p.n / 2)];
    sets.forEach((s, c) => {
      if (s.count < perClass[c]) {
        throw new AtlasError('invalid-params', `n = ${p.n} needs ${perClass[c]} digits ${p.classes[c]}, the data has ${s.count}`, 'n');
      }
    });
    const training = new Float32Array(p.n * d);
    const labels = new Int32Array(p.n);
    let row = 0;
    for (let c = 0; c < 2; c++) {
      for (const index of sampleWithoutReplacement(sets[c].count, perClass[c], rng.stream(Streams.data + c * 16))) {
        training.set(imageRow(sets[c], index), row * d);
        labels[row++] = p.classes[c];
      }
    }

    // Λ (below) waits for the backward run: its first frames come first, and Λ does not change them.
    let lambda = Number.NaN;
    await ctx.checkpoint(0.1);

    const m = p.trajectories;
    const start = new Float32Array(m * d);
    for (let i = 0; i < start.length; i++) start[i] = normalAt(p.seed, Streams.init, i);
    const grid = geometricGrid(DIGITS_T_MAX, DIGITS_T_MIN, p.steps);
    const alpha = Math.log(p.n) / d;
    const t = geometricGrid(DIGITS_T_MAX, 0.01, ENTROPY_POINTS - 1).reverse();
    // NaN marks an entropy point not estimated yet.
    const excessEntropy = new Float64Array(t.length).fill(Number.NaN);
    const level = empiricalCollapseLevel(p.n);
    interface Ends {
      samples: Float32Array;
      test: { nearest: Int32Array; ratio: Float32Array };
      training: Float32Array;
    }
    /**
     * One assembly for the final result and the partial ones, so both have the experiment's type.
     * A partial one carries the trajectories' current state (noisy digits on their way) and no
     * nearest neighbours nor Λ yet (NaN); it leaves out the training set (empty), which the page draws from
     * only once the neighbours are known.
     */
    const assemble = (ends: Ends, copy: boolean) => ({
      Lambda: lambda,
      tS: speciationTime(lambda),
      tC: lastCrossing(t, excessEntropy, level),
      collapseLevel: level,
      alpha,
      t: copy ? t.slice() : t,
      excessEntropy: copy ? excessEntropy.slice() : excessEntropy,
      probes: DIGITS_PROBES,
      samples: ends.samples,
      nearest: ends.test.nearest,
      ratio: ends.test.ratio,
      memorizedFraction: ends.test.ratio.length > 0 ? memorizedFraction(ends.test.ratio) : Number.NaN,
      training: ends.training,
      trainingLabels: copy ? labels.slice() : labels,
      classes: [a, b],
      d,
      width: sets[0].width,
      height: sets[0].height,
      layout: `${SIDE}×${SIDE} as shipped, not zero-padded to 32×32 (the paper pads; padding adds zero-variance pixels, so Λ is unchanged and only d enters α)`,
      pixelScale: '[0, 1]',
    });
    const noNeighbours = (): Ends['test'] => ({ nearest: new Int32Array(0), ratio: new Float32Array(0) });
    const samples = await sampleBackward({
      score: empiricalScore(training, p.n, d, ctx.kernels),
      start,
      m,
      grid,
      sampler: 'sde',
      seed: p.seed,
      normals: normalsOf(ctx.kernels),
      onStep: (k, x) => {
        const fraction = 0.1 + (0.6 * k) / p.steps;
        ctx.partial(fraction, () => assemble({ samples: x.slice(), test: noNeighbours(), training: new Float32Array(0) }, true));
        return ctx.checkpoint(fraction);
      },
    });
    const test = nearestTwo(samples, m, training, p.n, d);
    // Λ from the training set, centred, not standardized (Table 1's convention), in Float64.
    lambda = topCovarianceEigenvalue(training, p.n, d).value;

    // t_C from the excess entropy: eq. 7 assumes isotropic Gaussian data and does not apply here.
    for (let i = 0; i < t.length; i++) {
      const fraction = 0.7 + (0.3 * i) / t.length;
      const e = await empiricalExcessEntropy(
        { train: training, n: p.n, d, t: t[i], probes: DIGITS_PROBES, seed: p.seed, stream: PROBE_STREAM },
        () => ctx.checkpoint(fraction),
      );
      excessEntropy[i] = e.excess / alpha;
      ctx.partial(0.7 + (0.3 * (i + 1)) / t.length, () =>
        assemble({ samples: samples.slice(), test: { nearest: test.nearest.slice(), ratio: test.ratio.slice() }, training: training.slice() }, true),
      );
      await ctx.checkpoint(0.7 + (0.3 * (i + 1)) / t.length);
    }
    return assemble({ samples, test, training }, false);
  },
  tables(r) {
    return {
      entropy: { t: r.t, excessEntropy: r.excessEntropy },
      samples: { nearest: r.nearest, ratio: r.ratio },
      summary: {
        Lambda: [r.Lambda],
        tS: [r.tS],
        tC: [r.tC ?? Number.NaN],
        alpha: [r.alpha],
        memorizedFraction: [r.memorizedFraction],
        n: [r.trainingLabels.length],
        d: [r.d],
      },
    };
  },
});

function imageRow(set: ImageSet, index: number): Float32Array {
  const size = set.width * set.height;
  return set.images.subarray(index * size, (index + 1) * size);
}

/** k distinct indices from 0…count − 1, in increasing order (partial Fisher–Yates). */
function sampleWithoutReplacement(count: number, k: number, rng: Rng): Int32Array {
  const pool = Int32Array.from({ length: count }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(count - i);
    const tmp = pool[i];
    pool[i] = pool[j];
    pool[j] = tmp;
  }
  return pool.slice(0, k).sort();
}

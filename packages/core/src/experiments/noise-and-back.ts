import { defineExperiment } from '../experiment.ts';
import { param } from '../params.ts';
import { ascending } from '../constraints.ts';
import { Rng, Streams, normalAt } from '../random.ts';
import { sampleMixture } from '../data/mixture.ts';
import { toyMixture, toyNames } from '../data/toys.ts';
import { mixtureScore } from '../scores/mixture.ts';
import { empiricalScore } from '../scores/empirical.ts';
import { geometricGrid } from '../time-grid.ts';
import { normalsOf, sampleBackward } from '../samplers.ts';
import { memorizationBaselineTheory, memorizedFraction, nearestTwo } from '../metrics.ts';

const MAX_FRAMES = 80;

export const noiseAndBack = defineExperiment({
  name: 'noise-and-back',
  title: 'Noise and back: generation with the exact and the empirical score',
  summary:
    'Backward generation in 2-D from pure noise, driven either by the exact score of the data law or by the exact empirical score of n training points, which reproduces them.',
  chapter: 'noise-and-back',
  params: {
    dataset: param.enum({ label: 'Data set', options: toyNames, default: 'moons' }),
    n: param.int({ label: 'Training points', symbol: 'n', min: 2, max: 5000, default: 100, scale: 'log' }),
    m: param.int({ label: 'Trajectories', symbol: 'm', min: 1, max: 4000, default: 400, scale: 'log' }),
    score: param.enum({
      label: 'Score',
      options: ['exact', 'empirical'],
      default: 'empirical',
      optionLabels: { exact: 'exact (population)', empirical: 'empirical (n points)' },
    }),
    sampler: param.enum({
      label: 'Sampler',
      options: ['sde', 'ode'],
      default: 'sde',
      optionLabels: { sde: 'reverse SDE', ode: 'probability-flow ODE' },
    }),
    steps: param.int({ label: 'Steps', symbol: 'L', min: 10, max: 4000, default: 400, scale: 'log' }),
    tMax: param.number({ label: 'Start time', symbol: 'T', min: 0.5, max: 12, default: 5 }),
    tMin: param.number({ label: 'End time', symbol: 't_min', min: 1e-6, max: 0.5, default: 1e-5, scale: 'log' }),
    seed: param.int({ label: 'Seed', min: 0, max: 2147483647, default: 1 }),
  },
  constraints: [ascending('tMin', 'tMax')],
  cost: {
    drivers: ['m', 'steps', 'n', 'score'],
    // One empirical-score step is m·n 2-D distance terms; every sample's step also costs about 150
    // of them (noise draws, the exact mixture score's components, the step itself), which is all an
    // exact-score run pays: the fuzz test met m = 4000, steps = 3173 with the exact score taking 15 s.
    units: (p) => p.m * p.steps * ((p.score === 'empirical' ? p.n : 0) + 150) + 2 * p.m * p.n,
    // Fitted with `npm run bench:cost -w @diffusion-atlas/tests` (runLocal's elapsedMs, the run alone)
    // on the 2-core development machine at load ≈ 10, log-least-squares over eight states, worst
    // factor 1.8: m·steps = 160k n = 100 0.29 s, 40k n = 400 0.08 s, 400k n = 500 1.5 s, n = 1000
    // 3.1 s, n = 2000 10.5 s, 160k n = 2000 4.2 s, 1M n = 10 1.16 s, 2M exact score 1.12 s.
    // Rescaled ×0.72 from that fit with `npm run bench:cost -w @diffusion-atlas/tests` on the quiet
    // machine (runLocal's elapsedMs, the run alone), plus 30 % headroom for a busy one.
    secondsPerUnit: 4.8e-9,
    baseSeconds: 0.0072,
  },
  async run(p, ctx) {
    const d = 2;
    const rng = new Rng(p.seed);
    const mixture = toyMixture(p.dataset);
    const training = sampleMixture(mixture, p.n, rng.stream(Streams.data)).x;
    const start = new Float32Array(p.m * d);
    for (let i = 0; i < start.length; i++) start[i] = normalAt(p.seed, Streams.init, i);

    const grid = geometricGrid(p.tMax, p.tMin, p.steps);
    const frameEvery = Math.max(1, Math.ceil(p.steps / MAX_FRAMES));
    const frameCount = Math.floor(p.steps / frameEvery) + 1 + (p.steps % frameEvery === 0 ? 0 : 1);
    const trajectories = new Float32Array(frameCount * p.m * d);
    const frameTimes = new Float64Array(frameCount);
    trajectories.set(start, 0);
    frameTimes[0] = grid[0];
    let frame = 1;

    /**
     * A partial result while the trajectories go back: the frames kept so far, NaN for those not
     * reached, and the samples where they are now; the memorization test waits for their end
     * points (NaN ratios and fractions, and no nearest training points: an Int32Array has no NaN,
     * and a placeholder index would read as a real one). Copies throughout: the run keeps writing
     * its own arrays, and what is sent may be transferred.
     */
    const streaming = (x: Float32Array) => {
      const kept = new Float32Array(trajectories.length).fill(Number.NaN);
      kept.set(trajectories.subarray(0, frame * p.m * d));
      const times = new Float64Array(frameCount).fill(Number.NaN);
      times.set(frameTimes.subarray(0, frame));
      return {
        d,
        training: training.slice(),
        samples: x.slice(),
        trajectories: kept,
        frameTimes: times,
        nearest: new Int32Array(0),
        ratio: new Float32Array(p.m).fill(Number.NaN),
        memorizedFraction: Number.NaN,
        memorizedBaseline: Number.NaN,
        memorizedBaselineTheory: memorizationBaselineTheory(d),
      };
    };

    const score = p.score === 'exact' ? mixtureScore(mixture, ctx.kernels) : empiricalScore(training, p.n, d, ctx.kernels);
    // The first picture at once: the pure noise the trajectories start from, before any step.
    ctx.partial(0, () => streaming(start));
    const samples = await sampleBackward({
      score,
      start,
      m: p.m,
      grid,
      sampler: p.sampler,
      seed: p.seed,
      normals: normalsOf(ctx.kernels),
      onStep: async (k, x, t) => {
        if (k % frameEvery === 0 || k === p.steps) {
          trajectories.set(x, frame * p.m * d);
          frameTimes[frame] = t;
          frame++;
          // Offered where a frame is kept, so the samples are the newest frame's points; not at the
          // last step, whose picture the finished run brings a moment later with its test.
          if (k < p.steps) ctx.partial((0.95 * k) / p.steps, () => streaming(x));
        }
        await ctx.checkpoint((0.95 * k) / p.steps);
      },
    });

    const test = nearestTwo(samples, p.m, training, p.n, d);
    const fresh = sampleMixture(mixture, p.m, rng.stream(Streams.fresh)).x;
    const freshTest = nearestTwo(fresh, p.m, training, p.n, d);
    await ctx.checkpoint(1);
    return {
      d,
      training,
      samples,
      trajectories,
      frameTimes,
      nearest: test.nearest,
      ratio: test.ratio,
      memorizedFraction: memorizedFraction(test.ratio),
      memorizedBaseline: memorizedFraction(freshTest.ratio),
      memorizedBaselineTheory: memorizationBaselineTheory(d),
    };
  },
  tables(r) {
    const n = r.training.length / 2;
    const m = r.samples.length / 2;
    return {
      samples: {
        x: r.samples.filter((_, i) => i % 2 === 0),
        y: r.samples.filter((_, i) => i % 2 === 1),
        ratio: r.ratio,
        nearest: r.nearest,
      },
      training: {
        x: r.training.filter((_, i) => i % 2 === 0),
        y: r.training.filter((_, i) => i % 2 === 1),
      },
      summary: {
        memorizedFraction: [r.memorizedFraction],
        memorizedBaseline: [r.memorizedBaseline],
        memorizedBaselineTheory: [r.memorizedBaselineTheory],
        n: [n],
        m: [m],
      },
    };
  },
});

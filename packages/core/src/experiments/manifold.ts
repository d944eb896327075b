import { defineExperiment } from '../experiment.ts';
import { param } from '../params.ts';
import { Rng, Streams, normalAt } from '../random.ts';
import { delta, noiseForward } from '../forward.ts';
import { geometricGrid } from '../time-grid.ts';
import { empiricalScore } from '../scores/empirical.ts';
import { memorizedFraction, nearestTwo } from '../metrics.ts';
import { curvePoints, embed, isometricFrame, manifoldShapes, project } from '../manifold/embedding.ts';
import { w1Exact } from '../manifold/w1.ts';
import { circleDenoise, circleScore } from '../manifold/circle-score.ts';
import { AtlasError } from '../errors.ts';

/** Backward runs start here: e^{−5} of the data survives, well inside the OU mixing time. */
const MANIFOLD_T_MAX = 5;
/** Geometric steps from T to the smallest ε (the ε values are added to the grid as exact stops). */
const MANIFOLD_STEPS = 160;
const CURVE_POINTS = 256;
const STREAM_FRAME = 31;
const STREAM_FLOOR = 32;
const STREAM_FORWARD = 33;
const STREAM_CURVE_FLOOR = 34;
/**
 * The curve's own law, for W₁ to it: φ on an even grid, so the reference carries no sampling
 * noise; quantizing a uniform φ to R points moves mass by at most half a cell, so this reference
 * is within π·max|γ'|/R of the law in W₁ (≈ 0.012 for the circle, 0.03 for the three-lobed curve).
 */
const CURVE_REFERENCE_POINTS = 256;
export const manifoldScores = ['empirical', 'population'] as const;

/**
 * The cost of early stopping on data without a density (science.md §5.1, derived for OU): the
 * forward coupling x_ε = e^{−ε}x₀ + √Δ_ε z gives
 *   W₁(π_ε, π) ≤ E|x_ε − x₀| ≤ (1 − e^{−ε}) E|x₀| + √(D Δ_ε) ≈ √(2εD),
 * with D the ambient dimension, where the noise lives.
 */
export function earlyStoppingBound(epsilon: number, meanNorm: number, D: number): number {
  return -Math.expm1(-epsilon) * meanNorm + Math.sqrt(D * delta(epsilon));
}

export const manifold = defineExperiment({
  name: 'manifold',
  title: 'The manifold hypothesis: early stopping and its price',
  summary:
    'Data on a closed curve carried isometrically into R^D have no density: the score blows up as t → 0, generation must stop at t = ε, which costs a W₁ distance of order √(2εD); the exact empirical score then reproduces the training points.',
  chapter: 'manifolds-and-finite-time',
  params: {
    D: param.int({ label: 'Ambient dimension', symbol: 'D', min: 2, max: 512, default: 64, scale: 'log' }),
    shape: param.enum({
      label: 'Manifold',
      options: manifoldShapes,
      default: 'circle',
      optionLabels: { circle: 'circle', curve: 'three-lobed curve' },
    }),
    // The exact W₁ is a min-cost flow, cubic in the sample sizes: 1000 points took minutes, 400 take seconds.
    n: param.int({ label: 'Training points', symbol: 'n', min: 2, max: 400, default: 50, scale: 'log' }),
    epsilon: param.numberList({
      label: 'Stopping times',
      symbol: 'ε',
      min: 1e-4,
      max: 1,
      minItems: 1,
      maxItems: 12,
      default: [0.0001, 0.001, 0.01, 0.1, 0.3],
      help: 'Times at which the backward run is read off; sorted and deduplicated in the result.',
    }),
    trajectories: param.int({ label: 'Trajectories', symbol: 'm', min: 2, max: 400, default: 128, scale: 'log' }),
    score: param.enum({
      label: 'Score',
      options: manifoldScores,
      default: 'empirical',
      optionLabels: { empirical: 'empirical (n points)', population: 'population (uniform circle)' },
      help: 'The exact score of the n training points, or the exact score of the uniform law on the circle (closed form through I₁/I₀), which has a density along the curve.',
    }),
    seed: param.int({ label: 'Seed', min: 0, max: 2147483647, default: 1 }),
  },
  constraints: [
    {
      id: 'population-on-circle',
      params: ['score', 'shape'],
      rule: 'the population score has a closed form for the circle only',
      holds: (p) => p.score !== 'population' || p.shape === 'circle',
      message: () => 'the population score has a closed form for the circle only; set shape to circle',
      repair: () => ({ shape: 'circle' }),
    },
  ],
  cost: {
    drivers: ['trajectories', 'n', 'D', 'epsilon'],
    // The backward run's empirical score (m·n·D per step), then one exact W1 (an m × n assignment) per ε.
    units: (p) => MANIFOLD_STEPS * p.trajectories * p.n * p.D + p.epsilon.length * p.trajectories * p.n * (p.D + p.trajectories),
    // Fitted to CLI runs (elapsedMs less the CLI's 0.5 s setup) on the 2-core development machine
    // under load from parallel builds: 2442 and 4824 ms at the defaults, 5534 ms at n = 150
    // trajectories = 64, and 3.5–3.9 s for D = 64 or 510 with n = trajectories = 2 (a fixed cost
    // that the fuzz test exposed: it met a 17 s run estimated at 1 s with the first fit).
    // Rescaled ×0.60 from that fit with `npm run bench:cost -w @diffusion-atlas/tests` on the quiet
    // machine (runLocal's elapsedMs, the run alone), plus 30 % headroom for a busy one.
    secondsPerUnit: 1.2e-8,
    baseSeconds: 1.8,
  },
  async run(p, ctx) {
    const D = p.D;
    const m = p.trajectories;
    const n = p.n;
    const rng = new Rng(p.seed);
    const epsilon = Float64Array.from(new Set(p.epsilon)).sort();

    const frame = isometricFrame(D, p.seed, STREAM_FRAME);
    const dataRng = rng.stream(Streams.data);
    const phi = Float64Array.from({ length: n }, () => 2 * Math.PI * dataRng.uniform());
    const trainingPlanar = curvePoints(p.shape, phi);
    const training = embed(trainingPlanar, n, frame, D);
    let meanNorm = 0;
    for (let i = 0; i < n; i++) meanNorm += Math.hypot(trainingPlanar[2 * i], trainingPlanar[2 * i + 1]) / n;
    const curve = curvePoints(
      p.shape,
      Float64Array.from({ length: CURVE_POINTS + 1 }, (_, i) => (2 * Math.PI * i) / CURVE_POINTS),
    );

    const grid = gridWithStops(MANIFOLD_T_MAX, epsilon, MANIFOLD_STEPS);
    const L = grid.length - 1;
    const population = p.score === 'population';
    const score = population ? circleScore(frame, D) : empiricalScore(training, n, D, ctx.kernels);
    const x = new Float32Array(m * D);
    for (let i = 0; i < x.length; i++) x[i] = normalAt(p.seed, Streams.init, i);

    const t = grid.slice(0, L);
    // NaN marks what the run has not reached yet, which a partial result leaves out.
    const scoreNorm = new Float64Array(L).fill(Number.NaN);
    // The score's component along the angular direction of the data plane, Q(−y₁, y₀)/ρ: the tangent
    // of the circle (for the three-lobed curve, the direction of increasing φ only approximately).
    const scoreNormTangential = new Float64Array(L).fill(Number.NaN);
    const zMean = chiMean(D);
    const scoreNormTheory = Float64Array.from(t, (s) => zMean / Math.sqrt(delta(s)));
    const samples = new Float32Array(epsilon.length * m * 2).fill(Number.NaN);
    const offPlane = new Float32Array(epsilon.length * m).fill(Number.NaN);
    const denoised = new Float32Array(epsilon.length * m * 2).fill(Number.NaN);
    const w1 = new Float64Array(epsilon.length).fill(Number.NaN);
    const w1Denoised = new Float64Array(epsilon.length).fill(Number.NaN);
    const w1Forward = new Float64Array(epsilon.length).fill(Number.NaN);
    const w1Curve = new Float64Array(epsilon.length).fill(Number.NaN);
    const w1CurveDenoised = new Float64Array(epsilon.length).fill(Number.NaN);
    const floors = { w1Floor: Number.NaN, w1CurveFloor: Number.NaN, memorized: Number.NaN };
    /**
     * The final result, or (`copy`) a partial one: the score norms of the steps taken, the samples
     * of the stops reached and the distances measured so far, NaN for the rest.
     */
    const assemble = (copy: boolean) => {
      const own = (a: Float64Array): Float64Array => (copy ? a.slice() : a);
      const own32 = (a: Float32Array): Float32Array => (copy ? a.slice() : a);
      return {
        D,
        epsilon: own(epsilon),
        w1: own(w1),
        w1Bound: Float64Array.from(epsilon, (e) => earlyStoppingBound(e, meanNorm, D)),
        w1BoundLeading: Float64Array.from(epsilon, (e) => Math.sqrt(2 * e * D)),
        w1Denoised: own(w1Denoised),
        w1Forward: own(w1Forward),
        w1Floor: floors.w1Floor,
        meanNorm,
        t: own(t),
        scoreNorm: own(scoreNorm),
        scoreNormTheory: own(scoreNormTheory),
        scoreNormTangential: own(scoreNormTangential),
        score: p.score,
        w1Curve: own(w1Curve),
        w1CurveDenoised: own(w1CurveDenoised),
        w1CurveFloor: floors.w1CurveFloor,
        curveReferencePoints: CURVE_REFERENCE_POINTS,
        samples: own32(samples),
        offPlane: own32(offPlane),
        denoised: own32(denoised),
        training: Float32Array.from(trainingPlanar),
        curve: Float32Array.from(curve),
        memorizedFraction: floors.memorized,
        tMax: MANIFOLD_T_MAX,
      };
    };
    const snapshots: Float32Array[] = [];
    const denoisedFull: Float32Array[] = [];
    let stop = epsilon.length - 1;
    // Euler–Maruyama on −dy = [y + 2F] dt + dξ (science.md §1.3), written out here rather than via
    // sampleBackward because |F| at every step is a result of its own.
    for (let k = 0; k < L; k++) {
      const tk = grid[k];
      const eta = tk - grid[k + 1];
      const f = score.evaluate(x, m, tk).score;
      let norms = 0;
      for (let i = 0; i < m; i++) {
        let r2 = 0;
        for (let c = 0; c < D; c++) r2 += f[i * D + c] * f[i * D + c];
        norms += Math.sqrt(r2);
      }
      scoreNorm[k] = norms / m;
      scoreNormTangential[k] = meanTangential(x, f, m, frame, D);
      const sd = Math.sqrt(2 * eta);
      const base = k * m * D;
      for (let i = 0; i < m * D; i++) x[i] = x[i] + eta * (x[i] + 2 * f[i]) + sd * normalAt(p.seed, Streams.steps, base + i);
      const tNext = grid[k + 1];
      if (stop >= 0 && tNext === epsilon[stop]) {
        const here = project(x, m, frame, D);
        samples.set(here.planar, stop * m * 2);
        offPlane.set(here.offPlane, stop * m);
        // Tweedie's denoiser D(x, ε) = Σ_μ w_μ a_μ: the clean point the model believes x came from.
        const mean = population
          ? circleDenoise(x, m, tNext, frame, D)
          : Float32Array.from(
              ctx.kernels.softmaxDenoise({ queries: x, m, centres: training, n, d: D, scale: Math.exp(-tNext), variance: delta(tNext) }).mean,
            );
        denoised.set(project(mean, m, frame, D).planar, stop * m * 2);
        snapshots[stop] = Float32Array.from(x);
        denoisedFull[stop] = mean;
        stop--;
      }
      ctx.partial((0.7 * (k + 1)) / L, () => assemble(true));
      await ctx.checkpoint((0.7 * (k + 1)) / L);
    }

    // Every transport below is a stage of its own in [0.7, 0.99], its share of that span in
    // proportion to its cost (one dense Dijkstra over m + cols nodes per augmentation, some
    // m·cols·(m + cols) in all), and the bar moves within it with the mass shipped: the transports
    // to the curve's reference points cost some ten times those to the training points.
    const E = epsilon.length;
    const costOf = (cols: number): number => m * cols * (m + cols);
    const transportsCost = (1 + 3 * E) * costOf(n) + (1 + 2 * E) * costOf(CURVE_REFERENCE_POINTS);
    let level = 0.7;
    const transport = async (from: ArrayLike<number>, to: ArrayLike<number>, cols: number): Promise<number> => {
      const start = level;
      const end = start + (0.29 * costOf(cols)) / transportsCost;
      let at = start;
      const value = await w1Exact(from, m, to, cols, D, () => ctx.checkpoint(at), (f) => {
        at = start + (end - start) * f;
        ctx.progress(at);
      });
      level = end;
      return value;
    };

    // The estimator's floor: m draws from the training measure itself are this far from it in W₁.
    const floorRng = rng.stream(STREAM_FLOOR);
    const resampled = new Float32Array(m * D);
    for (let i = 0; i < m; i++) {
      const mu = floorRng.int(n);
      resampled.set(training.subarray(mu * D, (mu + 1) * D), i * D);
    }
    const w1Floor = await transport(resampled, training, n);
    floors.w1Floor = w1Floor;

    // W₁ to the training measure, by exact transport, of: the backward output; its denoised
    // version; and the same m resampled points noised exactly by the forward process, i.e. what a
    // perfect sampler stopped at ε would give. By the triangle inequality through the resampled
    // points, w1Forward ≤ (1 − e^{−ε}) mean|a| + √Δ_ε mean|z| + w1Floor, which is the bound up to
    // the fluctuation of mean|z| around E|z| < √D.
    for (let e = 0; e < epsilon.length; e++) {
      // each transport checkpoints itself only after 50 ms of work, so short ones add up between
      // them: a checkpoint after each
      w1[e] = await transport(snapshots[e], training, n);
      await ctx.checkpoint(level);
      w1Denoised[e] = await transport(denoisedFull[e], training, n);
      await ctx.checkpoint(level);
      w1Forward[e] = await transport(noiseForward(resampled, epsilon[e], p.seed, STREAM_FORWARD), training, n);
      ctx.partial(level, () => assemble(true));
      await ctx.checkpoint(level);
    }
    // W₁ to the curve's law itself (not to the training points): what generalization is measured by.
    const reference = embed(
      curvePoints(p.shape, Float64Array.from({ length: CURVE_REFERENCE_POINTS }, (_, i) => (2 * Math.PI * (i + 0.5)) / CURVE_REFERENCE_POINTS)),
      CURVE_REFERENCE_POINTS,
      frame,
      D,
    );
    // Its floor: m exact draws from the curve's law are this far from the reference.
    const floorPhiRng = rng.stream(STREAM_CURVE_FLOOR);
    const exact = embed(curvePoints(p.shape, Float64Array.from({ length: m }, () => 2 * Math.PI * floorPhiRng.uniform())), m, frame, D);
    const w1CurveFloor = await transport(exact, reference, CURVE_REFERENCE_POINTS);
    floors.w1CurveFloor = w1CurveFloor;
    for (let e = 0; e < epsilon.length; e++) {
      w1Curve[e] = await transport(snapshots[e], reference, CURVE_REFERENCE_POINTS);
      w1CurveDenoised[e] = await transport(denoisedFull[e], reference, CURVE_REFERENCE_POINTS);
      await ctx.checkpoint(level);
    }
    const last = denoisedFull[0];
    const test = nearestTwo(last, m, training, n, D);
    floors.memorized = memorizedFraction(test.ratio);
    await ctx.checkpoint(1);
    return assemble(false);
  },
  tables(r) {
    return {
      w1: { epsilon: r.epsilon, w1: r.w1, w1Bound: r.w1Bound, w1BoundLeading: r.w1BoundLeading, w1Denoised: r.w1Denoised, w1Forward: r.w1Forward },
      curve: { epsilon: r.epsilon, w1Curve: r.w1Curve, w1CurveDenoised: r.w1CurveDenoised },
      score: { t: r.t, scoreNorm: r.scoreNorm, scoreNormTheory: r.scoreNormTheory, scoreNormTangential: r.scoreNormTangential },
      summary: { D: [r.D], w1Floor: [r.w1Floor], w1CurveFloor: [r.w1CurveFloor], meanNorm: [r.meanNorm], memorizedFraction: [r.memorizedFraction] },
    };
  },
});

/**
 * A decreasing geometric grid from tMax to the smallest stop, with every stop inserted exactly so
 * the run can be read off there.
 */
function gridWithStops(tMax: number, stops: Float64Array, steps: number): Float64Array {
  const base = geometricGrid(tMax, stops[0], steps);
  const all = new Set<number>([...base, ...stops]);
  return Float64Array.from(all).sort().reverse();
}

/**
 * E|z| for z ~ N(0, I_D): √2 Γ((D+1)/2)/Γ(D/2), by r_{D+1} = D/(2 r_D) from r_1 = 1/√π. Once a
 * trajectory has committed to one training point, F ≈ −z/√Δ_t, so E|F| ≈ E|z|/√Δ_t (≈ √(D/Δ_t)).
 */
export function chiMean(D: number): number {
  let r = 1 / Math.sqrt(Math.PI);
  for (let k = 1; k < D; k++) r = k / (2 * r);
  return Math.SQRT2 * r;
}

/** Mean over rows of |⟨F, τ⟩|, τ = Q(−y₁, y₀)/ρ the unit angular direction at y = Qᵀx. */
function meanTangential(x: Float32Array, f: Float32Array, m: number, frame: Float64Array, D: number): number {
  let total = 0;
  for (let i = 0; i < m; i++) {
    let y0 = 0;
    let y1 = 0;
    let f0 = 0;
    let f1 = 0;
    for (let k = 0; k < D; k++) {
      y0 += frame[2 * k] * x[i * D + k];
      y1 += frame[2 * k + 1] * x[i * D + k];
      f0 += frame[2 * k] * f[i * D + k];
      f1 += frame[2 * k + 1] * f[i * D + k];
    }
    const rho = Math.hypot(y0, y1);
    if (rho > 0) total += Math.abs(-y1 * f0 + y0 * f1) / rho;
  }
  return total / m;
}

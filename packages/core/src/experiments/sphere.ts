import { defineExperiment } from '../experiment.ts';
import { AtlasError } from '../errors.ts';
import { param } from '../params.ts';
import { progressPart } from '../progress.ts';
import { Rng, Streams } from '../random.ts';
import { geometricGrid } from '../time-grid.ts';
import { memorizedFraction, nearestTwo } from '../metrics.ts';
import { latLonToUnit, unitToLatLon } from '../sphere/coordinates.ts';
import { geodesicWalkForward, meanCosine, uniformOnSphere } from '../sphere/geodesic-walk.ts';
import { geodesicWalkBackward } from '../sphere/empirical-score.ts';
import { heatKernelKdeLogLikelihood } from '../sphere/heat-kernel-kde.ts';
import {
  HEAT_KERNEL_SERIES_MIN_S,
  heatKernel,
  meanCosineTheory,
  seriesLogKernelThetaDerivative,
  varadhanLogKernel,
  varadhanLogKernelThetaDerivative,
} from '../sphere/heat-kernel.ts';

/**
 * Training epicentres are kept at least this far apart (greedy, in seeded random order). The USGS
 * week repeats events: half of the epicentres have another within ≈ 16 km, a tenth within 1 km,
 * and the ratio test cannot tell a reproduced epicentre from its twin. 0.25° (28 km) is below what
 * the globe resolves and leaves about 440 of the 1679 events (the count depends on the seeded
 * order of the greedy pass).
 */
export const SPHERE_MIN_SEPARATION_DEG = 0.25;
/**
 * Backward runs stop at this Brownian time: the residual spread √s_min ≈ 3·10⁻⁴ rad (2 km) per
 * tangent direction is a quarter of the 0.25° separation, so a collapsed sample passes the ratio
 * test (it needs d₁ < d₂/3, i.e. d₁ below ≈ 10⁻³ rad).
 */
export const SPHERE_S_MIN = 1e-7;
/** Intervals of the heat-kernel table in u = cos θ (its interpolation error in log p is ≈ 10⁻⁸/s). */
const TABLE_SIZE = 4096;
const MAX_FRAMES = 40;
/** Points of the kernel profiles drawn beside the globe. */
const PROFILE_POINTS = 181;
/**
 * Times of the kernel profiles besides the run's own s: one deep in the Varadhan regime (where the
 * series has no digits left in the tails), one at the switch, one where the series is cheap.
 */
export const SPHERE_PROFILE_TIMES = [0.01, HEAT_KERNEL_SERIES_MIN_S, 0.3] as const;

/**
 * Stopping times at which the held-out log-likelihood is reported: from far below the run's own
 * s_min scale of interest (10⁻⁵, ≈ 0.2° of spread) to s = 1 (nearly uniform).
 */
const HELD_OUT_S_MIN = 1e-5;
const HELD_OUT_S_MAX = 1;
const HELD_OUT_POINTS = 16;
const STREAM_BACKWARD = 21;
const STREAM_FORWARD = 22;

/** What the held-out likelihood means (it travels with the numbers). */
const HELD_OUT_MEANING =
  'mean log-density (per unit area of the unit sphere) of held-out epicentres under P_{s_min} = (1/n) Σ_μ p_{s_min}(· | a_μ), the law of the exact-score reversal stopped at s_min: a heat-kernel density estimate; held-out = events not used for training and at least the training separation away from every training epicentre';

export const sphere = defineExperiment({
  name: 'sphere',
  title: 'Diffusion on the sphere: heat kernel, geodesic random walk and earthquakes',
  summary:
    'Brownian motion on S² (generator ½Δ) by the geodesic random walk, checked against the Legendre heat kernel, and its reversal with the exact empirical score of heat-kernel-smoothed earthquake epicentres, which memorizes them.',
  chapter: 'manifolds-and-finite-time',
  params: {
    n: param.int({
      label: 'Earthquakes used',
      symbol: 'n',
      min: 2,
      max: 1000,
      default: 200,
      scale: 'log',
      help: `Epicentres drawn at random, at least ${SPHERE_MIN_SEPARATION_DEG}° apart (about 440 of the 1679 events qualify).`,
    }),
    walkers: param.int({ label: 'Walkers', symbol: 'N', min: 1, max: 5000, default: 500, scale: 'log' }),
    s: param.number({
      label: 'Brownian time',
      symbol: 's',
      min: 0.01,
      max: 10,
      default: 3,
      scale: 'log',
      help: 'Horizon of the forward walk and start of the backward one, in Brownian time for the generator ½Δ (not a β-rescaled time). E⟨X_s, X_0⟩ = e^{−s}.',
    }),
    steps: param.int({ label: 'Steps', symbol: 'L', min: 10, max: 2000, default: 200, scale: 'log' }),
    seed: param.int({ label: 'Seed', min: 0, max: 2147483647, default: 1 }),
  },
  cost: {
    drivers: ['walkers', 'steps', 'n'],
    // The heat-kernel empirical score sums over the n epicentres for every walker and step; the
    // forward walk and each geodesic step cost about 40 such terms more (trigonometry, table
    // look-ups), and every step builds a TABLE_SIZE-point kernel table of about 20 series terms
    // each. The fuzz test found both: n = 2 with 2000 steps took 12.8 s, and with one walker 27 s,
    // where the first model said about 1 s.
    units: (p) => p.walkers * p.steps * (p.n + 40) + p.steps * TABLE_SIZE * 20,
    // Fitted to CLI runs (elapsedMs less the CLI's 0.5 s setup) on the 2-core development machine
    // under load from parallel builds: 2820 and 6360 ms at the defaults, 2200 ms at walkers = 100 steps = 100.
    // Rescaled ×0.29 from that fit with `npm run bench:cost -w @diffusion-atlas/tests` on the quiet
    // machine (runLocal's elapsedMs, the run alone), plus 30 % headroom for a busy one.
    secondsPerUnit: 4.3e-8,
    baseSeconds: 0.086,
  },
  async run(p, ctx) {
    const source = ctx.data?.earthquakes;
    if (!ctx.data || !source) throw new AtlasError('internal', 'sphere needs the earthquake data source, which this environment does not supply');
    const quakes = await source.call(ctx.data);
    await ctx.checkpoint(0.02);

    // n training epicentres, separated, and from the rest of the catalogue held-out ones for the
    // memorization baseline (what reproducing real but unseen events would score).
    const all = latLonToUnit(quakes.lat, quakes.lon, quakes.count);
    const order = shuffled(quakes.count, new Rng(p.seed).stream(Streams.data));
    const chosen = separated(all, order, 2 * Math.sin((SPHERE_MIN_SEPARATION_DEG * Math.PI) / 360), p.n);
    if (chosen.length < p.n) {
      throw new AtlasError(
        'invalid-params',
        `n = ${p.n} exceeds the ${chosen.length} epicentres at least ${SPHERE_MIN_SEPARATION_DEG}° apart in the data`,
        'n',
      );
    }
    const used = new Uint8Array(quakes.count);
    for (const j of chosen) used[j] = 1;
    const data = new Float64Array(3 * p.n);
    chosen.forEach((j, i) => data.set(all.subarray(3 * j, 3 * j + 3), 3 * i));
    const rest = order.filter((j) => used[j] === 0).subarray(0, p.walkers);
    const heldOut = new Float32Array(3 * rest.length);
    rest.forEach((j, i) => heldOut.set(all.subarray(3 * j, 3 * j + 3), 3 * i));


    // Backward: from the invariant (uniform) law at s down to s_min, geometric in s like the
    // Euclidean samplers (the empirical score's stiffness grows like 1/s).
    const grid = geometricGrid(p.s, SPHERE_S_MIN, p.steps);
    const start = uniformOnSphere(p.walkers, p.seed, Streams.init);
    const frameEvery = Math.max(1, Math.ceil(p.steps / MAX_FRAMES));
    const frameCount = Math.ceil(p.steps / frameEvery) + 1;
    const frameLat = new Float32Array(frameCount * p.walkers);
    const frameLon = new Float32Array(frameCount * p.walkers);
    const frameTimes = new Float64Array(frameCount);
    const keepFrame = (f: number, x: Float64Array, s: number): void => {
      const { lat, lon } = unitToLatLon(x, p.walkers);
      frameLat.set(lat, f * p.walkers);
      frameLon.set(lon, f * p.walkers);
      frameTimes[f] = s;
    };
    keepFrame(0, start, grid[0]);
    let frame = 1;
    const trainingLatLon = (): { lat: Float64Array; lon: Float64Array } => ({
      lat: Float64Array.from(chosen, (j) => quakes.lat[j]),
      lon: Float64Array.from(chosen, (j) => quakes.lon[j]),
    });
    const none = (): Float64Array => new Float64Array(0);
    /**
     * A partial result while the walkers go back: the frames kept so far, the walkers where they
     * are now as the samples, and nothing of what needs the end points, the forward walk (done
     * after) or the held-out events yet (empty curves, walkers and profiles, NaN numbers).
     */
    const streaming = (x: Float64Array) => ({
      samples: unitToLatLon(x, p.walkers),
      forward: { lat: none(), lon: none() },
      data: trainingLatLon(),
      frames: { lat: frameLat.slice(0, frame * p.walkers), lon: frameLon.slice(0, frame * p.walkers), s: frameTimes.slice(0, frame) },
      maxNormError: Number.NaN,
      meanCos: Number.NaN,
      meanCosStdErr: Number.NaN,
      meanCosTheory: meanCosineTheory(p.s),
      memorizedFraction: Number.NaN,
      memorizedBaseline: Number.NaN,
      nearest: new Int32Array(0),
      ratio: new Float32Array(0),
      sMin: SPHERE_S_MIN,
      minSeparationDeg: SPHERE_MIN_SEPARATION_DEG,
      seriesMinS: HEAT_KERNEL_SERIES_MIN_S,
      kernel: [],
      earthquakesTotal: quakes.count,
      sMinGrid: none(),
      heldOutLogLikelihood: none(),
      trainingLogLikelihood: none(),
      heldOutCount: 0,
      uniformLogLikelihood: -Math.log(4 * Math.PI),
      heldOutMeaning: HELD_OUT_MEANING,
    });
    // The first frame: the walkers at their uniform start, offered before the first step.
    ctx.partial(0.02, () => streaming(start));
    const backward = await geodesicWalkBackward({
      data,
      n: p.n,
      start,
      count: p.walkers,
      grid,
      seed: p.seed,
      stream: STREAM_BACKWARD,
      tableSize: TABLE_SIZE,
      onStep: async (k, x, s) => {
        if (k % frameEvery === 0 || k === p.steps) keepFrame(frame++, x, s);
        ctx.partial(0.02 + (0.85 * k) / p.steps, () => streaming(x));
        await ctx.checkpoint(0.02 + (0.85 * k) / p.steps);
      },
    });

    // Forward: walkers start on the epicentres (cyclically) and diffuse for Brownian time s. A check
    // of the walk against the heat kernel, independent of the backward run (its own stream): done
    // after it, so the walkers going back are on the globe sooner.
    const x0 = new Float64Array(3 * p.walkers);
    for (let i = 0; i < p.walkers; i++) x0.set(data.subarray(3 * (i % p.n), 3 * (i % p.n) + 3), 3 * i);
    const forward = await geodesicWalkForward({
      start: x0,
      count: p.walkers,
      s: p.s,
      steps: p.steps,
      seed: p.seed,
      stream: STREAM_FORWARD,
      onStep: (k) => ctx.checkpoint(0.87 + (0.08 * k) / p.steps),
    });
    const cos = meanCosine(forward.x, x0, p.walkers);
    await ctx.checkpoint(0.95);

    const test = nearestTwo(Float32Array.from(backward.x), p.walkers, Float32Array.from(data), p.n, 3);
    const baseline = nearestTwo(heldOut, rest.length, Float32Array.from(data), p.n, 3);
    // Held-out events for the likelihood: the rest of the catalogue, minus repeats of training
    // events (within the same 0.25° separation), which would reward copying for the wrong reason.
    const separation = 2 * Math.sin((SPHERE_MIN_SEPARATION_DEG * Math.PI) / 360);
    const evaluation: number[] = [];
    for (let j = 0; j < quakes.count; j++) {
      if (used[j] === 1) continue;
      let far = true;
      for (let i = 0; i < p.n && far; i++) {
        const dx = all[3 * j] - data[3 * i];
        const dy = all[3 * j + 1] - data[3 * i + 1];
        const dz = all[3 * j + 2] - data[3 * i + 2];
        if (dx * dx + dy * dy + dz * dz < separation * separation) far = false;
      }
      if (far) evaluation.push(j);
    }
    const evalPoints = new Float64Array(3 * evaluation.length);
    evaluation.forEach((j, i) => evalPoints.set(all.subarray(3 * j, 3 * j + 3), 3 * i));
    const sMinGrid = geometricGrid(HELD_OUT_S_MAX, HELD_OUT_S_MIN, HELD_OUT_POINTS - 1).reverse();
    // The likelihoods and the kernel's profiles take a few hundred milliseconds: a checkpoint after
    // each keeps the progress moving (and Stop answered) through them.
    const heldOutLogLikelihood = new Float64Array(sMinGrid.length);
    const trainingLogLikelihood = new Float64Array(sMinGrid.length);
    // At the larger s_min one grid point takes up to a hundred milliseconds: the bar also moves
    // point by point within it, the held-out and the training points sharing its step by their counts.
    const heldOutShare = evaluation.length / (evaluation.length + p.n);
    for (let i = 0; i < sMinGrid.length; i++) {
      const from = 0.95 + (0.04 * i) / sMinGrid.length;
      const to = 0.95 + (0.04 * (i + 1)) / sMinGrid.length;
      const split = from + (to - from) * heldOutShare;
      heldOutLogLikelihood[i] = heatKernelKdeLogLikelihood(evalPoints, evaluation.length, data, p.n, sMinGrid[i], progressPart(ctx.progress, from, split));
      trainingLogLikelihood[i] = heatKernelKdeLogLikelihood(data, p.n, data, p.n, sMinGrid[i], progressPart(ctx.progress, split, to));
      await ctx.checkpoint(to);
    }
    const profileTimes = [...new Set<number>([...SPHERE_PROFILE_TIMES, p.s])].sort((a, b) => a - b);
    const profiles: ReturnType<typeof kernelProfile>[] = [];
    for (const s of profileTimes) {
      profiles.push(kernelProfile(s));
      await ctx.checkpoint(0.99);
    }
    await ctx.checkpoint(1);
    return {
      samples: unitToLatLon(backward.x, p.walkers),
      forward: unitToLatLon(forward.x, p.walkers),
      data: trainingLatLon(),
      frames: { lat: frameLat, lon: frameLon, s: frameTimes },
      maxNormError: Math.max(forward.maxNormError, backward.maxNormError),
      meanCos: cos.mean,
      meanCosStdErr: cos.stdErr,
      meanCosTheory: meanCosineTheory(p.s),
      memorizedFraction: memorizedFraction(test.ratio),
      memorizedBaseline: memorizedFraction(baseline.ratio),
      nearest: test.nearest,
      ratio: test.ratio,
      sMin: SPHERE_S_MIN,
      minSeparationDeg: SPHERE_MIN_SEPARATION_DEG,
      seriesMinS: HEAT_KERNEL_SERIES_MIN_S,
      kernel: profiles,
      earthquakesTotal: quakes.count,
      sMinGrid,
      heldOutLogLikelihood,
      trainingLogLikelihood,
      heldOutCount: evaluation.length,
      uniformLogLikelihood: -Math.log(4 * Math.PI),
      heldOutMeaning: HELD_OUT_MEANING,
    };
  },
  tables(r) {
    return {
      samples: { lat: r.samples.lat, lon: r.samples.lon, ratio: r.ratio, nearest: r.nearest },
      kernel: Object.assign(
        { theta: r.kernel[0].theta },
        ...r.kernel.map((k) => ({
          [`density_s${k.s}`]: k.density,
          [`densityVaradhan_s${k.s}`]: k.densityVaradhan,
          [`score_s${k.s}`]: k.score,
          [`scoreVaradhan_s${k.s}`]: k.scoreVaradhan,
        })),
      ),
      heldOut: { sMin: r.sMinGrid, heldOutLogLikelihood: r.heldOutLogLikelihood, trainingLogLikelihood: r.trainingLogLikelihood },
      summary: {
        meanCos: [r.meanCos],
        meanCosStdErr: [r.meanCosStdErr],
        meanCosTheory: [r.meanCosTheory],
        maxNormError: [r.maxNormError],
        memorizedFraction: [r.memorizedFraction],
        memorizedBaseline: [r.memorizedBaseline],
        n: [r.data.lat.length],
        walkers: [r.samples.lat.length],
      },
    };
  },
});

/**
 * The kernel at time s as a function of the geodesic distance θ: the Legendre series and the
 * Varadhan form, density and ∂_θ log p. Near θ = π the Varadhan form diverges (cut locus) and the
 * series loses its digits at small s (NaN there), which is why each is used where it is.
 */
function kernelProfile(s: number): {
  s: number;
  theta: Float64Array;
  density: Float64Array;
  densityVaradhan: Float64Array;
  score: Float64Array;
  scoreVaradhan: Float64Array;
} {
  const theta = new Float64Array(PROFILE_POINTS);
  const density = new Float64Array(PROFILE_POINTS);
  const densityVaradhan = new Float64Array(PROFILE_POINTS);
  const score = new Float64Array(PROFILE_POINTS);
  const scoreVaradhan = new Float64Array(PROFILE_POINTS);
  const floor = 1e-12 * heatKernel(s, 1);
  for (let i = 0; i < PROFILE_POINTS; i++) {
    // open interval: ∂_θ log p is 0/0 at both ends
    const th = (Math.PI * (i + 0.5)) / PROFILE_POINTS;
    theta[i] = th;
    const p = heatKernel(s, Math.cos(th));
    // below the cancellation floor the series has no correct digits: NaN (null in JSON), not noise
    density[i] = p > floor ? p : Number.NaN;
    densityVaradhan[i] = Math.exp(varadhanLogKernel(s, th));
    score[i] = p > floor ? seriesLogKernelThetaDerivative(s, th) : Number.NaN;
    scoreVaradhan[i] = varadhanLogKernelThetaDerivative(s, th);
  }
  return { s, theta, density, densityVaradhan, score, scoreVaradhan };
}

/** A seeded permutation of 0…count − 1 (Fisher–Yates). */
function shuffled(count: number, rng: Rng): Int32Array {
  const a = Int32Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}

/** The first `limit` indices of `order` whose points are at least `chord` (Euclidean) from every earlier pick. */
function separated(x: Float64Array, order: Int32Array, chord: number, limit: number): number[] {
  const kept: number[] = [];
  const c2 = chord * chord;
  for (const i of order) {
    if (kept.length === limit) break;
    let ok = true;
    for (const j of kept) {
      const d0 = x[3 * i] - x[3 * j];
      const d1 = x[3 * i + 1] - x[3 * j + 1];
      const d2 = x[3 * i + 2] - x[3 * j + 2];
      if (d0 * d0 + d1 * d1 + d2 * d2 < c2) {
        ok = false;
        break;
      }
    }
    if (ok) kept.push(i);
  }
  return kept;
}

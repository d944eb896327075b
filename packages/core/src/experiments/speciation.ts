import { defineExperiment } from '../experiment.ts';
import { AtlasError } from '../errors.ts';
import { progressPart, type ProgressReport } from '../progress.ts';
import { param } from '../params.ts';
import { Rng, Streams, normalAt, uniformAt } from '../random.ts';
import { delta, gamma } from '../forward.ts';
import { twoClassMixture } from '../data/two-class.ts';
import { sampleMixture } from '../data/mixture.ts';
import { twoClassScore } from '../scores/two-class.ts';
import { powerIteration, topCovarianceEigenvalue } from '../linalg/power-iteration.ts';
import { wishartCholesky } from '../linalg/wishart.ts';
import { SPECIATION_LEVEL, cloningTheory } from '../theory/cloning-curve.ts';
import { speciationTime, twoClassTopEigenvalue } from '../theory/collapse-time.ts';
import { lastCrossing } from '../theory/crossing.ts';

/**
 * Offsets of the automatic clone grid from the formula's t_S = ½ log(σ² + dμ̃²): φ falls from ≈ 1
 * to ≈ ½ over an O(1) window around t_S whatever d is, so a grid that follows t_S shows the whole
 * curve at every d. An empty `cloneTimes` (the default) asks for it.
 */
export const AUTO_CLONE_OFFSETS = [-1.5, -1, -0.75, -0.5, -0.25, 0, 0.25, 0.5, 0.75, 1, 1.5, 2.5] as const;

/** The automatic clone grid for (d, μ̃, σ), restricted to (0, tMax). */
export function autoCloneTimes(d: number, mu: number, sigma: number, tMax: number): number[] {
  const tS = 0.5 * Math.log(sigma * sigma + d * mu * mu);
  return AUTO_CLONE_OFFSETS.map((o) => Math.round((tS + o) * 1000) / 1000).filter((t) => t > 0.01 && t < tMax);
}

/** Kept for callers that want the old fixed grid around t_S ≈ 3.5 of d = 1024. */
export const DEFAULT_CLONE_TIMES = [2, 2.5, 2.75, 3, 3.25, 3.5, 3.75, 4, 4.25, 4.5, 5, 6] as const;

/** Samples drawn from the data law for Λ: relative standard error ≈ √(2/P) = 4.5% on Λ. */
export const LAMBDA_SAMPLES = 1000;

/** Above this many floats (P · d) the samples for Λ are drawn in the exact reduced (Gram) form. */
const EXPLICIT_SAMPLE_LIMIT = 1 << 21;

/** full-d dynamics beyond this d would only show the equivalence more slowly. */
const FULL_MAX_D = 4096;
/** One full-d state is pairs × d float32s; two are alive at once (64 MiB each at this bound). */
const FULL_MAX_FLOATS = 1 << 24;

const VIEW_TRAJECTORIES = 16;
/** How the view trajectories are laid out (count × frames, row-major, frame times in t). */
const PROJECTION_AXES = 'alongMean = m̂·x with m̂ = (1, …, 1)/√d; alongRandom = e·x with e a seeded unit vector ⊥ m̂';
const MAX_FRAMES = 120;
const THEORY_POINTS = 200;

/* Counter streams: the root trajectories use Streams.steps; each clone time its own branch stream. */
const BRANCH_STREAM = 100;
const UTURN_STREAM = 200;
const VIEW_STREAM = 300;
const DIRECTION_STREAM = 400;
/** The views' orthogonal start coordinates use stream + this, clear of every stream above. */
const ORTHOGONAL_START_OFFSET = 1000;

export const speciation = defineExperiment({
  name: 'speciation',
  title: 'Speciation: when does a trajectory choose its class?',
  summary:
    'Cloning (or U-turn) experiments on the two-class Gaussian mixture with its exact score: the probability φ(t) that two clones released at time t end in the same class, against the universal curve F(u_t), with t_S = ½ log Λ from the data covariance.',
  chapter: 'speciation-and-collapse',
  params: {
    d: param.int({ label: 'Dimension', symbol: 'd', min: 2, max: 1_000_000, default: 1024, scale: 'log' }),
    mu: param.number({ label: 'Class mean per coordinate', symbol: 'μ̃', min: 0.05, max: 5, default: 1 }),
    sigma: param.number({ label: 'Class standard deviation', symbol: 'σ', min: 0.1, max: 5, default: 1 }),
    pairs: param.int({ label: 'Clone pairs per time', symbol: 'N', min: 10, max: 20000, default: 2000, scale: 'log' }),
    method: param.enum({
      label: 'Dynamics',
      options: ['reduced', 'full'],
      default: 'reduced',
      optionLabels: { reduced: 'exact 1-D reduction along m', full: `full d-dimensional (d ≤ ${FULL_MAX_D})` },
    }),
    protocol: param.enum({
      label: 'Protocol',
      options: ['cloning', 'uturn'],
      default: 'cloning',
      optionLabels: { cloning: 'cloning (two clones, same class?)', uturn: 'U-turn (noise a class-+ sample, come back)' },
    }),
    cloneTimes: param.numberList({
      label: 'Clone times',
      symbol: 't',
      min: 0.01,
      max: 20,
      minItems: 0,
      maxItems: 32,
      default: [],
      help: 'Times at which the trajectory is cloned (or, for the U-turn, noised to). Empty: 12 times around t_S = ½ log(σ² + dμ̃²), following d.',
    }),
    tMax: param.number({ label: 'Start time', symbol: 'T', min: 1, max: 20, default: 12 }),
    dt: param.number({ label: 'Step', symbol: 'η', min: 0.001, max: 0.2, default: 0.016, scale: 'log' }),
    seed: param.int({ label: 'Seed', min: 0, max: 2147483647, default: 1 }),
  },
  constraints: [
    {
      id: 'full-d',
      params: ['d', 'method'],
      rule: `d ≤ ${FULL_MAX_D} for method full`,
      holds: (p) => p.method !== 'full' || p.d <= FULL_MAX_D,
      message: (p) => `d must be at most ${FULL_MAX_D} for method full (got ${p.d}); the reduced method is exact for any d`,
      repair: () => ({ method: 'reduced' }),
    },
    {
      id: 'full-size',
      params: ['pairs', 'd', 'method'],
      rule: `pairs × d ≤ ${FULL_MAX_FLOATS} for method full`,
      holds: (p) => p.method !== 'full' || p.pairs * p.d <= FULL_MAX_FLOATS,
      message: (p) =>
        `pairs × d must be at most ${FULL_MAX_FLOATS} for method full (got ${p.pairs} × ${p.d}); use fewer pairs or the reduced method`,
      repair: (p) => ({ pairs: Math.floor(FULL_MAX_FLOATS / p.d) }),
    },
    {
      id: 'clone-times-below-tmax',
      params: ['cloneTimes', 'tMax'],
      rule: 'every clone time < tMax',
      holds: (p) => p.cloneTimes.every((t) => t < p.tMax),
      message: (p) => `cloneTimes must be below tMax = ${p.tMax} (got ${p.cloneTimes.find((t) => t >= p.tMax)})`,
      repair: (p) => ({ cloneTimes: p.cloneTimes.filter((t) => t < p.tMax) }),
    },
    {
      id: 'automatic-clone-times',
      params: ['tMax', 'cloneTimes', 'd', 'mu', 'sigma'],
      rule: 'with no cloneTimes, tMax above the first automatic clone time',
      holds: (p) => p.cloneTimes.length > 0 || autoCloneTimes(p.d, p.mu, p.sigma, p.tMax).length > 0,
      message: (p) => `tMax = ${p.tMax} is below every automatic clone time; raise tMax or give cloneTimes`,
    },
  ],
  cost: {
    drivers: ['pairs', 'dt', 'tMax', 'method', 'd'],
    // Each clone time runs pairs trajectories over its share of the tMax/dt steps (about half on
    // average); the full method moves d coordinates per step, the reduced one a single coordinate.
    // The sample top eigenvalue is power iteration on LAMBDA_SAMPLES points (about ten sweeps of
    // their min(d, samples)-sized Gram or covariance form).
    units: (p) =>
      (p.pairs * (p.tMax / p.dt) * Math.max(1, p.cloneTimes.length || AUTO_CLONE_OFFSETS.length) * (p.method === 'full' ? p.d : 1)) / 2 +
      11 * LAMBDA_SAMPLES * Math.min(p.d, LAMBDA_SAMPLES),
    // Fitted to CLI runs (elapsedMs less the CLI's 0.5 s setup) on the 2-core development machine
    // under load from parallel builds: 2465–4679 ms at the defaults, 6999 ms at pairs = 500 (a loaded moment), 34785 ms at method full d = 64 pairs = 500.
    // Rescaled ×0.21 from that fit with `npm run bench:cost -w @diffusion-atlas/tests` on the quiet
    // machine (runLocal's elapsedMs, the run alone), plus 30 % headroom for a busy one.
    secondsPerUnit: 4.6e-8,
  },
  async run(p, ctx) {
    const requested = p.cloneTimes.length > 0 ? p.cloneTimes : autoCloneTimes(p.d, p.mu, p.sigma, p.tMax);
    const cloneTimes = [...new Set(requested)].sort((a, b) => a - b);
    const { grid, cloneIndex } = mergedGrid(p.tMax, p.dt, cloneTimes);
    const N = p.pairs;
    const sim: Simulator =
      p.method === 'reduced' ? reducedSimulator(p.d, p.mu, p.sigma, p.seed) : fullSimulator(p.d, p.mu, p.sigma, p.seed);

    // Λ at the end: the dynamics' first frames come first (a partial result has NaN for Λ and t_S
    // until then), and Λ's own draws do not touch the dynamics' streams.
    let lambda = { value: Number.NaN, method: 'pending' };
    await ctx.checkpoint(0.02);

    // Progress in units of one step of all rows; a checkpoint after every step, since a full-d step
    // at the largest sizes takes a good fraction of a second.
    const branchSteps = cloneIndex.reduce((s, k) => s + (grid.length - 1 - k), 0);
    // The U-turn protocol adds a few plain backward runs for its view, at a twentieth of a step each.
    const totalSteps = (p.protocol === 'cloning' ? grid.length - 1 : (grid.length - 1) * 0.05) + branchSteps;
    let done = 0;
    // Λ's samples and power iteration take a few percent of the run, after the dynamics.
    const dynamicsEnd = 0.94;
    const progress = async (steps: number): Promise<void> => {
      done += steps;
      await ctx.checkpoint(0.02 + ((dynamicsEnd - 0.02) * done) / totalSteps);
    };

    // NaN marks a clone time whose fraction is not known yet (a partial result's).
    const phi = new Float64Array(cloneTimes.length).fill(Number.NaN);
    const phiStdErr = new Float64Array(cloneTimes.length).fill(Number.NaN);
    const view = viewRecorder(grid, Math.min(VIEW_TRAJECTORIES, N));
    // The theory needs no run: in every partial result too.
    const t = Float64Array.from(cloneTimes);
    const phiTheory = t.map((x) => cloningTheory(x, p.d, p.mu, p.sigma));
    const curveT = new Float64Array(THEORY_POINTS);
    const curvePhi = new Float64Array(THEORY_POINTS);
    for (let i = 0; i < THEORY_POINTS; i++) {
      curveT[i] = (p.tMax * i) / (THEORY_POINTS - 1);
      curvePhi[i] = cloningTheory(curveT[i], p.d, p.mu, p.sigma);
    }
    const lambdaTheory = twoClassTopEigenvalue(p.d, p.mu, p.sigma);
    /** The final result, or (`copy`) a partial one: the trajectories and cloning fractions so far, the rest NaN. */
    const assemble = (copy: boolean) => {
      const own = (a: Float64Array): Float64Array => (copy ? a.slice() : a);
      return {
        t: own(t),
        phi: own(phi),
        phiStdErr: own(phiStdErr),
        phiTheory: own(phiTheory),
        level: SPECIATION_LEVEL,
        Lambda: lambda.value,
        LambdaSamples: LAMBDA_SAMPLES,
        LambdaMethod: lambda.method,
        tS: speciationTime(lambda.value),
        tSCrossing: lastCrossing(t, phi, SPECIATION_LEVEL),
        LambdaTheory: lambdaTheory,
        tSTheory: speciationTime(lambdaTheory),
        meanNorm: p.mu * Math.sqrt(p.d),
        steps: grid.length - 1,
        theoryCurve: { t: own(curveT), phi: own(curvePhi) },
        trajectories: view.result(copy),
      };
    };
    const partial = (): void => ctx.partial(0.02 + ((dynamicsEnd - 0.02) * done) / totalSteps, () => assemble(true));

    if (p.protocol === 'cloning') {
      // The root itself is one clone; the other is a branch with its own noise stream, run to the
      // end as soon as it is made, so at most two states are alive (full d: pairs × d floats each).
      const root = sim.start(N, Streams.init);
      const branchClass: Uint8Array[] = [];
      view.record(0, sim, root);
      for (let k = 0; k < grid.length - 1; k++) {
        const j = cloneIndex.indexOf(k);
        if (j >= 0) {
          const branch = sim.copy(root);
          for (let kb = k; kb < grid.length - 1; kb++) {
            sim.step(branch, grid[kb], grid[kb + 1], BRANCH_STREAM + j, kb);
            partial();
            await progress(1);
          }
          branchClass[j] = sim.classes(branch);
        }
        sim.step(root, grid[k], grid[k + 1], Streams.steps, k);
        view.record(k + 1, sim, root);
        partial();
        await progress(1);
      }
      const rootClass = sim.classes(root);
      for (let j = 0; j < cloneTimes.length; j++) {
        let same = 0;
        for (let i = 0; i < N; i++) if (branchClass[j][i] === rootClass[i]) same++;
        phi[j] = same / N;
      }
    } else {
      for (let j = 0; j < cloneTimes.length; j++) {
        const state = sim.uturnStart(N, cloneTimes[j], UTURN_STREAM + 2 * j);
        for (let k = cloneIndex[j]; k < grid.length - 1; k++) {
          sim.step(state, grid[k], grid[k + 1], BRANCH_STREAM + j, k);
          await progress(1);
        }
        const cls = sim.classes(state);
        let plus = 0;
        for (let i = 0; i < N; i++) if (cls[i] === 1) plus++;
        phi[j] = plus / N;
        phiStdErr[j] = Math.sqrt((phi[j] * (1 - phi[j])) / N);
        partial();
      }
      // The U-turn has no root trajectories; the view shows a few plain backward runs instead.
      const shown = sim.start(view.count, VIEW_STREAM);
      view.record(0, sim, shown);
      for (let k = 0; k < grid.length - 1; k++) {
        sim.step(shown, grid[k], grid[k + 1], VIEW_STREAM + 1, k);
        view.record(k + 1, sim, shown);
        partial();
        await progress(0.05);
      }
    }
    for (let j = 0; j < phi.length; j++) phiStdErr[j] = Math.sqrt((phi[j] * (1 - phi[j])) / N);
    // Drawing Λ's samples takes as long as its power iteration: progress through both, and the
    // number of iterations is not known in advance, so that part approaches the end as they go.
    lambda = twoClassSampleTopEigenvalue(p.d, p.mu, p.sigma, LAMBDA_SAMPLES, p.seed, 'auto', (it) => ctx.progress(0.97 + (0.03 * it) / (it + 10)), progressPart(ctx.progress, dynamicsEnd, 0.97));
    await ctx.checkpoint(1);
    return assemble(false);
  },
  tables(r) {
    return {
      cloning: { t: r.t, phi: r.phi, phiStdErr: r.phiStdErr, phiTheory: r.phiTheory },
      theory: { t: r.theoryCurve.t, phi: r.theoryCurve.phi },
      summary: {
        Lambda: [r.Lambda],
        tS: [r.tS],
        tSCrossing: [r.tSCrossing ?? Number.NaN],
        LambdaTheory: [r.LambdaTheory],
        tSTheory: [r.tSTheory],
        level: [r.level],
      },
    };
  },
});

/**
 * The backward grid: uniform steps of at most dt from T to 0, with every clone time inserted as a
 * node so clones branch exactly there. Time 0 is allowed: the exact mixture score stays regular
 * (Γ_0 = σ² > 0), unlike the empirical one.
 */
function mergedGrid(tMax: number, dt: number, cloneTimes: readonly number[]): { grid: Float64Array; cloneIndex: number[] } {
  const L = Math.max(1, Math.ceil(tMax / dt - 1e-9));
  const nodes: number[] = [];
  for (let k = 0; k <= L; k++) nodes.push(tMax * (1 - k / L));
  const tol = 1e-9 * tMax;
  for (const c of cloneTimes) {
    const near = nodes.findIndex((x) => Math.abs(x - c) < tol);
    if (near >= 0) nodes[near] = c;
    else nodes.push(c);
  }
  nodes.sort((a, b) => b - a);
  nodes[nodes.length - 1] = 0;
  const grid = Float64Array.from(nodes);
  return { grid, cloneIndex: cloneTimes.map((c) => nodes.indexOf(c)) };
}

/** A batch of trajectories: full d-dimensional rows or their reduced coordinates. */
interface State {
  rows: number;
  /** full: rows × d; reduced: rows (the coordinate y = m̂·x). */
  x: Float32Array | Float64Array;
  /** reduced only, for the first rows (those the views show): a coordinate along a unit e ⊥ m̂. */
  z?: Float64Array;
}

interface Simulator {
  start(rows: number, stream: number): State;
  /** Class-+ data noised to time t: x_t = e^{−t}(m + σ ζ) + √Δ_t ξ. */
  uturnStart(rows: number, t: number, stream: number): State;
  copy(s: State): State;
  /** One Euler–Maruyama step from t to t' < t with noise from (stream, step k). */
  step(s: State, t: number, tNext: number, stream: number, k: number): void;
  /** 1 for class + (m̂·x > 0), 0 for class −. */
  classes(s: State): Uint8Array;
  /** Projections on m̂ and on the random unit direction e ⊥ m̂, for row i. */
  project(s: State, i: number): [number, number];
}

/**
 * The exact 1-D reduction (science.md §2.4): y = m̂·x obeys
 * y ← y + η[y + 2(c tanh(c y) − y/Γ_t)] + √(2η) ξ, c = |m| e^{−t}/Γ_t, and any coordinate z
 * along a unit e ⊥ m̂ the linear z ← z + η(z − 2z/Γ_t) + √(2η) ξ'. Cost O(rows) whatever d is.
 */
function reducedSimulator(d: number, mu: number, sigma: number, seed: number): Simulator {
  const norm = mu * Math.sqrt(d);
  const s2 = sigma * sigma;
  return {
    start(rows, stream) {
      const x = new Float64Array(rows);
      fillNormals(x, seed, stream, 0);
      // Only the rows the views show need the orthogonal coordinate.
      const z = new Float64Array(Math.min(rows, VIEW_TRAJECTORIES));
      fillNormals(z, seed, stream + ORTHOGONAL_START_OFFSET, 0);
      return { rows, x, z };
    },
    uturnStart(rows, t, stream) {
      const a = Math.exp(-t);
      const s = Math.sqrt(delta(t));
      const x = new Float64Array(rows);
      for (let i = 0; i < rows; i++) x[i] = a * (norm + sigma * normalAt(seed, stream, i)) + s * normalAt(seed, stream + 1, i);
      return { rows, x };
    },
    copy(st) {
      return { rows: st.rows, x: st.x.slice() };
    },
    step(st, t, tNext, stream, k) {
      const eta = t - tNext;
      const g = gamma(t, s2);
      const c = (norm * Math.exp(-t)) / g;
      const s = Math.sqrt(2 * eta);
      const y = st.x;
      const z = st.z;
      const width = evenLength(st.rows + (z ? z.length : 0));
      const noise = new Float64Array(width);
      fillNormals(noise, seed, stream, k * width);
      for (let i = 0; i < st.rows; i++) {
        const yi = y[i];
        y[i] = yi + eta * (yi + 2 * (c * Math.tanh(c * yi) - yi / g)) + s * noise[i];
      }
      if (z) {
        const lin = 1 + eta * (1 - 2 / g);
        for (let i = 0; i < z.length; i++) z[i] = lin * z[i] + s * noise[st.rows + i];
      }
    },
    classes(st) {
      return Uint8Array.from(st.x, (y) => (y > 0 ? 1 : 0));
    },
    project(st, i) {
      return [st.x[i], st.z && i < st.z.length ? st.z[i] : Number.NaN];
    },
  };
}

/** The d-dimensional dynamics with the exact two-class score (scores/two-class.ts). */
function fullSimulator(d: number, mu: number, sigma: number, seed: number): Simulator {
  const mixture = twoClassMixture(d, mu, sigma);
  const mean = mixture.means.subarray(0, d);
  const score = twoClassScore(mean, sigma);
  const unitMean = 1 / Math.sqrt(d);
  const e = randomOrthogonalDirection(d, seed);
  return {
    start(rows, stream) {
      const x = new Float32Array(rows * d);
      fillNormals(x, seed, stream, 0);
      return { rows, x };
    },
    uturnStart(rows, t, stream) {
      const a = Math.exp(-t);
      const s = Math.sqrt(delta(t));
      const zeta = new Float32Array(rows * d);
      const xi = new Float32Array(rows * d);
      fillNormals(zeta, seed, stream, 0);
      fillNormals(xi, seed, stream + 1, 0);
      const x = new Float32Array(rows * d);
      for (let i = 0; i < rows * d; i++) x[i] = a * (mu + sigma * zeta[i]) + s * xi[i];
      return { rows, x };
    },
    copy(st) {
      return { rows: st.rows, x: st.x.slice() };
    },
    step(st, t, tNext, stream, k) {
      const eta = t - tNext;
      const x = st.x as Float32Array;
      const { score: f } = score.evaluate(x, st.rows, t);
      const noise = new Float32Array(st.rows * d);
      fillNormals(noise, seed, stream, k * evenLength(st.rows * d));
      const s = Math.sqrt(2 * eta);
      for (let i = 0; i < x.length; i++) x[i] = x[i] + eta * (x[i] + 2 * f[i]) + s * noise[i];
    },
    classes(st) {
      const out = new Uint8Array(st.rows);
      for (let i = 0; i < st.rows; i++) {
        let dot = 0;
        for (let j = 0; j < d; j++) dot += st.x[i * d + j];
        out[i] = dot > 0 ? 1 : 0;
      }
      return out;
    },
    project(st, i) {
      let alongMean = 0;
      let alongE = 0;
      for (let j = 0; j < d; j++) {
        alongMean += st.x[i * d + j] * unitMean;
        alongE += st.x[i * d + j] * e[j];
      }
      return [alongMean, alongE];
    },
  };
}

function evenLength(n: number): number {
  return n + (n & 1);
}

/**
 * Standard normals for counters offset, offset + 1, …: Box–Muller keeping both the cosine and the
 * sine, half the hashing of normalAt, which dominates the full-d step. offset must be even.
 */
function fillNormals(out: Float32Array | Float64Array, seed: number, stream: number, offset: number): void {
  const pairs0 = offset / 2;
  for (let i = 0; i < out.length; i += 2) {
    const pair = pairs0 + i / 2;
    const r = Math.sqrt(-2 * Math.log(uniformAt(seed, stream, 2 * pair)));
    const th = 2 * Math.PI * uniformAt(seed, stream, 2 * pair + 1);
    out[i] = r * Math.cos(th);
    if (i + 1 < out.length) out[i + 1] = r * Math.sin(th);
  }
}

/** A seeded unit vector orthogonal to m̂ = (1, …, 1)/√d: the "random direction" of the views. */
function randomOrthogonalDirection(d: number, seed: number): Float64Array {
  const e = new Float64Array(d);
  let mean = 0;
  for (let j = 0; j < d; j++) {
    e[j] = normalAt(seed, DIRECTION_STREAM, j);
    mean += e[j] / d;
  }
  let n2 = 0;
  for (let j = 0; j < d; j++) {
    e[j] -= mean;
    n2 += e[j] * e[j];
  }
  const inv = 1 / Math.sqrt(n2);
  for (let j = 0; j < d; j++) e[j] *= inv;
  return e;
}

/** A few trajectories, sub-sampled in time, projected on m̂ and on e ⊥ m̂. */
function viewRecorder(grid: Float64Array, count: number) {
  const L = grid.length - 1;
  const every = Math.max(1, Math.ceil(L / (MAX_FRAMES - 1)));
  const frameSteps: number[] = [];
  for (let k = 0; k < L; k += every) frameSteps.push(k);
  frameSteps.push(L);
  const frames = frameSteps.length;
  const t = Float64Array.from(frameSteps, (k) => grid[k]);
  // NaN marks a frame not recorded yet (a partial result's)
  const alongMean = new Float32Array(count * frames).fill(Number.NaN);
  const alongRandom = new Float32Array(count * frames).fill(Number.NaN);
  const frameOf = new Map(frameSteps.map((k, f) => [k, f]));
  return {
    count,
    record(k: number, sim: Simulator, s: State): void {
      const f = frameOf.get(k);
      if (f === undefined) return;
      for (let i = 0; i < count; i++) {
        const [a, b] = sim.project(s, i);
        alongMean[i * frames + f] = a;
        alongRandom[i * frames + f] = b;
      }
    },
    /** `copy` for a partial result, which may be transferred away while recording goes on. */
    result(copy = false) {
      if (!copy) return { count, frames, t, alongMean, alongRandom, axes: PROJECTION_AXES };
      return { count, frames, t: t.slice(), alongMean: alongMean.slice(), alongRandom: alongRandom.slice(), axes: PROJECTION_AXES };
    },
  };
}

/**
 * Λ, the top eigenvalue of the sample covariance of P points drawn from ½ N(±m, σ² I), by power
 * iteration: computed from data as Table 1 does, not from the formula σ² + dμ̃².
 *
 * When P·d is too large to hold the samples (d up to 10⁶), the same sample covariance is formed
 * exactly in its Gram form. Its nonzero spectrum is that of H G H/(P − 1), G_ij = x_i·x_j, H the
 * centring projector. Writing x_i = h_i m̂ + σ z_i^⊥ with h_i = ±|m| + σ g_i the coordinate along
 * m̂ and z_i^⊥ ~ N(0, I_{d−1}) in the orthogonal complement, G = h hᵀ + σ² W with
 * W = Z^⊥ Z^⊥ᵀ ~ Wishart_P(I, d − 1), drawn exactly by Bartlett's decomposition. The eigenvalue
 * then has exactly the law it would have from explicit samples; only the cost differs.
 */
export function twoClassSampleTopEigenvalue(
  d: number,
  mu: number,
  sigma: number,
  samples: number,
  seed: number,
  form: 'auto' | 'explicit' | 'gram' = 'auto',
  onIteration?: (iteration: number) => void,
  /** The share of the samples (or of the Gram form's draws) done, before the iteration starts. */
  onSampling?: ProgressReport,
): { value: number; method: 'explicit' | 'gram' } {
  const useGram = form === 'gram' || (form === 'auto' && samples * d > EXPLICIT_SAMPLE_LIMIT);
  const rng = new Rng(seed).stream(Streams.data);
  if (!useGram) {
    const { x } = sampleMixture(twoClassMixture(d, mu, sigma), samples, rng, onSampling);
    onSampling?.(1);
    return { value: topCovarianceEigenvalue(x, samples, d, { onIteration }).value, method: 'explicit' };
  }
  if (d - 1 < samples) throw new AtlasError('internal', `the Gram form needs d − 1 ≥ samples (d = ${d}, samples = ${samples})`);
  const P = samples;
  const norm = mu * Math.sqrt(d);
  const h = new Float64Array(P);
  for (let i = 0; i < P; i++) h[i] = (rng.uniform() < 0.5 ? norm : -norm) + sigma * rng.normal();
  onSampling?.(0);
  const L = wishartCholesky(P, d - 1, rng);
  onSampling?.(1);
  const s2 = sigma * sigma;
  const centred = new Float64Array(P);
  const tmp = new Float64Array(P);
  const apply = (v: Float64Array, out: Float64Array): void => {
    let m = 0;
    for (let i = 0; i < P; i++) m += v[i];
    m /= P;
    for (let i = 0; i < P; i++) centred[i] = v[i] - m;
    let hv = 0;
    for (let i = 0; i < P; i++) hv += h[i] * centred[i];
    // tmp = Lᵀ c, then out = L tmp: W c in O(P²)
    tmp.fill(0);
    for (let i = 0; i < P; i++) {
      const ci = centred[i];
      const r0 = i * P;
      for (let j = 0; j <= i; j++) tmp[j] += L[r0 + j] * ci;
    }
    for (let i = 0; i < P; i++) {
      let s = 0;
      const r0 = i * P;
      for (let j = 0; j <= i; j++) s += L[r0 + j] * tmp[j];
      out[i] = h[i] * hv + s2 * s;
    }
    let mo = 0;
    for (let i = 0; i < P; i++) mo += out[i];
    mo /= P;
    for (let i = 0; i < P; i++) out[i] = (out[i] - mo) / (P - 1);
  };
  return { value: powerIteration(apply, P, { onIteration }).value, method: 'gram' };
}

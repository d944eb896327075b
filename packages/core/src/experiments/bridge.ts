import { defineExperiment } from '../experiment.ts';
import { param } from '../params.ts';
import { Rng, Streams, normalAt } from '../random.ts';
import { gamma } from '../forward.ts';
import { sampleMixture } from '../data/mixture.ts';
import { toyMixture } from '../data/toys.ts';
import { mixtureScore } from '../scores/mixture.ts';
import { gaussianIpf, schrodingerCouplingTheory, sgmVarianceTheory } from '../bridge/gaussian-ipf.ts';
import { ouLogKernel, sinkhorn, sinkhornCoupling } from '../bridge/sinkhorn.ts';
import { sampleOuBridges } from '../bridge/ou-bridge.ts';

/** Frames per drawn path, equally spaced on [0, T]. */
const PATH_FRAMES = 21;
/** The 2-D data of the particle case (the paper uses an S-curve; any toy makes the point). */
const PARTICLE_TOY = 'moons';
/**
 * Reverse-SDE steps are capped at this fraction of the noised component variance Γ_t, the
 * stiffness scale of the mixture score, so plain diffusion is integrated accurately at every T.
 */
const SGM_STEP_FRACTION = 0.1;

const STREAM_PAIRS = 41;
const STREAM_SB_PATHS = 42;
const STREAM_SGM_PATHS = 43;
const STREAM_SGM = 44;
const STREAM_PRIOR = 45;

export const bridgeCases = ['gaussian', 'particles'] as const;

export const bridge = defineExperiment({
  name: 'bridge',
  title: 'The Schrödinger bridge: generation in finite time by iterative proportional fitting',
  summary:
    'Plain score-based generation from the prior at a short horizon T misses the data law (it is the first IPF half-step); IPF iterations converge to the Schrödinger bridge, exact for Gaussians, by Sinkhorn on particles in 2-D.',
  chapter: 'manifolds-and-finite-time',
  params: {
    case: param.enum({
      label: 'Case',
      options: bridgeCases,
      default: 'gaussian',
      optionLabels: { gaussian: 'exact Gaussian (1-D)', particles: '2-D particles (Sinkhorn)' },
    }),
    A: param.number({ label: 'Data variance', symbol: 'A', min: 0.05, max: 10, default: 2, scale: 'log', help: 'p_data = N(0, A); Gaussian case only.' }),
    B: param.number({ label: 'Prior variance', symbol: 'B', min: 0.05, max: 10, default: 1, scale: 'log', help: 'p_prior = N(0, B) (N(0, B·I₂) for particles).' }),
    T: param.number({ label: 'Horizon', symbol: 'T', min: 0.01, max: 5, default: 0.2, scale: 'log', help: 'Time of the OU reference dx = −x dt + √2 dW.' }),
    iterations: param.int({
      label: 'IPF iterations',
      symbol: 'n',
      min: 1,
      max: 1000,
      default: 20,
      scale: 'log',
      help: 'Full iterations, each both half-steps; coupling[k] is read after iteration k + 1.',
    }),
    particles: param.int({ label: 'Particles', symbol: 'M', min: 2, max: 1000, default: 200, scale: 'log' }),
    seed: param.int({ label: 'Seed', min: 0, max: 2147483647, default: 1 }),
  },
  cost: {
    drivers: ['case', 'particles', 'iterations'],
    // Sinkhorn on an M × M kernel per iteration for particles; the Gaussian case is closed-form.
    // Both draw M bridge paths of PATH_FRAMES frames.
    units: (p) => (p.case === 'particles' ? p.particles * p.particles * (p.iterations + 20) : p.iterations) + 50 * p.particles * PATH_FRAMES,
    // Fitted to CLI runs (elapsedMs less the CLI's 0.5 s setup) on the 2-core development machine
    // under load from parallel builds: 388 and 546 ms for the Gaussian case, 677 ms for particles at the defaults, 2104 ms at particles = 500.
    // Rescaled ×0.36 from that fit with `npm run bench:cost -w @diffusion-atlas/tests` on the quiet
    // machine (runLocal's elapsedMs, the run alone), plus 30 % headroom for a busy one.
    secondsPerUnit: 6.2e-8,
  },
  async run(p, ctx) {
    const iteration = Int32Array.from({ length: p.iterations }, (_, k) => k + 1);
    const M = p.particles;
    const rng = new Rng(p.seed);

    if (p.case === 'gaussian') {
      const ipf = gaussianIpf(p.A, p.B, p.T, p.iterations);
      const { final, sgm } = ipf;
      // Endpoint pairs: SB from its converged joint, SGM (π¹) from x_T ~ N(0, B) and the reference's
      // backward kernel. Both are composed with OU bridges, since π¹ and π* share the reference's bridges.
      const pairs = rng.stream(STREAM_PAIRS);
      const sb0 = new Float64Array(M);
      const sbT = new Float64Array(M);
      const sgm0 = new Float64Array(M);
      const sgmT = new Float64Array(M);
      for (let i = 0; i < M; i++) {
        sb0[i] = Math.sqrt(final.a) * pairs.normal();
        sbT[i] = (final.c / final.a) * sb0[i] + Math.sqrt(Math.max(0, final.b - (final.c * final.c) / final.a)) * pairs.normal();
        sgmT[i] = Math.sqrt(sgm.b) * pairs.normal();
        sgm0[i] = (sgm.c / sgm.b) * sgmT[i] + Math.sqrt(Math.max(0, sgm.a - (sgm.c * sgm.c) / sgm.b)) * pairs.normal();
      }
      const sbPaths = sampleOuBridges({ x0: sb0, xT: sbT, count: M, d: 1, T: p.T, frames: PATH_FRAMES, seed: p.seed, stream: STREAM_SB_PATHS });
      const sgmPaths = sampleOuBridges({ x0: sgm0, xT: sgmT, count: M, d: 1, T: p.T, frames: PATH_FRAMES, seed: p.seed, stream: STREAM_SGM_PATHS });
      await ctx.checkpoint(1);
      return {
        case: p.case,
        dimension: 1,
        iteration,
        coupling: ipf.coupling,
        couplingTheory: schrodingerCouplingTheory(p.A, p.B, p.T),
        couplingReference: Math.exp(-p.T) * p.A,
        sgmVariance: ipf.sgmVariance,
        sgmVarianceTheory: sgmVarianceTheory(p.A, p.B, p.T),
        dataVariance: p.A,
        marginalError: ipf.marginalError,
        times: sbPaths.times,
        paths: sbPaths.paths,
        sgmPaths: sgmPaths.paths,
        data: Float32Array.from(sb0),
        prior: Float32Array.from(sgmT),
      };
    }

    const d = 2;
    const mixture = toyMixture(PARTICLE_TOY);
    const data = sampleMixture(mixture, M, rng.stream(Streams.data)).x;
    const sB = Math.sqrt(p.B);
    const prior = Float32Array.from({ length: M * d }, (_, i) => sB * normalAt(p.seed, STREAM_PRIOR, i));
    const logK = ouLogKernel(data, M, prior, M, d, p.T);
    const uniform = new Float64Array(M).fill(-Math.log(M));
    const solved = await sinkhorn({
      logK,
      rows: M,
      cols: M,
      logMu: uniform,
      logNu: uniform,
      iterations: p.iterations,
      onIteration: (k) => ctx.checkpoint((0.5 * k) / p.iterations),
    });

    // SB generation: for each prior particle, a data particle drawn from its column of the coupling.
    const coupling = sinkhornCoupling(logK, M, M, solved);
    const pairs = rng.stream(STREAM_PAIRS);
    const matched = new Float32Array(M * d);
    for (let j = 0; j < M; j++) {
      let column = 0;
      for (let i = 0; i < M; i++) column += coupling[i * M + j];
      let u = pairs.uniform() * column;
      let pick = M - 1;
      for (let i = 0; i < M; i++) {
        u -= coupling[i * M + j];
        if (u <= 0) {
          pick = i;
          break;
        }
      }
      matched[j * d] = data[pick * d];
      matched[j * d + 1] = data[pick * d + 1];
    }
    const sbPaths = sampleOuBridges({ x0: matched, xT: prior, count: M, d, T: p.T, frames: PATH_FRAMES, seed: p.seed, stream: STREAM_SB_PATHS });
    await ctx.checkpoint(0.6);

    // Plain diffusion truncated at T: the reverse SDE from the prior with the exact score of the
    // data law, which is what score-based generation would do with a perfect network.
    const sgmPaths = await reverseSdePaths(prior, M, d, p.T, sbPaths.times, mixtureScore(mixture, ctx.kernels), mixture.variance, p.seed, ctx);
    // frame 0 is t = 0, the generated law; the last frame is the prior at t = T
    const sgmOut = sgmPaths.subarray(0, M * d);
    return {
      case: p.case,
      dimension: d,
      iteration,
      coupling: new Float64Array(0),
      couplingTheory: null,
      couplingReference: null,
      sgmVariance: coordinateVariance(sgmOut, M, d),
      sgmVarianceTheory: null,
      dataVariance: coordinateVariance(data, M, d),
      marginalError: solved.marginalError,
      times: sbPaths.times,
      paths: sbPaths.paths,
      sgmPaths,
      data,
      prior,
    };
  },
  tables(r) {
    return {
      ipf: {
        iteration: r.iteration,
        marginalError: r.marginalError,
        ...(r.coupling.length > 0 ? { coupling: r.coupling } : {}),
      },
      summary: {
        couplingTheory: [r.couplingTheory ?? Number.NaN],
        sgmVariance: [r.sgmVariance],
        sgmVarianceTheory: [r.sgmVarianceTheory ?? Number.NaN],
        dataVariance: [r.dataVariance],
      },
    };
  },
});

/**
 * Euler–Maruyama on −dy = [y + 2F] dt + dξ from t = T down to 0, stored at the frame times (as
 * frames in increasing time, like the bridge paths). Steps are at most SGM_STEP_FRACTION · Γ_t.
 */
async function reverseSdePaths(
  start: Float32Array,
  count: number,
  d: number,
  T: number,
  times: Float64Array,
  score: ReturnType<typeof mixtureScore>,
  componentVariance: number,
  seed: number,
  ctx: { checkpoint(f: number): Promise<void> },
): Promise<Float32Array> {
  const frames = times.length;
  const paths = new Float32Array(frames * count * d);
  const x = Float32Array.from(start);
  paths.set(x, (frames - 1) * count * d);
  let t = T;
  let step = 0;
  for (let f = frames - 2; f >= 0; f--) {
    const target = times[f];
    while (t > target) {
      const eta = Math.min(t - target, SGM_STEP_FRACTION * gamma(t, componentVariance));
      const F = score.evaluate(x, count, t).score;
      const sd = Math.sqrt(2 * eta);
      const base = step * count * d;
      for (let i = 0; i < count * d; i++) x[i] = x[i] + eta * (x[i] + 2 * F[i]) + sd * normalAt(seed, STREAM_SGM, base + i);
      t = t - eta <= target ? target : t - eta;
      step++;
      await ctx.checkpoint(0.6 + (0.4 * (T - t)) / T);
    }
    paths.set(x, f * count * d);
  }
  return paths;
}

/** Mean over coordinates of the per-coordinate variance of count × d points. */
function coordinateVariance(x: ArrayLike<number>, count: number, d: number): number {
  let total = 0;
  for (let k = 0; k < d; k++) {
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < count; i++) {
      s1 += x[i * d + k];
      s2 += x[i * d + k] * x[i * d + k];
    }
    const mean = s1 / count;
    total += (s2 / count - mean * mean) * (count / Math.max(1, count - 1));
  }
  return total / d;
}

import { defineExperiment } from '../experiment.ts';
import { param } from '../params.ts';
import { progressPart } from '../progress.ts';
import { fillNormalAt } from '../random.ts';
import { geometricGridWithMaxStep } from '../time-grid.ts';
import { nearestTwo, memorizedFraction } from '../metrics.ts';
import { Fft2 } from '../physics/fft2.ts';
import { empiricalRowScore } from '../physics/empirical-row-score.ts';
import { CRITICAL_BETA, isingEnergy, onsagerEnergy, spontaneousMagnetization, wolffChain } from '../physics/ising-2d.ts';

const T_MIN = 0.005;
const MAX_STEP = 0.05;
const BURN_IN_SWEEPS = 50;
const SHOWN = 16;
const FRAMES = 60;
/** A posterior weight above this on one training configuration counts as collapsed onto it. */
const COLLAPSE_WEIGHT = 0.5;

/** Cost-model weights in multiply-adds: one spin of a Wolff sweep, one L² log₂ L² step of an FFT pair. */
const SWEEP_TERM = 80;
const FFT_TERM = 4;
/** One spin's noise draw and Euler–Maruyama update, in the same unit. */
const NOISE_TERM = 50;

const STREAM_CHAIN = 31;
const STREAM_START = 32;
const STREAM_STEPS = 33;

/**
 * Real physics data: 2-D Ising configurations from a Wolff chain, generated back by the backward
 * process with the exact empirical score of the n configurations, or with the exact score of the
 * Gaussian model that has their measured two-point function (diagonal in Fourier space). Speciation
 * from the measured covariance spectrum, the magnetization's symmetry breaking along the
 * trajectories, collapse onto training configurations, and the generated energy and magnetization
 * against the data's.
 */
export const ising2d = defineExperiment({
  name: 'ising-2d',
  title: '2-D Ising configurations: speciation, collapse and what is generated',
  summary:
    'Configurations of the 2-D Ising model sampled by a Wolff cluster Monte Carlo, generated back with the empirical score of n of them or the Gaussian score with their two-point function: t_S = ½ log Λ from the measured structure factor, the magnetization splitting, collapse, and the energy and magnetization of the generated configurations against the data.',
  chapter: 'diffusion-for-physics',
  params: {
    L: param.enum({ label: 'Lattice side', symbol: 'L', options: ['8', '16', '32', '64'], default: '32', help: 'Powers of two: the structure factor uses an FFT.' }),
    beta: param.number({ label: 'Inverse temperature', symbol: 'β', min: 0.1, max: 1, default: 0.5, step: 0.01 }),
    n: param.int({ label: 'Configurations', symbol: 'n', min: 2, max: 2000, default: 100, scale: 'log' }),
    spacing: param.int({ label: 'Sweeps between configurations', min: 1, max: 50, default: 2 }),
    score: param.enum({
      label: 'Score',
      options: ['empirical', 'gaussian'],
      default: 'empirical',
      optionLabels: { empirical: 'empirical score of the n configurations', gaussian: 'Gaussian model with their two-point function' },
    }),
    generated: param.int({ label: 'Generated configurations', symbol: 'M', min: 1, max: 256, default: 8, scale: 'log' }),
    steps: param.int({ label: 'Backward steps', min: 20, max: 2000, default: 80, scale: 'log' }),
    tMax: param.number({ label: 'Start time', symbol: 'T', min: 2, max: 10, default: 5 }),
    seed: param.int({ label: 'Seed', min: 0, max: 2147483647, default: 1 }),
  },
  cost: {
    drivers: ['n', 'generated', 'steps', 'L', 'spacing', 'score', 'tMax'],
    // The Wolff chain flips L² spins per sweep (weighted SWEEP_TERM per spin: the neighbour
    // look-ups and uniforms), BURN_IN_SWEEPS + n·spacing sweeps; then every backward step scores
    // every configuration, by two passes over the n training rows (2n·L²) or an FFT pair (FFT_TERM
    // per L² log₂ L²) and a noise draw per spin (NOISE_TERM). Steps longer than MAX_STEP are
    // split, adding about T/MAX_STEP of them.
    units(p) {
      const d = Number(p.L) ** 2;
      const steps = p.steps + p.tMax / MAX_STEP;
      const row = NOISE_TERM * d + (p.score === 'empirical' ? 2 * p.n * d : FFT_TERM * d * Math.log2(d));
      return SWEEP_TERM * d * (BURN_IN_SWEEPS + p.n * p.spacing) + steps * p.generated * row;
    },
    // Fitted to CLI runs (elapsedMs less the CLI's 0.5 s setup, the smaller of two runs on the
    // 2-core development machine loaded by parallel builds): 1.6 s at the defaults; 5.9 s at L = 16,
    // n = 500, M = 32; 0.8 s with the Gaussian score at n = 400, spacing 5; 1.4 s at L = 64, n = 2,
    // spacing 1, M = 7, T = 3.1 (noise draws); 20.9 s for the chain alone at L = 64, β = 0.1,
    // n = 200, spacing 50 (estimates 1.7, 6.4, 1.3, 1.8, 13.5 s). The fuzz test met L = 64, n = 2,
    // M = 7 with 1745 steps taking 25 s, estimated 1.2 s before the noise term.
    // Rescaled ×0.78 from that fit with `npm run bench:cost -w @diffusion-atlas/tests` on the quiet
    // machine (runLocal's elapsedMs, the run alone), plus 30 % headroom for a busy one.
    secondsPerUnit: 3.1e-9,
    baseSeconds: 0.078,
  },
  async run(p, ctx) {
    const L = Number(p.L);
    const { n } = p;
    const d = L * L;
    const M = p.generated;
    const chain = wolffChain(L, p.beta, n, BURN_IN_SWEEPS, p.spacing, p.seed, STREAM_CHAIN, progressPart(ctx.progress, 0, 0.09));
    await ctx.checkpoint(0.1);

    // Structure factor S(k) = ⟨|ŝ_k|²⟩ − |⟨ŝ_k⟩|² (unitary transform): the eigenvalues of the
    // translation-averaged covariance, whose top one at k = 0 is N Var(m) = Λ.
    const fft = new Fft2(L);
    const spectrum = new Float64Array(2 * d);
    const power = new Float64Array(d);
    const meanRe = new Float64Array(d);
    const meanIm = new Float64Array(d);
    for (let mu = 0; mu < n; mu++) {
      fft.forward(chain.configurations.subarray(mu * d, (mu + 1) * d), spectrum);
      for (let m = 0; m < d; m++) {
        power[m] += (spectrum[2 * m] ** 2 + spectrum[2 * m + 1] ** 2) / n;
        meanRe[m] += spectrum[2 * m] / n;
        meanIm[m] += spectrum[2 * m + 1] / n;
      }
    }
    const structure = power.map((v, m) => Math.max(0, v - meanRe[m] ** 2 - meanIm[m] ** 2));
    let lambda = 0;
    for (const v of structure) lambda = Math.max(lambda, v);
    const tS = lambda > 1 ? 0.5 * Math.log(lambda) : 0;

    const training = Float32Array.from(chain.configurations);
    const grid = geometricGridWithMaxStep(p.tMax, T_MIN, p.steps, MAX_STEP);
    const x = new Float64Array(M * d);
    fillNormalAt(p.seed, STREAM_START, 0, x);
    const noise = new Float64Array(M * d);
    const score = new Float64Array(d);
    const logits = new Float64Array(n);
    const shown = Math.min(SHOWN, M);
    const every = Math.max(1, Math.round((grid.length - 1) / FRAMES));
    const frameTimes: number[] = [];
    const magnetization: number[] = [];
    const collapsed: number[] = [];
    const record = (t: number, c: number): void => {
      frameTimes.push(t);
      for (let r = 0; r < shown; r++) {
        let s = 0;
        for (let i = 0; i < d; i++) s += x[r * d + i];
        magnetization.push(s / d);
      }
      collapsed.push(c);
    };
    record(grid[0], 0);
    /**
     * The result from the run so far: the final one, or a partial one with the magnetization
     * frames taken so far, the first run's current sign pattern as its example, and no generated
     * configurations yet (empty statistics, NaN memorized).
     */
    const assemble = (generated: { energy: Float64Array; magnetization: Float64Array; spins: Int8Array; memorized: number }) => ({
      lambda,
      tS,
      criticalBeta: CRITICAL_BETA,
      spontaneousMagnetization: spontaneousMagnetization(p.beta),
      onsagerEnergy: onsagerEnergy(p.beta),
      meanClusterSize: chain.meanClusterSize,
      data: { energy: chain.energy.slice(), magnetization: chain.magnetization.slice() },
      generatedStats: { energy: generated.energy, magnetization: generated.magnetization },
      memorizedFraction: generated.memorized,
      trajectories: { t: Float64Array.from(frameTimes), count: shown, m: Float64Array.from(magnetization), collapsed: Float64Array.from(collapsed) },
      examples: { L, data: Float64Array.from(chain.configurations.subarray(0, d)), generated: Float64Array.from(generated.spins.subarray(0, d)) },
    });
    for (let k = 0; k < grid.length - 1; k++) {
      const t = grid[k];
      const eta = t - grid[k + 1];
      const a = Math.exp(-t);
      const delta = -Math.expm1(-2 * t);
      fillNormalAt(p.seed, STREAM_STEPS, k * M * d, noise, Math.sqrt(2 * eta));
      let c = 0;
      for (let r = 0; r < M; r++) {
        const row = x.subarray(r * d, (r + 1) * d);
        if (p.score === 'empirical') {
          c += empiricalRowScore(row, training, n, d, a, delta, logits, score) > COLLAPSE_WEIGHT ? 1 : 0;
        } else {
          fft.forward(row, spectrum);
          for (let m = 0; m < d; m++) {
            const inv = -1 / (a * a * structure[m] + delta);
            spectrum[2 * m] *= inv;
            spectrum[2 * m + 1] *= inv;
          }
          fft.inverse(spectrum, score);
        }
        for (let i = 0; i < d; i++) row[i] += eta * (row[i] + 2 * score[i]) + noise[r * d + i];
      }
      if ((k + 1) % every === 0 || k + 1 === grid.length - 1) record(grid[k + 1], c / M);
      ctx.partial(0.1 + (0.9 * (k + 1)) / (grid.length - 1), () =>
        // the first run's sign pattern now: what it would be if the run stopped here
        assemble({ energy: new Float64Array(0), magnetization: new Float64Array(0), spins: Int8Array.from(x.subarray(0, d), (v) => (v >= 0 ? 1 : -1)), memorized: Number.NaN }),
      );
      await ctx.checkpoint(0.1 + (0.9 * (k + 1)) / (grid.length - 1));
    }

    // The generated configuration is the sign pattern of the end point.
    const spins = new Int8Array(M * d);
    const energy = new Float64Array(M);
    const genM = new Float64Array(M);
    for (let r = 0; r < M; r++) {
      let s = 0;
      for (let i = 0; i < d; i++) {
        spins[r * d + i] = x[r * d + i] >= 0 ? 1 : -1;
        s += spins[r * d + i];
      }
      genM[r] = s / d;
      energy[r] = isingEnergy(spins.subarray(r * d, (r + 1) * d), L);
    }
    const near = nearestTwo(Float32Array.from(spins), M, training, n, d);
    return assemble({ energy, magnetization: genM, spins, memorized: memorizedFraction(near.ratio) });
  },
  tables(r) {
    return {
      summary: {
        lambda: [r.lambda],
        tS: [r.tS],
        spontaneousMagnetization: [r.spontaneousMagnetization],
        onsagerEnergy: [r.onsagerEnergy],
        memorizedFraction: [r.memorizedFraction],
      },
      data: { energy: r.data.energy, magnetization: r.data.magnetization },
      generated: { energy: r.generatedStats.energy, magnetization: r.generatedStats.magnetization },
    };
  },
});

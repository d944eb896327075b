import {
  Rng,
  empiricalScore,
  normalAt,
  normalsOf,
  sampleBackward,
  sampleMixture,
  twoClassMixture,
  uniformGrid,
  type Kernels,
  type SoftmaxDenoiseArgs,
} from '@diffusion-atlas/core';
import { MADD_PROBE_FLOPS_PER_ROUND, WasmDenoiser, timeMaddProbe, wasmModule, type DenoisePhases, type WasmVariant } from './wasm/instance.ts';
import { createWasmKernels } from './wasm-simd.ts';

/*
 * The benchmark behind `diffusion-atlas bench` and `npm run bench`: one full backward run with the
 * exact empirical score through core's own sampleBackward + empiricalScore (so the figure includes
 * everything a real run pays: the sampler's noise, the score arithmetic, the kernel), Euler–Maruyama
 * on a uniform grid from t = 3 to 1e−3, training data from the two-class Gaussian mixture
 * ½N(+1, I) + ½N(−1, I), starting points N(0, I). Node only (process.cpuUsage).
 */

export interface BenchConfig {
  name: string;
  d: number;
  n: number;
  m: number;
  /** Steps of the backward run. */
  T: number;
}

export const BENCH_CONFIGS: readonly BenchConfig[] = [
  { name: 'a', d: 2, n: 1000, m: 1000, T: 200 },
  { name: 'b', d: 64, n: 2000, m: 256, T: 100 },
  { name: 'c', d: 784, n: 1000, m: 64, T: 100 },
];

export const T_MAX = 3;
export const T_MIN = 1e-3;

export interface BenchResult {
  config: BenchConfig;
  /** Median wall time of one run, seconds (after one warm-up run). */
  medianS: number;
  /** Median process CPU time (user + system, all threads) of one run, seconds. */
  cpuS: number;
  backend: string;
  workers: number;
  runs: number;
}

/** Useful floating-point work: 2·m·n·d for the distances and 2·m·n·d for the weighted sum, per step. */
export function benchFlops(c: BenchConfig): number {
  return 4 * c.m * c.n * c.d * c.T;
}

/** The public line format (one line per configuration), e.g. for comparison with other tools. */
export function formatBenchLine(r: BenchResult, tool = 'diffusion-atlas'): string {
  const { name, d, n, m, T } = r.config;
  const gflops = benchFlops(r.config) / r.medianS / 1e9;
  return `${tool} cfg=${name} d=${d} n=${n} m=${m} T=${T} median_s=${r.medianS.toFixed(4)} GFLOPs=${gflops.toFixed(1)} cpu_s=${r.cpuS.toFixed(4)} backend=${r.backend} workers=${r.workers}`;
}

export const BENCH_LINE = /^(\S+) cfg=(\S+) d=(\d+) n=(\d+) m=(\d+) T=(\d+) median_s=(\d+\.\d{4}) GFLOPs=(\d+\.\d) cpu_s=(\d+\.\d{4}) backend=(\S+) workers=(\d+)$/;

export interface ParsedBenchLine {
  tool: string;
  cfg: string;
  medianS: number;
  cpuS: number;
  backend: string;
  workers: number;
}

export function parseBenchLine(line: string): ParsedBenchLine | undefined {
  const match = BENCH_LINE.exec(line.trim());
  if (!match) return undefined;
  return { tool: match[1], cfg: match[2], medianS: Number(match[7]), cpuS: Number(match[9]), backend: match[10], workers: Number(match[11]) };
}

export interface BenchProblem {
  config: BenchConfig;
  train: Float32Array;
  start: Float32Array;
  grid: Float64Array;
}

/** Training set, starting points and time grid: made once, outside the timed runs (as in the NumPy peer). */
export function benchProblem(config: BenchConfig, seed = 1): BenchProblem {
  const { d, n, m, T } = config;
  const train = sampleMixture(twoClassMixture(d, 1, 1), n, new Rng(seed, 1)).x;
  const start = new Float32Array(m * d);
  for (let i = 0; i < start.length; i++) start[i] = normalAt(seed, 2, i);
  return { config, train, start, grid: uniformGrid(T_MAX, T_MIN, T) };
}

/** One backward run; returns the final state (to keep the work observable). */
export function backwardRun({ config, train, start, grid }: BenchProblem, kernels: Kernels, seed = 1): Promise<Float32Array> {
  const { d, n, m } = config;
  return sampleBackward({ score: empiricalScore(train, n, d, kernels), start, m, grid, sampler: 'sde', seed, normals: normalsOf(kernels) });
}

export interface RunBenchOptions {
  repeats: number;
  workers: number;
  /** Called after each timed run (progress on a terminal). */
  onRun?: (index: number) => void;
}

/** One warm-up run, then `repeats` timed runs; the medians of wall and process CPU time. */
export async function runBench(config: BenchConfig, kernels: Kernels, options: RunBenchOptions): Promise<BenchResult> {
  const problem = benchProblem(config);
  const check = await backwardRun(problem, kernels);
  if (!check.every(Number.isFinite)) throw new Error(`bench ${config.name}: the backward run produced non-finite values`);
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < options.repeats; r++) {
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    await backwardRun(problem, kernels);
    wall.push((performance.now() - w0) / 1000);
    const used = process.cpuUsage(c0);
    cpu.push((used.user + used.system) / 1e6);
    options.onRun?.(r);
  }
  return { config, medianS: median(wall), cpuS: median(cpu), backend: kernels.backend, workers: options.workers, runs: options.repeats };
}

/**
 * The arithmetic ceiling of a wasm-simd build on this machine, GFLOP/s on one thread: the best of
 * `tries` runs of the build's multiply-add probe (twelve independent f32x4 chains, operands in
 * registers loaded from memory, no memory traffic in the loop).
 */
export function wasmPeakGflops(variant: WasmVariant, tries = 3, rounds = 20_000_000, clock?: () => number): number {
  let best = 0;
  for (let i = 0; i < tries; i++) best = Math.max(best, (rounds * MADD_PROBE_FLOPS_PER_ROUND) / timeMaddProbe(variant, rounds, clock) / 1e9);
  return best;
}

/** Process CPU time in seconds (user + system): for single-threaded figures on a machine shared with other work. */
export function cpuSeconds(): number {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1e6;
}

/** A pool-less thread running the probe: loads the module, waits for the start flag, reports its seconds. */
const PROBE_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const probe = new WebAssembly.Instance(workerData.module, {}).exports.maddProbe;
probe(1000, 1e-3);
const flag = new Int32Array(workerData.flag);
Atomics.add(flag, 1, 1);
Atomics.notify(flag, 1);
Atomics.wait(flag, 0, 0);
const t0 = performance.now();
const sink = probe(workerData.rounds, 1e-3);
parentPort.postMessage({ seconds: (performance.now() - t0) / 1000, finite: Number.isFinite(sink) });
`;

/**
 * The same ceiling measured on `threads` threads at once (the caller and threads − 1 workers,
 * started together): total GFLOP/s over the slowest thread's time, the best of `tries`. On a
 * machine shared with other work this is what the threads actually get.
 */
export async function wasmPeakGflopsThreads(variant: WasmVariant, threads: number, tries = 3, rounds = 20_000_000): Promise<number> {
  if (threads <= 1) return wasmPeakGflops(variant, tries, rounds);
  const { Worker } = await import('node:worker_threads');
  const module = wasmModule(variant);
  let best = 0;
  for (let i = 0; i < tries; i++) {
    const flag = new SharedArrayBuffer(8);
    const flags = new Int32Array(flag);
    const workers = Array.from({ length: threads - 1 }, () => new Worker(PROBE_THREAD, { eval: true, workerData: { module, flag, rounds } }));
    try {
      const results = workers.map(
        (w) =>
          new Promise<number>((resolve, reject) => {
            w.once('message', (m: { seconds: number; finite: boolean }) => (m.finite ? resolve(m.seconds) : reject(new Error('maddProbe returned a non-finite value'))));
            w.once('error', reject);
          }),
      );
      for (;;) {
        const ready = Atomics.load(flags, 1);
        if (ready >= threads - 1) break;
        Atomics.wait(flags, 1, ready, 100);
      }
      Atomics.store(flags, 0, 1);
      Atomics.notify(flags, 0);
      const own = timeMaddProbe(variant, rounds);
      const slowest = Math.max(own, ...(await Promise.all(results)));
      best = Math.max(best, (threads * rounds * MADD_PROBE_FLOPS_PER_ROUND) / slowest / 1e9);
    } finally {
      for (const w of workers) void w.terminate();
    }
  }
  return best;
}

export interface PhaseBreakdown {
  /** CPU seconds per backward run, one thread, for the kernel calls alone: the inner products (with their epilogue)... */
  distanceS: number;
  /** ...the row pass (maximum, candidates, exact recomputation, exp, normaliser)... */
  softmaxS: number;
  /** ...and the weighted sum (packing the survivors and the tiles). */
  sumS: number;
  /** Floating-point operations of the inner products: 2·m·n·d·T. */
  distanceFlops: number;
  /** Floating-point operations the weighted sum performed: 2 × its multiply-adds over each tile's survivors. */
  sumFlops: number;
  /** The same three times read as the least CPU time of whole replays. */
  wholeRuns: { distanceS: number; softmaxS: number; sumS: number };
}

/**
 * Times the kernel's phases on one thread over the calls of one backward run of `config`: the
 * run's states are recorded once, then replayed through one kernel instance stopping after each
 * phase in turn, so the phases' times are differences of times with the same inputs. Each call is
 * timed on its own (CPU time, so that other work on a shared machine counts as little as it can),
 * and a phase's time per run is the sum over the calls of each call's least time in `repeats`
 * interleaved replays: a disturbance then costs only the call it hit, in the one replay it hit,
 * where the least time of whole replays kept it whenever every replay was hit somewhere. That is
 * the same reading as the ceiling's (the best of its tries). `wholeRuns` keeps the older reading,
 * the least CPU time of whole replays, for comparison. d ≠ 2 only (d = 2 is one fused pass).
 */
export async function phaseBreakdown(config: BenchConfig, variant: WasmVariant, repeats = 11): Promise<PhaseBreakdown> {
  const problem = benchProblem(config);
  const inner = createWasmKernels({ variant });
  const calls: SoftmaxDenoiseArgs[] = [];
  const recorder: Kernels = {
    backend: inner.backend,
    softmaxDenoise(args) {
      calls.push({ ...args, queries: args.queries.slice(0, args.m * args.d), out: undefined });
      return inner.softmaxDenoise(args);
    },
  };
  await backwardRun(problem, recorder);
  const { n, d, m } = config;
  const denoiser = new WasmDenoiser(wasmModule(variant));
  denoiser.setCentres(problem.train, n, d, 'bench', m);
  const mean = new Float32Array(m * d);
  const nearest = new Int32Array(m);
  const state = new Float32Array(m * d);
  let sumMadds = 0;
  // least[p][i]: call i's least CPU time when stopped after phase p + 1; whole[p]: least whole replay
  const least = [1, 2, 3].map(() => new Float64Array(calls.length).fill(Infinity));
  const whole = [Infinity, Infinity, Infinity];
  const replay = (phases: DenoisePhases): void => {
    let madds = 0;
    const times = least[phases - 1];
    const r0 = process.cpuUsage();
    for (let i = 0; i < calls.length; i++) {
      const c = calls[i];
      // the sampler's state was just written by its update when the kernel reads it: in cache
      state.set(c.queries);
      const c0 = process.cpuUsage();
      madds += denoiser.run({ queries: state, row0: 0, rows: m, scale: c.scale, variance: c.variance, logWeights: undefined, mean, nearest }, phases);
      const used = process.cpuUsage(c0);
      times[i] = Math.min(times[i], (used.user + used.system) / 1e6);
    }
    const used = process.cpuUsage(r0);
    whole[phases - 1] = Math.min(whole[phases - 1], (used.user + used.system) / 1e6);
    if (phases === 3) sumMadds = madds;
  };
  replay(3);
  least.forEach((t) => t.fill(Infinity));
  whole.fill(Infinity);
  // the three replays interleaved, so that a change in the machine's load touches all alike
  for (let r = 0; r < repeats; r++) {
    for (const phases of [1, 2, 3] as const) replay(phases);
  }
  const [t1, t2, t3] = least.map((t) => t.reduce((a, b) => a + b, 0));
  const [w1, w2, w3] = whole;
  return {
    distanceS: t1,
    softmaxS: t2 - t1,
    sumS: t3 - t2,
    distanceFlops: 2 * m * n * d * calls.length,
    sumFlops: 2 * sumMadds,
    wholeRuns: { distanceS: w1, softmaxS: w2 - w1, sumS: w3 - w2 },
  };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export interface BenchCommandOptions {
  /** Configuration names; all when empty. */
  configs: readonly string[];
  repeats: number;
  /** Hidden override of T for quick smoke runs (tests); the line then shows the T that ran. */
  steps?: number;
}

/**
 * `diffusion-atlas bench`: the CPU path the worker would select (wasm-simd on a pool of one thread
 * per core when available), one line per configuration.
 */
export async function benchCommand(options: BenchCommandOptions, write: (line: string) => void): Promise<void> {
  const { selectKernels } = await import('./select.ts');
  const { kernels, report } = await selectKernels({ preferGpu: false });
  try {
    for (const base of BENCH_CONFIGS) {
      if (options.configs.length > 0 && !options.configs.includes(base.name)) continue;
      const config = options.steps === undefined ? base : { ...base, T: options.steps };
      const result = await runBench(config, kernels, { repeats: options.repeats, workers: report.workers ?? 1 });
      write(formatBenchLine(result));
    }
  } finally {
    (kernels as Partial<{ destroy(): void }>).destroy?.();
  }
}

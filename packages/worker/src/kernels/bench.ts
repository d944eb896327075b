import {
  Rng,
  empiricalScore,
  normalAt,
  sampleBackward,
  sampleMixture,
  twoClassMixture,
  uniformGrid,
  type Kernels,
} from '@diffusion-atlas/core';
import { MADD_PROBE_FLOPS_PER_ROUND, timeMaddProbe, type WasmVariant } from './wasm/instance.ts';

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
  return sampleBackward({ score: empiricalScore(train, n, d, kernels), start, m, grid, sampler: 'sde', seed });
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
 * The arithmetic ceiling of the wasm-simd build on this machine, GFLOP/s on one thread: the best
 * of `tries` runs of a register-only multiply-add loop. With it, a configuration's floor is known
 * before any kernel design: the distances alone are 2·m·n·d·T operations.
 */
export function wasmPeakGflops(variant: WasmVariant, tries = 3, rounds = 20_000_000): number {
  let best = 0;
  for (let i = 0; i < tries; i++) best = Math.max(best, (rounds * MADD_PROBE_FLOPS_PER_ROUND) / timeMaddProbe(variant, rounds) / 1e9);
  return best;
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

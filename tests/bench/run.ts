// `npm run bench`: the three configurations of `diffusion-atlas bench` on our CPU path and, side by
// side in the same run, the NumPy peer (bench/numpy_peer.py, single-threaded float32), with the
// ratio. Speed is reported here and never asserted in tests.
//
//   npm run bench                                  (root: all three, 5 repeats)
//   npm run bench -w @diffusion-atlas/tests -- [--config a|b|c]... [--repeats N] [--no-numpy] [--breakdown] [--scaling] [--threads N]
//
// The multiply-add ceiling of both builds (relaxed SIMD's fused multiply-add, and plain SIMD128's
// multiply and add) is measured first, on one thread and on all the kernel's threads at once.
// --breakdown adds, per configuration, the time a run spends outside the kernel (the sampler's and
// the score's arithmetic, timed with a kernel that returns at once; and the step noise drawn alone,
// which the pooled kernel draws during its call), and
// for d > 2 the kernel's phases on one thread: the inner products and the weighted sum as rates
// and as shares of the ceiling. --scaling then times single kernel calls on sampler-like states
// across n, m and d.
import { spawnSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createWasmKernels, selectKernels, type WasmKernels } from '@diffusion-atlas/worker';
import {
  BENCH_CONFIGS,
  backwardRun,
  cpuSeconds,
  benchProblem,
  formatBenchLine,
  median,
  parseBenchLine,
  phaseBreakdown,
  runBench,
  wasmPeakGflops,
  wasmPeakGflopsThreads,
} from '@diffusion-atlas/worker/bench';
import { normalsOf, Rng, resultArrays, Streams, type Kernels, type SoftmaxDenoiseArgs } from '@diffusion-atlas/core';

const { values } = parseArgs({
  options: {
    config: { type: 'string', multiple: true },
    repeats: { type: 'string', default: '5' },
    'no-numpy': { type: 'boolean', default: false },
    breakdown: { type: 'boolean', default: false },
    scaling: { type: 'boolean', default: false },
    threads: { type: 'string' },
  },
});
const repeats = Number(values.repeats);
const wanted = values.config ?? BENCH_CONFIGS.map((c) => c.name);
const PEER = fileURLToPath(new URL('../../bench/numpy_peer.py', import.meta.url));

const { kernels, report } = await selectKernels({ preferGpu: false, threads: values.threads === undefined ? undefined : Number(values.threads) });
console.log(`# ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, Node ${process.version}; kernels ${report.backend} × ${report.workers ?? 1}${report.fallbackReason ? ` (${report.fallbackReason})` : ''}`);
// other work on the machine moves both sides' figures: say how busy it was
console.log(`# load average before: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
const variant = (kernels as Partial<WasmKernels>).variant;
const threads = report.workers ?? 1;
// the ceiling of each build, one thread and all threads at once; the kernel's own build sets the bound
// (one thread by CPU time as well as wall time: the phases below are CPU times, robust to other work)
const CEILING_TRIES = 7;
const ceilings = new Map<string, { one: number; oneCpu: number; all: number }>();
if (variant !== undefined) {
  for (const build of ['relaxed', 'simd'] as const) {
    // the best of seven tries: a ceiling read low by a disturbance would flatter every share below
    const one = wasmPeakGflops(build, CEILING_TRIES);
    const oneCpu = wasmPeakGflops(build, CEILING_TRIES, 20_000_000, cpuSeconds);
    const all = await wasmPeakGflopsThreads(build, threads, CEILING_TRIES);
    ceilings.set(build, { one, oneCpu, all });
    console.log(
      `# ceiling ${build} build (12 f32x4 multiply-add chains, operands from memory): ${one.toFixed(1)} GFLOP/s on one thread (${oneCpu.toFixed(1)} per CPU second), ${all.toFixed(1)} on ${threads} at once`,
    );
  }
}
const ceiling = variant === undefined ? undefined : ceilings.get(variant);
const peak = ceiling?.all;

for (const config of BENCH_CONFIGS.filter((c) => wanted.includes(c.name))) {
  const ours = await runBench(config, kernels, { repeats, workers: report.workers ?? 1 });
  const line = formatBenchLine(ours);
  console.log(line);
  if (values.breakdown) {
    const outside = await outsideKernel(config.name);
    console.log(
      `#   outside the kernel: the sampler's arithmetic ${outside.arithmetic.toFixed(4)} s of each run; its step noise, drawn alone, ${outside.noise.toFixed(4)} s (${kernels.fillNormalAt === undefined ? 'drawn by the sampler' : "drawn in the kernel's call, by the thread with less to do"})`,
    );
    if (variant !== undefined && ceiling !== undefined && config.d !== 2) {
      const p = await phaseBreakdown(config, variant);
      // CPU time against the ceiling per CPU second; and, were both threads to run at that rate,
      // against the ceiling measured on all threads at once
      const share = (flops: number, s: number): string => {
        const rate = flops / s / 1e9;
        return `${rate.toFixed(1)} GFLOP per CPU second = ${((100 * rate) / ceiling.oneCpu).toFixed(0)} % of one thread's ceiling, ${((100 * rate * threads) / ceiling.all).toFixed(0)} % of the ${threads}-thread ceiling`;
      };
      const w = p.wholeRuns;
      console.log(`#   phases, CPU s per run on one thread (${variant}; each call's least of the replays): inner products ${p.distanceS.toFixed(4)} s, ${share(p.distanceFlops, p.distanceS)}`);
      console.log(`#   weighted sum ${p.sumS.toFixed(4)} s for ${(p.sumFlops / 1e9).toFixed(2)} GFLOP performed, ${share(p.sumFlops, p.sumS)}`);
      console.log(`#   softmax (maximum, candidates, exact recomputation, exp) ${p.softmaxS.toFixed(4)} s`);
      const pct = (flops: number, s: number): string => `${((100 * flops) / s / 1e9 / ceiling.oneCpu).toFixed(0)} %`;
      console.log(
        `#   read as the least whole replay instead: inner products ${w.distanceS.toFixed(4)} s (${pct(p.distanceFlops, w.distanceS)}), weighted sum ${w.sumS.toFixed(4)} s (${pct(p.sumFlops, w.sumS)}), softmax ${w.softmaxS.toFixed(4)} s`,
      );
    }
  }
  if (values['no-numpy']) continue;
  const peer = runPeer(config.name);
  if (peer === undefined) continue;
  console.log(peer);
  const theirs = parseBenchLine(peer);
  if (theirs) console.log(`ratio cfg=${config.name} numpy_s/diffusion_atlas_s=${(theirs.medianS / ours.medianS).toFixed(2)}`);
  if (theirs && peak !== undefined) {
    // The floor no kernel design can beat here: the inner products alone (one multiply-add per
    // pair-coordinate, the cheapest form) at the measured all-threads ceiling, nothing else.
    const distances = 2 * config.m * config.n * config.d * config.T;
    const floor = distances / (peak * 1e9);
    console.log(
      `# bound cfg=${config.name}: the distances alone (${(distances / 1e9).toFixed(2)} GFLOP) need >= ${floor.toFixed(3)} s at the ${threads}-thread ceiling (${((100 * floor) / ours.medianS).toFixed(0)} % of our run); NumPy / 1.25 is ${(theirs.medianS / 1.25).toFixed(3)} s`,
    );
  }
}
console.log(`# load average after: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
if (values.scaling) scaling();
(kernels as Partial<WasmKernels>).destroy?.();

/**
 * CPU milliseconds per softmaxDenoise call on one thread (median of repeats) on states of a
 * backward run at t = 1 (mixing: most weights survive the flush) and t = 0.05 (nearly one-hot),
 * with the rate in giga pair-coordinates per second (m·n·d / time). One thread and CPU time, so
 * the figures hold on a machine shared with other work; the pool divides wall time by up to its
 * thread count.
 */
function scaling(): void {
  const single = createWasmKernels();
  const grid: [number, number, number][] = [
    ...[2, 16, 64, 256, 784].map((d): [number, number, number] => [256, 1000, d]),
    ...[250, 500, 2000, 4000].map((n): [number, number, number] => [256, n, 64]),
    ...[16, 64, 1024].map((m): [number, number, number] => [m, 1000, 64]),
  ];
  console.log(`# scaling, one thread (${single.variant} build): CPU ms per call at t=1 and t=0.05, G(m·n·d)/s at t=1`);
  for (const [m, n, d] of grid) {
    const times = [1, 0.05].map((t) => {
      const args = state(m, n, d, t);
      single.softmaxDenoise(args);
      const runs: number[] = [];
      for (let r = 0; r < Math.max(7, repeats); r++) {
        const c0 = process.cpuUsage();
        single.softmaxDenoise(args);
        const used = process.cpuUsage(c0);
        runs.push((used.user + used.system) / 1000);
      }
      return median(runs);
    });
    console.log(`scaling m=${m} n=${n} d=${d} ms_t1=${times[0].toFixed(3)} ms_t0.05=${times[1].toFixed(3)} Grate_t1=${((m * n * d) / times[0] / 1e6).toFixed(2)}`);
  }
}

/** Two-class training data and queries s·a_μ + √Δ z at time t. */
function state(m: number, n: number, d: number, t: number): SoftmaxDenoiseArgs {
  const rng = new Rng(m + n + d);
  const data = rng.stream(1);
  const centres = new Float32Array(n * d);
  for (let mu = 0; mu < n; mu++) {
    const sign = data.uniform() < 0.5 ? 1 : -1;
    for (let j = 0; j < d; j++) centres[mu * d + j] = sign + data.normal();
  }
  const scale = Math.exp(-t);
  const variance = -Math.expm1(-2 * t);
  const noise = rng.stream(2);
  const queries = new Float32Array(m * d);
  for (let i = 0; i < m; i++) {
    const mu = noise.int(n);
    for (let j = 0; j < d; j++) queries[i * d + j] = scale * centres[mu * d + j] + Math.sqrt(variance) * noise.normal();
  }
  return { queries, m, centres, n, d, scale, variance };
}

/** The peer, single-threaded, with its best BLAS kernel (see the comment on the environment). */
function runPeer(name: string): string | undefined {
  const env: NodeJS.ProcessEnv = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  // Some machines here set these two so that old OpenBLAS builds pick a safe kernel; they slow a
  // current NumPy. Unset for this one command only, never for tests or CI.
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const out = spawnSync('python3', [PEER, '--config', name, '--repeats', String(repeats)], { env, encoding: 'utf8' });
  if (out.error || out.status !== 0) {
    console.log(`# numpy peer unavailable: ${out.error?.message ?? out.stderr.trim().split('\n').pop()}`);
    return undefined;
  }
  for (const note of out.stderr.trim().split('\n')) if (note) console.log(note);
  return out.stdout.trim().split('\n').find((l) => parseBenchLine(l) !== undefined);
}

/**
 * Median seconds per run spent outside softmaxDenoise, in two parts: the sampler's own arithmetic
 * (the same run with a kernel that does nothing, hands back zero noise and says it formed the
 * score, as the wasm kernels do on their threads), and the step noise
 * drawn on its own by the kernels' fill. In a real run the pooled kernel draws the noise during its
 * call, on the thread with less to do, so only the first part adds to the run's time there; a
 * kernel that cannot draw leaves both to the sampler.
 */
async function outsideKernel(name: string): Promise<{ arithmetic: number; noise: number }> {
  const config = BENCH_CONFIGS.find((c) => c.name === name);
  if (!config) throw new Error(name);
  const idle: Kernels = {
    backend: 'none',
    // a mean of zeros, as a fresh array would hold, so the state stays finite; zero noise, drawn
    // "by the kernel", as the pooled wasm kernel draws it
    softmaxDenoise: (args) => {
      const result = resultArrays(args);
      result.mean.fill(0);
      if (args.normals !== undefined) {
        args.normals.out.fill(0);
        args.normals.filled = true;
      }
      // the wasm kernels form the score on their threads too: what is left is the sampler's update
      if (args.asScore !== undefined) args.asScore.applied = true;
      return result;
    },
  };
  const problem = benchProblem(config);
  const timed = async (run: () => unknown): Promise<number> => {
    await run();
    const times: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      await run();
      times.push((performance.now() - t0) / 1000);
    }
    return median(times);
  };
  const arithmetic = await timed(() => backwardRun(problem, idle));
  const fill = normalsOf(kernels);
  const out = new Float64Array(config.m * config.d);
  const noise = await timed(() => {
    for (let k = 0; k < config.T; k++) fill(1, Streams.steps, k * out.length, out);
  });
  return { arithmetic, noise };
}

// The WebGPU kernels' per-call time outside a browser: Dawn's Node binding (the `webgpu` package,
// which gpu.js already brings in) gives `navigator.gpu` on a machine's real GPU, so the same WGSL
// runs as in a browser worker. Beside it, on the same machine and the same states, the wasm-simd
// kernel on one thread, and the largest difference between the two. Speed is reported, never asserted.
//
//   npx node bench/webgpu-dawn.ts [--repeats N] [--config a|b|c|big]...
//
// A call here is what a backward step costs the kernels: upload the m × d queries, the three
// dispatches, read back the m × d means and m indices. The training set is uploaded on the first
// call only, as in a run. Not measured: the bridge between a kernels worker and the device worker
// (two shared-memory copies of m × d floats and a cross-thread wake-up per call).
//
// Beside it, a block of backward SDE steps that stays on the GPU (`backwardSteps`: noise, the three
// stages and the update per step, one readback per block), per step, against the per-call time
// above (which leaves out the CPU's noise and update between calls).
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { create, globals } from 'webgpu';
import { createWasmKernels } from '@diffusion-atlas/worker';
import { BENCH_CONFIGS, benchProblem, median, type BenchConfig } from '@diffusion-atlas/worker/bench';
import { WebGpuDenoiser, requestWebGpuDevice } from '@diffusion-atlas/worker/webgpu';
import { backwardBlockSteps, delta, normalAt, uniformGrid, type BackwardStepsArgs, type SoftmaxDenoiseArgs } from '@diffusion-atlas/core';

const { values } = parseArgs({
  options: { config: { type: 'string', multiple: true }, repeats: { type: 'string', default: '20' } },
});
const repeats = Number(values.repeats);
const configs: BenchConfig[] = [...BENCH_CONFIGS, { name: 'big', d: 784, n: 20000, m: 512, T: 100 }].filter(
  (c) => values.config === undefined || values.config.includes(c.name),
);

Object.assign(globalThis, globals);
Object.defineProperty(globalThis, 'navigator', { value: { gpu: create([]) }, configurable: true, writable: true });

const load = (): string => loadavg().map((x) => x.toFixed(2)).join(' ');
const choice = await requestWebGpuDevice();
if ('reason' in choice) throw new Error(choice.reason);
console.log(`# adapter: ${choice.adapterName} (software: ${choice.software}); load average ${load()}`);
const gpu = await WebGpuDenoiser.create(choice.device);
const wasm = createWasmKernels();

/** A mid-run state: queries e^{−t}·a_μ + √Δ z at t = 0.5, so rows mix several centres. */
function midRunState(config: BenchConfig): SoftmaxDenoiseArgs {
  const { d, n, m } = config;
  const { train } = benchProblem(config);
  const t = 0.5;
  const scale = Math.exp(-t);
  const variance = -Math.expm1(-2 * t);
  const queries = new Float32Array(m * d);
  for (let i = 0; i < m; i++) {
    const mu = (i * 7919) % n;
    for (let k = 0; k < d; k++) queries[i * d + k] = scale * train[mu * d + k] + Math.sqrt(variance) * normalAt(3, 1, i * d + k);
  }
  return { queries, m, centres: train, n, d, scale, variance };
}

async function time(call: () => unknown | Promise<unknown>, runs: number): Promise<number> {
  const ms: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    await call();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

/** One block of steps from the mid-run state, down from t = 0.5 (the history is overwritten each time). */
function blockOf(args: SoftmaxDenoiseArgs): BackwardStepsArgs {
  const { queries, m, centres, n, d } = args;
  const steps = backwardBlockSteps(m, d, n);
  const times = uniformGrid(0.5, 0.05, steps);
  const at = times.subarray(0, steps);
  return {
    x: queries,
    m,
    centres,
    n,
    d,
    steps,
    times,
    scales: at.map((t) => Math.exp(-t)),
    variances: at.map(delta),
    seed: 1,
    stream: 3,
    firstStep: 0,
    history: new Float32Array(steps * m * d),
    nearest: new Int32Array(steps * m),
  };
}

console.log('config\td\tn\tm\twebgpu_ms\twasm1_ms\twasm/webgpu\tmax_rel_diff\tnearest_diff\tblock_steps\tfused_ms_per_step\tload');
for (const config of configs) {
  const args = midRunState(config);
  const first = performance.now();
  const got = await gpu.softmaxDenoise(args);
  const firstMs = performance.now() - first;
  for (let w = 0; w < 3; w++) await gpu.softmaxDenoise(args);
  const gpuMs = await time(() => gpu.softmaxDenoise(args), repeats);
  const want = wasm.softmaxDenoise(args);
  const wasmMs = await time(() => wasm.softmaxDenoise(args), Math.max(3, Math.min(repeats, 5)));
  let scale = 1;
  for (const x of want.mean) scale = Math.max(scale, Math.abs(x));
  let diff = 0;
  for (let j = 0; j < want.mean.length; j++) diff = Math.max(diff, Math.abs(got.mean[j] - want.mean[j]) / scale);
  let nearestDiff = 0;
  for (let i = 0; i < args.m; i++) if (got.nearest[i] !== want.nearest[i]) nearestDiff++;
  const block = blockOf(args);
  await gpu.backwardSteps(block);
  const fusedMs = (await time(() => gpu.backwardSteps(block), Math.max(3, Math.ceil(repeats / block.steps)))) / block.steps;
  const { name, d, n, m } = config;
  console.log(
    `${name}\t${d}\t${n}\t${m}\t${gpuMs.toFixed(3)}\t${wasmMs.toFixed(3)}\t${(wasmMs / gpuMs).toFixed(1)}\t${diff.toExponential(1)}\t${nearestDiff}\t${block.steps}\t${fusedMs.toFixed(3)}\t${load()}` +
      `\t(first call, with the training set's upload and pipeline warm-up: ${firstMs.toFixed(1)} ms)`,
  );
}
gpu.destroy();

import { Rng, type BackwardStepsArgs, type Kernels } from '@diffusion-atlas/core';
import type { GPU } from 'gpu.js';
import type { BackendReport } from '../protocol.ts';
import { messageOf } from '../wire-errors.ts';
import { checkAgainstReference } from './check.ts';
import { cpuKernels } from './cpu.ts';
import { guardKernels } from './guard.ts';
import { calibrate, routeKernels, type CalibrateOptions, type KernelPath } from './route.ts';
import { createWasmKernels } from './wasm-simd.ts';
import { wasmSimdSupported } from './wasm/instance.ts';
import { coreCount, createWasmPool, sharedMemoryAvailable, type WasmPool } from './wasm/pool.ts';

export interface KernelSelection {
  kernels: Kernels;
  /** Live: updated when a GPU failing mid-run hands its work to the CPU. */
  report: BackendReport;
}

export interface SelectOptions {
  preferGpu: boolean;
  /** Use a software WebGL renderer (SwiftShader, llvmpipe) too; by default those fall back to the CPU. */
  allowSoftwareGpu?: boolean;
  /**
   * How to obtain a gpu.js instance; by default WebGL2 in a browser worker, and none elsewhere.
   * Tests pass `() => new GPU({ mode: 'cpu' })` to drive the check and fallback in Node.
   */
  createGpu?: () => GPU | Promise<GPU>;
  /** Whether WebAssembly SIMD is usable; detected by validating the kernel. Tests inject false. */
  wasmSimd?: boolean;
  /**
   * Threads for the wasm-simd kernels, the caller included: by default one per core where threads
   * can share memory (Node; a cross-origin-isolated page), else 1.
   */
  threads?: number;
  /**
   * Keep every verified path and send each call to the one that was fastest on its shape at
   * start-up (route.ts), instead of the first path for every call. Options tune the calibration.
   */
  route?: boolean | CalibrateOptions;
  /**
   * WebGPU (kernels/webgpu) before everything else: `hardware`, the default when `preferGpu`, skips
   * software adapters; `any` takes them too (tests, diagnostics); `off`, the default otherwise, never.
   */
  webgpu?: 'hardware' | 'any' | 'off';
}

/** An accelerator that passed the start-up check. */
interface OpenedAccelerator {
  kernels: Kernels & { destroy(): void };
  checkMaxError: number;
}

/**
 * A GPU path in the selection's preference order: opens and verifies its kernels, or says why it
 * cannot run here. A new backend (WebGPU) is one more entry in ACCELERATORS, ahead of gpu.js.
 */
type Accelerator = (options: SelectOptions) => Promise<OpenedAccelerator | { reason: string }>;

/** gpu.js on WebGL2 in a browser worker (or the instance a test injects). */
const gpuJsWebGl2: Accelerator = async (options) => {
  const renderer = options.createGpu ? 'injected' : workerWebGl2Renderer();
  if (renderer === null) return { reason: 'no WebGL2: GPU kernels run only in a browser worker with OffscreenCanvas' };
  if (!options.allowSoftwareGpu && SOFTWARE_RENDERER.test(renderer)) {
    return { reason: `software WebGL renderer (${renderer}): the CPU path is faster` };
  }
  let kernels: (Kernels & { destroy(): void }) | undefined;
  try {
    // Loaded on demand: Node and the CLI never pay for parsing gpu.js.
    const gpuModule = await import('./gpu.ts');
    const gpu = options.createGpu ? await options.createGpu() : gpuModule.createWebGl2Gpu();
    kernels = gpuModule.createGpuKernels(gpu);
    return { kernels, checkMaxError: checkAgainstReference(kernels) };
  } catch (error) {
    kernels?.destroy();
    return { reason: `GPU check failed: ${messageOf(error)}` };
  }
};

/** Accelerators, fastest kind first; the CPU path (wasm-simd, then TypeScript) always ends the list. */
const ACCELERATORS: readonly Accelerator[] = [gpuJsWebGl2];

/**
 * The kernels a worker runs with. WebGPU first (see `webgpu`); then, without routing, the first that works of: an accelerator (when
 * asked for, available, a real GPU unless software is allowed, and verified against the reference
 * on a small problem); the WebAssembly SIMD kernels, on a pool of one thread per core where
 * threads can share memory; the plain TypeScript loops. With routing, every verified accelerator
 * and the CPU path are kept and each call goes to the one measured fastest on its shape. The
 * report says which and why.
 */
export async function selectKernels(options: SelectOptions): Promise<KernelSelection> {
  // WebGPU first, kept apart from the chain below (its kernels answer through a device worker);
  // loaded on demand like gpu.js
  const webgpu = options.webgpu ?? (options.preferGpu ? 'hardware' : 'off');
  if (webgpu !== 'off') {
    const { selectWithWebGpu } = await import('./webgpu/selection.ts');
    return selectWithWebGpu(webgpu, (overrides) => selectKernels({ ...options, ...overrides, webgpu: 'off' }));
  }
  if (!options.preferGpu) return selectCpuKernels(options);
  const reasons: string[] = [];
  const opened: OpenedAccelerator[] = [];
  for (const accelerator of ACCELERATORS) {
    const result = await accelerator(options);
    if ('reason' in result) reasons.push(result.reason);
    else opened.push(result);
    if (opened.length > 0 && !options.route) break;
  }
  const first = opened[0];
  if (first === undefined) return selectCpuKernels(options, reasons.join('; '));
  if (!options.route) {
    const report: BackendReport = { backend: first.kernels.backend, checkMaxError: first.checkMaxError };
    // a faster kind that could not open says why
    if (reasons.length > 0) report.fallbackReason = reasons.join('; ');
    // the fallback after a GPU failure mid-run: single-threaded, so a GPU session holds no pool
    const fallback = (await cpuPath({ ...options, threads: 1 })).kernels;
    return { kernels: guardKernels(first.kernels, fallback, report), report };
  }
  return routedSelection(opened, reasons, options);
}

/**
 * Every verified accelerator, each guarded by the CPU path, and the CPU path itself (pooled: calls
 * are routed to it), calibrated on the figures' shapes.
 */
async function routedSelection(opened: readonly OpenedAccelerator[], reasons: readonly string[], options: SelectOptions): Promise<KernelSelection> {
  const cpu = await cpuPath(options);
  const names = [...opened.map((o) => o.kernels.backend), cpu.kernels.backend];
  const report: BackendReport = {
    backend: names.join('+'),
    checkMaxError: Math.max(cpu.report.checkMaxError ?? 0, ...opened.map((o) => o.checkMaxError)),
  };
  if (cpu.report.workers !== undefined) report.workers = cpu.report.workers;
  const why = [...reasons, cpu.report.fallbackReason].filter((r) => r !== undefined);
  if (why.length > 0) report.fallbackReason = why.join('; ');
  // an accelerator failing mid-run hands its calls to the CPU path, and the live report says so
  const paths: KernelPath[] = opened.map(({ kernels }) => ({ name: kernels.backend, kernels: guardKernels(kernels, cpu.kernels, report) }));
  paths.push({ name: cpu.kernels.backend, kernels: cpu.kernels });
  report.routing = calibrate(paths, typeof options.route === 'object' ? options.route : {});
  return { kernels: routeKernels(paths, report.routing), report };
}

async function selectCpuKernels(options: SelectOptions, gpuFallbackReason?: string): Promise<KernelSelection> {
  const { kernels, report } = await cpuPath(options);
  const reasons = [gpuFallbackReason, report.fallbackReason].filter((r) => r !== undefined && r !== '');
  if (reasons.length > 0) report.fallbackReason = reasons.join('; ');
  else delete report.fallbackReason;
  return { kernels, report };
}

/** wasm-simd (pooled where possible) when the engine validates it and it passes the check; else the TypeScript loops. */
async function cpuPath(options: SelectOptions): Promise<KernelSelection> {
  if (!(options.wasmSimd ?? wasmSimdSupported())) {
    return { kernels: cpuKernels, report: { backend: cpuKernels.backend, fallbackReason: 'no WebAssembly SIMD in this engine' } };
  }
  let pool: WasmPool | undefined;
  let poolReason: string | undefined;
  // one per core, capped because every thread holds its own copy of the training set
  const threads = options.threads ?? (sharedMemoryAvailable() ? Math.min(16, await coreCount()) : 1);
  if (threads > 1) {
    try {
      pool = await createWasmPool(threads - 1);
      verifyPool(pool);
    } catch (error) {
      pool?.destroy();
      pool = undefined;
      poolReason = `single-threaded wasm-simd: the worker pool failed (${messageOf(error)})`;
    }
  }
  const kernels = createWasmKernels({ pool });
  try {
    const checkMaxError = checkAgainstReference(kernels);
    const report: BackendReport = { backend: kernels.backend, checkMaxError, workers: kernels.workers };
    if (poolReason !== undefined) report.fallbackReason = poolReason;
    return { kernels, report };
  } catch (error) {
    kernels.destroy();
    return { kernels: cpuKernels, report: { backend: cpuKernels.backend, fallbackReason: `wasm-simd check failed: ${messageOf(error)}` } };
  }
}

/**
 * The pool must reproduce the calling thread's bits on a call large enough to be split, and on a
 * block of steps (what a backward run hands it); throws where it does not.
 */
export function verifyPool(pool: WasmPool): void {
  const m = 48;
  const n = 300;
  const d = 9;
  const rng = new Rng(13);
  const centres = rng.stream(1).fillNormal(new Float32Array(n * d)) as Float32Array;
  const queries = rng.stream(2).fillNormal(new Float32Array(m * d)) as Float32Array;
  const args = { queries, m, centres, n, d, scale: 0.7, variance: 0.4 };
  const pooled = pool.softmaxDenoise(args);
  const alone = createWasmKernels({ variant: pool.variant }).softmaxDenoise(args);
  for (let i = 0; i < m * d; i++) {
    if (!Object.is(pooled.mean[i], alone.mean[i])) throw new Error(`pooled result differs from the single-thread one at entry ${i}`);
  }
  for (let i = 0; i < m; i++) {
    if (pooled.nearest[i] !== alone.nearest[i]) throw new Error(`pooled nearest differs on row ${i}`);
  }
  const steps = 3;
  const times = Float64Array.from([1, 0.9, 0.8, 0.7]);
  const block = (): BackwardStepsArgs => ({
    x: queries,
    m,
    centres,
    n,
    d,
    steps,
    times,
    scales: Float64Array.from({ length: steps }, (_, j) => Math.exp(-times[j])),
    variances: Float64Array.from({ length: steps }, (_, j) => 1 - Math.exp(-2 * times[j])),
    seed: 13,
    stream: 3,
    firstStep: 0,
    history: new Float32Array(steps * m * d),
    nearest: new Int32Array(steps * m),
  });
  const pooledBlock = block();
  pool.backwardSteps(pooledBlock);
  const aloneBlock = block();
  if (!createWasmKernels({ variant: pool.variant }).backwardSteps(aloneBlock)) throw new Error('the calling thread declined a block of steps');
  for (let i = 0; i < steps * m * d; i++) {
    if (!Object.is(pooledBlock.history[i], aloneBlock.history[i])) throw new Error(`pooled block of steps differs from the single-thread one at entry ${i}`);
  }
  for (let i = 0; i < steps * m; i++) {
    if (pooledBlock.nearest[i] !== aloneBlock.nearest[i]) throw new Error(`pooled block's nearest differs at entry ${i}`);
  }
}

const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software/i;

/** The WebGL2 renderer's name in a browser worker, or null when there is no WebGL2 there. */
function workerWebGl2Renderer(): string | null {
  // by property, not identifier: this module also typechecks under DOM-only libs (the site, the tests)
  if (!('WorkerGlobalScope' in globalThis) || typeof OffscreenCanvas === 'undefined') return null;
  try {
    const probe = new OffscreenCanvas(1, 1).getContext('webgl2');
    if (probe === null) return null;
    const info = probe.getExtension('WEBGL_debug_renderer_info');
    const name = String(probe.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : probe.RENDERER) ?? 'unknown');
    // browsers cap live WebGL contexts; give the probe's back at once
    probe.getExtension('WEBGL_lose_context')?.loseContext();
    return name;
  } catch {
    return null;
  }
}

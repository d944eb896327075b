import { Rng, type Kernels } from '@diffusion-atlas/core';
import type { GPU } from 'gpu.js';
import type { BackendReport } from '../protocol.ts';
import { messageOf } from '../wire-errors.ts';
import { checkAgainstReference } from './check.ts';
import { cpuKernels } from './cpu.ts';
import { guardKernels } from './guard.ts';
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
   * WebGPU (kernels/webgpu) before everything else: `hardware`, the default when `preferGpu`, skips
   * software adapters; `any` takes them too (tests, diagnostics); `off`, the default otherwise, never.
   */
  webgpu?: 'hardware' | 'any' | 'off';
}

/**
 * The kernels a worker runs with, first that works of: WebGPU (see `webgpu`); the GPU (when
 * asked for, available, a real one unless software is allowed, and verified against the reference
 * on a small problem); the
 * WebAssembly SIMD kernels, on a pool of one thread per core where threads can share memory; the
 * plain TypeScript loops. The report says which and why.
 */
export async function selectKernels(options: SelectOptions): Promise<KernelSelection> {
  // WebGPU first, kept apart from the chain below; loaded on demand like gpu.js
  const webgpu = options.webgpu ?? (options.preferGpu ? 'hardware' : 'off');
  if (webgpu !== 'off') {
    const { selectWithWebGpu } = await import('./webgpu/selection.ts');
    return selectWithWebGpu(webgpu, (overrides) => selectKernels({ ...options, ...overrides, webgpu: 'off' }));
  }
  if (!options.preferGpu) return selectCpuKernels(options);
  const renderer = options.createGpu ? 'injected' : workerWebGl2Renderer();
  if (renderer === null) {
    return selectCpuKernels(options, 'no WebGL2: GPU kernels run only in a browser worker with OffscreenCanvas');
  }
  if (!options.allowSoftwareGpu && SOFTWARE_RENDERER.test(renderer)) {
    return selectCpuKernels(options, `software WebGL renderer (${renderer}): the CPU path is faster`);
  }
  let gpuKernels: (Kernels & { destroy(): void }) | undefined;
  try {
    // Loaded on demand: Node and the CLI never pay for parsing gpu.js.
    const gpuModule = await import('./gpu.ts');
    const gpu = options.createGpu ? await options.createGpu() : gpuModule.createWebGl2Gpu();
    gpuKernels = gpuModule.createGpuKernels(gpu);
    const checkMaxError = checkAgainstReference(gpuKernels);
    const report: BackendReport = { backend: gpuKernels.backend, checkMaxError };
    // the fallback after a GPU failure mid-run: single-threaded, so a GPU session holds no pool
    const fallback = (await cpuPath({ ...options, threads: 1 })).kernels;
    return { kernels: guardKernels(gpuKernels, fallback, report), report };
  } catch (error) {
    gpuKernels?.destroy();
    return selectCpuKernels(options, `GPU check failed: ${messageOf(error)}`);
  }
}

async function selectCpuKernels(options: SelectOptions, gpuFallbackReason?: string): Promise<KernelSelection> {
  const { kernels, report } = await cpuPath(options);
  const reasons = [gpuFallbackReason, report.fallbackReason].filter((r) => r !== undefined);
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

/** The pool must reproduce the calling thread's bits on a call large enough to be split. */
function verifyPool(pool: WasmPool): void {
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

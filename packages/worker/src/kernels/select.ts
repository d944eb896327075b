import type { Kernels } from '@diffusion-atlas/core';
import type { GPU } from 'gpu.js';
import type { BackendReport } from '../protocol.ts';
import { messageOf } from '../wire-errors.ts';
import { checkAgainstReference } from './check.ts';
import { cpuKernels } from './cpu.ts';
import { guardKernels } from './guard.ts';

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
}

/**
 * The kernels a worker runs with: the GPU when asked for, available and verified against the
 * reference on a small problem; the CPU loops otherwise, with the reason recorded.
 */
export async function selectKernels(options: SelectOptions): Promise<KernelSelection> {
  if (!options.preferGpu) return { kernels: cpuKernels, report: { backend: cpuKernels.backend } };
  const renderer = options.createGpu ? 'injected' : workerWebGl2Renderer();
  if (renderer === null) {
    return {
      kernels: cpuKernels,
      report: { backend: cpuKernels.backend, fallbackReason: 'no WebGL2: GPU kernels run only in a browser worker with OffscreenCanvas' },
    };
  }
  if (!options.allowSoftwareGpu && SOFTWARE_RENDERER.test(renderer)) {
    return {
      kernels: cpuKernels,
      report: { backend: cpuKernels.backend, fallbackReason: `software WebGL renderer (${renderer}): the CPU path is faster` },
    };
  }
  let gpuKernels: (Kernels & { destroy(): void }) | undefined;
  try {
    // Loaded on demand: Node and the CLI never pay for parsing gpu.js.
    const gpuModule = await import('./gpu.ts');
    const gpu = options.createGpu ? await options.createGpu() : gpuModule.createWebGl2Gpu();
    gpuKernels = gpuModule.createGpuKernels(gpu);
    const checkMaxError = checkAgainstReference(gpuKernels);
    const report: BackendReport = { backend: gpuKernels.backend, checkMaxError };
    return { kernels: guardKernels(gpuKernels, cpuKernels, report), report };
  } catch (error) {
    gpuKernels?.destroy();
    return { kernels: cpuKernels, report: { backend: cpuKernels.backend, fallbackReason: `GPU check failed: ${messageOf(error)}` } };
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

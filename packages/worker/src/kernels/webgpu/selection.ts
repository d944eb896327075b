import type { BackendReport } from '../../protocol.ts';
import { guardKernels } from '../guard.ts';
import type { KernelSelection, SelectOptions } from '../select.ts';
import { createWebGpuKernels } from './kernels.ts';

/**
 * WebGPU ahead of the rest of the chain: `rest` selects what would run without it, which is also
 * where a WebGPU failure mid-run (a lost device) hands its calls; as that fallback it gets one
 * thread, so a WebGPU session holds no idle pool (the gpu.js path does the same). `any` accepts a
 * software adapter (tests, diagnostics); `hardware` does not. A runtime with no WebGPU at all adds
 * nothing to the report unless WebGPU was asked for explicitly, so Node's and older browsers'
 * reports read as before.
 */
export async function selectWithWebGpu(
  mode: 'hardware' | 'any',
  rest: (overrides?: Pick<SelectOptions, 'threads'>) => Promise<KernelSelection>,
): Promise<KernelSelection> {
  const present = typeof navigator === 'object' && 'gpu' in navigator;
  if (!present && mode === 'hardware') return rest();
  const webgpu = await createWebGpuKernels({ allowSoftware: mode === 'any' });
  if ('reason' in webgpu) {
    const fallback = await rest();
    const reasons = [webgpu.reason, fallback.report.fallbackReason].filter((r) => r !== undefined);
    fallback.report.fallbackReason = reasons.join('; ');
    return fallback;
  }
  const fallback = await rest({ threads: 1 });
  const report: BackendReport = { backend: webgpu.backend, checkMaxError: webgpu.checkMaxError };
  return { kernels: guardKernels(webgpu, fallback.kernels, report), report };
}

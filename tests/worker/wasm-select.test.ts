import { describe, expect, it } from 'vitest';
import { availableParallelism } from 'node:os';
import { GPU } from 'gpu.js';
import { cpuKernels, selectKernels, type WasmKernels } from '@diffusion-atlas/worker';
import { randomProblem } from './problems.ts';

const destroy = (k: unknown): void => (k as Partial<WasmKernels>).destroy?.();

describe('kernel selection with wasm-simd', () => {
  it('prefers wasm-simd on a pool of one thread per core when no GPU is wanted', async () => {
    const { kernels, report } = await selectKernels({ preferGpu: false });
    expect(kernels.backend).toBe('wasm-simd');
    expect(report.backend).toBe('wasm-simd');
    expect(report.workers).toBe(availableParallelism());
    expect(report.fallbackReason).toBeUndefined();
    expect(report.checkMaxError).toBeLessThan(1e-5);
    destroy(kernels);
  });

  it('falls back from the GPU to wasm-simd, saying why', async () => {
    const { kernels, report } = await selectKernels({ preferGpu: true, threads: 1 });
    expect(kernels.backend).toBe('wasm-simd');
    expect(report).toMatchObject({ backend: 'wasm-simd', workers: 1 });
    expect(report.fallbackReason).toMatch(/WebGL2/);
  });

  it('falls back to the TypeScript loops where WebAssembly SIMD is missing', async () => {
    const { kernels, report } = await selectKernels({ preferGpu: false, wasmSimd: false });
    expect(kernels).toBe(cpuKernels);
    expect(report.backend).toBe('cpu');
    expect(report.fallbackReason).toMatch(/no WebAssembly SIMD/);
    const viaGpu = await selectKernels({ preferGpu: true, wasmSimd: false });
    expect(viaGpu.kernels).toBe(cpuKernels);
    expect(viaGpu.report.fallbackReason).toMatch(/WebGL2.*; no WebAssembly SIMD/);
  });

  it('keeps one thread when asked', async () => {
    const { kernels, report } = await selectKernels({ preferGpu: false, threads: 1 });
    expect(report.workers).toBe(1);
    const args = randomProblem({ m: 50, n: 300, d: 8, variance: 0.4, seed: 3, nearCentres: true });
    expect(kernels.softmaxDenoise(args).nearest).toHaveLength(50);
  });

  it('guards a verified GPU with single-threaded wasm-simd as its fallback', async () => {
    const { kernels, report } = await selectKernels({ preferGpu: true, createGpu: () => new GPU({ mode: 'cpu' }) });
    expect(kernels.backend).toBe('gpujs-cpu');
    expect(report.workers).toBeUndefined();
  });
});

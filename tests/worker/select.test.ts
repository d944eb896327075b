import { describe, expect, it } from 'vitest';
import { GPU } from 'gpu.js';
import { referenceKernels, type Kernels } from '@diffusion-atlas/core';
import { checkAgainstReference, cpuKernels, guardKernels, selectKernels, type BackendReport } from '@diffusion-atlas/worker';
import { randomProblem } from './problems.ts';

/** A GPU-like primary without blocks whose calls throw from the second on ("context lost"), counting its calls. */
function flakyGpu(backend: string): Kernels & { calls: number; destroyed: boolean; destroy(): void } {
  const k = {
    backend,
    calls: 0,
    destroyed: false,
    softmaxDenoise(args: Parameters<Kernels['softmaxDenoise']>[0]) {
      k.calls++;
      if (k.calls >= 2) throw new Error('context lost');
      return referenceKernels.softmaxDenoise(args);
    },
    destroy() {
      k.destroyed = true;
    },
  };
  return k;
}

describe('kernel selection', () => {
  it('uses the CPU loops when the GPU is not wanted and WebAssembly SIMD is missing', async () => {
    const { kernels, report } = await selectKernels({ preferGpu: false, wasmSimd: false });
    expect(kernels).toBe(cpuKernels);
    expect(report).toEqual({ backend: 'cpu', fallbackReason: 'no WebAssembly SIMD in this engine' });
  });

  it('falls back to the CPU path in Node, saying why', async () => {
    const { kernels, report } = await selectKernels({ preferGpu: true, threads: 1 });
    expect(kernels.backend).toBe('wasm-simd');
    expect(report.fallbackReason).toMatch(/WebGL2/);
  });

  it('accepts gpu.js kernels that pass the check against the reference', async () => {
    const { kernels, report } = await selectKernels({ preferGpu: true, createGpu: () => new GPU({ mode: 'cpu' }) });
    expect(kernels.backend).toBe('gpujs-cpu');
    expect(report.backend).toBe('gpujs-cpu');
    expect(report.fallbackReason).toBeUndefined();
    expect(report.checkMaxError).toBeLessThan(1e-4);
  });

  it('falls back when creating the GPU throws', async () => {
    const { kernels, report } = await selectKernels({
      preferGpu: true,
      wasmSimd: false,
      createGpu: () => {
        throw new Error('no context for you');
      },
    });
    expect(kernels).toBe(cpuKernels);
    expect(report.fallbackReason).toMatch(/no context for you/);
  });

  it('rejects kernels that disagree with the reference', () => {
    const wrong: Kernels = {
      backend: 'wrong',
      softmaxDenoise(args) {
        const out = referenceKernels.softmaxDenoise(args);
        out.mean[3] += 0.01;
        return out;
      },
    };
    expect(() => checkAgainstReference(wrong)).toThrow(/wrong mean differs/);
    const wrongNearest: Kernels = {
      backend: 'wrong',
      softmaxDenoise(args) {
        const out = referenceKernels.softmaxDenoise(args);
        out.nearest[0] = (out.nearest[0] + 1) % args.n;
        return out;
      },
    };
    expect(() => checkAgainstReference(wrongNearest)).toThrow(/nearest differs/);
    expect(checkAgainstReference(cpuKernels)).toBeLessThan(1e-6);
  });

  it('switches to the CPU for good when the GPU throws mid-run', () => {
    const flaky = flakyGpu('flaky-gpu');
    const report: BackendReport = { backend: 'flaky-gpu' };
    const guarded = guardKernels(flaky, cpuKernels, report);
    const args = randomProblem({ m: 3, n: 5, d: 2, variance: 1, seed: 1 });
    expect(guarded.backend).toBe('flaky-gpu');
    guarded.softmaxDenoise(args);
    const second = guarded.softmaxDenoise(args);
    expect(Array.from(second.mean)).toEqual(Array.from(cpuKernels.softmaxDenoise(args).mean));
    expect(guarded.backend).toBe('cpu');
    expect(report).toMatchObject({ backend: 'cpu', fallbackReason: expect.stringMatching(/flaky-gpu failed during a run: context lost/) });
    expect(flaky.destroyed).toBe(true);
    guarded.softmaxDenoise(args);
    expect(flaky.calls).toBe(2);
  });

  it('declines blocks of backward steps once the GPU has thrown on one, and offers none where neither path has them', () => {
    let blocks = 0;
    const flaky = {
      backend: 'flaky-gpu',
      softmaxDenoise: referenceKernels.softmaxDenoise,
      backwardSteps(): boolean {
        blocks++;
        if (blocks >= 2) throw new Error('device lost');
        return true;
      },
      destroy() {},
    };
    const report: BackendReport = { backend: 'flaky-gpu' };
    const guarded = guardKernels(flaky, cpuKernels, report);
    const args = {} as Parameters<NonNullable<Kernels['backwardSteps']>>[0];
    expect(guarded.backwardSteps?.(args)).toBe(true);
    expect(guarded.backwardSteps?.(args)).toBe(false);
    expect(report).toMatchObject({ backend: 'cpu', fallbackReason: expect.stringMatching(/flaky-gpu failed during a run: device lost/) });
    expect(guarded.backwardSteps?.(args)).toBe(false);
    expect(blocks).toBe(2);
    expect(guardKernels(referenceKernels, cpuKernels, { backend: 'reference' }).backwardSteps).toBeUndefined();
  });

  it('leaves blocks to the path that runs the steps: a primary without blocks declines them, its fallback’s run them once it took over', () => {
    let fallbackBlocks = 0;
    const webgl = flakyGpu('gpu-like');
    const threaded = {
      backend: 'threaded-cpu',
      softmaxDenoise: referenceKernels.softmaxDenoise,
      backwardSteps(): boolean {
        fallbackBlocks++;
        return true;
      },
    };
    const guarded = guardKernels(webgl, threaded, { backend: 'gpu-like' });
    const block = {} as Parameters<NonNullable<Kernels['backwardSteps']>>[0];
    // while the GPU computes the steps, the CPU's blocks must not run them behind its back
    expect(guarded.backwardSteps?.(block)).toBe(false);
    expect(fallbackBlocks).toBe(0);
    const args = randomProblem({ m: 4, n: 30, d: 3, variance: 0.5, seed: 2, nearCentres: true });
    guarded.softmaxDenoise(args);
    guarded.softmaxDenoise(args);
    expect(guarded.backend).toBe('threaded-cpu');
    expect(guarded.backwardSteps?.(block)).toBe(true);
    expect(fallbackBlocks).toBe(1);
  });
});

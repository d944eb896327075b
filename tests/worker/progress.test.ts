import { afterAll, describe, expect, it } from 'vitest';
import { directContext, experiments, runExperiment, symmetricEigen } from '@diffusion-atlas/core';
import { createWasmKernels } from '@diffusion-atlas/worker';
import { nodeDataSources } from '@diffusion-atlas/worker/node-data';

/*
 * Progress is what a reader watches during a long run: it must only move forward, stay in [0, 1],
 * end at 1, and come in small steps, including from inside long synchronous stages
 * (RunContext.progress). How often it comes in wall time is measured in the browser
 * (tests/site/responsiveness.test.ts) and reported in docs/performance.md.
 */

describe('progress of every experiment with its defaults', () => {
  const kernels = createWasmKernels();
  afterAll(() => kernels.destroy());

  for (const name of Object.keys(experiments)) {
    it(`${name}: moves forward only, within [0, 1], ends at 1, in several steps`, async () => {
      const seen: number[] = [];
      await runExperiment(name, {}, directContext(kernels, { data: nodeDataSources(), onProgress: (f) => seen.push(f) }));
      expect(seen.length).toBeGreaterThan(0);
      for (let i = 0; i < seen.length; i++) {
        expect(seen[i]).toBeGreaterThanOrEqual(0);
        expect(seen[i]).toBeLessThanOrEqual(1);
        if (i > 0) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]);
      }
      expect(seen.at(-1)).toBe(1);
      // closed forms and precomputed maps finish at once and have nothing to report on the way
      if (name !== 'curse' && name !== 'bridge') expect(new Set(seen).size).toBeGreaterThanOrEqual(5);
    }, 60_000);
  }
});

describe('synchronous stages report as they go', () => {
  it('symmetricEigen reports a rising fraction through reduction, accumulation and QL', () => {
    const n = 60;
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = Math.sin(i * 7 + j * 3) + (i === j ? n : 0);
    const seen: number[] = [];
    const eig = symmetricEigen(a, n, { onProgress: (f) => seen.push(f) });
    expect(eig.values.length).toBe(n);
    expect(seen.length).toBeGreaterThan(2 * n);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]);
    expect(seen[0]).toBeGreaterThanOrEqual(0);
    expect(seen.at(-1)).toBeLessThanOrEqual(1);
    expect(seen.at(-1)).toBeGreaterThan(0.9);
  });
});

import { describe, expect, it } from 'vitest';
import { collapseTimeGaussian, curse as curseExperiment, directContext, referenceKernels, requiredAlpha } from '@diffusion-atlas/core';
import { runTyped } from './typed-run.ts';

type Curse = Awaited<ReturnType<typeof curseExperiment.run>>;

function curse(params: Record<string, unknown>): Promise<Curse> {
  return runTyped(curseExperiment, params, directContext(referenceKernels));
}

describe('curse of dimensionality', () => {
  it('the grid holds eq. 7 at every (d, n), row-major d × log10n', async () => {
    const r = await curse({ sigma: 1.5, resolution: 24 });
    const rows = r.grid.d.length;
    const cols = r.grid.log10n.length;
    expect(cols).toBe(24);
    expect(r.grid.tC).toHaveLength(rows * cols);
    expect(r.grid.layout).toMatch(/row-major/);
    for (const i of [0, 5, rows - 1]) {
      for (const j of [0, 7, cols - 1]) {
        const log10n = r.grid.log10n[j];
        const d = r.grid.d[i];
        const want = log10n * Math.LN10 < 700 ? collapseTimeGaussian(10 ** log10n, d, 1.5) : undefined;
        if (want !== undefined) expect(r.grid.tC[i * cols + j]).toBeCloseTo(want, 10);
      }
    }
    // t_C falls with n and rises with d
    for (let i = 0; i < rows; i++) for (let j = 1; j < cols; j++) expect(r.grid.tC[i * cols + j]).toBeLessThanOrEqual(r.grid.tC[i * cols + j - 1]);
    for (let j = 0; j < cols; j++) for (let i = 1; i < rows; i++) expect(r.grid.tC[i * cols + j]).toBeGreaterThanOrEqual(r.grid.tC[(i - 1) * cols + j]);
  });

  it('the required n puts t_C exactly at t*, and α* is the same for every d', async () => {
    const tStar = 0.2;
    const r = await curse({ tStar, dMin: 2, dMax: 300, resolution: 16 });
    expect(r.alphaRequired).toBeCloseTo(requiredAlpha(tStar, 1), 14);
    expect(r.d[0]).toBe(2);
    expect(r.d[r.d.length - 1]).toBe(300);
    for (let i = 0; i < r.d.length; i++) {
      expect(r.log10nRequired[i]).toBeCloseTo((r.d[i] * r.alphaRequired) / Math.LN10, 10);
      expect(collapseTimeGaussian(10 ** r.log10nRequired[i], r.d[i], 1)).toBeCloseTo(tStar, 8);
      // exponential in d: log n / d is constant
      expect((r.log10nRequired[i] * Math.LN10) / r.d[i]).toBeCloseTo(r.alphaRequired, 12);
      expect(r.tS[i]).toBeCloseTo(0.5 * Math.log(1 + r.d[i]), 12);
    }
    expect(r.muTilde).toBe(1);
  });

  it('integer dimensions without repeats, and new arrays each run', async () => {
    const a = await curse({ dMin: 1, dMax: 20, resolution: 64 });
    for (let i = 1; i < a.d.length; i++) expect(a.d[i]).toBeGreaterThan(a.d[i - 1]);
    for (const d of a.d) expect(Number.isInteger(d)).toBe(true);
    const b = await curse({ dMin: 1, dMax: 20, resolution: 64 });
    expect(a.grid.tC.buffer).not.toBe(b.grid.tC.buffer);
    expect(a.d.buffer).not.toBe(a.grid.d.buffer);
  });

  it('rejects dMin ≥ dMax', async () => {
    await expect(curse({ dMin: 50, dMax: 50 })).rejects.toThrow(/dMin/);
  });
});

import { describe, expect, it } from 'vitest';
import {
  Rng,
  directContext,
  powerIteration,
  digits as digitsExperiment,
  referenceKernels,
  type DataSources,
  type ImageSet,
} from '@diffusion-atlas/core';
import { runTyped } from './typed-run.ts';

/**
 * Stand-in "digits" for core tests (the real MNIST source lives in the worker and is tested
 * there): each class is a few 28 × 28 prototypes plus pixel noise, clipped to [0, 1].
 */
function syntheticDigits(count = 120): DataSources {
  return {
    async mnistDigit(digit: number): Promise<ImageSet> {
      const rng = new Rng(100 + digit, 1);
      const size = 28 * 28;
      const prototypes = Array.from({ length: 3 }, () => Float32Array.from({ length: size }, () => (rng.uniform() < 0.2 ? 1 : 0)));
      const images = new Float32Array(count * size);
      for (let i = 0; i < count; i++) {
        const p = prototypes[i % 3];
        for (let j = 0; j < size; j++) images[i * size + j] = Math.min(1, Math.max(0, p[j] + 0.15 * rng.normal()));
      }
      return { images, count, width: 28, height: 28 };
    },
  };
}

type Digits = Awaited<ReturnType<typeof digitsExperiment.run>>;

/** data null: an environment without data sources. */
function digits(params: Record<string, unknown>, data: DataSources | null = syntheticDigits()): Promise<Digits> {
  return runTyped(digitsExperiment, params, directContext(referenceKernels, { data: data ?? undefined }));
}

describe('digits (with stand-in data)', () => {
  it('returns the listed fields with consistent shapes', async () => {
    const r = await digits({ n: 60, trajectories: 4, steps: 60, classes: [3, 5] });
    expect(r.d).toBe(784);
    expect(r.samples).toHaveLength(4 * 784);
    expect(r.nearest).toHaveLength(4);
    expect(r.training).toHaveLength(60 * 784);
    expect(Array.from(r.trainingLabels).filter((l) => l === 3)).toHaveLength(30);
    expect(r.layout).toMatch(/not zero-padded/);
    expect(r.tS).toBeCloseTo(0.5 * Math.log(r.Lambda), 12);
    for (const i of r.nearest) expect(i).toBeGreaterThanOrEqual(0);
  });

  it('Λ is the top eigenvalue of the centred training covariance, formed explicitly here', async () => {
    const n = 40;
    const r = await digits({ n, trajectories: 1, steps: 20 });
    const d = 784;
    const x = r.training;
    const mean = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += x[i * d + j] / n;
    const C = new Float64Array(d * d);
    for (let i = 0; i < n; i++) {
      for (let a = 0; a < d; a++) {
        const xa = x[i * d + a] - mean[a];
        if (xa === 0) continue;
        for (let b = 0; b < d; b++) C[a * d + b] += (xa * (x[i * d + b] - mean[b])) / (n - 1);
      }
    }
    const explicit = powerIteration((v, out) => {
      for (let a = 0; a < d; a++) {
        let s = 0;
        for (let b = 0; b < d; b++) s += C[a * d + b] * v[b];
        out[a] = s;
      }
    }, d);
    expect(Math.abs(r.Lambda / explicit.value - 1)).toBeLessThan(1e-9);
  });

  it('the empirical score reproduces training digits, and t_C from f^e lies below t_S', async () => {
    const r = await digits({ n: 80, trajectories: 8, steps: 120 });
    // t_min = 10⁻⁴: residual noise √(2·10⁻⁴·784) ≈ 0.4, against ≥ 3 between distinct training images
    expect(r.memorizedFraction).toBe(1);
    expect(r.tC).not.toBeNull();
    expect(r.tC as number).toBeLessThan(r.tS);
    expect(r.excessEntropy[r.excessEntropy.length - 1]).toBeGreaterThan(0.9);
    expect(r.excessEntropy[0]).toBeLessThan(0.02);
  });

  it('needs a data source, two different classes and enough digits', async () => {
    await expect(digits({ n: 10, trajectories: 1, steps: 20 }, null)).rejects.toThrow(/MNIST data source/);
    await expect(digits({ classes: [4, 4] })).rejects.toThrow(/two different digits/);
    await expect(digits({ n: 400, trajectories: 1, steps: 20 }, syntheticDigits(150))).rejects.toThrow(/needs 200 digits/);
  });
});

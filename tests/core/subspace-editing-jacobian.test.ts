import { describe, expect, it } from 'vitest';
import { Rng, directContext, referenceKernels, runExperiment, type DataSources, type ImageSet } from '@diffusion-atlas/core';

interface JacobianEditing {
  width: number;
  height: number;
  count: number;
  baseIndex: number;
  base: Float32Array;
  noised: Float32Array;
  t: number;
  method: string;
  directions: Float32Array;
  variances: Float64Array;
  jacobianSingularValues: Float64Array;
  bandT: Float64Array;
  bandEffectiveDigits: Float64Array;
  bandJacobianTrace: Float64Array;
  strip: Float32Array;
  norms: Float64Array;
  normLower: Float64Array;
  normUpper: Float64Array;
}

/** Small stand-in class (a slanted stroke of varying slant and width, 12 × 12), seeded. */
function standIn(count = 80): DataSources {
  return {
    async mnistDigit(digit: number): Promise<ImageSet> {
      const rng = new Rng(300 + digit, 1);
      const side = 12;
      const images = new Float32Array(count * side * side);
      for (let i = 0; i < count; i++) {
        const slant = 0.4 * rng.normal();
        const width = 1 + 0.5 * rng.uniform();
        for (let y = 0; y < side; y++) {
          const centre = 6 + slant * (y - 6);
          for (let x = 0; x < side; x++) {
            const v = Math.exp(-(((x - centre) / width) ** 2)) + 0.05 * rng.normal();
            images[(i * side + y) * side + x] = Math.min(1, Math.max(0, v));
          }
        }
      }
      return { images, count, width: side, height: side };
    },
  };
}

/** The empirical denoiser of the class without the base digit, written out in Float64. */
function denoiser(images: Float32Array, count: number, skip: number, dim: number, x: Float64Array, t: number): Float64Array {
  const a = Math.exp(-t);
  const v = 1 - Math.exp(-2 * t);
  const logits: number[] = [];
  const rows: number[] = [];
  for (let i = 0; i < count; i++) {
    if (i === skip) continue;
    let r2 = 0;
    for (let l = 0; l < dim; l++) r2 += (x[l] - a * images[i * dim + l]) ** 2;
    logits.push(-r2 / (2 * v));
    rows.push(i);
  }
  const m = Math.max(...logits);
  const e = logits.map((l) => Math.exp(l - m));
  const z = e.reduce((s, q) => s + q, 0);
  const out = new Float64Array(dim);
  rows.forEach((i, k) => {
    for (let l = 0; l < dim; l++) out[l] += (e[k] / z) * images[i * dim + l];
  });
  return out;
}

describe('subspace-editing, method jacobian (stand-in digits)', () => {
  it.each([0.1, 0.5])('t = %s: J v_j = σ_j v_j by finite differences of the denoiser, for the top directions', async (t) => {
    const data = standIn();
    const { result } = await runExperiment('subspace-editing', { method: 'jacobian', t, digit: 3, seed: 2 }, directContext(referenceKernels, { data }));
    const r = result as unknown as JacobianEditing;
    expect(r.method).toBe('jacobian');
    const dim = r.width * r.height;
    const set = await data.mnistDigit(3);
    const x = Float64Array.from(r.noised);
    // central differences along v: exact up to h²/6 |∂³D| and ε/h; h = 10⁻⁴ gives ≲ 10⁻⁶ relative
    const h = 1e-4;
    for (let j = 0; j < 3; j++) {
      const v = Float64Array.from(r.directions.subarray(j * dim, (j + 1) * dim));
      const up = Float64Array.from(x, (q, l) => q + h * v[l]);
      const down = Float64Array.from(x, (q, l) => q - h * v[l]);
      const du = denoiser(set.images, set.count, r.baseIndex, dim, up, t);
      const dd = denoiser(set.images, set.count, r.baseIndex, dim, down, t);
      const jv = Float64Array.from(du, (q, l) => (q - dd[l]) / (2 * h));
      const sigma = r.jacobianSingularValues[j];
      // subspace iteration stops at residual 10⁻⁴ λ_1, and x_t is rounded to Float32 in the result
      let err = 0;
      for (let l = 0; l < dim; l++) err += (jv[l] - sigma * v[l]) ** 2;
      expect(Math.sqrt(err)).toBeLessThan(2e-3 * r.jacobianSingularValues[0]);
      if (j > 0) expect(sigma).toBeLessThanOrEqual(r.jacobianSingularValues[j - 1] * (1 + 1e-6));
    }
  });

  it('the band: one digit carries the softmax at small t, the whole class at large t; edits keep the norm bound', async () => {
    const data = standIn();
    const { result } = await runExperiment('subspace-editing', { method: 'jacobian', digit: 3, seed: 2 }, directContext(referenceKernels, { data }));
    const r = result as unknown as JacobianEditing;
    const last = r.bandT.length - 1;
    expect(r.bandT[0]).toBeCloseTo(0.01, 12);
    expect(r.bandT[last]).toBeCloseTo(3, 12);
    expect(r.bandEffectiveDigits[0]).toBeLessThan(2);
    // at t = 3 the weights are nearly uniform over the 79 other digits
    expect(r.bandEffectiveDigits[last]).toBeGreaterThan(0.9 * 79);
    for (let f = 0; f < 7; f++) {
      expect(r.norms[f]).toBeGreaterThanOrEqual(r.normLower[f] - 1e-9);
      expect(r.norms[f]).toBeLessThanOrEqual(r.normUpper[f] + 1e-9);
    }
  });
});

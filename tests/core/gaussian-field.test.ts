import { describe, expect, it } from 'vitest';
import {
  Fft2,
  directContext,
  gaussianCollapseTime,
  geometricGridWithMaxStep,
  modeMagnitudes,
  noisedVariance,
  normalAt,
  powerSpectrum,
  referenceKernels,
  runExperiment,
  shellsOf,
} from '@diffusion-atlas/core';

/** The unitary 2-D DFT by its definition, O(L⁴): the reference for fft.js's transform. */
function naiveDft(x: Float64Array, L: number): Float64Array {
  const out = new Float64Array(2 * L * L);
  for (let ky = 0; ky < L; ky++) {
    for (let kx = 0; kx < L; kx++) {
      let re = 0;
      let im = 0;
      for (let ry = 0; ry < L; ry++) {
        for (let rx = 0; rx < L; rx++) {
          const ph = (-2 * Math.PI * (ky * ry + kx * rx)) / L;
          re += x[ry * L + rx] * Math.cos(ph);
          im += x[ry * L + rx] * Math.sin(ph);
        }
      }
      out[2 * (ky * L + kx)] = re / L;
      out[2 * (ky * L + kx) + 1] = im / L;
    }
  }
  return out;
}

function floatArray(n: number, seed: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => normalAt(seed, 0, i));
}

describe('unitary 2-D FFT', () => {
  it('equals the DFT by definition and inverts itself', () => {
    const L = 8;
    const x = floatArray(L * L, 1);
    const fft = new Fft2(L);
    const s = new Float64Array(2 * L * L);
    fft.forward(x, s);
    const want = naiveDft(x, L);
    for (let i = 0; i < s.length; i++) expect(s[i]).toBeCloseTo(want[i], 10);
    const back = new Float64Array(L * L);
    fft.inverse(s, back);
    for (let i = 0; i < x.length; i++) expect(back[i]).toBeCloseTo(x[i], 12);
  });
});

describe('Gaussian field spectrum', () => {
  it('has unit pixel variance, zero mean mode and the power law between modes', () => {
    const L = 32;
    const p = powerSpectrum(L, 2.5);
    const k = modeMagnitudes(L);
    expect(p.reduce((a, b) => a + b, 0) / (L * L)).toBeCloseTo(1, 12);
    expect(p[0]).toBe(0);
    expect(p[1] / p[3]).toBeCloseTo((k[3] / k[1]) ** 2.5, 12);
  });

  it('gives mode times that solve e^{−2t}P = Δ_t (bisection), coarse before fine for a red spectrum', async () => {
    const { result } = await runExperiment('gaussian-field', { L: '16', slope: 3, fields: 1, steps: 40 }, directContext(referenceKernels));
    const power = result['power'] as Float64Array;
    const times = result['modeTimes'] as Float64Array;
    power.forEach((P, j) => {
      let lo = 0;
      let hi = 20;
      for (let it = 0; it < 200; it++) {
        const mid = (lo + hi) / 2;
        if (Math.exp(-2 * mid) * P > 1 - Math.exp(-2 * mid)) lo = mid;
        else hi = mid;
      }
      expect(times[j]).toBeCloseTo(lo, 10);
      if (j > 0) expect(times[j]).toBeLessThan(times[j - 1]);
    });
  });

  it('collapse time of flat data equals the isotropic closed form ½ log(1 + σ²/(n^{2/d′} − 1))', () => {
    const L = 16;
    const p = powerSpectrum(L, 0);
    // slope 0: the L² − 1 modes k ≠ 0 share σ² = L²/(L² − 1); the k = 0 mode carries nothing.
    const d = L * L;
    const sigma2 = d / (d - 1);
    for (const n of [4, 64, 4096]) {
      const closed = 0.5 * Math.log(1 + sigma2 / (n ** (2 / (d - 1)) - 1));
      expect(gaussianCollapseTime(p, n)).toBeCloseTo(closed, 8);
    }
  });
});

describe('Gaussian field generated with the exact score', () => {
  it('reproduces e^{−2t}P(k) + Δ_t in every shell at every frame, within sampling error and the steps’ bias', async () => {
    const L = 16;
    const M = 96;
    const steps = 300;
    const tMax = 6;
    const slope = 3;
    const { result } = await runExperiment('gaussian-field', { L: String(L), slope, fields: M, steps, tMax, seed: 4 }, directContext(referenceKernels));
    const power = powerSpectrum(L, slope);
    const shells = shellsOf(L, power);
    const J = shells.k.length;
    const frameTimes = result['frameTimes'] as Float64Array;
    const spectra = result['spectra'] as { measured: Float64Array };

    // Euler–Maruyama on a linear mode is the recursion v ← (1 + η(1 − 2/σ²_t))² v + 2η from v = 1:
    // its distance from the exact variance bounds the discretization bias (frame nodes only refine the grid).
    const grid = geometricGridWithMaxStep(tMax, 0.001, steps, 0.02);
    const bias = (t: number): Float64Array => {
      const rel = new Float64Array(J);
      const sum = new Float64Array(J);
      for (let m = 0; m < power.length; m++) {
        const j = shells.index[m];
        if (j < 0) continue;
        let v = 1;
        for (let k = 0; k < grid.length - 1 && grid[k] > t + 1e-12; k++) {
          const eta = grid[k] - Math.max(grid[k + 1], t);
          const c = 1 + eta * (1 - 2 / noisedVariance(power[m], grid[k]));
          v = c * c * v + 2 * eta;
        }
        rel[j] += v - noisedVariance(power[m], t);
        sum[j] += noisedVariance(power[m], t);
      }
      return rel.map((r, j) => Math.abs(r) / sum[j]);
    };

    let chi2 = 0;
    let terms = 0;
    frameTimes.forEach((t, f) => {
      const b = bias(t);
      for (let j = 0; j < J; j++) {
        // The shell mean of |x̂_k|² over M fields: each mode pair (k, −k) is one complex Gaussian, so
        // Var = 2 Σ_modes σ_k⁴ / (M count²) (derived in the chapter's notes on the figure).
        let s4 = 0;
        let mean = 0;
        for (let m = 0; m < power.length; m++) {
          if (shells.index[m] !== j) continue;
          const v = noisedVariance(power[m], t);
          s4 += v * v;
          mean += v;
        }
        mean /= shells.count[j];
        const se = Math.sqrt((2 * s4) / (M * shells.count[j] ** 2));
        const got = spectra.measured[f * J + j];
        expect(Math.abs(got - mean)).toBeLessThan(4 * se + b[j] * mean);
        chi2 += ((got - mean) / se) ** 2;
        terms++;
      }
      // Euler–Maruyama's variance is 1 + η/2 on a mode at equilibrium, so the early frames carry a few
      // per cent of bias; the generated fields themselves (the last frame) must be within 3 %.
      if (f === frameTimes.length - 1) expect(b.every((x) => x < 0.03)).toBe(true);
    });
    // Frames share trajectories, so this is a loose overall check: χ² per term well under 3.
    expect(chi2 / terms).toBeLessThan(3);
  });
});

describe('Gaussian field with the empirical score', () => {
  it('collapses onto its training fields, and t_C falls as n grows', async () => {
    const { result } = await runExperiment('gaussian-field', { L: '16', n: 8, fields: 6, steps: 200, seed: 3 }, directContext(referenceKernels));
    expect(result['memorizedFraction']).toBe(1);
    const collapsed = result['collapsedFraction'] as Float64Array;
    expect(collapsed[collapsed.length - 1]).toBe(1);
    const vsN = result['collapseVsN'] as { tC: Float64Array };
    for (let i = 1; i < vsN.tC.length; i++) expect(vsN.tC[i]).toBeLessThan(vsN.tC[i - 1]);
  });
});

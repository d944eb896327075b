import { describe, expect, it } from 'vitest';
import { delta, gamma, noiseForward, geometricGrid, uniformGrid } from '@diffusion-atlas/core';

describe('Ornstein–Uhlenbeck forward process', () => {
  it('Δ_t = 1 − e^{−2t}, ≈ 2t for small t, → 1', () => {
    expect(delta(0.3)).toBeCloseTo(1 - Math.exp(-0.6), 14);
    expect(delta(1e-8) / 2e-8).toBeCloseTo(1, 6);
    expect(delta(40)).toBe(1);
    expect(gamma(0.7, 1)).toBeCloseTo(1, 14);
    expect(gamma(0.7, 0.25)).toBeCloseTo(1 + (0.25 - 1) * Math.exp(-1.4), 14);
  });

  it.each([0.05, 0.4, 1.5])('noised points have mean e^{−t} x₀ and variance Δ_t (Monte Carlo, t = %s)', (t) => {
    const N = 100_000;
    const x0 = new Float32Array(N).fill(1.5);
    const xt = noiseForward(x0, t, 17, 2);
    let s = 0;
    let s2 = 0;
    for (const v of xt) {
      s += v;
      s2 += v * v;
    }
    const mean = s / N;
    const variance = s2 / N - mean * mean;
    const D = delta(t);
    expect(Math.abs(mean - 1.5 * Math.exp(-t))).toBeLessThan(5 * Math.sqrt(D / N));
    // Var of the sample variance ≈ 2Δ²/N
    expect(Math.abs(variance - D)).toBeLessThan(5 * D * Math.sqrt(2 / N));
  });
});

describe('time grids', () => {
  it('geometric grid: decreasing, exact end points, constant ratio', () => {
    const g = geometricGrid(6, 1e-3, 600);
    expect(g[0]).toBe(6);
    expect(g[600]).toBe(1e-3);
    const r = g[0] / g[1];
    for (let k = 0; k < 600; k++) {
      expect(g[k + 1]).toBeLessThan(g[k]);
      expect(g[k] / g[k + 1]).toBeCloseTo(r, 9);
    }
    expect(r).toBeCloseTo(Math.exp(Math.log(6000) / 600), 12);
  });

  it('uniform grid: constant step', () => {
    const g = uniformGrid(3, 1e-3, 200);
    expect(g[0]).toBe(3);
    expect(g[200]).toBeCloseTo(1e-3, 12);
    for (let k = 0; k < 200; k++) expect(g[k] - g[k + 1]).toBeCloseTo((3 - 1e-3) / 200, 12);
  });
});

import { describe, expect, it } from 'vitest';
import { Rng, hash32, normalAt, uniformAt } from '@diffusion-atlas/core';

describe('counter-based generator', () => {
  it('is a pure function of (seed, stream, index)', () => {
    expect(hash32(7, 3, 12345)).toBe(hash32(7, 3, 12345));
    expect(normalAt(1, 2, 3)).toBe(normalAt(1, 2, 3));
    const a = new Rng(42, 9);
    const b = new Rng(42, 9);
    const xa = Array.from({ length: 100 }, () => a.normal());
    const xb = Array.from({ length: 100 }, () => b.normal());
    expect(xa).toEqual(xb);
  });

  it('gives different sequences for different seeds, streams and indices beyond 2^32', () => {
    expect(hash32(1, 0, 0)).not.toBe(hash32(2, 0, 0));
    expect(hash32(1, 0, 0)).not.toBe(hash32(1, 1, 0));
    expect(hash32(1, 0, 5)).not.toBe(hash32(1, 0, 5 + 2 ** 32));
  });

  it('draws uniforms in (0, 1) with the right mean and variance', () => {
    const N = 200_000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < N; i++) {
      const u = uniformAt(5, 1, i);
      expect(u > 0 && u < 1).toBe(true);
      s += u;
      s2 += u * u;
    }
    const mean = s / N;
    const variance = s2 / N - mean * mean;
    // standard error of the mean: √(1/12/N) ≈ 6.5e-4; allow 5 of them
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / N));
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.002);
  });

  it('draws standard normals: mean, variance, kurtosis and a tail probability', () => {
    const N = 200_000;
    let s = 0;
    let s2 = 0;
    let s4 = 0;
    let tail = 0;
    for (let i = 0; i < N; i++) {
      const z = normalAt(11, 4, i);
      s += z;
      s2 += z * z;
      s4 += z ** 4;
      if (z > 1.96) tail++;
    }
    expect(Math.abs(s / N)).toBeLessThan(5 / Math.sqrt(N));
    expect(Math.abs(s2 / N - 1)).toBeLessThan(5 * Math.sqrt(2 / N));
    expect(Math.abs(s4 / N - 3)).toBeLessThan(0.06);
    expect(Math.abs(tail / N - 0.025)).toBeLessThan(5 * Math.sqrt((0.025 * 0.975) / N));
  });

  it('has no lag-1 correlation between consecutive draws of a stream', () => {
    const N = 100_000;
    let c = 0;
    for (let i = 0; i < N; i++) c += normalAt(3, 0, i) * normalAt(3, 0, i + 1);
    expect(Math.abs(c / N)).toBeLessThan(5 / Math.sqrt(N));
  });
});

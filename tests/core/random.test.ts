import { describe, expect, it } from 'vitest';
import { ROTATION, Rng, fillNormalAt, hash32, logUniform, normalAt, quarterTurns, uniformAt } from '@diffusion-atlas/core';

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

  it('does not reuse a uniform draw inside the next normal of the same Rng', () => {
    // uniform() and normal() share one counter; a normal built from the same hash as the uniform
    // before it would make z² depend on u.
    const N = 100_000;
    const rng = new Rng(1, 2);
    let c1 = 0;
    let c2 = 0;
    for (let i = 0; i < N; i++) {
      const u = rng.uniform() - 0.5;
      const z = rng.normal();
      c1 += u * z;
      c2 += u * (z * z - 1);
    }
    // Var(u z) = 1/12, Var(u (z² − 1)) = 2/12: five standard errors of each mean
    expect(Math.abs(c1 / N)).toBeLessThan(5 * Math.sqrt(1 / 12 / N));
    expect(Math.abs(c2 / N)).toBeLessThan(5 * Math.sqrt(2 / 12 / N));
  });

  it('fills in bulk exactly what single draws give, from any start, with a scale, past 2^32', () => {
    for (const start of [0, 1, 2, 7, 2 ** 32 - 3, 2 ** 33 + 1]) {
      for (const out of [new Float64Array(257), new Float32Array(256)]) {
        fillNormalAt(9, 3, start, out, 1.7);
        const want = Array.from(out, (_, i) => 1.7 * normalAt(9, 3, start + i));
        expect(Array.from(out)).toEqual(Array.from(out instanceof Float32Array ? Float32Array.from(want) : want));
      }
    }
    const rng = new Rng(4, 5);
    rng.uniform();
    const bulk = rng.fillNormal(new Float64Array(9));
    expect(Array.from(bulk)).toEqual(Array.from({ length: 9 }, (_, i) => normalAt(4, 5, 1 + i)));
    expect(rng.normal()).toBe(normalAt(4, 5, 10));
  });
});

describe('the Box–Muller transform in IEEE-exact arithmetic', () => {
  // draws at the ends of the range, at powers of two (octave changes) and around √2 (the
  // series' fold), then a spread of others
  const special = [0, 1, 2, 3, 0x7fffffff, 0x80000000, 0xb504f333, 0xb504f334, 0xb504f335, 0xfffffffe, 0xffffffff];
  const draws = [...special, ...Array.from({ length: 20_000 }, (_, i) => hash32(77, 1, i))];
  const u = (h: number): number => (h + 0.5) / 2 ** 32;

  it('ln u against Math.log to 1e-15 relative (1e-16 absolute near u = 1)', () => {
    for (const h of draws) {
      const want = Math.log(u(h));
      expect(Math.abs(logUniform(h) - want)).toBeLessThanOrEqual(1e-15 * Math.abs(want) + 1e-16);
    }
  });

  it('cos 2πu and sin 2πu against Math.cos and Math.sin to 1e-13', () => {
    for (const h of draws) {
      const j = quarterTurns(h);
      const c = ROTATION[(4 - j) & 3];
      const s = ROTATION[j ^ 1];
      expect(Math.abs(c - Math.cos(2 * Math.PI * u(h)))).toBeLessThan(1e-13);
      expect(Math.abs(s - Math.sin(2 * Math.PI * u(h)))).toBeLessThan(1e-13);
    }
  });
});

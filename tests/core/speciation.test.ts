import { describe, expect, it } from 'vitest';
import { directContext, referenceKernels, speciation as speciationExperiment, twoClassSampleTopEigenvalue } from '@diffusion-atlas/core';
import { runTyped } from './typed-run.ts';

type Speciation = Awaited<ReturnType<typeof speciationExperiment.run>>;

function speciation(params: Record<string, unknown>): Promise<Speciation> {
  return runTyped(speciationExperiment, params, directContext(referenceKernels));
}

/** Binomial standard error at the theoretical probability (the estimate's own is 0 at φ = 1). */
function se(p: number, N: number): number {
  return Math.sqrt((p * (1 - p)) / N);
}

describe('speciation: simulated cloning against the universal curve', () => {
  it.each(['cloning', 'uturn'] as const)('%s (reduced, d = 1024): φ within 3 standard errors of F(u_t) on the clone-time grid', async (protocol) => {
    const N = 2000;
    const r = await speciation({ protocol, pairs: N });
    expect(r.t).toHaveLength(12);
    for (let j = 0; j < r.t.length; j++) {
      // 1/N: one trajectory's worth, for points where F(u_t) = 1 to double precision
      expect(Math.abs(r.phi[j] - r.phiTheory[j])).toBeLessThanOrEqual(3 * se(r.phiTheory[j], N) + 1 / N);
      expect(r.phiStdErr[j]).toBeCloseTo(se(r.phi[j], N), 12);
    }
  });

  it.each(['cloning', 'uturn'] as const)('%s (full, d = 8): φ within 3 standard errors of F(u_t)', async (protocol) => {
    const N = 1500;
    const r = await speciation({ d: 8, method: 'full', protocol, pairs: N, cloneTimes: [0.25, 0.75, 1.25, 2], tMax: 5, dt: 0.02 });
    for (let j = 0; j < r.t.length; j++) {
      expect(Math.abs(r.phi[j] - r.phiTheory[j])).toBeLessThanOrEqual(3 * se(r.phiTheory[j], N) + 1 / N);
    }
  });

  it('full and reduced dynamics agree within Monte Carlo error at small d', async () => {
    const common = { d: 6, mu: 1.2, sigma: 0.8, pairs: 1500, cloneTimes: [0.25, 0.75, 1.25, 2], tMax: 5, dt: 0.02 };
    const full = await speciation({ ...common, method: 'full' });
    const reduced = await speciation({ ...common, method: 'reduced' });
    for (let j = 0; j < full.t.length; j++) {
      // independent runs: the difference has variance se_full² + se_reduced²
      const bound = 3 * Math.sqrt(2) * se(full.phiTheory[j], common.pairs) + 1 / common.pairs;
      expect(Math.abs(full.phi[j] - reduced.phi[j])).toBeLessThanOrEqual(bound);
    }
  });

  it('σ = 1: the simulated curve crosses F(1) near ½ log(dμ̃²), and t_S = ½ log Λ from the data', async () => {
    const d = 1024;
    const r = await speciation({ d });
    const crossing = r.tSCrossing as number;
    // slope |dφ/dt| ≈ 0.3 there and σ_φ ≈ 0.009: ±0.03 in t, plus the interpolation error of the ¼ grid
    expect(Math.abs(crossing - 0.5 * Math.log(d))).toBeLessThan(0.1);
    expect(r.tS).toBeCloseTo(0.5 * Math.log(r.Lambda as number), 12);
    expect(r.level).toBeCloseTo(0.7752, 4);
  });

  it('a huge d runs in the reduced representation, Λ by the exact Gram form', async () => {
    const r = await speciation({ d: 1_000_000, pairs: 200, cloneTimes: [6, 7, 8], tMax: 10, dt: 0.05 });
    expect(r.LambdaMethod).toBe('gram');
    expect(Math.abs((r.Lambda as number) / 1_000_001 - 1)).toBeLessThan(3 * Math.sqrt(2 / 1000));
  });

  it.each([64, 1_000_000])('the automatic clone grid follows t_S, so φ crosses F(1) near ½ log(dμ̃²) at d = %s', async (d) => {
    const r = await speciation({ d, pairs: 600, dt: 0.05 });
    const tS = 0.5 * Math.log(1 + d);
    const t = Array.from(r.t as Float64Array);
    expect(t.length).toBe(12);
    expect(Math.min(...t)).toBeLessThan(tS);
    expect(Math.max(...t)).toBeGreaterThan(tS);
    // φ has slope ≈ 0.2 per unit t at the crossing and 600 pairs give SE ≈ 0.017 in φ: ±0.4 in t
    expect(Math.abs((r.tSCrossing as number) - 0.5 * Math.log(d))).toBeLessThan(0.4);
  });

  it('returns new typed arrays each run and is reproducible', async () => {
    const p = { pairs: 50, cloneTimes: [3, 4], dt: 0.05 };
    const a = await speciation(p);
    const b = await speciation(p);
    expect(a.phi).not.toBe(b.phi);
    expect(a.phi.buffer).not.toBe(b.phi.buffer);
    expect(Array.from(a.phi)).toEqual(Array.from(b.phi));
    const view = a.trajectories as { count: number; frames: number; t: Float64Array; alongMean: Float32Array; alongRandom: Float32Array };
    expect(view.alongMean).toHaveLength(view.count * view.frames);
    expect(view.t[0]).toBe(12); // the default tMax
    expect(view.t[view.frames - 1]).toBe(0);
    // every root ends near one of the class means ±|m| = ±32 along m̂
    for (let i = 0; i < view.count; i++) expect(Math.abs(Math.abs(view.alongMean[i * view.frames + view.frames - 1]) - 32)).toBeLessThan(5);
  });

  it('rejects full dynamics beyond d = 4096 or 2²⁴ floats per state, and clone times past tMax', async () => {
    await expect(speciation({ method: 'full', d: 5000 })).rejects.toThrow(/d must be at most 4096/);
    await expect(speciation({ cloneTimes: [2, 13] })).rejects.toThrow(/cloneTimes must be below tMax/);
    await expect(speciation({ method: 'full', d: 4096, pairs: 5000 })).rejects.toThrow(/pairs × d must be at most/);
  });
});

describe('Λ from generated mixture data', () => {
  it.each([
    [64, 1, 1],
    [256, 0.5, 1.5],
    [1000, 1, 1],
  ])('explicit samples: Λ̂ matches σ² + dμ̃² within sampling error (d = %s, μ̃ = %s, σ = %s)', (d, mu, sigma) => {
    const P = 1000;
    const lambda = sigma * sigma + d * mu * mu;
    const { value, method } = twoClassSampleTopEigenvalue(d, mu, sigma, P, 7, 'explicit');
    expect(method).toBe('explicit');
    // sd(Λ̂) ≈ Λ √(2/P) for a strong spike; the finite-P bias σ² d/P (BBP) is added to the bound
    expect(Math.abs(value - lambda)).toBeLessThan(3 * lambda * Math.sqrt(2 / P) + (sigma * sigma * d) / P);
  });

  it('the Gram (reduced) form has the same law as explicit samples', () => {
    // Weak spike (Λ = 1 + 300·0.04 = 13 against a noise edge ≈ (1 + √(300/60))² ≈ 10.5), where the
    // noise part matters: compare the mean of Λ̂ over seeds, 4 standard errors of the difference.
    const d = 300;
    const P = 60;
    const reps = 60;
    const draws = (form: 'explicit' | 'gram'): number[] =>
      Array.from({ length: reps }, (_, s) => twoClassSampleTopEigenvalue(d, 0.2, 1, P, 1000 + s, form).value);
    const stats = (x: number[]): { mean: number; var: number } => {
      const mean = x.reduce((a, b) => a + b, 0) / x.length;
      return { mean, var: x.reduce((a, b) => a + (b - mean) ** 2, 0) / (x.length - 1) };
    };
    const e = stats(draws('explicit'));
    const g = stats(draws('gram'));
    expect(Math.abs(e.mean - g.mean)).toBeLessThan(4 * Math.sqrt((e.var + g.var) / reps));
    expect(g.var / e.var).toBeGreaterThan(0.4);
    expect(g.var / e.var).toBeLessThan(2.5);
  });
});

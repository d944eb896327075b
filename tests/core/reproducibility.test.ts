import { beforeAll, describe, expect, it } from 'vitest';
import { agreement, directContext, referenceKernels, runExperiment } from '@diffusion-atlas/core';

interface Reproducibility {
  nValues: Float64Array;
  agreementDistance: number;
  reproducibilityLearnedDisjoint: Float64Array;
  reproducibilityEmpiricalDisjoint: Float64Array;
  reproducibilityLearnedEmpirical: Float64Array;
  memorizedFractionLearned: Float64Array;
  memorizedFractionEmpirical: Float64Array;
  nearestDistanceEmpirical: Float64Array;
  meanSquaredDistanceLearned: Float64Array;
  projectorDistanceSquaredLearned: Float64Array;
}

async function run(params: Record<string, unknown>): Promise<Reproducibility> {
  const { result } = await runExperiment('reproducibility', params, directContext(referenceKernels));
  return result as unknown as Reproducibility;
}

describe('reproducibility: the score itself', () => {
  it('counts the rows within the distance, inclusive, and nothing else', () => {
    const a = Float32Array.from([0, 0, 1, 1, 5, 5]);
    const b = Float32Array.from([0, 0.5, 1, 1.75, 0, 0]);
    expect(agreement(a, b, 3, 2, 0.5)).toBeCloseTo(1 / 3, 12);
    expect(agreement(a, b, 3, 2, 0.75)).toBeCloseTo(2 / 3, 12);
    expect(agreement(a, a, 3, 2, 0)).toBe(1);
  });
});

describe('reproducibility: one subspace (K = 1), theory of the learned flow', () => {
  // For K = 1 the learned denoiser is e^{−t}P̂x, P̂ = ÛÛᵀ. Along the subspace x + F = 0, so the
  // probability-flow ODE (Heun included) leaves P̂x unchanged, and the sample x̂_0(t_min) is
  // e^{−t_min} P̂ z for the initial noise z. Two models from disjoint sets then give
  // |x_A − x_B|² = e^{−2t_min} |(P̂_A − P̂_B) z|², of mean e^{−2t_min} ‖P̂_A − P̂_B‖_F².
  const m = 400;
  let r: Reproducibility;
  beforeAll(async () => {
    r = await run({ K: 1, d: 8, r: 3, nValues: [1, 2, 3, 6, 24], noises: m, steps: 60 });
  });

  it('the mean squared distance between the two learned models’ samples is e^{−2t_min}‖P̂_A − P̂_B‖_F²', () => {
    // Monte Carlo: with M = P̂_A − P̂_B, Var(zᵀM²z) = 2 tr M⁴ ≤ 2 (tr M²)², so the relative
    // standard error of the mean over m noises is at most √(2/m) = 0.071; allow 4 of them.
    const tolerance = 4 * Math.sqrt(2 / m);
    const scale = Math.exp(-2 * 1e-3);
    for (let j = 0; j < r.nValues.length; j++) {
      const theory = scale * r.projectorDistanceSquaredLearned[j];
      expect(Math.abs(r.meanSquaredDistanceLearned[j] / theory - 1)).toBeLessThan(tolerance);
    }
  });

  it('below n = r the learned models disagree; well above it they agree', () => {
    // n < r: the r − n undetermined directions are random and independent for A and B, so
    // ‖P̂_A − P̂_B‖_F² is of order 2(r − n) and almost no sample pair is within 0.1·√3.
    expect(r.reproducibilityLearnedDisjoint[0]).toBeLessThan(0.05);
    expect(r.reproducibilityLearnedDisjoint[1]).toBeLessThan(0.05);
    // n = 24 = 8r with σ = 0.05: ‖ΔP‖_F² ≈ 0.005, a typical distance 0.07 against 0.17
    expect(r.reproducibilityLearnedDisjoint[4]).toBeGreaterThan(0.95);
  });
});

describe('reproducibility: the defaults (K = 2 planes in d = 8), both regimes', () => {
  let r: Reproducibility;
  beforeAll(async () => {
    r = await run({ nValues: [1, 2, 256], noises: 200 });
  });

  it('small n: the empirical denoiser’s samples are training points, and disjoint sets never agree', () => {
    for (const j of [0, 1]) {
      // At t_min = 10⁻³ (Δ = 0.002) the softmax puts weight e^{−g²/0.004} on any point other than
      // the nearest, g its extra distance: x̂_0 is the nearest training point to float32 rounding.
      expect(r.nearestDistanceEmpirical[j]).toBeLessThan(1e-4);
      expect(r.memorizedFractionEmpirical[j]).toBe(1);
      // two independent training points lie within 0.14 of each other with probability ≈ 0.01
      expect(r.reproducibilityEmpiricalDisjoint[j]).toBeLessThan(0.05);
      expect(r.reproducibilityLearnedDisjoint[j]).toBeLessThan(0.1);
    }
  });

  it('large n: learned models trained on disjoint sets agree; memorizing ones still do not', () => {
    // n = 256 = 128r: the two learned planes differ by ‖ΔP‖_F² ~ σ²dr/n ≈ 2·10⁻⁴; the only
    // disagreements are noises that end near the boundary between the two subspaces, where A and
    // B may choose differently (measured ≈ 3% at n = 128).
    expect(r.reproducibilityLearnedDisjoint[2]).toBeGreaterThan(0.9);
    // the empirical denoisers still return their own (different) training points: 256 points per
    // plane are far too sparse for two disjoint sets to share near-copies within 0.14
    expect(r.memorizedFractionEmpirical[2]).toBeGreaterThan(0.9);
    expect(r.reproducibilityEmpiricalDisjoint[2]).toBeLessThan(0.2);
    // the learned model does not copy: its rate sits at the test's chance level in r = 2 (≈ 1/9)
    expect(r.memorizedFractionLearned[2]).toBeLessThan(0.2);
  });
});

import { meanToScore, type Kernels, type ScoreRequest } from '../kernels.ts';
import { kernelOutFor, type Score } from '../score.ts';
import type { GaussianMixture } from '../data/mixture.ts';
import { gamma } from '../forward.ts';

/**
 * The exact (population) score of a noised isotropic Gaussian mixture: each component becomes
 * N(e^{−t} c_k, Γ_t I), Γ_t = Δ_t + s² e^{−2t}, so F = (e^{−t} Σ_k r_k c_k − x) / Γ_t with
 * responsibilities r = softmax(log π_k − |x − e^{−t} c_k|² / 2Γ_t): the same softmax kernel as the
 * empirical score, with Γ_t in place of Δ_t.
 */
export function mixtureScore(g: GaussianMixture, kernels: Kernels): Score {
  const logWeights = g.weights ? Float32Array.from(g.weights, Math.log) : undefined;
  const kernelOut = kernelOutFor();
  const asScore: ScoreRequest = { applied: false };
  const scale = (t: number): number => Math.exp(-t);
  const variance = (t: number): number => gamma(t, g.variance);
  return {
    d: g.d,
    softmax: { kernels, centres: g.means, n: g.K, logWeights, scale, variance },
    evaluate(x, m, t, into) {
      const a = scale(t);
      const v = variance(t);
      asScore.applied = false;
      const { mean: score, nearest } = kernels.softmaxDenoise({
        queries: x,
        m,
        centres: g.means,
        n: g.K,
        d: g.d,
        scale: a,
        variance: v,
        logWeights,
        out: kernelOut(into),
        asScore,
      });
      if (!asScore.applied) meanToScore(score, x, a, v, 0, m * g.d);
      return { score, nearest };
    },
  };
}

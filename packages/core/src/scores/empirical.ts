import { meanToScore, type Kernels, type ScoreRequest } from '../kernels.ts';
import { kernelOutFor, type Score } from '../score.ts';
import { delta } from '../forward.ts';

/**
 * The exact empirical score: the score of P_t^e = (1/n) Σ_μ N(e^{−t} a_μ, Δ_t I),
 * F^e(x, t) = (e^{−t} Σ_μ w_μ a_μ − x) / Δ_t with w = softmax(−|x − e^{−t} a_μ|² / 2Δ_t).
 * It is the minimiser of the denoising loss over all functions, and it memorizes.
 */
export function empiricalScore(train: Float32Array, n: number, d: number, kernels: Kernels): Score {
  const kernelOut = kernelOutFor();
  const asScore: ScoreRequest = { applied: false };
  const scale = (t: number): number => Math.exp(-t);
  return {
    d,
    softmax: { kernels, centres: train, n, scale, variance: delta },
    evaluate(x, m, t, into, normals) {
      const a = scale(t);
      const v = delta(t);
      asScore.applied = false;
      const { mean: score, nearest } = kernels.softmaxDenoise({
        queries: x,
        m,
        centres: train,
        n,
        d,
        scale: a,
        variance: v,
        out: kernelOut(into),
        normals,
        asScore,
      });
      if (!asScore.applied) meanToScore(score, x, a, v, 0, m * d);
      return { score, nearest };
    },
  };
}

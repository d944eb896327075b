import type { Score } from '../score.ts';
import { gamma } from '../forward.ts';

/**
 * Closed-form score of ½ N(±m, σ² I) noised to time t (Biroli et al.):
 * F(x, t) = m (e^{−t}/Γ_t) tanh((e^{−t}/Γ_t) m·x) − x/Γ_t, Γ_t = 1 + (σ² − 1) e^{−2t}.
 */
export function twoClassScore(mean: Float32Array, sigma: number): Score {
  const d = mean.length;
  return {
    d,
    evaluate(x, m, t, into) {
      const g = gamma(t, sigma * sigma);
      const c = Math.exp(-t) / g;
      const score = into?.score ?? new Float32Array(m * d);
      for (let i = 0; i < m; i++) {
        let dot = 0;
        for (let j = 0; j < d; j++) dot += mean[j] * x[i * d + j];
        const th = Math.tanh(c * dot);
        for (let j = 0; j < d; j++) score[i * d + j] = mean[j] * c * th - x[i * d + j] / g;
      }
      return { score };
    },
  };
}

/** log P_t up to a constant: −|x|²/2Γ_t + log cosh(e^{−t} m·x/Γ_t). */
export function twoClassLogDensity(mean: ArrayLike<number>, sigma: number, x: ArrayLike<number>, t: number): number {
  const g = gamma(t, sigma * sigma);
  let dot = 0;
  let r2 = 0;
  for (let j = 0; j < mean.length; j++) {
    dot += mean[j] * x[j];
    r2 += x[j] * x[j];
  }
  const z = Math.abs((Math.exp(-t) * dot) / g);
  // log cosh z = |z| + log(1 + e^{−2|z|}) − log 2, stable for large |z|.
  return -r2 / (2 * g) + z + Math.log1p(Math.exp(-2 * z)) - Math.LN2;
}

import type { ProgressReport } from '../progress.ts';
import { HEAT_KERNEL_SERIES_MIN_S, heatKernelSeries, varadhanLogKernel } from './heat-kernel.ts';

/**
 * Stopping the exact-score reversal of Brownian motion on S² at Brownian time s_min outputs the
 * noised empirical law P_{s_min} = (1/n) Σ_μ p_{s_min}(· | a_μ): a kernel density estimate with the
 * heat kernel as kernel and s_min as squared bandwidth (derived). Its log-likelihood on held-out
 * points measures generalization the way the paper's test NLL does: s_min → 0 memorizes (the
 * estimate concentrates on the training points), large s_min forgets them (→ uniform, −log 4π).
 */

/** log p_s(θ), with the same switch as the score tables: Varadhan below HEAT_KERNEL_SERIES_MIN_S. */
export function heatKernelLogDensity(s: number, theta: number): number {
  if (s < HEAT_KERNEL_SERIES_MIN_S) {
    // the Varadhan form diverges at the antipode, whose weight e^{−π²/(2s)} < e^{−98} here
    return varadhanLogKernel(s, Math.min(theta, Math.PI - 1e-6));
  }
  const p = heatKernelSeries(s, Math.cos(theta)).p;
  // at s ≥ 0.05 the kernel stays above e^{−π²/(2s)}/(2πs) ≥ 10⁻⁴⁴ relative, far from cancellation
  return Math.log(Math.max(p, Number.MIN_VALUE));
}

/**
 * Mean over the m points x (m × 3 unit vectors) of log[(1/n) Σ_μ p_s(x | a_μ)], by log-sum-exp
 * over the n centres (n × 3 unit vectors), Float64. `progress` hears the share of the points done.
 */
export function heatKernelKdeLogLikelihood(
  points: ArrayLike<number>,
  m: number,
  centres: ArrayLike<number>,
  n: number,
  s: number,
  progress?: ProgressReport,
): number {
  const logs = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < m; i++) {
    let best = -Infinity;
    for (let mu = 0; mu < n; mu++) {
      const u = points[3 * i] * centres[3 * mu] + points[3 * i + 1] * centres[3 * mu + 1] + points[3 * i + 2] * centres[3 * mu + 2];
      logs[mu] = heatKernelLogDensity(s, Math.acos(Math.min(1, Math.max(-1, u))));
      if (logs[mu] > best) best = logs[mu];
    }
    let sum = 0;
    for (let mu = 0; mu < n; mu++) sum += Math.exp(logs[mu] - best);
    total += best + Math.log(sum / n);
    progress?.((i + 1) / m);
  }
  return total / m;
}

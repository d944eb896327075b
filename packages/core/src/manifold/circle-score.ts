import type { Score } from '../score.ts';
import { delta } from '../forward.ts';
import { besselRatioI1I0 } from '../special/bessel.ts';

/**
 * The population score of the uniform law on the unit circle γ(φ) = Q(cos φ, sin φ), Q a D × 2
 * isometric frame (derived). With y = Qᵀx and ρ = |y|,
 *   P_t(x) = (1/2π) ∫ N(x; e^{−t}γ(φ), Δ_t I_D) dφ ∝ exp(−|x|²/(2Δ_t)) I₀(κ),  κ = e^{−t}ρ/Δ_t,
 * because |x − e^{−t}γ|² = |x|² − 2e^{−t}ρ cos(φ − φ_y) + e^{−2t}. Hence
 *   E[γ | x_t = x] = (I₁(κ)/I₀(κ)) Q y/ρ,   F(x, t) = (e^{−t} E[γ | x] − x)/Δ_t.
 * The score has no component along the circle's tangent Q(−y₁, y₀)/ρ, at any t: only the radial
 * and the D − 2 off-plane (normal) components grow as t → 0.
 */
export function circleDenoise(x: Float32Array | Float64Array, m: number, t: number, frame: Float64Array, D: number): Float32Array {
  const a = Math.exp(-t);
  const v = delta(t);
  const out = new Float32Array(m * D);
  for (let i = 0; i < m; i++) {
    let y0 = 0;
    let y1 = 0;
    for (let k = 0; k < D; k++) {
      y0 += frame[2 * k] * x[i * D + k];
      y1 += frame[2 * k + 1] * x[i * D + k];
    }
    const rho = Math.hypot(y0, y1);
    // At ρ = 0 every point of the circle is equally likely: the posterior mean is the centre.
    if (rho === 0) continue;
    const g = besselRatioI1I0((a * rho) / v) / rho;
    for (let k = 0; k < D; k++) out[i * D + k] = g * (frame[2 * k] * y0 + frame[2 * k + 1] * y1);
  }
  return out;
}

export function circleScore(frame: Float64Array, D: number): Score {
  return {
    d: D,
    evaluate(x, m, t, into) {
      const a = Math.exp(-t);
      const v = delta(t);
      const mean = circleDenoise(x, m, t, frame, D);
      const score = into?.score ?? new Float32Array(m * D);
      for (let i = 0; i < m * D; i++) score[i] = (a * mean[i] - x[i]) / v;
      return { score };
    },
  };
}

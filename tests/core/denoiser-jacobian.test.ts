import { describe, expect, it } from 'vitest';
import { Rng, empiricalJacobian, molrgDenoise, molrgJacobian, randomLowRankMixture } from '@diffusion-atlas/core';

describe('Jacobian of the MoLRG denoiser (closed form) against finite differences', () => {
  it.each([
    { noise: 0, t: 0.3 },
    { noise: 0, t: 1 },
    { noise: 0.1, t: 0.5 },
  ])('σ = $noise, t = $t', ({ noise, t }) => {
    const d = 6;
    const model = randomLowRankMixture({ d, K: 2, r: 2, noise, orthogonal: true }, new Rng(3, 1));
    const rng = new Rng(3, 2);
    const x = Float64Array.from({ length: d }, () => rng.normal());
    const J = molrgJacobian(model, x, t);
    // central differences of the Float32 denoiser: truncation h²/6 |∂³x̂| ≲ 1e-4 · (1/Δ_t)² here,
    // rounding 2⁻²⁴ |x̂|/h ≈ 1e-5; 2·10⁻³ absolute covers both at these t
    const h = 1e-2;
    for (let q = 0; q < d; q++) {
      const up = Float32Array.from(x);
      const down = Float32Array.from(x);
      up[q] += h;
      down[q] -= h;
      const fu = molrgDenoise(model, up, 1, t).mean;
      const fd = molrgDenoise(model, down, 1, t).mean;
      for (let p = 0; p < d; p++) expect(Math.abs(J[p * d + q] - (fu[p] - fd[p]) / (2 * h))).toBeLessThan(2e-3);
    }
  });

  it('where one weight saturates, J ≈ e^{−t} U_kU_kᵀ: rank r, the subspace as its range', () => {
    const d = 6;
    const model = randomLowRankMixture({ d, K: 2, r: 2, noise: 0, orthogonal: true }, new Rng(5, 1));
    // a point on subspace 0, far out: the softmax is saturated at t = 0.1
    const x = new Float64Array(d);
    for (let l = 0; l < d; l++) x[l] = 3 * model.bases[l] + 2 * model.bases[d + l];
    const t = 0.1;
    const J = molrgJacobian(model, x, t);
    for (let p = 0; p < d; p++) {
      for (let q = 0; q < d; q++) {
        const proj = model.bases[p] * model.bases[q] + model.bases[d + p] * model.bases[d + q];
        expect(Math.abs(J[p * d + q] - Math.exp(-t) * proj)).toBeLessThan(1e-9);
      }
    }
  });
});

describe('Jacobian of the empirical denoiser, (e^{−t}/Δ_t) Cov_w, against finite differences', () => {
  /** Σ_μ softmax_μ(−|x − e^{−t}a_μ|²/(2Δ)) a_μ written out directly, Float64. */
  function denoise(train: Float64Array, n: number, d: number, x: Float64Array, t: number): Float64Array {
    const a = Math.exp(-t);
    const v = 1 - Math.exp(-2 * t);
    const logits = Array.from({ length: n }, (_, mu) => {
      let r2 = 0;
      for (let l = 0; l < d; l++) r2 += (x[l] - a * train[mu * d + l]) ** 2;
      return -r2 / (2 * v);
    });
    const m = Math.max(...logits);
    const e = logits.map((l) => Math.exp(l - m));
    const z = e.reduce((s, v2) => s + v2, 0);
    const out = new Float64Array(d);
    for (let mu = 0; mu < n; mu++) for (let l = 0; l < d; l++) out[l] += (e[mu] / z) * train[mu * d + l];
    return out;
  }

  it.each([0.05, 0.4, 2])('t = %s', (t) => {
    const d = 5;
    const n = 12;
    const rng = new Rng(9, 1);
    const train = Float64Array.from({ length: n * d }, () => rng.normal());
    const x = Float64Array.from({ length: d }, () => 0.7 * rng.normal());
    const J = empiricalJacobian(train, n, d, x, t);
    // symmetric and positive semi-definite (a covariance times e^{−t}/Δ_t > 0)
    for (let p = 0; p < d; p++) {
      expect(J[p * d + p]).toBeGreaterThanOrEqual(0);
      for (let q = 0; q < d; q++) expect(J[p * d + q]).toBeCloseTo(J[q * d + p], 12);
    }
    // Float64 central differences: h²-truncation and ε/h rounding both ≲ 1e-8 relative to |J|_max
    const h = 1e-5;
    const scale = Math.max(1, ...Array.from(J, Math.abs));
    for (let q = 0; q < d; q++) {
      const up = Float64Array.from(x);
      const down = Float64Array.from(x);
      up[q] += h;
      down[q] -= h;
      const fu = denoise(train, n, d, up, t);
      const fd = denoise(train, n, d, down, t);
      for (let p = 0; p < d; p++) expect(Math.abs(J[p * d + q] - (fu[p] - fd[p]) / (2 * h))).toBeLessThan(1e-6 * scale);
    }
  });
});

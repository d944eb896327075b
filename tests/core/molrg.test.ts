import { describe, expect, it } from 'vitest';
import {
  Rng,
  balancedLabels,
  delta,
  kSubspaces,
  knownComponentMmse,
  matchSubspaces,
  molrgDenoise,
  molrgScore,
  noiseForward,
  projectorDistance,
  randomLabels,
  randomLowRankMixture,
  sampleLowRankMixture,
  type LowRankMixture,
} from '@diffusion-atlas/core';

/** Mean and standard error of the summed squared error of a denoiser over m test points. */
function squaredErrors(estimate: Float32Array, truth: Float32Array, m: number, d: number): { mean: number; stdErr: number } {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < m; i++) {
    let e = 0;
    for (let l = 0; l < d; l++) e += (estimate[i * d + l] - truth[i * d + l]) ** 2;
    s += e;
    s2 += e * e;
  }
  const mean = s / m;
  return { mean, stdErr: Math.sqrt((s2 / m - mean * mean) / m) };
}

describe('the MoLRG denoiser is the exact posterior mean', () => {
  it('K = 1: its error is the closed-form posterior variance (Monte Carlo, σ = 0 and σ > 0)', () => {
    const m = 20_000;
    for (const [d, r, noise] of [
      [5, 2, 0],
      [6, 2, 0.3],
    ] as const) {
      const rng = new Rng(21, 1);
      const model = randomLowRankMixture({ d, K: 1, r, noise, orthogonal: true }, rng);
      const x0 = sampleLowRankMixture(model, new Int32Array(m), rng);
      for (const [i, t] of [0.02, 0.3, 1, 3].entries()) {
        const xt = noiseForward(x0, t, 22, 10 + i);
        const { mean, stdErr } = squaredErrors(molrgDenoise(model, xt, m, t).mean, x0, m, d);
        const theory = knownComponentMmse(d, r, noise, t);
        if (noise === 0) expect(theory).toBeCloseTo(r * delta(t), 14);
        // 4.5 standard errors: a false alarm about once in 10⁵ checks
        expect(Math.abs(mean - theory)).toBeLessThan(4.5 * stdErr);
      }
    }
  });

  it('K > 1: matches a brute-force Monte-Carlo posterior mean, weights included', () => {
    // Self-normalized importance sampling from the prior: E[x_0 | x_t] = Σ w_i x_0^i / Σ w_i with
    // w_i = N(x_t; e^{−t} x_0^i, Δ_t I). Its standard error comes from the same weights.
    const d = 3;
    const K = 3;
    const r = 1;
    const draws = 100_000;
    for (const [noise, orthogonal] of [
      [0, false],
      [0.15, true],
    ] as const) {
      const rng = new Rng(23, noise === 0 ? 1 : 2);
      const model = randomLowRankMixture({ d, K, r, noise, orthogonal }, rng);
      const labels = randomLabels(K, draws, rng);
      const prior = sampleLowRankMixture(model, labels, rng);
      for (const t of [0.15, 0.6]) {
        const queries = noiseForward(sampleLowRankMixture(model, randomLabels(K, 4, rng), rng), t, 24, Math.round(t * 100));
        const exact = molrgDenoise(model, queries, 4, t);
        const a = Math.exp(-t);
        const v = delta(t);
        for (let q = 0; q < 4; q++) {
          const logw = new Float64Array(draws);
          let top = -Infinity;
          for (let i = 0; i < draws; i++) {
            let dist2 = 0;
            for (let l = 0; l < d; l++) dist2 += (queries[q * d + l] - a * prior[i * d + l]) ** 2;
            logw[i] = -dist2 / (2 * v);
            top = Math.max(top, logw[i]);
          }
          let z = 0;
          const mc = new Float64Array(d);
          const comp = new Float64Array(K);
          for (let i = 0; i < draws; i++) {
            const w = Math.exp(logw[i] - top);
            logw[i] = w;
            z += w;
            comp[labels[i]] += w;
            for (let l = 0; l < d; l++) mc[l] += w * prior[i * d + l];
          }
          for (let l = 0; l < d; l++) mc[l] /= z;
          for (let l = 0; l < d; l++) {
            let variance = 0;
            for (let i = 0; i < draws; i++) variance += (logw[i] / z) ** 2 * (prior[i * d + l] - mc[l]) ** 2;
            const got = exact.mean[q * d + l];
            expect(Math.abs(got - mc[l])).toBeLessThan(5 * Math.sqrt(variance) + 1e-6);
          }
          // the Monte-Carlo component probabilities carry errors ≲ 3·10⁻³ at these effective sample sizes
          for (let k = 0; k < K; k++) expect(Math.abs(exact.weights[q * K + k] - comp[k] / z)).toBeLessThan(0.01);
        }
      }
    }
  });

  it('the score is (e^{−t} x̂_0 − x)/Δ_t, and σ = 0 gives the paper’s soft projection', () => {
    const rng = new Rng(25, 1);
    const model: LowRankMixture = randomLowRankMixture({ d: 7, K: 3, r: 2, noise: 0, orthogonal: true }, rng);
    const x = Float32Array.from({ length: 5 * 7 }, () => 2 * rng.normal());
    const t = 0.4;
    const { mean, weights } = molrgDenoise(model, x, 5, t);
    const { score } = molrgScore(model).evaluate(x, 5, t);
    for (let i = 0; i < x.length; i++) expect(score[i]).toBeCloseTo((Math.exp(-t) * mean[i] - x[i]) / delta(t), 4);
    // science.md §4.2: x̂_0 = e^{−t} Σ_k w_k U_kU_kᵀ x, w_k ∝ exp(|U_kᵀx|² / (2(e^{2t} − 1)))
    for (let i = 0; i < 5; i++) {
      const proj: number[][] = [];
      const logits: number[] = [];
      for (let k = 0; k < 3; k++) {
        const p = new Array<number>(7).fill(0);
        let n2 = 0;
        for (let j = 0; j < 2; j++) {
          let c = 0;
          for (let l = 0; l < 7; l++) c += model.bases[(k * 2 + j) * 7 + l] * x[i * 7 + l];
          n2 += c * c;
          for (let l = 0; l < 7; l++) p[l] += c * model.bases[(k * 2 + j) * 7 + l];
        }
        proj.push(p);
        logits.push(n2 / (2 * Math.expm1(2 * t)));
      }
      const top = Math.max(...logits);
      const w = logits.map((l) => Math.exp(l - top));
      const z = w.reduce((s, v) => s + v, 0);
      for (let k = 0; k < 3; k++) expect(weights[i * 3 + k]).toBeCloseTo(w[k] / z, 12);
      for (let l = 0; l < 7; l++) {
        const expected = Math.exp(-t) * proj.reduce((s, p, k) => s + (w[k] / z) * p[l], 0);
        expect(mean[i * 7 + l]).toBeCloseTo(expected, 5);
      }
    }
  });
});

describe('K-subspace clustering = training the K > 1 low-rank denoiser', () => {
  it('recovers well-separated subspaces and the clusters from enough samples', async () => {
    for (const orthogonal of [true, false]) {
      const rng = new Rng(31, orthogonal ? 1 : 2);
      const d = 30;
      const K = 3;
      const r = 4;
      const n = 40;
      const model = randomLowRankMixture({ d, K, r, noise: 0.01, orthogonal }, rng);
      const labels = balancedLabels(K, n);
      const x = sampleLowRankMixture(model, labels, rng);
      const fit = await kSubspaces(x, K * n, d, { K, r, restarts: 5, maxIterations: 50 }, rng);
      const { errors, assignment } = matchSubspaces(model.bases, fit.bases, K, r, d);
      // noise-limited: ‖E‖_F/√n ≈ 0.01·√(d·n)/√n ≈ 0.05
      for (const e of errors) expect(e).toBeLessThan(0.12);
      for (let i = 0; i < K * n; i++) expect(fit.labels[i]).toBe(assignment[labels[i]]);
    }
  });

  it('fails when every subspace has fewer samples than its dimension', async () => {
    const rng = new Rng(32, 1);
    const d = 30;
    const K = 2;
    const r = 6;
    const model = randomLowRankMixture({ d, K, r, noise: 0, orthogonal: true }, rng);
    const x = sampleLowRankMixture(model, balancedLabels(K, r - 2), rng);
    const fit = await kSubspaces(x, K * (r - 2), d, { K, r, restarts: 5, maxIterations: 50 }, rng);
    for (const e of matchSubspaces(model.bases, fit.bases, K, r, d).errors) expect(e).toBeGreaterThan(1.2);
  });

  it('matches learned subspaces to true ones whatever their order', () => {
    const rng = new Rng(33, 1);
    const d = 12;
    const K = 4;
    const r = 2;
    const model = randomLowRankMixture({ d, K, r, noise: 0, orthogonal: true }, rng);
    const order = [2, 0, 3, 1];
    const shuffled = new Float64Array(model.bases.length);
    order.forEach((k, slot) => shuffled.set(model.bases.subarray(k * r * d, (k + 1) * r * d), slot * r * d));
    const { errors, assignment } = matchSubspaces(model.bases, shuffled, K, r, d);
    expect(Array.from(assignment)).toEqual([1, 3, 0, 2]);
    for (const e of errors) expect(e).toBeLessThan(1e-7);
    // and the distance is √(2 Σ sin²θ): two orthogonal planes are at √(2·2)
    expect(projectorDistance(model.bases.subarray(0, r * d), r, model.bases.subarray(r * d, 2 * r * d), r, d)).toBeCloseTo(2, 12);
  });
});

import { describe, expect, it } from 'vitest';
import {
  delta,
  denseOf,
  evaluateRandomFeatures,
  gaussHermite,
  gaussianEquivalentProblem,
  lossesAt,
  lossesOfReadout,
  noiseAveragedProblem,
  normalAt,
  populationMoments,
  readoutAt,
  rfConstants,
  sampledProblem,
  solveGradientFlow,
  type RfProblem,
} from '@diffusion-atlas/core';

/**
 * E[g(z1, z2)] for iid standard normals, by a tensor Gauss–Hermite rule. 160 nodes integrate
 * tanh(r z) to ~1e−11 for r ≤ 1.4 (its poles sit at ±iπ/(2r)).
 */
function expect2d(g: (z1: number, z2: number) => number, order = 160): number {
  const { nodes, weights } = gaussHermite(order);
  let s = 0;
  for (let a = 0; a < order; a++) {
    for (let b = 0; b < order; b++) s += weights[a] * weights[b] * g(Math.SQRT2 * nodes[a], Math.SQRT2 * nodes[b]);
  }
  return s / Math.PI;
}

/** E[tanh(m_i + s_i z_i) tanh(m_j + s_j z_j)] with corr(z_i, z_j) = ρ, directly in 2-D. */
function pairMoment(mi: number, si: number, mj: number, sj: number, rho: number): number {
  const c = Math.sqrt(Math.max(0, 1 - rho * rho));
  return expect2d((z1, z2) => Math.tanh(mi + si * z1) * Math.tanh(mj + sj * (rho * z1 + c * z2)));
}

function row(w: Float64Array, i: number, d: number): Float64Array {
  return w.subarray(i * d, i * d + d);
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k] * b[k];
  return s;
}

describe('feature matrices of the real tanh features', () => {
  it('population Ũ by the Mehler series equals direct 2-D quadrature, also for strongly correlated features', () => {
    const d = 3;
    const p = 6;
    // rows 0 and 1 nearly parallel (ρ ≈ 0.99), row 2 anti-parallel to row 0
    const w = Float64Array.from([1, 0.2, -0.5, 1.05, 0.25, -0.45, -1, -0.2, 0.6, 0.3, 1.5, 0.1, -0.7, 0.4, 0.9, 2, -1, 0.5]);
    const { u, v } = populationMoments(w, p, d, delta(0.1), 'tanh');
    for (let i = 0; i < p; i++) {
      for (let j = 0; j <= i; j++) {
        const ri = Math.sqrt(dot(row(w, i, d), row(w, i, d)) / d);
        const rj = Math.sqrt(dot(row(w, j, d), row(w, j, d)) / d);
        const rho = dot(row(w, i, d), row(w, j, d)) / d / (ri * rj);
        expect(Math.abs(u[i * p + j] - pairMoment(0, ri, 0, rj, rho))).toBeLessThan(1e-9);
      }
    }
    // Ṽ_ik = E[σ(u_i) ξ_k] with x_t = e^{−t}x + √Δ ξ ~ N(0, I): Stein gives √Δ (W_ik/√d) E σ′(r_i z)
    const t = 0.1;
    const dt = delta(t);
    for (let i = 0; i < p; i++) {
      const ri = Math.sqrt(dot(row(w, i, d), row(w, i, d)) / d);
      // direct: ξ's component along w_i carries fraction √Δ of the pre-activation's unit-variance direction
      const ek = expect2d((z1) => Math.tanh(ri * z1) * z1) / ri;
      for (let k = 0; k < d; k++) expect(Math.abs(v[i * d + k] - (Math.sqrt(dt) * w[i * d + k] * ek) / Math.sqrt(d))).toBeLessThan(1e-10);
    }
  });

  it('noise-averaged U, V equal direct quadrature over the noise, point by point', () => {
    const d = 3;
    const p = 5;
    const n = 3;
    const t = 0.2;
    const problem = noiseAveragedProblem({ d, p, n }, t, 'tanh', 4);
    const u = denseOf(problem.u);
    const w = problem.weights;
    const dt = delta(t);
    for (let i = 0; i < p; i++) {
      for (let j = 0; j <= i; j++) {
        const ri = Math.sqrt(dot(row(w, i, d), row(w, i, d)) / d);
        const rj = Math.sqrt(dot(row(w, j, d), row(w, j, d)) / d);
        const rho = dot(row(w, i, d), row(w, j, d)) / d / (ri * rj);
        let s = 0;
        for (let nu = 0; nu < n; nu++) {
          const x = problem.data.subarray(nu * d, nu * d + d);
          const mi = (Math.exp(-t) * dot(row(w, i, d), x)) / Math.sqrt(d);
          const mj = (Math.exp(-t) * dot(row(w, j, d), x)) / Math.sqrt(d);
          s += pairMoment(mi, Math.sqrt(dt) * ri, mj, Math.sqrt(dt) * rj, rho);
        }
        // the series is cut at a Parseval remainder of 1e−10 per row and point
        expect(Math.abs(u[i * p + j] - s / n)).toBeLessThan(1e-9);
      }
    }
  });

  it('Monte Carlo noise draws converge to the exact noise average (K = 4000, within 6 standard errors)', () => {
    const shape = { d: 3, p: 4, n: 2 };
    const exact = noiseAveragedProblem(shape, 0.1, 'tanh', 9);
    const mc = sampledProblem({ ...shape, noiseDraws: 4000 }, 0.1, 'tanh', 9);
    const ue = denseOf(exact.u);
    const um = denseOf(mc.u);
    // tanh² ≤ 1, so each U entry is a mean of m = nK values bounded by 1: SE ≤ 1/√m
    const se = 1 / Math.sqrt(2 * 4000);
    for (let i = 0; i < ue.length; i++) expect(Math.abs(ue[i] - um[i])).toBeLessThan(6 * se);
    for (let i = 0; i < exact.v.length; i++) expect(Math.abs(exact.v[i] - mc.v[i])).toBeLessThan(6 * se * 2);
  });
});

/** Plain gradient descent on A, as a network would be trained: A ← A − η ∇_A L_train, τ = kη/d². */
function gradientDescent(problem: RfProblem, eta: number, steps: number): Float64Array {
  const { d, p, delta: dt } = problem;
  const u = denseOf(problem.u);
  const a = new Float64Array(d * p);
  const sqrtP = Math.sqrt(p);
  const grad = new Float64Array(d * p);
  for (let s = 0; s < steps; s++) {
    // L = 1 + (Δ/d) Tr(BᵀBU) + (2√Δ/d) Tr(BV), B = A/√p ⇒ ∇_A L = (2/(d√p)) (Δ B U + √Δ Vᵀ)
    for (let k = 0; k < d; k++) {
      for (let j = 0; j < p; j++) {
        let bu = 0;
        for (let i = 0; i < p; i++) bu += a[k * p + i] * u[i * p + j];
        grad[k * p + j] = (2 / (d * sqrtP)) * ((dt * bu) / sqrtP + Math.sqrt(dt) * problem.v[j * d + k]);
      }
    }
    for (let i = 0; i < a.length; i++) a[i] -= eta * grad[i];
  }
  return a.map((x) => x / sqrtP);
}

describe('closed-form gradient flow', () => {
  const c = rfConstants(0.1);
  const small = gaussianEquivalentProblem({ d: 3, p: 12, n: 4 }, c, 2);

  it('matches explicit small-step gradient descent on A, with first-order convergence in the step', () => {
    const flow = solveGradientFlow(small);
    const d = small.d;
    // τ = kη/d²: reach τ = 40 (past the fast ρ_2 modes, inside the slow ρ_1 ones) with steps of τ 0.02 and 0.01
    const tau = 40;
    const errors = [0.02, 0.01].map((dTau) => {
      const steps = Math.round(tau / dTau);
      const b = gradientDescent(small, dTau * d * d, steps);
      const exact = readoutAt(flow, tau);
      let err = 0;
      let norm = 0;
      for (let i = 0; i < b.length; i++) {
        err = Math.max(err, Math.abs(b[i] - exact[i]));
        norm = Math.max(norm, Math.abs(exact[i]));
      }
      return err / norm;
    });
    // Euler's global error is O(step): below 1% here, and halving the step halves it
    expect(errors[0]).toBeLessThan(1e-2);
    expect(errors[1]).toBeLessThan(errors[0] * 0.55);
    expect(errors[1]).toBeGreaterThan(errors[0] * 0.45);
  });

  it.each([
    ['Gaussian-equivalent', () => small],
    ['noise-averaged real features', () => noiseAveragedProblem({ d: 3, p: 10, n: 4 }, 0.1, 'tanh', 3)],
    ['sampled real features (K = 3)', () => sampledProblem({ d: 3, p: 10, n: 4, noiseDraws: 3 }, 0.1, 'tanh', 3)],
  ])('the eigenbasis losses equal the losses of B(τ) evaluated directly (%s)', (_, make) => {
    const problem = make();
    const flow = solveGradientFlow(problem);
    const u = denseOf(problem.u);
    const up = denseOf(problem.uPop);
    for (const tau of [0.3, 10, 1e3, 1e6, Infinity]) {
      const direct = lossesOfReadout(problem, readoutAt(flow, tau), u, up);
      const spectral = lossesAt(flow, tau);
      expect(spectral.trainLoss).toBeCloseTo(direct.trainLoss, 9);
      expect(spectral.testLoss).toBeCloseTo(direct.testLoss, 9);
      expect(spectral.scoreError).toBeGreaterThanOrEqual(0);
    }
    expect(lossesAt(flow, 0).trainLoss).toBe(1);
    expect(lossesAt(flow, 0).scoreError).toBeCloseTo(1, 12);
  });

  it('the Gram route (p > n + d) and the dense route give the same spectrum and curves', () => {
    const problem = gaussianEquivalentProblem({ d: 4, p: 40, n: 8 }, c, 5);
    const gram = solveGradientFlow(problem);
    const dense = solveGradientFlow({ ...problem, u: { kind: 'dense', size: problem.p, matrix: denseOf(problem.u) } });
    expect(gram.modes).toBe(12);
    expect(dense.modes).toBe(40);
    for (let k = 0; k < 40; k++) expect(gram.eigenvalues[k]).toBeCloseTo(dense.eigenvalues[k], 11);
    for (const tau of [1, 100, 1e4, Infinity]) {
      const a = lossesAt(gram, tau);
      const b = lossesAt(dense, tau);
      expect(a.testLoss).toBeCloseTo(b.testLoss, 10);
      expect(a.trainLoss).toBeCloseTo(b.trainLoss, 10);
    }
  });

  it('the score error from the DSM identity equals a Monte Carlo estimate of (1/d) E|s_A(x) + x|² (real features)', () => {
    const problem = noiseAveragedProblem({ d: 4, p: 24, n: 6 }, 0.1, 'tanh', 8);
    const flow = solveGradientFlow(problem);
    for (const tau of [20, Infinity]) {
      const model = { d: 4, p: 24, weights: problem.weights, readout: readoutAt(flow, tau), activation: 'tanh' as const };
      const m = 40_000;
      const x = new Float64Array(m * 4).map((_, i) => normalAt(12, 1, i));
      const s = evaluateRandomFeatures(model, x, m);
      const err = new Float64Array(m);
      for (let r = 0; r < m; r++) {
        let q = 0;
        for (let k = 0; k < 4; k++) q += (s[r * 4 + k] + x[r * 4 + k]) ** 2;
        err[r] = q / 4;
      }
      const mean = err.reduce((a, b) => a + b, 0) / m;
      const sd = Math.sqrt(err.reduce((a, b) => a + (b - mean) ** 2, 0) / (m - 1));
      expect(Math.abs(lossesAt(flow, tau).scoreError - mean)).toBeLessThan((5 * sd) / Math.sqrt(m));
    }
  });
});

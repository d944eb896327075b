import { describe, expect, it } from 'vitest';
import {
  CurieWeissDenoiser,
  curieWeissMoments,
  directContext,
  fieldFitTheory,
  fitField,
  levelSumDenoise,
  normalAt,
  referenceKernels,
  runExperiment,
  sampleCurieWeiss,
  curieWeiss,
  defaultsOf,
  weightSweep,
} from '@diffusion-atlas/core';

/** Every configuration of N ≤ 14 spins, with its unnormalised log weight under P(s) ∝ exp(βN m²/2 + hN m). */
function enumerate(N: number, beta: number, h: number): { spins: Int8Array[]; logW: number[] } {
  const spins: Int8Array[] = [];
  const logW: number[] = [];
  for (let c = 0; c < 1 << N; c++) {
    const s = new Int8Array(N);
    let sum = 0;
    for (let i = 0; i < N; i++) {
      s[i] = (c >> i) & 1 ? 1 : -1;
      sum += s[i];
    }
    const m = sum / N;
    spins.push(s);
    logW.push(N * (0.5 * beta * m * m + h * m));
  }
  return { spins, logW };
}

/** E[s | x_t = x] by brute force: Σ_s s P(s) Π_i N(x_i; e^{−t}s_i, Δ_t) over all 2^N configurations. */
function bruteDenoise(N: number, beta: number, h: number, x: Float64Array, t: number): Float64Array {
  const { spins, logW } = enumerate(N, beta, h);
  const a = Math.exp(-t);
  const delta = 1 - Math.exp(-2 * t);
  const logPost = spins.map((s, c) => {
    let r2 = 0;
    for (let i = 0; i < N; i++) r2 += (x[i] - a * s[i]) ** 2;
    return logW[c] - r2 / (2 * delta);
  });
  const max = Math.max(...logPost);
  const out = new Float64Array(N);
  let z = 0;
  spins.forEach((s, c) => {
    const w = Math.exp(logPost[c] - max);
    z += w;
    for (let i = 0; i < N; i++) out[i] += w * s[i];
  });
  return out.map((v) => v / z);
}

/** Top eigenvalue of a symmetric matrix by power iteration (the covariance is positive semidefinite). */
function topEigenvalue(c: Float64Array, N: number): number {
  let v = Float64Array.from({ length: N }, (_, i) => 1 + 0.1 * Math.sin(i + 1));
  let lambda = 0;
  for (let it = 0; it < 2000; it++) {
    const w = new Float64Array(N);
    for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) w[i] += c[i * N + j] * v[j];
    const norm = Math.hypot(...w);
    lambda = norm / Math.hypot(...v);
    v = w.map((x) => x / norm);
  }
  return lambda;
}

describe('Curie–Weiss moments', () => {
  it('match brute-force enumeration over all 2^N configurations (⟨m²⟩, ⟨m⟩, Λ, + weight)', () => {
    for (const [beta, h] of [
      [0.5, 0],
      [1.5, 0],
      [1.5, 0.05],
      [0.8, -0.1],
    ] as const) {
      const N = 11;
      const { spins, logW } = enumerate(N, beta, h);
      const max = Math.max(...logW);
      const w = logW.map((l) => Math.exp(l - max));
      const z = w.reduce((a, b) => a + b, 0);
      let m1 = 0;
      let m2 = 0;
      let plus = 0;
      const mean = new Float64Array(N);
      const second = new Float64Array(N * N);
      spins.forEach((s, c) => {
        const p = w[c] / z;
        const m = s.reduce((a, b) => a + b, 0) / N;
        m1 += p * m;
        m2 += p * m * m;
        if (m > 0) plus += p;
        for (let i = 0; i < N; i++) {
          mean[i] += p * s[i];
          for (let j = 0; j < N; j++) second[i * N + j] += p * s[i] * s[j];
        }
      });
      const cov = second.map((v, ij) => v - mean[Math.floor(ij / N)] * mean[ij % N]);
      const got = curieWeissMoments(N, beta, h);
      // Both are sums of at most 2^11 positive Float64 terms: agreement to 1e-12 relative.
      expect(got.meanM).toBeCloseTo(m1, 12);
      expect(got.meanM2).toBeCloseTo(m2, 12);
      expect(got.plusWeight).toBeCloseTo(plus, 12);
      // Power iteration converges like (λ₂/λ₁)^k; 2000 iterations leave < 1e-9 for these spectra.
      expect(got.lambda).toBeCloseTo(topEigenvalue(cov, N), 8);
    }
  });

  it('match a direct (not log-space) summation over levels at N = 200, and Λ = N⟨m²⟩ when h = 0', () => {
    const N = 200;
    for (const [beta, h] of [
      [0.7, 0],
      [1.3, 0],
      [1.3, 0.01],
    ] as const) {
      // C(200, k) ≤ 9.1e58 and the exponent is at most βN/2 + |h|N = 132: plain doubles suffice.
      let binom = 1;
      const weights: number[] = [];
      for (let k = 0; k <= N; k++) {
        if (k > 0) binom = (binom * (N - k + 1)) / k;
        const m = (2 * k - N) / N;
        weights.push(binom * Math.exp(N * (0.5 * beta * m * m + h * m) - 100));
      }
      const z = weights.reduce((a, b) => a + b, 0);
      let m1 = 0;
      let m2 = 0;
      let plus = 0;
      weights.forEach((w, k) => {
        const m = (2 * k - N) / N;
        m1 += (w * m) / z;
        m2 += (w * m * m) / z;
        plus += k > N / 2 ? w / z : k === N / 2 ? w / (2 * z) : 0;
      });
      const got = curieWeissMoments(N, beta, h);
      expect(got.meanM2).toBeCloseTo(m2, 11);
      expect(got.plusWeight).toBeCloseTo(plus, 11);
      expect(got.lambda / (N * (m2 - m1 * m1))).toBeCloseTo(1, 10);
      if (h === 0) expect(got.lambda / (N * m2)).toBeCloseTo(1, 10);
    }
  });

  it('put the speciation transition at β = 1: Λ = O(1) above the critical temperature, O(N) below', () => {
    const N = 1000;
    expect(curieWeissMoments(N, 0.5, 0).lambda).toBeCloseTo(1 / (1 - 0.5), 1); // high-T: Λ → 1/(1 − β)
    const m = curieWeissMoments(N, 1.5, 0);
    // Below T_c ⟨m²⟩ → m*², m* = tanh(β m*) = 0.8585 at β = 1.5; finite-N corrections O(1/N).
    expect(m.meanM2).toBeCloseTo(0.8585 ** 2, 2);
  });
});

describe('Curie–Weiss exact score', () => {
  const x = (N: number, t: number, seed: number): Float64Array =>
    Float64Array.from({ length: N }, (_, i) => Math.exp(-t) * (i % 3 === 0 ? -1 : 1) + Math.sqrt(1 - Math.exp(-2 * t)) * normalAt(seed, 0, i));

  it('Hubbard–Stratonovich and level sums both equal brute-force enumeration at N = 10', () => {
    const N = 10;
    for (const [beta, h, t] of [
      [0.5, 0, 1],
      [1.5, 0, 0.3],
      [1.5, 0.1, 2],
      [2.5, -0.05, 0.05],
    ] as const) {
      const xt = x(N, t, 7);
      const want = bruteDenoise(N, beta, h, xt, t);
      const hs = new Float64Array(N);
      new CurieWeissDenoiser(N, beta, h).denoise(xt, t, hs);
      const levels = levelSumDenoise(N, beta, h, xt, t);
      for (let i = 0; i < N; i++) {
        // Float64 sums of ≤ 1024 terms and a trapezoid rule far finer than its integrand's width: 1e-9.
        expect(hs[i]).toBeCloseTo(want[i], 9);
        expect(levels[i]).toBeCloseTo(want[i], 9);
      }
    }
  });

  it('Hubbard–Stratonovich equals the level sums at N = 60, where enumeration is out of reach', () => {
    const N = 60;
    for (const [beta, h, t] of [
      [1, 0, 1.5],
      [1.8, 0.02, 1],
      [0.4, 0.1, 0.5],
    ] as const) {
      const xt = x(N, t, 3);
      const hs = new Float64Array(N);
      new CurieWeissDenoiser(N, beta, h).denoise(xt, t, hs);
      const levels = levelSumDenoise(N, beta, h, xt, t);
      for (let i = 0; i < N; i++) expect(hs[i]).toBeCloseTo(levels[i], 9);
    }
  });
});

describe('Curie–Weiss sampling and generation', () => {
  it('draws configurations with the exact ⟨m²⟩ and + weight', () => {
    const N = 40;
    const n = 20000;
    const beta = 1.2;
    const h = 0.02;
    const s = sampleCurieWeiss(N, beta, h, n, 5, 1);
    let m2 = 0;
    let m4 = 0;
    let plus = 0;
    let site0 = 0;
    for (let mu = 0; mu < n; mu++) {
      let sum = 0;
      for (let i = 0; i < N; i++) sum += s[mu * N + i];
      const m = sum / N;
      m2 += m * m;
      m4 += m ** 4;
      plus += m > 0 ? 1 : m === 0 ? 0.5 : 0;
      site0 += s[mu * N];
    }
    const th = curieWeissMoments(N, beta, h);
    const se2 = Math.sqrt((m4 / n - (m2 / n) ** 2) / n);
    expect(Math.abs(m2 / n - th.meanM2)).toBeLessThan(4 * se2);
    expect(Math.abs(plus / n - th.plusWeight)).toBeLessThan(4 * Math.sqrt((th.plusWeight * (1 - th.plusWeight)) / n));
    // Sites are exchangeable: ⟨s_0⟩ = ⟨m⟩, variance ≤ 1 per draw.
    expect(Math.abs(site0 / n - th.meanM)).toBeLessThan(4 / Math.sqrt(n));
  });

  it('the exact score generates the + state with its exact weight', async () => {
    const { result } = await runExperiment(
      'curie-weiss',
      { N: 16, beta: 1.6, h: 0.04, trajectories: 400, steps: 120, seed: 2 },
      directContext(referenceKernels),
    );
    const p = result['plusWeightTheory'] as number;
    const f = result['plusFraction'] as number;
    // Binomial standard error of M = 400 end points; the steps' discretization error is far smaller (checked at 480 steps).
    expect(p).toBeGreaterThan(0.7);
    expect(Math.abs(f - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / 400));
    expect(result['tS'] as number).toBeCloseTo(0.5 * Math.log(result['lambda'] as number), 12);
  });
});

/**
 * The pseudo-likelihood gradient of a field h, spin by spin from the configurations themselves:
 * Σ_μ Σ_i [s_i − tanh(β M_{−i}/N + h)], M_{−i} the sum of the other spins (no level histogram).
 */
function spinwiseGradient(rows: Int8Array, n: number, N: number, beta: number, h: number): number {
  let g = 0;
  for (let mu = 0; mu < n; mu++) {
    let M = 0;
    for (let i = 0; i < N; i++) M += rows[mu * N + i];
    for (let i = 0; i < N; i++) {
      const s = rows[mu * N + i];
      g += s - Math.tanh((beta * (M - s)) / N + h);
    }
  }
  return g;
}

describe('Curie–Weiss: the + weight of a score fitted from n configurations', () => {
  it('fits the field that zeroes the spin-by-spin pseudo-likelihood gradient (bisection on the rows)', () => {
    const N = 10;
    const beta = 1.3;
    const n = 40;
    const rows = sampleCurieWeiss(N, beta, 0.05, n, 7, 3);
    const counts = new Float64Array(N + 1);
    for (let mu = 0; mu < n; mu++) {
      let k = 0;
      for (let i = 0; i < N; i++) if (rows[mu * N + i] > 0) k++;
      counts[k]++;
    }
    let lo = -2;
    let hi = 2;
    for (let iter = 0; iter < 200; iter++) {
      const mid = 0.5 * (lo + hi);
      if (spinwiseGradient(rows, n, N, beta, mid) > 0) lo = mid;
      else hi = mid;
    }
    expect(fitField(counts, N, beta)).toBeCloseTo(0.5 * (lo + hi), 10);
  });

  it('has an unbiased gradient at the true h and a weight slope equal to the finite difference of the + weight', () => {
    for (const [N, beta, h] of [
      [12, 1.5, 0.02],
      [64, 1.2, 0.004],
      [200, 0.7, -0.01],
    ] as const) {
      const th = fieldFitTheory(N, beta, h);
      // Each spin's conditional law makes E[s_i − tanh(local field)] vanish exactly; the sum has N terms of order 1.
      expect(Math.abs(th.meanGradient)).toBeLessThan(1e-10 * N);
      const eps = 1e-5;
      const fd = (curieWeissMoments(N, beta, h + eps).plusWeight - curieWeissMoments(N, beta, h - eps).plusWeight) / (2 * eps);
      // Central difference: truncation O(ε² N³) and rounding O(1e-16/ε) both far below 1e-6 relative here.
      expect(Math.abs(th.weightSlope - fd)).toBeLessThan(1e-6 * Math.abs(fd));
      expect(th.plusWeight).toBeCloseTo(curieWeissMoments(N, beta, h).plusWeight, 14);
    }
  });

  it('reaches the large-N laws: N n Var(ĥ) → (1 − β(1 − m*²))/(1 − m*²) and ∂w/∂h → 2N m* w(1 − w)', () => {
    const beta = 1.5;
    // m* = tanh(β m*) by fixed-point iteration (a contraction near m* at β = 1.5).
    let mStar = 1;
    for (let i = 0; i < 200; i++) mStar = Math.tanh(beta * mStar);
    const q = 1 - mStar * mStar;
    const N = 10000;
    const th = fieldFitTheory(N, beta, 0.32 / N);
    const w = th.plusWeight;
    // Finite-N corrections shrink like 1/N: the variance is 1.2 % off at N = 1000 and 0.16 % at N = 10⁴
    // (the slope less), so 0.5 % at N = 10⁴ leaves room yet fails if either law were wrong by a factor.
    expect(Math.abs((N * th.fieldVarianceTimesN) / ((1 - beta * q) / q) - 1)).toBeLessThan(0.005);
    expect(Math.abs(th.weightSlope / (2 * N * mStar * w * (1 - w)) - 1)).toBeLessThan(0.005);
  });

  it('misses the + weight by |∂w/∂h| σ(ĥ) ∝ √(N/n), so n ≫ N is needed, while counting misses it by √(w(1 − w)/n)', () => {
    const [N, beta, h] = [32, 1.5, 0.01] as const;
    const R = 1500;
    const s = weightSweep(N, beta, h, [1, 16, 64], R, 1, 21);
    // The RMS over R replicate sets has a relative standard error near 1/√(2R) = 1.8 %; 8 % allows
    // four of them plus the delta method's own bias, a few per cent at n/N = 64 (seeds 1–3 give −4…0 %).
    const tol = 0.08;
    const within = (measured: number, theory: number): void => {
      expect(measured / theory).toBeGreaterThan(1 - tol);
      expect(measured / theory).toBeLessThan(1 + tol);
    };
    within(s.fittedError[2], s.fittedTheory[2]);
    for (let j = 0; j < 3; j++) within(s.countError[j], s.countTheory[j]);
    // Four times more data halve the fitted error: the √(N/n) law (the theory's ratio is exactly 2).
    expect(s.fittedTheory[1] / s.fittedTheory[2]).toBeCloseTo(2, 12);
    within(s.fittedError[1] / s.fittedError[2], 2);
    // At n = N the fitted weight is far off, several times worse than counting the same rows.
    expect(s.fittedError[0]).toBeGreaterThan(0.2);
    expect(s.fittedError[0]).toBeGreaterThan(3 * s.countError[0]);
  });

  it('the experiment reports the sweep over n/N, with its theory from the same formulas', async () => {
    const params = { ...defaultsOf(curieWeiss.params), N: 16, beta: 1.5, h: 0.02, trajectories: 10, steps: 40, seed: 3 };
    const { weightSweep: sweep } = await curieWeiss.run(params, directContext(referenceKernels));
    const th = fieldFitTheory(16, 1.5, 0.02);
    expect(Array.from(sweep.ratio)).toEqual([0.25, 0.5, 1, 2, 4, 8, 16, 32, 64]);
    const { fittedTheory, countTheory } = sweep;
    sweep.n.forEach((n, j) => {
      expect(n).toBe(Math.max(1, Math.round([0.25, 0.5, 1, 2, 4, 8, 16, 32, 64][j] * 16)));
      expect(fittedTheory[j]).toBeCloseTo(Math.abs(th.weightSlope) * Math.sqrt(th.fieldVarianceTimesN / n), 12);
      expect(countTheory[j]).toBeCloseTo(Math.sqrt(th.countVarianceTimesN / n), 12);
    });
  });
});

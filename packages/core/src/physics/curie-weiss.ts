/**
 * The Curie–Weiss ferromagnet, P(s) ∝ exp(βN m²/2 + hN m) on s ∈ {±1}^N, m = Σ s_i / N, and its
 * law noised by the Ornstein–Uhlenbeck process. The prior depends on s only through the number k
 * of + spins, so every moment is a sum over the N + 1 levels m_k = (2k − N)/N with multiplicity
 * C(N, k); all sums are in log space (the weights span e^{±βN/2}). Float64 throughout.
 */

import { uniformAt } from '../random.ts';

/** log C(N, k) for k = 0…N, by the recurrence C(N, k) = C(N, k − 1)(N − k + 1)/k. */
export function logBinomials(N: number): Float64Array {
  const out = new Float64Array(N + 1);
  for (let k = 1; k <= N; k++) out[k] = out[k - 1] + Math.log((N - k + 1) / k);
  return out;
}

export function levelMagnetization(N: number, k: number): number {
  return (2 * k - N) / N;
}

/** Normalised probabilities of the N + 1 magnetization levels. */
export function levelProbabilities(N: number, beta: number, h: number): Float64Array {
  const logC = logBinomials(N);
  const logW = new Float64Array(N + 1);
  let max = -Infinity;
  for (let k = 0; k <= N; k++) {
    const m = levelMagnetization(N, k);
    logW[k] = logC[k] + N * (0.5 * beta * m * m + h * m);
    max = Math.max(max, logW[k]);
  }
  let sum = 0;
  const p = new Float64Array(N + 1);
  for (let k = 0; k <= N; k++) {
    p[k] = Math.exp(logW[k] - max);
    sum += p[k];
  }
  for (let k = 0; k <= N; k++) p[k] /= sum;
  return p;
}

export interface CurieWeissMoments {
  meanM: number;
  meanM2: number;
  /** ⟨s_i s_j⟩ for i ≠ j. */
  q: number;
  /**
   * Top eigenvalue of the spins' covariance C = (1 − q) I + (q − ⟨m⟩²) 11ᵀ: N Var(m) along the
   * uniform direction (N⟨m²⟩ when h = 0), 1 − q across it; the larger of the two.
   */
  lambda: number;
  /** Weight of the + state: levels with m > 0, plus half the m = 0 level (even N). */
  plusWeight: number;
}

export function curieWeissMoments(N: number, beta: number, h: number): CurieWeissMoments {
  const p = levelProbabilities(N, beta, h);
  let meanM = 0;
  let meanM2 = 0;
  let plusWeight = 0;
  for (let k = 0; k <= N; k++) {
    const m = levelMagnetization(N, k);
    meanM += p[k] * m;
    meanM2 += p[k] * m * m;
    if (2 * k > N) plusWeight += p[k];
    else if (2 * k === N) plusWeight += 0.5 * p[k];
  }
  // N²⟨m²⟩ = N + N(N − 1) q.
  const q = N > 1 ? (N * meanM2 - 1) / (N - 1) : 1;
  const lambda = Math.max(N * (meanM2 - meanM * meanM), 1 - q);
  return { meanM, meanM2, q, lambda, plusWeight };
}

/** t_S = ½ log Λ (science.md §2.3, the paper's convention); 0 when Λ ≤ 1. */
export function speciationTimeOf(lambda: number): number {
  return lambda > 1 ? 0.5 * Math.log(lambda) : 0;
}

/**
 * n configurations drawn exactly from P (rows of ±1, n × N): a level k from its probability, then
 * the k + spins at a uniformly random set of sites (a partial Fisher–Yates shuffle). Uniforms come
 * from (seed, stream), 1 + N per configuration.
 */
export function sampleCurieWeiss(N: number, beta: number, h: number, n: number, seed: number, stream: number): Int8Array {
  const p = levelProbabilities(N, beta, h);
  const cdf = new Float64Array(N + 1);
  let acc = 0;
  for (let k = 0; k <= N; k++) cdf[k] = acc += p[k];
  const out = new Int8Array(n * N);
  const sites = new Int32Array(N);
  for (let mu = 0; mu < n; mu++) {
    const base = mu * (N + 1);
    const u = uniformAt(seed, stream, base) * acc;
    let k = 0;
    while (k < N && cdf[k] < u) k++;
    for (let i = 0; i < N; i++) sites[i] = i;
    const row = out.subarray(mu * N, (mu + 1) * N);
    row.fill(-1);
    for (let j = 0; j < k; j++) {
      const r = j + Math.floor(uniformAt(seed, stream, base + 1 + j) * (N - j));
      const tmp = sites[j];
      sites[j] = sites[r];
      sites[r] = tmp;
      row[sites[j]] = 1;
    }
  }
  return out;
}

/** log 2cosh(u) without overflow. */
function logTwoCosh(u: number): number {
  const a = Math.abs(u);
  return a + Math.log1p(Math.exp(-2 * a));
}

/**
 * The denoiser E[s | x_t = x] for one noised configuration x (length N), by the
 * Hubbard–Stratonovich identity exp(βN m²/2) ∝ ∫ dy exp(−N y²/(2β) + N y m): given y the spins are
 * independent in the fields y + h + g_i, g_i = e^{−t} x_i / Δ_t, so
 *   E[s_i | x] = ∫ ρ(y) tanh(y + h + g_i) dy,  ρ(y) ∝ exp(−N y²/(2β) + Σ_i log 2cosh(y + h + g_i)).
 * ρ is one- or two-peaked with peaks in [−β, β] (where y/β = mean tanh) and widths no narrower than
 * w = √(β/N) (the curvature of −log ρ is at most N/β). The trapezoid rule on such an integrand,
 * analytic in a strip, errs by about exp(−2π² (w/spacing)²) relative: spacing w/1.5 gives e^{−44},
 * below Float64's precision; the grid reaches 10 w beyond ±β, where ρ < e^{−40} of its peak.
 */
export class CurieWeissDenoiser {
  readonly N: number;
  readonly beta: number;
  readonly h: number;
  private readonly y: Float64Array;
  private readonly logRho: Float64Array;
  private readonly rho: Float64Array;

  constructor(N: number, beta: number, h: number) {
    if (!(beta > 0)) throw new RangeError('the Hubbard–Stratonovich denoiser needs β > 0');
    this.N = N;
    this.beta = beta;
    this.h = h;
    const width = Math.sqrt(beta / N);
    const spacing = width / 1.5;
    const reach = beta + 10 * width;
    const count = 2 * Math.ceil(reach / spacing) + 1;
    this.y = new Float64Array(count);
    for (let j = 0; j < count; j++) this.y[j] = -reach + j * spacing;
    this.logRho = new Float64Array(count);
    this.rho = new Float64Array(count);
  }

  /** Grid size: the cost of one call is about twice this times N. */
  get gridSize(): number {
    return this.y.length;
  }

  /** Writes E[s | x_t = x] into out; x and out have length N. */
  denoise(x: ArrayLike<number>, t: number, out: Float64Array): void {
    const { N, beta, h, y, logRho, rho } = this;
    const g = Math.exp(-t) / (1 - Math.exp(-2 * t));
    const e = this.tanhCache(y.length * N);
    let max = -Infinity;
    for (let j = 0; j < y.length; j++) {
      const yj = y[j] + h;
      let s = (-N * y[j] * y[j]) / (2 * beta);
      // log 2cosh u = |u| + log1p(e^{−2|u|}), and tanh u = sign(u)(1 − e^{−2|u|})/(1 + e^{−2|u|}) from the same exponential.
      for (let i = 0; i < N; i++) {
        const u = yj + g * x[i];
        const a = Math.abs(u);
        const ex = Math.exp(-2 * a);
        const th = (1 - ex) / (1 + ex);
        e[j * N + i] = u >= 0 ? th : -th;
        s += a + Math.log1p(ex);
      }
      logRho[j] = s;
      if (s > max) max = s;
    }
    let z = 0;
    for (let j = 0; j < y.length; j++) {
      // Points more than e^{−40} below the peak change the average by less than Float64 can show.
      const r = logRho[j] - max > -40 ? Math.exp(logRho[j] - max) : 0;
      rho[j] = r;
      z += r;
    }
    out.fill(0);
    for (let j = 0; j < y.length; j++) {
      if (rho[j] === 0) continue;
      const r = rho[j] / z;
      for (let i = 0; i < N; i++) {
        out[i] += r * e[j * N + i];
      }
    }
  }

  private cache = new Float64Array(0);
  private tanhCache(size: number): Float64Array {
    if (this.cache.length < size) this.cache = new Float64Array(size);
    return this.cache;
  }
}

/**
 * The same denoiser by exact level sums, the independent route of the tests: with w_i^± = e^{±g_i},
 * the configurations with k + spins contribute e_k (the elementary symmetric polynomial of the
 * per-spin weights), computed by a dynamic programme over spins in log space; E[s_i | x] removes
 * spin i and puts it back at either sign. O(N³): for tests and small N only.
 */
export function levelSumDenoise(N: number, beta: number, h: number, x: ArrayLike<number>, t: number): Float64Array {
  const g = Math.exp(-t) / (1 - Math.exp(-2 * t));
  const logPrior = new Float64Array(N + 1);
  for (let k = 0; k <= N; k++) {
    const m = levelMagnetization(N, k);
    // The per-level prior weight divided by C(N, k): each configuration's own weight.
    logPrior[k] = N * (0.5 * beta * m * m + h * m);
  }
  const out = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    // log e_j over the other N − 1 spins, j = number of + among them.
    let e = new Float64Array(1);
    for (let l = 0; l < N; l++) {
      if (l === i) continue;
      const gl = g * x[l];
      const next = new Float64Array(e.length + 1).fill(-Infinity);
      for (let j = 0; j < e.length; j++) {
        next[j] = logAdd(next[j], e[j] - gl);
        next[j + 1] = logAdd(next[j + 1], e[j] + gl);
      }
      e = next;
    }
    const gi = g * x[i];
    let logPlus = -Infinity;
    let logMinus = -Infinity;
    for (let j = 0; j < e.length; j++) {
      logPlus = logAdd(logPlus, e[j] + gi + logPrior[j + 1]);
      logMinus = logAdd(logMinus, e[j] - gi + logPrior[j]);
    }
    out[i] = Math.tanh(0.5 * (logPlus - logMinus));
  }
  return out;
}

function logAdd(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = Math.max(a, b);
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}

/**
 * How many data it takes to get the weights of the two Curie–Weiss states right (Biroli & Mézard
 * 2023, §4): a score of the right form, the Curie–Weiss family's exact score at the known coupling
 * β, with its field h fitted from n configurations. The relative weight of the two states is
 * e^{2N h m*}: a field error δh moves the + weight by about 2N m* w(1 − w) δh, while the data
 * pin h down only to δh ~ 1/√(nN(1 − m*²)), so the weight error goes as √(N/n) and needs n ≫ N.
 * The exact empirical score instead reproduces the training set's own + fraction, whose error
 * √(w(1 − w)/n) does not involve N.
 *
 * The fit is maximum pseudo-likelihood (each spin given the others, the local form a learned score
 * matches): E[s_i | rest] = tanh(β M_{−i}/N + h), M_{−i} = Σ_{j≠i} s_j. A configuration enters
 * only through its number k of + spins, so a training set is a histogram over the N + 1 levels.
 */

import { curieWeissMoments, levelMagnetization, levelProbabilities } from './curie-weiss.ts';
import { Rng } from '../random.ts';

/** Fitted fields are kept in [−H_MAX, H_MAX]: a set with every row in one state has no finite fit. */
const H_MAX = 2;

/** The pseudo-likelihood's gradient u_k(h) and curvature v_k(h) = −u_k'(h) for one row of level k. */
function levelTerms(N: number, beta: number, k: number, h: number): { u: number; v: number } {
  const up = Math.tanh((beta * (2 * k - N - 1)) / N + h);
  const down = Math.tanh((beta * (2 * k - N + 1)) / N + h);
  return { u: k * (1 - up) - (N - k) * (1 + down), v: k * (1 - up * up) + (N - k) * (1 - down * down) };
}

/**
 * The maximum-pseudo-likelihood field of a training set given as counts per level: the root of
 * Σ_k c_k u_k(h), which falls strictly in h, by Newton steps kept inside a shrinking bracket.
 */
export function fitField(counts: ArrayLike<number>, N: number, beta: number): number {
  const gradient = (h: number): { g: number; G: number } => {
    let g = 0;
    let G = 0;
    for (let k = 0; k <= N; k++) {
      const c = counts[k] ?? 0;
      if (c === 0) continue;
      const { u, v } = levelTerms(N, beta, k, h);
      g += c * u;
      G += c * v;
    }
    return { g, G };
  };
  let lo = -H_MAX;
  let hi = H_MAX;
  if (gradient(lo).g <= 0) return lo;
  if (gradient(hi).g >= 0) return hi;
  let h = 0;
  for (let iter = 0; iter < 100; iter++) {
    const { g, G } = gradient(h);
    if (g > 0) lo = h;
    else hi = h;
    let next = h + g / G;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (Math.abs(next - h) < 1e-13) return next;
    h = next;
  }
  return h;
}

/** The + state's weight: levels with m > 0, half of the m = 0 level. */
function plusIndicator(N: number, k: number): number {
  return 2 * k > N ? 1 : 2 * k === N ? 0.5 : 0;
}

export interface FieldFitTheory {
  /** The + weight w of the true model. */
  plusWeight: number;
  /** dw/dh = N Cov(1₊, m), exact over the levels. */
  weightSlope: number;
  /** n Var(ĥ) to leading order (the sandwich E[u²]/E[v]², exact over the levels). */
  fieldVarianceTimesN: number;
  /** E[u] over the levels: zero for the true h (each spin's conditional law), kept to test it. */
  meanGradient: number;
  /** n Var of the training set's + fraction: Var(1₊). */
  countVarianceTimesN: number;
}

export function fieldFitTheory(N: number, beta: number, h: number): FieldFitTheory {
  const p = levelProbabilities(N, beta, h);
  const { meanM, plusWeight } = curieWeissMoments(N, beta, h);
  let slope = 0;
  let uMean = 0;
  let u2 = 0;
  let vMean = 0;
  let ind2 = 0;
  for (let k = 0; k <= N; k++) {
    const pk = p[k] ?? 0;
    const ind = plusIndicator(N, k);
    slope += N * pk * ind * (levelMagnetization(N, k) - meanM);
    const { u, v } = levelTerms(N, beta, k, h);
    uMean += pk * u;
    u2 += pk * u * u;
    vMean += pk * v;
    ind2 += pk * ind * ind;
  }
  return { plusWeight, weightSlope: slope, fieldVarianceTimesN: u2 / (vMean * vMean), meanGradient: uMean, countVarianceTimesN: ind2 - plusWeight * plusWeight };
}

/* A type, not an interface: a result record needs the implicit index signature. */
export type WeightSweep = {
  /** The sizes of the training sets, as n/N. */
  ratio: Float64Array;
  n: Float64Array;
  /** Root-mean-square error of the + weight of the fitted model, over the replicate training sets. */
  fittedError: Float64Array;
  /** Its leading-order value |dw/dh| √(Var(ĥ)): falls as √(N/n). */
  fittedTheory: Float64Array;
  /** Root-mean-square error of the training set's + fraction (what the exact empirical score generates). */
  countError: Float64Array;
  countTheory: Float64Array;
  replicates: number;
};

/**
 * For each n/N, `replicates` training sets of n configurations drawn exactly (their levels from
 * P(k)); each gives a fitted field, whose model's + weight is exact over the levels, and a
 * counted + fraction. Returns both errors with their theory.
 */
export function weightSweep(N: number, beta: number, h: number, ratios: readonly number[], replicates: number, seed: number, stream: number): WeightSweep {
  const p = levelProbabilities(N, beta, h);
  const cdf = new Float64Array(N + 1);
  let acc = 0;
  for (let k = 0; k <= N; k++) cdf[k] = acc += p[k] ?? 0;
  const theory = fieldFitTheory(N, beta, h);
  const w = theory.plusWeight;
  const rng = new Rng(seed, stream);
  const counts = new Float64Array(N + 1);
  const R = ratios.length;
  const out: WeightSweep = {
    ratio: Float64Array.from(ratios),
    n: new Float64Array(R),
    fittedError: new Float64Array(R),
    fittedTheory: new Float64Array(R),
    countError: new Float64Array(R),
    countTheory: new Float64Array(R),
    replicates,
  };
  ratios.forEach((ratio, j) => {
    const n = Math.max(1, Math.round(ratio * N));
    let fitted2 = 0;
    let count2 = 0;
    for (let rep = 0; rep < replicates; rep++) {
      counts.fill(0);
      let plus = 0;
      for (let mu = 0; mu < n; mu++) {
        const k = levelOf(cdf, rng.uniform() * acc);
        counts[k] = (counts[k] ?? 0) + 1;
        plus += plusIndicator(N, k);
      }
      const wFit = curieWeissMoments(N, beta, fitField(counts, N, beta)).plusWeight;
      fitted2 += (wFit - w) ** 2;
      count2 += (plus / n - w) ** 2;
    }
    out.n[j] = n;
    out.fittedError[j] = Math.sqrt(fitted2 / replicates);
    out.fittedTheory[j] = Math.abs(theory.weightSlope) * Math.sqrt(theory.fieldVarianceTimesN / n);
    out.countError[j] = Math.sqrt(count2 / replicates);
    out.countTheory[j] = Math.sqrt(theory.countVarianceTimesN / n);
  });
  return out;
}

/** The first level whose cumulative probability reaches u (binary search). */
function levelOf(cdf: Float64Array, u: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((cdf[mid] ?? 0) < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

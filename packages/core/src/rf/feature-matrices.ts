import { delta } from '../forward.ts';
import { normalAt, Streams } from '../random.ts';
import { gaussHermite } from '../theory/gauss-hermite.ts';
import { activationFunctions, type RfActivation, type RfConstants } from './constants.ts';
import { progressPart, type ProgressReport } from '../progress.ts';

/**
 * The matrices that define the DSM loss of the random-features score s_A(x) = (A/√p) σ(Wx/√d) at a
 * fixed diffusion time t (Bonnaire et al., §3.3): with B = A/√p,
 *   L_train = 1 + (Δ_t/d) Tr(BᵀBU) + (2√Δ_t/d) Tr(BV),  U = E[σσᵀ] (p × p),  V = E[σ ξᵀ] (p × d),
 * and L_test the same with the population Ũ, Ṽ. Data are N(0, I_d), so P_t = N(0, I_d) for every t
 * and the true score is −x. Everything is Float64: these matrices feed eigendecompositions.
 */

/** αI + F Fᵀ with F (size × rank), row-major: how U arrives, so its spectrum can use the Gram trick. */
export interface LowRankPlusIdentity {
  kind: 'low-rank';
  size: number;
  alpha: number;
  factor: Float64Array;
  rank: number;
}

export interface DenseSymmetric {
  kind: 'dense';
  size: number;
  matrix: Float64Array;
}

export type SymmetricForm = LowRankPlusIdentity | DenseSymmetric;

export interface RfProblem {
  d: number;
  p: number;
  n: number;
  t: number;
  delta: number;
  u: SymmetricForm;
  /** p × d. */
  v: Float64Array;
  uPop: SymmetricForm;
  /** p × d. */
  vPop: Float64Array;
  /** J_t = (1/d) E|∇log P_t|², which turns the test loss into the score error (§1.4); 1 for N(0, I). */
  scoreNorm: number;
  /** W (p × d), iid N(0, 1), the frozen first layer. */
  weights: Float64Array;
  /** n × d training points. */
  data: Float64Array;
}

/**
 * Stream ids of the random-features draws. Each quantity has its own stream and is indexed so that
 * a larger n extends a smaller one (point ν's numbers do not depend on n): runs over ψ_n then differ
 * only by the added points, which keeps τ_mem(n) curves smooth for a fixed seed.
 */
export const RfStreams = {
  data: Streams.data,
  weights: 11,
  equivalentNoise: 12,
  dsmNoise: 13,
} as const;

/**
 * Sizes the live experiments accept. Past them one eigendecomposition (p³) or one exact
 * noise-averaged U (p²n, real features) takes seconds in a browser worker.
 */
export const RF_LIMITS = {
  maxWidth: 2048,
  maxTrainingSet: 8192,
  maxWidthRealFeatures: 1024,
  /** p·n Float64 entries per Hermite order of the exact noise average (10–20 orders at t ≤ 0.1, ≤ 101). */
  maxNoiseAverageEntries: 2 ** 18,
  /** p·n·K Float64 entries of the features of K noise draws per point. */
  maxNoiseDrawEntries: 2 ** 21,
} as const;

/** Why a real-feature problem would not fit comfortably in a browser worker; undefined when it fits. */
export function realFeatureSizeProblem(p: number, n: number, noiseDraws: number): string | undefined {
  if (noiseDraws === 0 && p * n > RF_LIMITS.maxNoiseAverageEntries) {
    return `p·n = ${p * n} is above ${RF_LIMITS.maxNoiseAverageEntries} for real features; lower psiP, psiN or d`;
  }
  if (noiseDraws > 0 && p * n * noiseDraws > RF_LIMITS.maxNoiseDrawEntries) {
    return `p·n·noiseDraws = ${p * n * noiseDraws} is above ${RF_LIMITS.maxNoiseDrawEntries}; lower noiseDraws, psiP, psiN or d`;
  }
  return undefined;
}

export function randomWeights(p: number, d: number, seed: number): Float64Array {
  const w = new Float64Array(p * d);
  for (let i = 0; i < w.length; i++) w[i] = normalAt(seed, RfStreams.weights, i);
  return w;
}

export function gaussianData(n: number, d: number, seed: number): Float64Array {
  const x = new Float64Array(n * d);
  for (let i = 0; i < x.length; i++) x[i] = normalAt(seed, RfStreams.data, i);
  return x;
}

/**
 * The Gaussian-equivalent matrices of §3.5: G = e^{−t} a_t W X/√d + v_t Ω,
 * U = GGᵀ/n + b_t² WWᵀ/d + s_t² I = s_t² I + F Fᵀ with F = [G/√n, b_t W/√d], V = b_t W/√d,
 * Ũ = μ_1² WWᵀ/d + (‖σ‖² − μ_1²) I, Ṽ = V. W is unscaled N(0, 1), so WWᵀ/d carries the only 1/d.
 */
export function gaussianEquivalentProblem(shape: { d: number; p: number; n: number }, c: RfConstants, seed: number): RfProblem {
  const { d, p, n } = shape;
  const weights = randomWeights(p, d, seed);
  const data = gaussianData(n, d, seed);
  const m = n + d;
  const factor = new Float64Array(p * m);
  const sqrtD = Math.sqrt(d);
  const sqrtN = Math.sqrt(n);
  const signal = (Math.exp(-c.t) * c.a) / sqrtD;
  const v = Math.sqrt(Math.max(0, c.v2));
  const vMat = new Float64Array(p * d);
  const popFactor = new Float64Array(p * d);
  for (let i = 0; i < p; i++) {
    const wi = i * d;
    for (let nu = 0; nu < n; nu++) {
      let dot = 0;
      for (let k = 0; k < d; k++) dot += weights[wi + k] * data[nu * d + k];
      const g = signal * dot + v * normalAt(seed, RfStreams.equivalentNoise, nu * p + i);
      factor[i * m + nu] = g / sqrtN;
    }
    for (let k = 0; k < d; k++) {
      const w = weights[wi + k] / sqrtD;
      factor[i * m + n + k] = c.b * w;
      vMat[wi + k] = c.b * w;
      popFactor[wi + k] = (c.mu1 / c.kappa) * w;
    }
  }
  return {
    d,
    p,
    n,
    t: c.t,
    delta: c.delta,
    u: { kind: 'low-rank', size: p, alpha: c.s2, factor, rank: m },
    v: vMat,
    uPop: { kind: 'low-rank', size: p, alpha: c.sigmaNorm2 - c.mu1 * c.mu1, factor: popFactor, rank: d },
    vPop: Float64Array.from(vMat),
    scoreNorm: 1,
    weights,
    data,
  };
}

/**
 * U and V from the real features of the n training points, each noised `noiseDraws` times:
 * U = (1/nK) Σ σ(Wx_t/√d) σ(Wx_t/√d)ᵀ = F Fᵀ, V = (1/nK) Σ σ(Wx_t/√d) ξᵀ. With finite K the model
 * is trained on nK fixed noisy points; K → ∞ recovers the noise-averaged loss of the paper.
 * The population Ũ, Ṽ are exact expectations over x ~ N(0, I) (populationMoments), not samples,
 * so the test loss and the score error carry no Monte Carlo noise of their own.
 */
export function sampledProblem(
  shape: { d: number; p: number; n: number; noiseDraws: number },
  t: number,
  activation: RfActivation,
  seed: number,
): RfProblem {
  const { d, p, n, noiseDraws } = shape;
  const weights = randomWeights(p, d, seed);
  const data = gaussianData(n, d, seed);
  const { f } = activationFunctions(activation);
  const dt = delta(t);
  const m = n * noiseDraws;
  const factor = new Float64Array(p * m);
  const vMat = new Float64Array(p * d);
  const xt = new Float64Array(d);
  const xi = new Float64Array(d);
  const decay = Math.exp(-t);
  const noise = Math.sqrt(dt);
  const sqrtD = Math.sqrt(d);
  const norm = 1 / Math.sqrt(m);
  for (let nu = 0; nu < n; nu++) {
    for (let k = 0; k < noiseDraws; k++) {
      const col = nu * noiseDraws + k;
      for (let j = 0; j < d; j++) {
        xi[j] = normalAt(seed, RfStreams.dsmNoise, col * d + j);
        xt[j] = decay * data[nu * d + j] + noise * xi[j];
      }
      for (let i = 0; i < p; i++) {
        const wi = i * d;
        let dot = 0;
        for (let j = 0; j < d; j++) dot += weights[wi + j] * xt[j];
        const phi = f(dot / sqrtD);
        factor[i * m + col] = phi * norm;
        const s = phi / m;
        for (let j = 0; j < d; j++) vMat[wi + j] += s * xi[j];
      }
    }
  }
  const pop = populationMoments(weights, p, d, dt, activation);
  return {
    d,
    p,
    n,
    t,
    delta: dt,
    u: { kind: 'low-rank', size: p, alpha: 0, factor, rank: m },
    v: vMat,
    uPop: { kind: 'dense', size: p, matrix: pop.u },
    vPop: pop.v,
    scoreNorm: 1,
    weights,
    data,
  };
}

/**
 * The noise-averaged matrices of the paper, from the real features of the real training points:
 * U = (1/n) Σ_ν E_ξ[σ(Wx_t^ν/√d) σ(Wx_t^ν/√d)ᵀ], V = (1/n) Σ_ν E_ξ[σ(Wx_t^ν/√d) ξᵀ], the expectation
 * over ξ taken exactly rather than by draws. For point ν, u_i = m_iν + √Δ_t w_i·ξ/√d is Gaussian with
 * mean m_iν = e^{−t} w_i·x^ν/√d, standard deviation √Δ_t r_i and correlations ρ_ij as in
 * populationMoments, so Mehler's expansion gives E_ξ[σ(u_i)σ(u_j)] = Σ_k β^ν_ik β^ν_jk ρ_ij^k with
 * β^ν_ik = E_z[σ(m_iν + √Δ_t r_i z) He_k(z)]/√k! (all orders: the means break the odd symmetry).
 * The series is cut at the first order where Parseval's remainder E[σ²] − Σ β² is below 1e−10 for
 * every (i, ν), the same order for all: each dropped order is then a Schur product of PSD matrices,
 * so the truncation error is a PSD matrix of trace at most p·1e−10, no eigenvalue of U moves by more
 * than that, and no entry by more than 1e−10.
 * This is what K → ∞ noise draws converge to, at the cost of ~K_M ≈ 10–40 draws.
 */
export function noiseAveragedProblem(
  shape: { d: number; p: number; n: number },
  t: number,
  activation: RfActivation,
  seed: number,
  onProgress?: ProgressReport,
): RfProblem {
  const { d, p, n } = shape;
  const weights = randomWeights(p, d, seed);
  const data = gaussianData(n, d, seed);
  const { f, df } = activationFunctions(activation);
  const dt = delta(t);
  const sqrtD = Math.sqrt(d);
  const r = new Float64Array(p);
  let widest = 0;
  for (let i = 0; i < p; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += weights[i * d + k] ** 2;
    r[i] = Math.sqrt(s) / sqrtD;
    widest = Math.max(widest, Math.sqrt(dt) * r[i]);
  }
  const rule = gaussHermite(averageQuadratureOrder(widest));
  const q = rule.nodes.length;
  const z = new Float64Array(q);
  const wq = new Float64Array(q);
  for (let a = 0; a < q; a++) {
    z[a] = Math.SQRT2 * rule.nodes[a];
    wq[a] = rule.weights[a] / Math.sqrt(Math.PI);
  }
  const herm = new Float64Array((MAX_AVERAGE_ORDER + 1) * q);
  for (let a = 0; a < q; a++) {
    let p0 = 0;
    let p1 = 1;
    herm[a] = 1;
    for (let k = 0; k < MAX_AVERAGE_ORDER; k++) {
      const p2 = (z[a] * p1 - Math.sqrt(k) * p0) / Math.sqrt(k + 1);
      p0 = p1;
      p1 = p2;
      herm[(k + 1) * q + a] = p1;
    }
  }
  // beta[k][i·n + ν]: contiguous over ν, the index summed in C_k = (1/n) Σ_ν β_k β_kᵀ. Orders are
  // allocated when first needed, since most problems stop far below the cap.
  const orders = MAX_AVERAGE_ORDER + 1;
  const beta: Float64Array[] = [];
  let kept = 1;
  const vMat = new Float64Array(p * d);
  const decay = Math.exp(-t);
  const sd = Math.sqrt(dt);
  const y = new Float64Array(q);
  const meanOf = (i: number, nu: number): number => {
    let dot = 0;
    for (let k = 0; k < d; k++) dot += weights[i * d + k] * data[nu * d + k];
    return (decay * dot) / sqrtD;
  };
  const coefficient = (k: number): number => {
    let s = 0;
    const hk = k * q;
    for (let a = 0; a < q; a++) s += wq[a] * y[a] * herm[hk + a];
    return s;
  };
  // the order at which each (row, point) reached the tolerance
  const cut = new Int32Array(p * n);
  for (let i = 0; i < p; i++) {
    onProgress?.((0.8 * i) / p);
    const wi = i * d;
    const spread = sd * r[i];
    let slopeSum = 0;
    for (let nu = 0; nu < n; nu++) {
      const mean = meanOf(i, nu);
      let sq = 0;
      for (let a = 0; a < q; a++) {
        const x = mean + spread * z[a];
        y[a] = f(x);
        sq += wq[a] * y[a] * y[a];
        slopeSum += wq[a] * df(x);
      }
      // Every later β_k² is at most what Parseval leaves, so below the tolerance the row stops.
      let rest = sq;
      cut[i * n + nu] = orders;
      for (let k = 0; k < orders; k++) {
        const s = coefficient(k);
        beta[k] ??= new Float64Array(p * n);
        beta[k][i * n + nu] = s;
        rest -= s * s;
        if (rest < PARSEVAL_TOLERANCE) {
          cut[i * n + nu] = k + 1;
          break;
        }
      }
      kept = Math.max(kept, cut[i * n + nu]);
    }
    const slope = slopeSum / n;
    for (let k = 0; k < d; k++) vMat[wi + k] = (sd * weights[wi + k] * slope) / sqrtD;
  }
  // The sum over orders must run to one common order for every row: a row cut earlier than another
  // would drop the cross terms β_ik β_jk past its own cut, an error of order √(its remainder · E[σ_j²])
  // (1e−5, not 1e−10). So the coefficients of the rows cut early are completed up to `kept`.
  for (let i = 0; i < p; i++) {
    onProgress?.(0.8 + (0.1 * i) / p);
    for (let nu = 0; nu < n; nu++) {
      if (cut[i * n + nu] >= kept) continue;
      const mean = meanOf(i, nu);
      for (let a = 0; a < q; a++) y[a] = f(mean + sd * r[i] * z[a]);
      for (let k = cut[i * n + nu]; k < kept; k++) beta[k][i * n + nu] = coefficient(k);
    }
  }
  const u = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let dot = 0;
      for (let k = 0; k < d; k++) dot += weights[i * d + k] * weights[j * d + k];
      const rho = i === j ? 1 : dot / d / (r[i] * r[j]);
      let pow = 1;
      let s = 0;
      for (let k = 0; k < kept; k++) {
        const bk = beta[k];
        const bi = i * n;
        const bj = j * n;
        let c = 0;
        for (let nu = 0; nu < n; nu++) c += bk[bi + nu] * bk[bj + nu];
        s += c * pow;
        pow *= rho;
      }
      u[i * p + j] = s / n;
      u[j * p + i] = s / n;
    }
  }
  const pop = populationMoments(weights, p, d, dt, activation, progressPart(onProgress, 0.9, 1));
  return {
    d,
    p,
    n,
    t,
    delta: dt,
    u: { kind: 'dense', size: p, matrix: u },
    v: vMat,
    uPop: { kind: 'dense', size: p, matrix: pop.u },
    vPop: pop.v,
    scoreNorm: 1,
    weights,
    data,
  };
}

/**
 * Nodes for E_z[σ(m + s z) He_k(z)]: tanh's poles at ±iπ/2 sit at distance π/(2s) in z, so wider
 * noise needs more nodes. Chosen from measured errors (k ≤ 10) to stay below ~1e−12 up to s = 1;
 * at s = 1.5 (t ≳ 1 with a long weight row) the error is ~1e−10.
 */
function averageQuadratureOrder(widest: number): number {
  if (widest <= 0.45) return 40;
  if (widest <= 0.7) return 80;
  if (widest <= 1) return 120;
  return 160;
}
/**
 * Cap on the Hermite order of the noise average. Reached only for wide noise (√Δ_t r_i ≳ 1.4: t ≳ 1
 * with long weight rows), where the remainder left is up to ~1e−7.
 */
const MAX_AVERAGE_ORDER = 100;
const PARSEVAL_TOLERANCE = 1e-10;

/** Cap on the Hermite order of the population series (odd orders only: 81 terms). */
const MEHLER_MAX_ORDER = 161;
/** tanh(r z) has poles at z = ±iπ/(2r): rows with r ≈ 2 (common at small d) need this many nodes for ~1e−8. */
const QUADRATURE_ORDER = 160;

/**
 * Exact population moments for x ~ N(0, I_d) of the real features: with u_i = w_i·x/√d ~ N(0, r_i²),
 * Ũ_ij = E[σ(u_i)σ(u_j)] by Mehler's expansion Σ_k β_ik β_jk ρ_ij^k (β_ik = E[σ(r_i z) He_k(z)]/√k!,
 * ρ_ij the correlation of u_i and u_j; odd k only, σ being odd), Ũ_ii = E[σ(r_i z)²], and by Stein's
 * lemma Ṽ_ik = √Δ_t (W_ik/√d) E[σ′(r_i z)]. The series stops at the first order where every row's
 * Parseval remainder is below 1e−10 (or at order 161, reached only by rows with r ≳ 1.5), the same
 * order for all rows, as in noiseAveragedProblem.
 */
export function populationMoments(
  weights: Float64Array,
  p: number,
  d: number,
  dt: number,
  activation: RfActivation,
  onProgress?: ProgressReport,
): { u: Float64Array; v: Float64Array } {
  const { f, df } = activationFunctions(activation);
  const rule = gaussHermite(QUADRATURE_ORDER);
  const q = rule.nodes.length;
  const z = new Float64Array(q);
  const wq = new Float64Array(q);
  for (let a = 0; a < q; a++) {
    z[a] = Math.SQRT2 * rule.nodes[a];
    wq[a] = rule.weights[a] / Math.sqrt(Math.PI);
  }
  // Orthonormal Hermite polynomials at the nodes, odd orders only: slot s holds order 2s + 1.
  const slots = (MEHLER_MAX_ORDER + 1) / 2;
  const herm = new Float64Array(slots * q);
  for (let a = 0; a < q; a++) {
    let p0 = 1;
    let p1 = z[a];
    herm[a] = p1;
    for (let k = 1; k < MEHLER_MAX_ORDER; k++) {
      const p2 = (z[a] * p1 - Math.sqrt(k) * p0) / Math.sqrt(k + 1);
      p0 = p1;
      p1 = p2;
      if (k % 2 === 0) herm[(k / 2) * q + a] = p1;
    }
  }
  const sqrtD = Math.sqrt(d);
  const r = new Float64Array(p);
  const beta = new Float64Array(p * slots);
  const diag = new Float64Array(p);
  const slope = new Float64Array(p);
  const y = new Float64Array(q);
  let kept = 1;
  for (let i = 0; i < p; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += weights[i * d + k] ** 2;
    r[i] = Math.sqrt(s) / sqrtD;
    let sq = 0;
    let ds = 0;
    for (let a = 0; a < q; a++) {
      y[a] = f(r[i] * z[a]);
      sq += wq[a] * y[a] * y[a];
      ds += wq[a] * df(r[i] * z[a]);
    }
    diag[i] = sq;
    slope[i] = ds;
    // Every order is kept for every row (p·81 coefficients, cheap): the sum below runs to the
    // common order `kept`, and a row cut earlier would drop cross terms past its own cut.
    let rest = sq;
    let cut = slots;
    for (let k = 0; k < slots; k++) {
      let b = 0;
      const hk = k * q;
      for (let a = 0; a < q; a++) b += wq[a] * y[a] * herm[hk + a];
      beta[i * slots + k] = b;
      rest -= b * b;
      if (rest < PARSEVAL_TOLERANCE && cut === slots) cut = k + 1;
    }
    kept = Math.max(kept, cut);
  }
  const u = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    // row i costs ~i: the share done is (i/p)²
    onProgress?.((i / p) ** 2);
    u[i * p + i] = diag[i];
    for (let j = 0; j < i; j++) {
      let dot = 0;
      for (let k = 0; k < d; k++) dot += weights[i * d + k] * weights[j * d + k];
      const rho = dot / d / (r[i] * r[j]);
      const rho2 = rho * rho;
      let pow = rho;
      let s = 0;
      for (let k = 0; k < kept; k++) {
        s += beta[i * slots + k] * beta[j * slots + k] * pow;
        pow *= rho2;
      }
      u[i * p + j] = s;
      u[j * p + i] = s;
    }
  }
  const v = new Float64Array(p * d);
  const sd = Math.sqrt(dt);
  for (let i = 0; i < p; i++) for (let k = 0; k < d; k++) v[i * d + k] = (sd * weights[i * d + k] * slope[i]) / sqrtD;
  return { u, v };
}

/** Dense copy of a symmetric form (tests and small problems). */
export function denseOf(form: SymmetricForm): Float64Array {
  if (form.kind === 'dense') return Float64Array.from(form.matrix);
  const { size, alpha, factor, rank } = form;
  const out = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < rank; k++) s += factor[i * rank + k] * factor[j * rank + k];
      if (i === j) s += alpha;
      out[i * size + j] = s;
      out[j * size + i] = s;
    }
  }
  return out;
}

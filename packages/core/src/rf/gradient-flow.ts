import { gramOfColumns, matMulTransB } from '../linalg/matrix.ts';
import { symmetricEigen } from '../linalg/symmetric-eigen.ts';
import type { RfProblem, SymmetricForm } from './feature-matrices.ts';
import { progressPart, type ProgressReport } from '../progress.ts';

/**
 * Gradient flow of the DSM loss from A = 0, in closed form (Bonnaire et al., §3.3). In the time
 * τ = kη/d² the readout B = A/√p obeys dB/dτ = −(2/ψ_p)(Δ_t BU + √Δ_t Vᵀ), so
 *   B(τ) = −Δ_t^{−1/2} Vᵀ U^{−1} (I − exp(−(2Δ_t/ψ_p) U τ)),
 * and each eigenmode λ of U relaxes on τ_λ = ψ_p/(2Δ_t λ). With U = QΛQᵀ, m_i = Vᵀq_i,
 * g_i(τ) = 1 − e^{−2Δ_t λ_i τ/ψ_p} and h_i = g_i/λ_i:
 *   L_train(τ) = 1 − (1/d) Σ_i (|m_i|²/λ_i)(1 − e^{−4Δ_t λ_i τ/ψ_p}),
 *   L_test(τ)  = 1 + (1/d) hᵀ H h − (2/d) Σ_i h_i (Ṽᵀq_i)·m_i,  H = (m_i·m_j)(q_iᵀŨq_j),
 * so one eigendecomposition gives the whole curve, at r² per τ. Modes with m_i = 0 never move and
 * are dropped: for U = αI + FFᵀ whose F spans the columns of V (both constructions), those are
 * exactly the eigenvectors orthogonal to F, at eigenvalue α.
 */
export interface SpectralFlow {
  d: number;
  p: number;
  psiP: number;
  delta: number;
  scoreNorm: number;
  /** All p eigenvalues of U, ascending (Float64). */
  eigenvalues: Float64Array;
  /** Number of modes that move. */
  modes: number;
  lambda: Float64Array;
  /** |Vᵀq_i|². */
  c: Float64Array;
  /** (Ṽᵀq_i)·(Vᵀq_i). */
  e: Float64Array;
  /** modes × modes. */
  h: Float64Array;
  /** modes × p, row i = q_i. */
  q: Float64Array;
  /** modes × d, row i = Vᵀq_i. */
  vq: Float64Array;
}

/**
 * Where the flow's first 0.6 of progress ends each stage: building the symmetric matrix (its
 * triangle: `products`/2 multiply-adds), its eigendecomposition (about 1.3·size³: measured 555 ms
 * for size 520 against 107 ms for the Gram of 256 rows), and `after` multiply-adds that follow it.
 */
function eigenStageEnds(products: number, size: number, after: number): [built: number, solved: number] {
  const costs = [products / 2, 1.3 * size ** 3, after];
  const total = costs[0] + costs[1] + costs[2];
  return [(0.6 * costs[0]) / total, (0.6 * (costs[0] + costs[1])) / total];
}

/** Relative size below which a Gram eigenvalue counts as zero (its mode lies in F's null space). */
const GRAM_CUTOFF = 1e-11;

/** `onProgress` follows the eigendecomposition and the projections, the two O(p³) stages. */
export function solveGradientFlow(problem: RfProblem, onProgress?: ProgressReport): SpectralFlow {
  const { d, p, u } = problem;
  const psiP = p / d;
  let eigenvalues: Float64Array;
  let lambda: Float64Array;
  let q: Float64Array;
  if (u.kind === 'low-rank' && u.rank < p) {
    const m = u.rank;
    // Gram route: the nonzero spectrum of FFᵀ is that of FᵀF (m × m), and q = F y/√μ.
    // the Gram matrix, its eigendecomposition, then q = F y/√μ: shares of 0.6 by multiply-adds
    const [built, solved] = eigenStageEnds(p * m * m, m, p * m * m);
    const gram = gramOfColumns(u.factor, p, m, progressPart(onProgress, 0, built));
    const eig = symmetricEigen(gram, m, { onProgress: progressPart(onProgress, built, solved) });
    const projecting = progressPart(onProgress, solved, 0.6);
    const y = eig.vectors as Float64Array;
    const top = Math.max(0, eig.values[m - 1]);
    const active: number[] = [];
    for (let k = 0; k < m; k++) if (eig.values[k] > GRAM_CUTOFF * top) active.push(k);
    eigenvalues = new Float64Array(p);
    for (let k = 0; k < p - m; k++) eigenvalues[k] = u.alpha;
    for (let k = 0; k < m; k++) eigenvalues[p - m + k] = u.alpha + Math.max(0, eig.values[k]);
    eigenvalues.sort();
    lambda = new Float64Array(active.length);
    q = new Float64Array(active.length * p);
    for (let a = 0; a < active.length; a++) {
      projecting?.(a / active.length);
      const k = active[a];
      const mu = eig.values[k];
      lambda[a] = u.alpha + mu;
      const inv = 1 / Math.sqrt(mu);
      const yk = k * m;
      for (let i = 0; i < p; i++) {
        const fi = i * m;
        let s = 0;
        for (let b = 0; b < m; b++) s += u.factor[fi + b] * y[yk + b];
        q[a * p + i] = s * inv;
      }
    }
  } else {
    const [built] = u.kind === 'dense' ? [0] : eigenStageEnds(p * p * u.rank, p, 0);
    const dense = u.kind === 'dense' ? u.matrix : denseLowRank(u.alpha, u.factor, p, u.rank, progressPart(onProgress, 0, built));
    const eig = symmetricEigen(dense, p, { onProgress: progressPart(onProgress, built, 0.6) });
    eigenvalues = eig.values;
    lambda = Float64Array.from(eig.values);
    q = eig.vectors as Float64Array;
  }
  onProgress?.(0.6);
  const r = lambda.length;
  const vq = multiplyRowsBy(q, r, p, problem.v, d, progressPart(onProgress, 0.6, 0.65));
  const vpq = multiplyRowsBy(q, r, p, problem.vPop, d, progressPart(onProgress, 0.65, 0.7));
  const c = new Float64Array(r);
  const e = new Float64Array(r);
  for (let i = 0; i < r; i++) {
    let cc = 0;
    let ee = 0;
    for (let k = 0; k < d; k++) {
      cc += vq[i * d + k] ** 2;
      ee += vq[i * d + k] * vpq[i * d + k];
    }
    c[i] = cc;
    e[i] = ee;
  }
  onProgress?.(0.7);
  const h = projected(problem.uPop, q, r, p, progressPart(onProgress, 0.7, 0.95));
  onProgress?.(0.95);
  const k = matMulTransB(vq, vq, r, d, r, progressPart(onProgress, 0.95, 1));
  for (let i = 0; i < r * r; i++) h[i] *= k[i];
  return { d, p, psiP, delta: problem.delta, scoreNorm: problem.scoreNorm, eigenvalues, modes: r, lambda, c, e, h, q, vq };
}

export interface FlowLosses {
  trainLoss: number;
  testLoss: number;
  /** (1/d) E|s_A − ∇log P_t|² = (L_test − 1)/Δ_t + J_t (§1.4). */
  scoreError: number;
  generalizationGap: number;
}

/** The four curves at one training time; τ = Infinity gives the fully trained model. */
export function lossesAt(flow: SpectralFlow, tau: number, work = new Float64Array(flow.modes)): FlowLosses {
  const { d, modes: r, lambda, c, e, h, psiP, delta } = flow;
  const rate = (2 * delta * tau) / psiP;
  let fit = 0;
  let cross = 0;
  for (let i = 0; i < r; i++) {
    const x = rate * lambda[i];
    const g = tau === Infinity ? 1 : -Math.expm1(-x);
    const g2 = tau === Infinity ? 1 : -Math.expm1(-2 * x);
    fit += (c[i] / lambda[i]) * g2;
    const hi = g / lambda[i];
    work[i] = hi;
    cross += hi * e[i];
  }
  let quad = 0;
  for (let i = 0; i < r; i++) {
    const hi = work[i];
    if (hi === 0) continue;
    const row = i * r;
    let s = 0;
    for (let j = 0; j < r; j++) s += h[row + j] * work[j];
    quad += hi * s;
  }
  const trainLoss = 1 - fit / d;
  const testLoss = 1 + quad / d - (2 * cross) / d;
  return {
    trainLoss,
    testLoss,
    scoreError: (testLoss - 1) / delta + flow.scoreNorm,
    generalizationGap: testLoss - trainLoss,
  };
}

/** B(τ) (d × p, Float64): the readout after training time τ. */
export function readoutAt(flow: SpectralFlow, tau: number): Float64Array {
  const { d, p, modes: r, lambda, q, vq, psiP, delta } = flow;
  const b = new Float64Array(d * p);
  const rate = (2 * delta * tau) / psiP;
  const pre = -1 / Math.sqrt(delta);
  for (let i = 0; i < r; i++) {
    const g = tau === Infinity ? 1 : -Math.expm1(-rate * lambda[i]);
    const hi = (pre * g) / lambda[i];
    const qi = i * p;
    for (let k = 0; k < d; k++) {
      const coef = hi * vq[i * d + k];
      if (coef === 0) continue;
      const bk = k * p;
      for (let j = 0; j < p; j++) b[bk + j] += coef * q[qi + j];
    }
  }
  return b;
}

/** Direct evaluation of the losses of a readout B (d × p) from the matrices, for checks. */
export function lossesOfReadout(problem: RfProblem, b: Float64Array, uDense: Float64Array, uPopDense: Float64Array): FlowLosses {
  const { d, p, delta } = problem;
  const quadratic = (mat: Float64Array): number => {
    let s = 0;
    for (let k = 0; k < d; k++) {
      const bk = k * p;
      for (let i = 0; i < p; i++) {
        let t = 0;
        for (let j = 0; j < p; j++) t += mat[i * p + j] * b[bk + j];
        s += b[bk + i] * t;
      }
    }
    return s;
  };
  const linear = (v: Float64Array): number => {
    let s = 0;
    for (let k = 0; k < d; k++) for (let i = 0; i < p; i++) s += b[k * p + i] * v[i * d + k];
    return s;
  };
  const sd = Math.sqrt(delta);
  const trainLoss = 1 + (delta / d) * quadratic(uDense) + ((2 * sd) / d) * linear(problem.v);
  const testLoss = 1 + (delta / d) * quadratic(uPopDense) + ((2 * sd) / d) * linear(problem.vPop);
  return { trainLoss, testLoss, scoreError: (testLoss - 1) / delta + problem.scoreNorm, generalizationGap: testLoss - trainLoss };
}

function denseLowRank(alpha: number, factor: Float64Array, size: number, rank: number, report?: ProgressReport): Float64Array {
  const out = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    // row i of the triangle has i + 1 entries
    report?.((i * (i + 1)) / (size * (size + 1)));
    const fi = i * rank;
    for (let j = 0; j <= i; j++) {
      const fj = j * rank;
      let s = 0;
      for (let k = 0; k < rank; k++) s += factor[fi + k] * factor[fj + k];
      out[i * size + j] = s + (i === j ? alpha : 0);
    }
  }
  return out;
}

/** rows × cols result of Q (rows × p) times M (p × cols). */
function multiplyRowsBy(qm: Float64Array, rows: number, p: number, mat: Float64Array, cols: number, report?: ProgressReport): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    report?.(i / rows);
    const qi = i * p;
    const oi = i * cols;
    for (let j = 0; j < p; j++) {
      const x = qm[qi + j];
      const mj = j * cols;
      for (let k = 0; k < cols; k++) out[oi + k] += x * mat[mj + k];
    }
  }
  return out;
}

/**
 * Q Ũ Qᵀ (rows × rows) for Q given as rows; `report` hears the share done, the two products
 * weighted by their multiply-adds (a hundred milliseconds at the figures' sizes).
 */
function projected(form: SymmetricForm, qm: Float64Array, rows: number, p: number, report?: ProgressReport): Float64Array {
  // both routes: rows·p·k multiply-adds, then rows·k·rows
  const first = p / (p + rows);
  if (form.kind === 'low-rank') {
    const qf = multiplyRowsBy(qm, rows, p, form.factor, form.rank, progressPart(report, 0, first));
    const out = matMulTransB(qf, qf, rows, form.rank, rows, progressPart(report, first, 1));
    if (form.alpha !== 0) {
      // Q's rows are orthonormal, so the identity part stays the identity.
      for (let i = 0; i < rows; i++) out[i * rows + i] += form.alpha;
    }
    return out;
  }
  const qu = multiplyRowsBy(qm, rows, p, form.matrix, p, progressPart(report, 0, first));
  return matMulTransB(qu, qm, rows, p, rows, progressPart(report, first, 1));
}

/** Log-spaced training times, tauMin to tauMax inclusive. */
export function logTimes(tauMin: number, tauMax: number, points: number): Float64Array {
  const out = new Float64Array(points);
  const a = Math.log(tauMin);
  const b = Math.log(tauMax);
  for (let i = 0; i < points; i++) out[i] = Math.exp(points === 1 ? a : a + ((b - a) * i) / (points - 1));
  out[points - 1] = tauMax;
  return out;
}

/**
 * τ_gen = argmin_τ of the score error: the grid minimum, refined by golden-section search in log τ
 * between its neighbours so that the value does not snap to grid points.
 */
export function scoreErrorMinimum(flow: SpectralFlow, taus: ArrayLike<number>, scoreError: ArrayLike<number>): { tau: number; value: number } {
  let best = 0;
  for (let i = 1; i < taus.length; i++) if (scoreError[i] < scoreError[best]) best = i;
  if (best === 0 || best === taus.length - 1) return { tau: taus[best], value: scoreError[best] };
  const work = new Float64Array(flow.modes);
  const f = (logTau: number): number => lossesAt(flow, Math.exp(logTau), work).scoreError;
  let a = Math.log(taus[best - 1]);
  let b = Math.log(taus[best + 1]);
  const golden = (Math.sqrt(5) - 1) / 2;
  let x1 = b - golden * (b - a);
  let x2 = a + golden * (b - a);
  let f1 = f(x1);
  let f2 = f(x2);
  for (let it = 0; it < 60 && b - a > 1e-9; it++) {
    if (f1 < f2) {
      b = x2;
      x2 = x1;
      f2 = f1;
      x1 = b - golden * (b - a);
      f1 = f(x1);
    } else {
      a = x1;
      x1 = x2;
      f1 = f2;
      x2 = a + golden * (b - a);
      f2 = f(x2);
    }
  }
  const tau = Math.exp((a + b) / 2);
  const value = lossesAt(flow, tau, work).scoreError;
  return value <= scoreError[best] ? { tau, value } : { tau: taus[best], value: scoreError[best] };
}

/**
 * τ_mem, measured: the first training time at which the generalization gap L_test − L_train reaches
 * `fraction` (½) of its τ → ∞ value. The final value is the exact limit (not the value at the end of
 * a plotted window), so τ_mem does not depend on tauMax; the search runs on its own log grid from
 * well before the fastest mode to well after the slowest, then bisects. Returns the final gap too;
 * τ_mem is Infinity when that gap is not positive.
 */
export function memorizationTime(flow: SpectralFlow, fraction = 0.5): { tau: number; finalGap: number } {
  const work = new Float64Array(flow.modes);
  const finalGap = lossesAt(flow, Infinity, work).generalizationGap;
  if (!(finalGap > 0) || flow.modes === 0) return { tau: Infinity, finalGap };
  let lmin = Infinity;
  let lmax = 0;
  for (const l of flow.lambda) {
    if (l < lmin) lmin = l;
    if (l > lmax) lmax = l;
  }
  const target = fraction * finalGap;
  const gap = (logTau: number): number => lossesAt(flow, Math.exp(logTau), work).generalizationGap;
  const lo = Math.log(1e-3 * relaxation(flow, lmax));
  const hi = Math.log(1e3 * relaxation(flow, lmin));
  const steps = 300;
  let prev = lo;
  for (let k = 1; k <= steps; k++) {
    const x = lo + ((hi - lo) * k) / steps;
    if (gap(x) >= target) {
      let a = prev;
      let b = x;
      for (let it = 0; it < 60; it++) {
        const mid = (a + b) / 2;
        if (gap(mid) >= target) b = mid;
        else a = mid;
      }
      return { tau: Math.exp(b), finalGap };
    }
    prev = x;
  }
  return { tau: Math.exp(hi), finalGap };
}

function relaxation(flow: SpectralFlow, lambda: number): number {
  return flow.psiP / (2 * flow.delta * lambda);
}

/**
 * A stationary Gaussian random field on an L × L periodic grid with power spectrum
 * P(k) = A |k|^{−slope} (k in units of the fundamental 2π/L, k ≠ 0) and P(0) = 0, so every field
 * has mean exactly zero. A is set so that the pixel variance (1/L²) Σ_k P(k) is 1: the data are
 * normalised as the rest of the atlas's data are, and in the unitary transform (fft2.ts) P(k) is
 * each mode's variance. The noised law is Gaussian with per-mode variance e^{−2t} P(k) + Δ_t, so
 * its score is diagonal in Fourier space. Float64 throughout.
 */

/** Signed integer frequency of index j on a periodic axis of length L. */
export function signedFrequency(j: number, L: number): number {
  return j <= L / 2 ? j : j - L;
}

/** |k| for every mode, row-major (ky rows, kx columns), length L². */
export function modeMagnitudes(L: number): Float64Array {
  const out = new Float64Array(L * L);
  for (let a = 0; a < L; a++) {
    const ky = signedFrequency(a, L);
    for (let b = 0; b < L; b++) out[a * L + b] = Math.hypot(ky, signedFrequency(b, L));
  }
  return out;
}

/** P(k) for every mode, normalised to unit pixel variance. */
export function powerSpectrum(L: number, slope: number): Float64Array {
  const k = modeMagnitudes(L);
  const p = k.map((x) => (x > 0 ? x ** -slope : 0));
  const sum = p.reduce((a, b) => a + b, 0);
  return p.map((x) => (x * L * L) / sum);
}

/** Per-mode variance of the noised field at time t: e^{−2t} P(k) + Δ_t. */
export function noisedVariance(power: number, t: number): number {
  return Math.exp(-2 * t) * power + 1 - Math.exp(-2 * t);
}

/** The time a mode's signal equals its noise, e^{−2t} P = Δ_t: t_k = ½ log(1 + P). */
export function modeTime(power: number): number {
  return 0.5 * Math.log1p(power);
}

export interface Shells {
  /** Shell index of every mode (−1: the k = 0 mode and modes beyond L/2, in no shell). */
  index: Int32Array;
  /** Mean |k| of each shell's modes. */
  k: Float64Array;
  /** Mean P(k) over each shell's modes. */
  power: Float64Array;
  /** Modes per shell. */
  count: Int32Array;
}

/**
 * Annuli j − ½ ≤ |k| < j + ½ for j = 1 … L/2: the shells that fit inside the grid's square of
 * frequencies, so each is a full ring.
 */
export function shellsOf(L: number, power: Float64Array): Shells {
  const mag = modeMagnitudes(L);
  const J = L / 2;
  const index = new Int32Array(L * L).fill(-1);
  const k = new Float64Array(J);
  const p = new Float64Array(J);
  const count = new Int32Array(J);
  for (let m = 0; m < L * L; m++) {
    const j = Math.round(mag[m]);
    if (j < 1 || j > J) continue;
    index[m] = j - 1;
    k[j - 1] += mag[m];
    p[j - 1] += power[m];
    count[j - 1]++;
  }
  for (let j = 0; j < J; j++) {
    k[j] /= count[j];
    p[j] /= count[j];
  }
  return { index, k, power: p, count };
}

/** Shell averages of |x̂_k|² over `fields` spectra (each 2L², interleaved), one value per shell. */
export function shellPower(spectra: readonly Float64Array[], shells: Shells): Float64Array {
  const J = shells.k.length;
  const out = new Float64Array(J);
  for (const s of spectra) {
    for (let m = 0; m < shells.index.length; m++) {
      const j = shells.index[m];
      if (j >= 0) out[j] += s[2 * m] ** 2 + s[2 * m + 1] ** 2;
    }
  }
  for (let j = 0; j < J; j++) out[j] /= shells.count[j] * spectra.length;
  return out;
}

/**
 * The collapse time of the exact empirical score of n fields, from the excess entropy of Gaussian
 * data with covariance eigenvalues P(k) (science.md §2.6, anisotropic case):
 * f(t) = log(n)/d + (1/2d) Σ_k log(Δ_t / (Δ_t + P(k) e^{−2t})), t_C its zero (f increases with t).
 */
export function gaussianCollapseTime(power: Float64Array, n: number): number {
  const d = power.length;
  const alpha = Math.log(n) / d;
  const f = (t: number): number => {
    const delta = -Math.expm1(-2 * t);
    let s = 0;
    for (let m = 0; m < d; m++) s += Math.log(delta / (delta + power[m] * Math.exp(-2 * t)));
    return alpha + s / (2 * d);
  };
  let lo = 1e-9;
  let hi = 1;
  while (f(hi) < 0 && hi < 100) hi *= 2;
  if (f(lo) > 0) return 0;
  for (let it = 0; it < 100; it++) {
    const mid = Math.sqrt(lo * hi);
    if (f(mid) < 0) lo = mid;
    else hi = mid;
  }
  return Math.sqrt(lo * hi);
}

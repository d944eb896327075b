/**
 * The 2-D Ising model on an L × L periodic square lattice, H = −Σ_⟨ij⟩ s_i s_j (J = 1, k_B = 1),
 * sampled by Wolff's single-cluster algorithm (Wolff 1989): grow a cluster from a random site by
 * adding aligned neighbours with probability 1 − e^{−2β}, then flip it. It decorrelates near T_c in
 * a few sweeps where single-spin updates need thousands, which is what makes a few thousand spins
 * affordable in a browser. Seeded: every uniform comes from (seed, stream, counter).
 */

import type { ProgressReport } from '../progress.ts';
import { uniformAt } from '../random.ts';

/** β_c = ½ log(1 + √2) (Onsager). */
export const CRITICAL_BETA = 0.5 * Math.log(1 + Math.SQRT2);

/** Onsager–Yang spontaneous magnetization (1 − sinh^{−4} 2β)^{1/8} for β > β_c, else 0. */
export function spontaneousMagnetization(beta: number): number {
  if (beta <= CRITICAL_BETA) return 0;
  return (1 - Math.sinh(2 * beta) ** -4) ** 0.125;
}

/** Energy per spin at β_c in the thermodynamic limit: −√2. */
export const CRITICAL_ENERGY = -Math.SQRT2;

export interface IsingChain {
  /** count × L² spins (±1), row-major per configuration. */
  configurations: Int8Array;
  /** Energy per spin of each configuration. */
  energy: Float64Array;
  /** Magnetization per spin of each configuration. */
  magnetization: Float64Array;
  /** Mean Wolff cluster size over the run, in spins. */
  meanClusterSize: number;
}

/** Energy per spin −(1/L²) Σ_⟨ij⟩ s_i s_j (each bond once: right and down neighbours). */
export function isingEnergy(s: ArrayLike<number>, L: number): number {
  let e = 0;
  for (let r = 0; r < L; r++) {
    for (let c = 0; c < L; c++) {
      const v = s[r * L + c];
      e -= v * (s[r * L + ((c + 1) % L)] + s[((r + 1) % L) * L + c]);
    }
  }
  return e / (L * L);
}

/**
 * `count` configurations from one Wolff chain at inverse temperature β: `burnIn` sweeps, then one
 * configuration every `spacing` sweeps, a sweep being clusters until L² spins have been flipped in
 * total (so a sweep costs about the same at every temperature). `onProgress` hears the share of
 * sweeps done after each one: a chain of a few thousand sweeps is long enough to need it.
 */
export function wolffChain(
  L: number,
  beta: number,
  count: number,
  burnIn: number,
  spacing: number,
  seed: number,
  stream: number,
  onProgress?: ProgressReport,
): IsingChain {
  const N = L * L;
  const s = new Int8Array(N);
  let counter = 0;
  const uniform = (): number => uniformAt(seed, stream, counter++);
  for (let i = 0; i < N; i++) s[i] = uniform() < 0.5 ? 1 : -1;
  const pAdd = -Math.expm1(-2 * beta);
  const stack = new Int32Array(N);
  const inCluster = new Uint8Array(N);
  let flipped = 0;
  let clusters = 0;

  const cluster = (): number => {
    const seedSite = Math.min(N - 1, Math.floor(uniform() * N));
    const spin = s[seedSite];
    let top = 0;
    let size = 0;
    stack[top++] = seedSite;
    inCluster[seedSite] = 1;
    const members: number[] = [];
    while (top > 0) {
      const i = stack[--top];
      members.push(i);
      size++;
      const r = Math.floor(i / L);
      const c = i - r * L;
      const nb = [r * L + ((c + 1) % L), r * L + ((c + L - 1) % L), ((r + 1) % L) * L + c, ((r + L - 1) % L) * L + c];
      for (const j of nb) {
        if (inCluster[j] === 0 && s[j] === spin && uniform() < pAdd) {
          inCluster[j] = 1;
          stack[top++] = j;
        }
      }
    }
    for (const i of members) {
      s[i] = -spin;
      inCluster[i] = 0;
    }
    return size;
  };
  const sweeps = burnIn + count * spacing;
  let swept = 0;
  const sweep = (): void => {
    let done = 0;
    while (done < N) {
      const size = cluster();
      done += size;
      flipped += size;
      clusters++;
    }
    onProgress?.(++swept / sweeps);
  };

  for (let k = 0; k < burnIn; k++) sweep();
  const configurations = new Int8Array(count * N);
  const energy = new Float64Array(count);
  const magnetization = new Float64Array(count);
  for (let m = 0; m < count; m++) {
    for (let k = 0; k < spacing; k++) sweep();
    // A global flip with probability ½ leaves the h = 0 measure invariant, so it is a valid move; it
    // breaks the parity of the number of giant-cluster flips per sweep, which below T_c would
    // otherwise keep every recorded configuration in the same state.
    if (uniform() < 0.5) for (let i = 0; i < N; i++) s[i] = -s[i];
    configurations.set(s, m * N);
    energy[m] = isingEnergy(s, L);
    let sum = 0;
    for (let i = 0; i < N; i++) sum += s[i];
    magnetization[m] = sum / N;
  }
  return { configurations, energy, magnetization, meanClusterSize: clusters > 0 ? flipped / clusters : 0 };
}

/** Complete elliptic integral of the first kind K(k) by the arithmetic–geometric mean. */
function ellipticK(k: number): number {
  let a = 1;
  let b = Math.sqrt(1 - k * k);
  for (let i = 0; i < 40 && Math.abs(a - b) > 1e-16 * a; i++) {
    const next = (a + b) / 2;
    b = Math.sqrt(a * b);
    a = next;
  }
  return Math.PI / (2 * a);
}

/**
 * Onsager's energy per spin in the thermodynamic limit,
 * u = −coth 2β [1 + (2/π)(2 tanh² 2β − 1) K(κ)], κ = 2 sinh 2β / cosh² 2β (−√2 at β_c).
 */
export function onsagerEnergy(beta: number): number {
  const t = Math.tanh(2 * beta);
  const kappa = (2 * Math.sinh(2 * beta)) / Math.cosh(2 * beta) ** 2;
  // At β_c, κ = 1 and K diverges while its prefactor vanishes: the product → 0.
  const tail = Math.abs(2 * t * t - 1) < 1e-12 ? 0 : (2 / Math.PI) * (2 * t * t - 1) * ellipticK(Math.min(kappa, 1 - 1e-16));
  return -(1 / t) * (1 + tail);
}

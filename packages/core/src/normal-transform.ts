/**
 * The Box–Muller transform of 32-bit counter draws, written with IEEE-exact arithmetic only
 * (+, −, ×, ÷, √): Math.log, Math.cos and Math.sin may differ in their last bits between engines,
 * so a generator built on them could not promise the same numbers in every browser and in Node.
 * A draw h stands for the uniform u = (h + 0.5)·2⁻³² ∈ (0, 1).
 */

const TWO_POW_32 = 4294967296;
const LN2 = 0.6931471805599453;
const HALF_PI = 1.5707963267948966;

/**
 * ln(u) for u = (h + 0.5)·2⁻³² with h a 32-bit integer, using only +, −, ×, ÷ (IEEE-exact in every
 * engine, unlike Math.log, whose last bits the language leaves to the engine): u = m·2^k with
 * m ∈ [1/√2, √2], ln m = 2 artanh((m − 1)/(m + 1)) by its series, whose argument is below 0.172,
 * so nine terms leave a relative error under 1e-16. Branch-free: a random branch here would be
 * mispredicted half the time and cost more than the series.
 */
export function logUniform(h: number): number {
  const lz = Math.clz32(h);
  // The bits after h's leading one, as an unsigned 32-bit fraction; above √2 − 1 moves m down an octave.
  const above = -((ROOT2_FRACTION - (((h << lz) | 0x80000000) >>> 0)) >> 31);
  const k = 31 - lz + above;
  const m = (h + 0.5) * POW2_NEG[k + 1];
  const f = (m - 1) / (m + 1);
  const f2 = f * f;
  const series =
    1 + f2 * (1 / 3 + f2 * (1 / 5 + f2 * (1 / 7 + f2 * (1 / 9 + f2 * (1 / 11 + f2 * (1 / 13 + f2 * (1 / 15 + f2 * (1 / 17))))))));
  return 2 * f * series + (k - 32) * LN2;
}

/** √2 · 2³¹, the threshold above which a normalized 32-bit mantissa exceeds √2. */
const ROOT2_FRACTION = 0xb504f334;

/** POW2_NEG[k + 1] = 2^−k for k = −1 … 32, exact. */
const POW2_NEG = Float64Array.from({ length: 34 }, (_, j) => 2 ** (1 - j));

// Taylor coefficients of sin and cos, as constants: multiplications, where divisions would cost 4×.
const S1 = -1 / 6;
const S2 = 1 / 120;
const S3 = -1 / 5040;
const S4 = 1 / 362880;
const S5 = -1 / 39916800;
const S6 = 1 / 6227020800;
const C1 = -1 / 2;
const C2 = 1 / 24;
const C3 = -1 / 720;
const C4 = 1 / 40320;
const C5 = -1 / 3628800;
const C6 = 1 / 479001600;
const C7 = -1 / 87178291200;

/** [cos φ, sin φ, −cos φ, −sin φ], from which a quarter-turn rotation picks without branching. */
export const ROTATION = new Float64Array(4);

/**
 * Fills ROTATION for 2π·u, u = (h + 0.5)·2⁻³², with the same IEEE-only arithmetic: the turn is split
 * into a quarter-turn count j and a remainder φ ∈ [−π/4, π/4], whose sine and cosine come from their
 * Taylor polynomials (error below 2e-14). Returns j; cos 2πu = ROTATION[(4 − j) & 3] and
 * sin 2πu = ROTATION[(j & 3) ^ 1].
 */
export function quarterTurns(h: number): number {
  const v = (h + 0.5) * (4 / TWO_POW_32);
  const j = Math.floor(v + 0.5);
  const phi = (v - j) * HALF_PI;
  const p2 = phi * phi;
  const s = phi + phi * p2 * (S1 + p2 * (S2 + p2 * (S3 + p2 * (S4 + p2 * (S5 + p2 * S6)))));
  const c = 1 + p2 * (C1 + p2 * (C2 + p2 * (C3 + p2 * (C4 + p2 * (C5 + p2 * (C6 + p2 * C7))))));
  ROTATION[0] = c;
  ROTATION[1] = s;
  ROTATION[2] = -c;
  ROTATION[3] = -s;
  return j & 3;
}


// Core's counter-based standard normals (packages/core/src/random.ts, normal-transform.ts) in
// WebAssembly, bit for bit: the same 32-bit integer hash, and the same float64 operations in the
// same order (+, −, ×, ÷ and √ are correctly rounded in WebAssembly as in JavaScript, and scalar
// float64 has no fused multiply-add to slip in). Any change here must be mirrored there, and the
// tests compare the two bit for bit.

// @ts-ignore: decorator
@inline const KEY_A: u32 = 0x9e3779b9;
// @ts-ignore: decorator
@inline const KEY_B: u32 = 0x85ebca6b;
// @ts-ignore: decorator
@inline const NORMAL_DOMAIN: u32 = 0x2545f491;
// @ts-ignore: decorator
@inline const ROOT2_FRACTION: u32 = 0xb504f334;
// @ts-ignore: decorator
@inline const LN2: f64 = 0.6931471805599453;
// @ts-ignore: decorator
@inline const HALF_PI: f64 = 1.5707963267948966;
// (h + 0.5)·4/2³², the quarter-turn count before rounding
// @ts-ignore: decorator
@inline const FOUR_OVER_2_32: f64 = 4.0 / 4294967296.0;

// The series' and polynomials' coefficients, each the double nearest the same quotient as core's
// (a correctly rounded division at compile time, as in JavaScript).
// @ts-ignore: decorator
@inline const L3: f64 = 1.0 / 3.0;
// @ts-ignore: decorator
@inline const L5: f64 = 1.0 / 5.0;
// @ts-ignore: decorator
@inline const L7: f64 = 1.0 / 7.0;
// @ts-ignore: decorator
@inline const L9: f64 = 1.0 / 9.0;
// @ts-ignore: decorator
@inline const L11: f64 = 1.0 / 11.0;
// @ts-ignore: decorator
@inline const L13: f64 = 1.0 / 13.0;
// @ts-ignore: decorator
@inline const L15: f64 = 1.0 / 15.0;
// @ts-ignore: decorator
@inline const L17: f64 = 1.0 / 17.0;
// @ts-ignore: decorator
@inline const S1: f64 = -1.0 / 6.0;
// @ts-ignore: decorator
@inline const S2: f64 = 1.0 / 120.0;
// @ts-ignore: decorator
@inline const S3: f64 = -1.0 / 5040.0;
// @ts-ignore: decorator
@inline const S4: f64 = 1.0 / 362880.0;
// @ts-ignore: decorator
@inline const S5: f64 = -1.0 / 39916800.0;
// @ts-ignore: decorator
@inline const S6: f64 = 1.0 / 6227020800.0;
// @ts-ignore: decorator
@inline const C1: f64 = -1.0 / 2.0;
// @ts-ignore: decorator
@inline const C2: f64 = 1.0 / 24.0;
// @ts-ignore: decorator
@inline const C3: f64 = -1.0 / 720.0;
// @ts-ignore: decorator
@inline const C4: f64 = 1.0 / 40320.0;
// @ts-ignore: decorator
@inline const C5: f64 = -1.0 / 3628800.0;
// @ts-ignore: decorator
@inline const C6: f64 = 1.0 / 479001600.0;
// @ts-ignore: decorator
@inline const C7: f64 = -1.0 / 87178291200.0;

// @ts-ignore: decorator
@inline function mix32(x: u32): u32 {
  x ^= x >> 16;
  x *= 0x7feb352d;
  x ^= x >> 15;
  x *= 0x846ca68b;
  x ^= x >> 16;
  return x;
}

// @ts-ignore: decorator
@inline function keyedHash(key: u32, stream: u32, index: u64): u32 {
  const h = mix32(key ^ (<u32>index * KEY_B) ^ <u32>(index >> 32));
  return mix32(h + KEY_A + stream);
}

// 2⁻ᵏ, exact, from its exponent bits (k = −1 … 32)
// @ts-ignore: decorator
@inline function pow2Neg(k: i32): f64 {
  return reinterpret<f64>(<u64>(1023 - k) << 52);
}

// k of core's logUniform: u = (h + 0.5)·2⁻³² = m·2^(k − 32) with m ∈ [1/√2, √2]
// @ts-ignore: decorator
@inline function octave(h: u32): i32 {
  const lz = <i32>clz<u32>(h);
  return 31 - lz + <i32>(((h << lz) | 0x80000000) > ROOT2_FRACTION);
}

// ln u for u = (h + 0.5)·2⁻³²: core's logUniform.
// @ts-ignore: decorator
@inline function logUniform(h: u32): f64 {
  const k = octave(h);
  const m = (<f64>h + 0.5) * pow2Neg(k);
  const f = (m - 1) / (m + 1);
  const f2 = f * f;
  const series = 1 + f2 * (L3 + f2 * (L5 + f2 * (L7 + f2 * (L9 + f2 * (L11 + f2 * (L13 + f2 * (L15 + f2 * L17)))))));
  return 2 * f * series + <f64>(k - 32) * LN2;
}

// Writes pair p's r·cos θ at out[i] (when i ≥ 0) and r·sin θ at out[i + 1] (when i + 1 < len).
function onePair(key: u32, stream: u32, pair: u64, out: usize, i: i32, len: i32): void {
  const r = Math.sqrt(-2 * logUniform(keyedHash(key, stream, pair << 1)));
  const v = (<f64>keyedHash(key, stream, (pair << 1) | 1) + 0.5) * FOUR_OVER_2_32;
  const j = Math.floor(v + 0.5);
  const phi = (v - j) * HALF_PI;
  const p2 = phi * phi;
  const s = phi + phi * p2 * (S1 + p2 * (S2 + p2 * (S3 + p2 * (S4 + p2 * (S5 + p2 * S6)))));
  const c = 1 + p2 * (C1 + p2 * (C2 + p2 * (C3 + p2 * (C4 + p2 * (C5 + p2 * (C6 + p2 * C7))))));
  const q = <i32>j & 3;
  if (i >= 0) store<f64>(out + (<usize>i << 3), cosOf(q, c, s) * r);
  if (i + 1 < len) store<f64>(out + (<usize>(i + 1) << 3), sinOf(q, c, s) * r);
}

// cos 2πv and sin 2πv from (c, s) = (cos φ, sin φ) and the quarter turn q: (c, s), (−s, c),
// (−c, −s), (s, −c). A negation then a product is exactly the negated product, as with core's
// table of signed values.
// @ts-ignore: decorator
@inline function cosOf(q: i32, c: f64, s: f64): f64 {
  const a = (q & 1) != 0 ? s : c;
  return q == 1 || q == 2 ? -a : a;
}

// @ts-ignore: decorator
@inline function sinOf(q: i32, c: f64, s: f64): f64 {
  const b = (q & 1) != 0 ? c : s;
  return q >= 2 ? -b : b;
}

// @ts-ignore: decorator
@inline function mix32x4(x: v128): v128 {
  x = v128.xor(x, i32x4.shr_u(x, 16));
  x = i32x4.mul(x, i32x4.splat(0x7feb352d));
  x = v128.xor(x, i32x4.shr_u(x, 15));
  x = i32x4.mul(x, i32x4.splat(0x846ca68b));
  return v128.xor(x, i32x4.shr_u(x, 16));
}

// keyedHash of four indices given as their low and high 32-bit words, one per lane
// @ts-ignore: decorator
@inline function keyedHashX4(key: u32, stream: u32, lo: v128, hi: v128): v128 {
  const h = mix32x4(v128.xor(v128.xor(i32x4.splat(key), i32x4.mul(lo, i32x4.splat(KEY_B))), hi));
  return mix32x4(i32x4.add(h, i32x4.splat(KEY_A + stream)));
}

// Four consecutive indices base + offsets (offsets < 8) as low words and high words (carried)
// @ts-ignore: decorator
@inline function lowWords(lo0: u32, offsets: v128): v128 {
  return i32x4.add(i32x4.splat(lo0), offsets);
}

// @ts-ignore: decorator
@inline function highWords(lo0: u32, hi0: u32, lo: v128): v128 {
  // a lane whose low word wrapped past 2³² carries one into its high word (the mask is −1 there)
  return i32x4.sub(i32x4.splat(hi0), i32x4.lt_u(lo, i32x4.splat(lo0)));
}

// The constants of the vector path, splat-loaded from memory where used: as v128.const V8 would
// rebuild each one inside the loop, several instructions apiece.
const TABLE = memory.data<f64>([
  0.5, 1, 2, -2, LN2, FOUR_OVER_2_32, HALF_PI,
  L3, L5, L7, L9, L11, L13, L15, L17,
  S1, S2, S3, S4, S5, S6,
  C1, C2, C3, C4, C5, C6, C7,
], 16);

// @ts-ignore: decorator
@inline function K(i: i32): v128 {
  return v128.load64_splat(TABLE + (<usize>i << 3));
}

// Pairs p and p + 1 from their draws hu = (u_p, u_{p+1}), hv = (v_p, v_{p+1}) and octaves k0, k1:
// r·cos θ, r·sin θ of each at out[0..3], every lane core's scalar operations in core's order.
// @ts-ignore: decorator
@inline function twoPairs(hu: v128, k0: i32, k1: i32, hv: v128, at: usize): void {
  const half = K(0);
  const one = K(1);
  const scale = f64x2.replace_lane(f64x2.splat(pow2Neg(k0)), 1, pow2Neg(k1));
  const m = f64x2.mul(f64x2.add(hu, half), scale);
  const f = f64x2.div(f64x2.sub(m, one), f64x2.add(m, one));
  const f2 = f64x2.mul(f, f);
  let t = f64x2.mul(f2, K(14));
  t = f64x2.mul(f2, f64x2.add(K(13), t));
  t = f64x2.mul(f2, f64x2.add(K(12), t));
  t = f64x2.mul(f2, f64x2.add(K(11), t));
  t = f64x2.mul(f2, f64x2.add(K(10), t));
  t = f64x2.mul(f2, f64x2.add(K(9), t));
  t = f64x2.mul(f2, f64x2.add(K(8), t));
  t = f64x2.mul(f2, f64x2.add(K(7), t));
  const series = f64x2.add(one, t);
  const kk = f64x2.replace_lane(f64x2.splat(<f64>(k0 - 32)), 1, <f64>(k1 - 32));
  const ln = f64x2.add(f64x2.mul(f64x2.mul(K(2), f), series), f64x2.mul(kk, K(4)));
  const r = f64x2.sqrt(f64x2.mul(K(3), ln));

  const v = f64x2.mul(f64x2.add(hv, half), K(5));
  const j = f64x2.floor(f64x2.add(v, half));
  const phi = f64x2.mul(f64x2.sub(v, j), K(6));
  const p2 = f64x2.mul(phi, phi);
  let ps = f64x2.mul(p2, K(20));
  ps = f64x2.mul(p2, f64x2.add(K(19), ps));
  ps = f64x2.mul(p2, f64x2.add(K(18), ps));
  ps = f64x2.mul(p2, f64x2.add(K(17), ps));
  ps = f64x2.mul(p2, f64x2.add(K(16), ps));
  ps = f64x2.add(K(15), ps);
  const s = f64x2.add(phi, f64x2.mul(f64x2.mul(phi, p2), ps));
  let pc = f64x2.mul(p2, K(27));
  pc = f64x2.mul(p2, f64x2.add(K(26), pc));
  pc = f64x2.mul(p2, f64x2.add(K(25), pc));
  pc = f64x2.mul(p2, f64x2.add(K(24), pc));
  pc = f64x2.mul(p2, f64x2.add(K(23), pc));
  pc = f64x2.mul(p2, f64x2.add(K(22), pc));
  pc = f64x2.mul(p2, f64x2.add(K(21), pc));
  const c = f64x2.add(one, pc);

  // the quarter turn q = j mod 4 picks (cos, sin) = (c, s), (−s, c), (−c, −s), (s, −c) without a
  // branch: odd q swaps, q ∈ {1, 2} negates the cosine, q ≥ 2 the sine. A sign flip then a product
  // is exactly the negated product, as with core's table of signed values.
  const q = i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(j));
  const swap = i64x2.sub(i64x2.splat(0), v128.and(q, i64x2.splat(1)));
  const cosSign = i64x2.shl(v128.and(i64x2.shr_u(i64x2.add(q, i64x2.splat(1)), 1), i64x2.splat(1)), 63);
  const sinSign = i64x2.shl(v128.and(i64x2.shr_u(q, 1), i64x2.splat(1)), 63);
  const cosR = f64x2.mul(v128.xor(v128.bitselect(s, c, swap), cosSign), r);
  const sinR = f64x2.mul(v128.xor(v128.bitselect(c, s, swap), sinSign), r);
  v128.store(at, i64x2.shuffle(cosR, sinR, 0, 2));
  v128.store(at, i64x2.shuffle(cosR, sinR, 1, 3), 16);
}

/**
 * out[i] = normalAt(seed, stream, start + i) for i < len, as float64 at byte offset `out`: core's
 * fillNormalAt with scale 1. `start` is an integer below 2⁵³ (exact in f64), so 2·pair + 1 fits a
 * u64 and its high word is what core's Math.floor(index / 2³²) contributes to the hash. Four pairs
 * at a time: their eight hashes in two i32x4 vectors, their transforms in f64x2 lanes.
 */
export function fillNormals(seed: u32, stream: u32, start: f64, out: usize, len: i32): void {
  if (len <= 0) return;
  const key = mix32(seed ^ ((stream + 1) * KEY_A) ^ NORMAL_DOMAIN);
  const first = <u64>start;
  let pair = first >> 1;
  let i: i32 = 0;
  if ((first & 1) != 0) {
    // an odd start begins with the second member of its pair
    onePair(key, stream, pair, out, -1, len);
    i = 1;
    pair++;
  }
  const uOffsets = i32x4(0, 2, 4, 6);
  const vOffsets = i32x4(1, 3, 5, 7);
  for (; i + 8 <= len; i += 8, pair += 4) {
    const base = pair << 1;
    const lo0 = <u32>base;
    const hi0 = <u32>(base >> 32);
    const uLo = lowWords(lo0, uOffsets);
    const vLo = lowWords(lo0, vOffsets);
    const u = keyedHashX4(key, stream, uLo, highWords(lo0, hi0, uLo));
    const v = keyedHashX4(key, stream, vLo, highWords(lo0, hi0, vLo));
    const uHigh = i32x4.shuffle(u, u, 2, 3, 0, 1);
    const vHigh = i32x4.shuffle(v, v, 2, 3, 0, 1);
    const at = out + (<usize>i << 3);
    twoPairs(f64x2.convert_low_i32x4_u(u), octave(i32x4.extract_lane(u, 0)), octave(i32x4.extract_lane(u, 1)), f64x2.convert_low_i32x4_u(v), at);
    twoPairs(f64x2.convert_low_i32x4_u(uHigh), octave(i32x4.extract_lane(u, 2)), octave(i32x4.extract_lane(u, 3)), f64x2.convert_low_i32x4_u(vHigh), at + 32);
  }
  for (; i < len; i += 2, pair++) onePair(key, stream, pair, out, i, len);
}

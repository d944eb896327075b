/*
 * Core's counter-based generator (packages/core/src/random.ts) in WGSL, for noise drawn where the
 * state lives. The hash is 32-bit integer arithmetic (wrapping multiplies, xor, shifts), exact in
 * WGSL's u32, so the uniforms are core's bit for bit; a 64-bit index travels as two u32 words, as
 * core splits it (low word into the multiply, high word xored in). The Box–Muller transform is
 * core's in float32: WGSL has no float64, so the normals are within a few float32 ulps of core's
 * (float64, then rounded), not equal. The transform avoids the inexact built-ins (WGSL's log is
 * only good to a few ulp and its sin and cos to an absolute 2⁻¹¹): ln u from an exact power-of-two
 * reduction in integers and the artanh series; sin and cos by Taylor polynomials on a quarter turn
 * found from the integer draw, so u near 1 and angles near a quarter turn lose nothing to rounding.
 */

export const NOISE_WGSL = /* wgsl */ `
const KEY_A = 0x9e3779b9u;
const KEY_B = 0x85ebca6bu;
const NORMAL_DOMAIN = 0x2545f491u;
const ROOT2_FRACTION = 0xb504f334u;
// ln 2 split so that e·LN2_HI is exact for the exponents here (|e| ≤ 33)
const LN2_HI = 0.693145751953125;
const LN2_LO = 1.4286068202862268e-6;
const HALF_PI_2_NEG_30 = 1.4629180792671596e-9;

fn mix32(x0: u32) -> u32 {
  var x = x0;
  x ^= x >> 16u;
  x *= 0x7feb352du;
  x ^= x >> 15u;
  x *= 0x846ca68bu;
  x ^= x >> 16u;
  return x;
}

fn streamKey(seed: u32, stream: u32, domain: u32) -> u32 {
  return mix32(seed ^ ((stream + 1u) * KEY_A) ^ domain);
}

/** index = hi·2³² + lo */
fn keyedHash(key: u32, stream: u32, lo: u32, hi: u32) -> u32 {
  let h = mix32(key ^ (lo * KEY_B) ^ hi);
  return mix32(h + KEY_A + stream);
}

/** core's hash32(seed, stream, index) */
fn hash32(seed: u32, stream: u32, lo: u32, hi: u32) -> u32 {
  return keyedHash(streamKey(seed, stream, 0u), stream, lo, hi);
}

/** ln u for u = (h + 0.5)·2⁻³²: u = m·2^(k−32) with m ∈ [1/√2, √2], f = (m − 1)/(m + 1) from integers. */
fn logUniform(h: u32) -> f32 {
  if (h == 0u) { return -33.0 * LN2_HI - 33.0 * LN2_LO; }
  let lz = countLeadingZeros(h);
  let above = select(0u, 1u, ((h << lz) | 0x80000000u) > ROOT2_FRACTION);
  let k = 31u - lz + above;
  // h − 2^k, exact: |h − 2^k| < 2³¹, and 2³² wraps to 0, leaving h − 2³² as the i32 bits of h
  let diff = bitcast<i32>(h - select(1u << k, 0u, k == 32u));
  let num = f32(diff) + 0.5;
  let den = num + exp2(f32(k) + 1.0);
  let f = num / den;
  let f2 = f * f;
  let series = 1.0 + f2 * (1.0 / 3.0 + f2 * (1.0 / 5.0 + f2 * (1.0 / 7.0 + f2 * (1.0 / 9.0 + f2 * (1.0 / 11.0)))));
  let e = f32(i32(k) - 32);
  return e * LN2_HI + (2.0 * f * series + e * LN2_LO);
}

/** (cos 2πv, sin 2πv) for v = (h + 0.5)·2⁻³²: j quarter turns and a remainder φ ∈ [−π/4, π/4]. */
fn turn(h: u32) -> vec2<f32> {
  // j = round((h + 0.5)/2³⁰), wrapping 4 to 0; h − j·2³⁰ as i32 is then exact for j = 4 too
  let j = (h + 0x20000000u) >> 30u;
  let phi = (f32(bitcast<i32>(h - (j << 30u))) + 0.5) * HALF_PI_2_NEG_30;
  let p2 = phi * phi;
  let s = phi + phi * p2 * (-1.0 / 6.0 + p2 * (1.0 / 120.0 + p2 * (-1.0 / 5040.0 + p2 * (1.0 / 362880.0))));
  let c = 1.0 + p2 * (-0.5 + p2 * (1.0 / 24.0 + p2 * (-1.0 / 720.0 + p2 * (1.0 / 40320.0 + p2 * (-1.0 / 3628800.0)))));
  var rot = array<f32, 4>(c, s, -c, -s);
  return vec2<f32>(rot[(4u - j) & 3u], rot[j ^ 1u]);
}

/** The pair of normals (r cos θ, r sin θ) from the draws h0 (radius) and h1 (angle). */
fn normalPair(h0: u32, h1: u32) -> vec2<f32> {
  let r = sqrt(-2.0 * logUniform(h0));
  return r * turn(h1);
}

/** core's normalAt(seed, stream, hi·2³² + lo), in float32 */
fn normalAt(seed: u32, stream: u32, lo: u32, hi: u32) -> f32 {
  let key = streamKey(seed, stream, NORMAL_DOMAIN);
  let even = lo & 0xfffffffeu;
  let pair = normalPair(keyedHash(key, stream, even, hi), keyedHash(key, stream, even | 1u, hi));
  return select(pair.x, pair.y, (lo & 1u) == 1u);
}
`;

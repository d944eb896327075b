/**
 * Counter-based random numbers: every draw is a pure function of (seed, stream, index), so a
 * simulation can be split across workers or kernels and still reproduce bit for bit. The mixer is
 * a keyed 32-bit integer hash (two rounds of multiply–xorshift, Philox-style key injection between
 * them); it uses only 32-bit integer multiply, xor and shifts, which behave identically in every
 * JavaScript engine.
 */

import { ROTATION, logUniform, quarterTurns } from './normal-transform.ts';

const KEY_A = 0x9e3779b9;
const KEY_B = 0x85ebca6b;
const TWO_POW_32 = 4294967296;

function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/**
 * The part of the hash that depends on (seed, stream) only. `domain` separates the draws behind
 * normals from the uniforms of the same stream: a sequential Rng shares one counter between
 * `uniform()` and `normal()`, and without it the normal after a uniform would reuse that uniform's
 * hash.
 */
function streamKey(seed: number, stream: number, domain: number): number {
  return mix32((seed ^ Math.imul(stream + 1, KEY_A) ^ domain) >>> 0);
}

function keyedHash(key: number, stream: number, index: number): number {
  const h = mix32((key ^ Math.imul(index >>> 0, KEY_B) ^ Math.floor(index / TWO_POW_32)) >>> 0);
  return mix32((h + KEY_A + stream) >>> 0);
}

const UNIFORM_DOMAIN = 0;
const NORMAL_DOMAIN = 0x2545f491;

/** Uniform 32-bit unsigned integer for (seed, stream, index). */
export function hash32(seed: number, stream: number, index: number): number {
  return keyedHash(streamKey(seed, stream, UNIFORM_DOMAIN), stream, index);
}

const INV_2_32 = 1 / 4294967296;

/** Uniform in the open interval (0, 1): never 0, so log(u) is finite. */
export function uniformAt(seed: number, stream: number, index: number): number {
  return (hash32(seed, stream, index) + 0.5) * INV_2_32;
}

/**
 * Standard normals for (seed, stream, index) by Box–Muller, two per pair of counter draws: indices
 * 2p and 2p + 1 are r·cos θ and r·sin θ with r = √(−2 ln u), θ = 2π v, u and v the draws at 2p
 * and 2p + 1 of the stream's normal domain (independent of its uniforms). Both outputs are used,
 * so a draw costs one hash and half a transform, and the transform is written with IEEE-exact
 * arithmetic only, so every engine returns the same bits.
 */
export function normalAt(seed: number, stream: number, index: number): number {
  const pair = Math.floor(index / 2);
  const key = streamKey(seed, stream, NORMAL_DOMAIN);
  const r = Math.sqrt(-2 * logUniform(keyedHash(key, stream, 2 * pair)));
  const j = quarterTurns(keyedHash(key, stream, 2 * pair + 1));
  return (index - 2 * pair === 0 ? ROTATION[(4 - j) & 3] : ROTATION[j ^ 1]) * r;
}

/**
 * out[i] = scale · normalAt(seed, stream, start + i), in bulk: the same numbers as one draw at a
 * time, bit for bit, at a fraction of the cost (the seed and stream part of the hash is computed
 * once, and each pair's transform once).
 */
export function fillNormalAt(
  seed: number,
  stream: number,
  start: number,
  out: Float32Array | Float64Array,
  scale = 1,
): typeof out {
  const len = out.length;
  if (len === 0) return out;
  const key = streamKey(seed, stream, NORMAL_DOMAIN);
  let i = 0;
  let pair = Math.floor(start / 2);
  if (start - 2 * pair === 1) {
    out[0] = scale * normalAt(seed, stream, start);
    i = 1;
    pair++;
  }
  for (; i < len; i += 2, pair++) {
    const r = Math.sqrt(-2 * logUniform(keyedHash(key, stream, 2 * pair)));
    const j = quarterTurns(keyedHash(key, stream, 2 * pair + 1));
    out[i] = scale * (ROTATION[(4 - j) & 3] * r);
    if (i + 1 < len) out[i + 1] = scale * (ROTATION[j ^ 1] * r);
  }
  return out;
}

/**
 * A sequential view of one stream. Streams separate the independent uses inside one experiment
 * (training data, initial noise, per-step noise) so changing one leaves the others unchanged.
 */
export class Rng {
  readonly seed: number;
  readonly streamId: number;
  private counter = 0;

  constructor(seed: number, stream = 0) {
    this.seed = seed >>> 0;
    this.streamId = stream >>> 0;
  }

  /** An independent generator for a named sub-use. */
  stream(stream: number): Rng {
    return new Rng(this.seed, stream);
  }

  uniform(): number {
    return uniformAt(this.seed, this.streamId, this.counter++);
  }

  normal(): number {
    return normalAt(this.seed, this.streamId, this.counter++);
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  fillNormal(out: Float32Array | Float64Array, scale = 1): typeof out {
    fillNormalAt(this.seed, this.streamId, this.counter, out, scale);
    this.counter += out.length;
    return out;
  }
}

/** Well-separated stream ids for the common uses, so experiments agree on them. */
export const Streams = {
  data: 1,
  init: 2,
  steps: 3,
  fresh: 4,
  probes: 5,
} as const;

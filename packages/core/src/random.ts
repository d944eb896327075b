/**
 * Counter-based random numbers: every draw is a pure function of (seed, stream, index), so a
 * simulation can be split across workers or kernels and still reproduce bit for bit. The mixer is
 * a keyed 32-bit integer hash (two rounds of multiply–xorshift, Philox-style key injection between
 * them); it uses only 32-bit integer multiply, xor and shifts, which behave identically in every
 * JavaScript engine.
 */

const KEY_A = 0x9e3779b9;
const KEY_B = 0x85ebca6b;

function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Uniform 32-bit unsigned integer for (seed, stream, index). */
export function hash32(seed: number, stream: number, index: number): number {
  let h = mix32((seed ^ Math.imul(stream + 1, KEY_A)) >>> 0);
  h = mix32((h ^ Math.imul(index >>> 0, KEY_B) ^ Math.floor(index / 4294967296)) >>> 0);
  return mix32((h + KEY_A + stream) >>> 0);
}

const INV_2_32 = 1 / 4294967296;

/** Uniform in the open interval (0, 1): never 0, so log(u) is finite. */
export function uniformAt(seed: number, stream: number, index: number): number {
  return (hash32(seed, stream, index) + 0.5) * INV_2_32;
}

/** Standard normal for (seed, stream, index), by Box–Muller on two counter draws. */
export function normalAt(seed: number, stream: number, index: number): number {
  const u1 = uniformAt(seed, stream, 2 * index);
  const u2 = uniformAt(seed, stream, 2 * index + 1);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
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
    for (let i = 0; i < out.length; i++) out[i] = scale * this.normal();
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

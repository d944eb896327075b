import { meanToScore } from '@diffusion-atlas/core';
import { SOFTMAX_DENOISE_RELAXED_WASM_BASE64, SOFTMAX_DENOISE_WASM_BASE64 } from './softmax-denoise.wasm.ts';

/*
 * One instance of the wasm-simd kernel and the memory layout around it. Used by the single-thread
 * kernels in the calling thread and by each pool worker (every thread owns one instance and one
 * private, non-shared memory: one binary then works with and without cross-origin isolation).
 */

/** 'relaxed': the build with relaxed SIMD's fused multiply-add; 'simd': SIMD128 only. */
export type WasmVariant = 'relaxed' | 'simd';

interface KernelExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  scratchBytes(d: number, nP: number, dp: number): number;
  denoise(
    q: number, rows: number, d: number, n: number, nP: number, dp: number,
    ct: number, ca: number, hn: number, lw: number, s: number, variance: number,
    out: number, nearest: number, scratch: number, phases: number,
  ): number;
  denoise2(
    q: number, rows: number, n: number, nP: number,
    ct: number, lw: number, invS: number, coef: number,
    out: number, nearest: number, scratch: number,
  ): void;
  eulerMaruyamaRows(q: number, out: number, noise: number, rows: number, d: number, dp: number, scale: number, variance: number, eta: number, s: number): void;
  maddProbe(rounds: number, seed: number): number;
  centreBlock(): number;
  fillNormals(seed: number, stream: number, start: number, out: number, len: number): void;
}

/** Floating-point operations per round of the build's `maddProbe`: 12 f32x4 multiply-adds. */
export const MADD_PROBE_FLOPS_PER_ROUND = 96;

/**
 * Runs `maddProbe` for `rounds` rounds on a fresh instance of `variant`; returns its seconds by
 * `clock` (seconds; wall time by default).
 */
export function timeMaddProbe(variant: WasmVariant, rounds: number, clock: () => number = () => performance.now() / 1000): number {
  const probe = (new WebAssembly.Instance(wasmModule(variant), {}).exports as unknown as KernelExports).maddProbe;
  probe(1000, 1e-3);
  const t0 = clock();
  const sink = probe(rounds, 1e-3);
  const seconds = clock() - t0;
  if (!Number.isFinite(sink)) throw new Error('maddProbe returned a non-finite value');
  return seconds;
}

const decoded = new Map<WasmVariant, Uint8Array<ArrayBuffer>>();

/** A build's binary, decoded once. */
export function wasmBytes(variant: WasmVariant): Uint8Array<ArrayBuffer> {
  let bytes = decoded.get(variant);
  if (bytes === undefined) {
    const text = atob(variant === 'relaxed' ? SOFTMAX_DENOISE_RELAXED_WASM_BASE64 : SOFTMAX_DENOISE_WASM_BASE64);
    bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    decoded.set(variant, bytes);
  }
  return bytes;
}

/** Validating the binary itself answers for WebAssembly and every SIMD instruction it uses at once. */
function validates(variant: WasmVariant): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(wasmBytes(variant));
  } catch {
    return false;
  }
}

/** Whether this engine runs the kernel at all (the SIMD128 build). */
export function wasmSimdSupported(): boolean {
  return validates('simd');
}

/** The build to use here: relaxed SIMD where the engine has it, else SIMD128, else none. */
export function preferredVariant(): WasmVariant | undefined {
  if (validates('relaxed')) return 'relaxed';
  return validates('simd') ? 'simd' : undefined;
}

const compiled = new Map<WasmVariant, WebAssembly.Module>();

/** Compiled once per thread; synchronous compilation is allowed off the main thread and in Node. */
export function wasmModule(variant: WasmVariant = preferredVariant() ?? 'simd'): WebAssembly.Module {
  let module = compiled.get(variant);
  if (module === undefined) {
    module = new WebAssembly.Module(wasmBytes(variant));
    compiled.set(variant, module);
  }
  return module;
}

/** Query rows per kernel tile, a multiple of both builds' (6 and 3): the kernel writes whole tiles. */
export const ROW_BLOCK = 6;
/**
 * Where d = 2 puts its padding centres: 2⁶⁰, so a padding distance (about 2¹²¹, still a finite
 * float32) times any positive s²/(2Δ) is so far below the row's best that its weight is flushed to
 * exactly 0 and it is never nearest, and 0 × 2⁶⁰ adds an exact 0 to the weighted sum.
 */
const PAD_FAR = 2 ** 60;

const align = (x: number, a: number): number => Math.ceil(x / a) * a;

interface Layout {
  n: number;
  d: number;
  nP: number;
  dp: number;
  rowsCap: number;
  ct: number;
  ca: number;
  hn: number;
  lw: number;
  q: number;
  out: number;
  nearest: number;
  scratch: number;
  /** The step's normals of a block's rows (float64, rowsCap × d); 0 until a block asks for it. */
  noise: number;
  end: number;
}

export interface DenoiseBlock {
  queries: Float32Array;
  /** First query row of the block in `queries` (rows of d floats). */
  row0: number;
  rows: number;
  scale: number;
  variance: number;
  logWeights: Float32Array | undefined;
  /**
   * Write the score (scale·mean − query)/variance instead of the mean (`SoftmaxDenoiseArgs.asScore`),
   * each thread for its own rows, with core's `meanToScore`.
   */
  asScore?: boolean;
  /** Destinations: mean rows (stride d) and nearest, written at the same row indices. */
  mean: Float32Array;
  nearest: Int32Array;
}

/**
 * One backward SDE step of the rows `loadRows` put in the instance (`WasmDenoiser.step`): the
 * step's centres' scale and variance, η and s = √(2η), where its normals start in (seed, stream),
 * and where the new states and the nearest centres go.
 */
export interface RowsStep {
  scale: number;
  variance: number;
  eta: number;
  s: number;
  seed: number;
  stream: number;
  noiseStart: number;
  history: Float32Array;
  historyAt: number;
  nearest: Int32Array;
  nearestAt: number;
}

/**
 * How much of a call runs, for the benchmark's breakdown: the inner products only, up to the
 * softmax, or everything (what the sampler gets).
 */
export type DenoisePhases = 1 | 2 | 3;

/**
 * A kernel instance with memory laid out for one (n, d) and a capacity of query rows; buffers are
 * reused across calls and only grow, so the sampler's steps allocate nothing here.
 */
export class WasmDenoiser {
  readonly #exports: KernelExports;
  #layout: Layout | undefined;
  #f32 = new Float32Array(0);
  #f64 = new Float64Array(0);
  #i32 = new Int32Array(0);
  /** Which centres the layout holds: set by `setCentres`, compared by the caller. */
  centresToken: unknown = undefined;
  /** The rows `loadRows` put in the instance, and whether with log-weights. */
  #stepRows = 0;
  #stepLogWeights = false;

  constructor(module: WebAssembly.Module) {
    const instance = new WebAssembly.Instance(module, {});
    this.#exports = instance.exports as unknown as KernelExports;
  }

  /** Lays out n × d centres: coordinate-major groups (of the distance tile's width) for distances, padded rows for sums. */
  setCentres(centres: Float32Array, n: number, d: number, token: unknown, rowsCap = ROW_BLOCK): void {
    const layout = this.#reserve(n, d, rowsCap);
    const f = this.#f32;
    const ct = layout.ct >> 2;
    const ca = layout.ca >> 2;
    f.fill(d === 2 ? PAD_FAR : 0, ct, ct + layout.nP * d);
    f.fill(0, ca, ca + n * layout.dp);
    const hn = layout.hn >> 3;
    // |c|²/2 in float64; padding centres can never win nor weigh
    this.#f64.fill(Infinity, hn, hn + layout.nP);
    // coordinate-major groups: of four for d = 2, of the distance tile's width otherwise
    const width = d === 2 ? 4 : this.#exports.centreBlock();
    for (let mu = 0; mu < n; mu++) {
      const g = Math.floor(mu / width);
      const j = mu - g * width;
      const src = mu * d;
      const soa = ct + g * d * width + j;
      let norm2 = 0;
      for (let k = 0; k < d; k++) {
        const v = centres[src + k];
        f[soa + width * k] = v;
        // blocks of `width` coordinates, each holding every centre's run (the weighted sum's layout)
        f[ca + (Math.floor(k / width) * n + mu) * width + (k % width)] = v;
        norm2 += v * v;
      }
      this.#f64[hn + mu] = norm2 / 2;
    }
    this.centresToken = token;
  }

  /**
   * Makes room for at least `rows` query rows per call; the centres stay where they are. With
   * `steps`, also for the normals of a block's steps (`step`).
   */
  ensureRows(rows: number, steps = false): void {
    const l = this.#layout;
    if (l === undefined) throw new Error('setCentres first');
    if (rows > l.rowsCap || (steps && l.noise === 0)) this.#reserve(l.n, l.d, Math.max(rows, l.rowsCap), steps);
  }

  /** Computes a block; returns the weighted sum's multiply-adds (0 for d = 2). */
  run(b: DenoiseBlock, phases: DenoisePhases = 3): number {
    const l = this.#layout;
    if (l === undefined) throw new Error('setCentres first');
    if (b.rows > l.rowsCap) throw new Error(`block of ${b.rows} rows exceeds capacity ${l.rowsCap}`);
    const { d, n } = l;
    const f = this.#f32;
    // the queries take the place of any rows loaded for steps
    this.#stepRows = 0;
    f.set(b.queries.subarray(b.row0 * d, (b.row0 + b.rows) * d), l.q >> 2);
    if (b.logWeights) f.set(b.logWeights.subarray(0, n), l.lw >> 2);
    const work = this.#denoise(l, b.rows, b.scale, b.variance, b.logWeights !== undefined, phases);
    const out = l.out >> 2;
    if (l.dp === d) {
      b.mean.set(f.subarray(out, out + b.rows * d), b.row0 * d);
    } else {
      for (let r = 0; r < b.rows; r++) b.mean.set(f.subarray(out + r * l.dp, out + r * l.dp + d), (b.row0 + r) * d);
    }
    if (b.asScore === true) meanToScore(b.mean, b.queries, b.scale, b.variance, b.row0 * d, (b.row0 + b.rows) * d);
    const nr = l.nearest >> 2;
    b.nearest.set(this.#i32.subarray(nr, nr + b.rows), b.row0);
    return work;
  }

  /**
   * Puts rows row0 … row0 + rows of x (m × d) in the instance, with the log-weights: the states a
   * block's steps then advance in place (`step`), without a copy in or out of the instance per step.
   */
  loadRows(x: Float32Array, row0: number, rows: number, logWeights: Float32Array | undefined): void {
    const l = this.#layout;
    if (l === undefined) throw new Error('setCentres first');
    if (rows > l.rowsCap || l.noise === 0) throw new Error(`loadRows: ensureRows(${rows}, true) first`);
    this.#f32.set(x.subarray(row0 * l.d, (row0 + rows) * l.d), l.q >> 2);
    if (logWeights) this.#f32.set(logWeights.subarray(0, l.n), l.lw >> 2);
    this.#stepRows = rows;
    this.#stepLogWeights = logWeights !== undefined;
  }

  /**
   * One backward SDE step of the loaded rows, in the instance: the kernel, the score, the step's
   * normals, the update (eulerMaruyamaRows); then the new states and the nearest centres (of the
   * states the step started from) are copied out. The operations of `run` with `asScore`, core's
   * normals and `sampleBackward`'s update, in their order: the same bits.
   */
  step(p: RowsStep): void {
    const l = this.#layout;
    if (l === undefined || this.#stepRows === 0) throw new Error('loadRows first');
    const rows = this.#stepRows;
    const { d } = l;
    const e = this.#exports;
    this.#denoise(l, rows, p.scale, p.variance, this.#stepLogWeights, 3);
    e.fillNormals(p.seed, p.stream, p.noiseStart, l.noise, rows * d);
    e.eulerMaruyamaRows(l.q, l.out, l.noise, rows, d, l.dp, p.scale, p.variance, p.eta, p.s);
    const q = l.q >> 2;
    p.history.set(this.#f32.subarray(q, q + rows * d), p.historyAt);
    const nr = l.nearest >> 2;
    p.nearest.set(this.#i32.subarray(nr, nr + rows), p.nearestAt);
  }

  /** The kernel on `rows` rows at l.q, into l.out and l.nearest (the log-weights already at l.lw when `weighted`). */
  #denoise(l: Layout, rows: number, scale: number, variance: number, weighted: boolean, phases: DenoisePhases): number {
    const lw = weighted ? l.lw : 0;
    if (l.d === 2) {
      const invS = 1 / scale;
      // s²/(2Δ): the kernel sums (q/s − c)², so distances come out divided by s²
      const coef = (scale * scale) / (2 * variance);
      this.#exports.denoise2(l.q, rows, l.n, l.nP, l.ct, lw, invS, coef, l.out, l.nearest, l.scratch);
      return 0;
    }
    return this.#exports.denoise(l.q, rows, l.d, l.n, l.nP, l.dp, l.ct, l.ca, l.hn, lw, scale, variance, l.out, l.nearest, l.scratch, phases);
  }

  /** Bytes of linear memory in use (for the working-set figure). */
  get memoryBytes(): number {
    return this.#exports.memory.buffer.byteLength;
  }

  #reserve(n: number, d: number, rowsCap: number, steps = false): Layout {
    const old = this.#layout;
    // once a block has asked for the normals' room, it is kept
    const withNoise = steps || (old !== undefined && old.noise !== 0);
    if (old !== undefined && old.n === n && old.d === d && old.rowsCap >= rowsCap && (old.noise !== 0 || !withNoise)) return old;
    // whole distance tiles (8 or 12 centres, by build); d = 2 reads groups of eight
    const nP = align(n, d === 2 ? 8 : this.#exports.centreBlock());
    // rows padded to whole tiles of the weighted sum (d = 2: its fused path's four)
    const dp = align(d, d === 2 ? 4 : this.#exports.centreBlock());
    const cap = align(rowsCap, ROW_BLOCK);
    let at = align(this.#exports.heapBase(), 64);
    const take = (size: number): number => {
      const start = at;
      at = align(at + size, 64);
      return start;
    };
    const ct = take(nP * d * 4);
    const ca = take(n * dp * 4);
    const hn = take(nP * 8);
    const lw = take(nP * 4);
    const q = take(cap * d * 4);
    // whole blocks: the kernel writes the padding rows of a partial block
    const out = take(cap * dp * 4);
    const nearest = take(cap * 4);
    const scratch = take(this.#exports.scratchBytes(d, nP, dp));
    const noise = withNoise ? take(cap * d * 8) : 0;
    const layout: Layout = { n, d, nP, dp, rowsCap: cap, ct, ca, hn, lw, q, out, nearest, scratch, noise, end: at };
    const memory = this.#exports.memory;
    const missing = at - memory.buffer.byteLength;
    if (missing > 0) memory.grow(Math.ceil(missing / 65536));
    this.#f32 = new Float32Array(memory.buffer);
    this.#f64 = new Float64Array(memory.buffer);
    this.#i32 = new Int32Array(memory.buffer);
    this.#layout = layout;
    this.#stepRows = 0;
    // centre offsets depend on (n, d) only: a larger row capacity keeps them valid
    if (old === undefined || old.n !== n || old.d !== d) this.centresToken = undefined;
    return layout;
  }
}

/** Normals per call into the instance: 64 KB of float64, written there and copied out. */
const NORMALS_CHUNK = 8192;

/**
 * Whether (seed, stream, start, length) is where the wasm normals are exact: core's arithmetic on
 * doubles and the kernel's on 32- and 64-bit integers agree for integer streams of at most 31 bits
 * (their sums with a 33-bit hash stay exact) and integer indices below 2⁵³. The seed may be any
 * number: both take it modulo 2³² the same way (ToInt32, also what passing it to wasm does).
 */
export function wasmNormalsExact(stream: number, start: number, length: number): boolean {
  return Number.isInteger(stream) && Math.abs(stream) < 2 ** 31 && Number.isInteger(start) && start >= 0 && start + length <= 2 ** 53;
}

/**
 * Core's `fillNormalAt` (scale 1) in WebAssembly, the same bits, several times faster. An instance
 * of its own (memory: one chunk above the heap base), so it needs no kernel layout.
 */
export class WasmNormals {
  readonly #exports: KernelExports;
  readonly #at: number;
  #view: Float64Array;

  constructor(module: WebAssembly.Module) {
    this.#exports = new WebAssembly.Instance(module, {}).exports as unknown as KernelExports;
    this.#at = align(this.#exports.heapBase(), 64);
    const memory = this.#exports.memory;
    const missing = this.#at + NORMALS_CHUNK * 8 - memory.buffer.byteLength;
    if (missing > 0) memory.grow(Math.ceil(missing / 65536));
    this.#view = new Float64Array(memory.buffer, this.#at, NORMALS_CHUNK);
  }

  /** out[i] = normalAt(seed, stream, start + i); the caller checks `wasmNormalsExact` first. */
  fill(seed: number, stream: number, start: number, out: Float64Array): void {
    for (let i = 0; i < out.length; i += NORMALS_CHUNK) {
      const len = Math.min(NORMALS_CHUNK, out.length - i);
      this.#exports.fillNormals(seed, stream, start + i, this.#at, len);
      out.set(len === NORMALS_CHUNK ? this.#view : this.#view.subarray(0, len), i);
    }
  }
}

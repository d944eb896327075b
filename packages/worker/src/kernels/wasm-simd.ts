import { fillNormalAt, resultArrays, type BackwardStepsArgs, type Kernels, type SoftmaxDenoiseArgs, type SoftmaxDenoiseResult } from '@diffusion-atlas/core';
import { checkBlockShapes, checkShapes } from './cpu.ts';
import { centresKey, sameCentres, type CentresKey } from './wasm/centres.ts';
import { ROW_BLOCK, WasmDenoiser, WasmNormals, preferredVariant, wasmModule, wasmNormalsExact, type WasmVariant } from './wasm/instance.ts';
import { carryRows, type StepsBlock } from './wasm/carry-rows.ts';
import type { WasmPool } from './wasm/pool.ts';

/*
 * The WebAssembly SIMD backend (f32x4): the CPU path wherever the engine validates the kernel.
 * Numerics: logits in the inner-product form x·c − |c|²·s²/(2Δ) in float32 (one multiply-add per
 * pair-coordinate, chains of at most 66 coordinates added in float32); where that form's cancellation
 * could matter (its error bound is large: small Δ, large |c|²) or few centres survive anyway, the
 * surviving candidates' logits are recomputed from direct differences (q/s − c)² with float64
 * sums. Weights in float32 with the floor flush (exactly 0 below LOG_WEIGHT_FLOOR, so no subnormal
 * is ever formed); the weighted sum in float32 over the centres that survive the flush.
 */

export const WASM_BACKEND = 'wasm-simd';

export interface WasmKernels extends Kernels {
  /** Threads that compute a large call: 1 without a pool. */
  readonly workers: number;
  /** Which build runs: with relaxed SIMD's fused multiply-add, or SIMD128 only. */
  readonly variant: WasmVariant;
  fillNormalAt(seed: number, stream: number, start: number, out: Float64Array): void;
  /**
   * Blocks of backward SDE steps, each thread of the pool carrying its rows through every step of
   * a block (the calling thread alone without a pool, or for blocks the pool would not take one
   * call at a time), the states kept in the kernel's instance between steps and the update done
   * there: the step-by-step run's bits, without its barrier per step or its copies. Declines
   * (false) only where the wasm normals are not exact; a pool that fails is given up, as for single
   * calls, and the calling thread carries the block.
   */
  backwardSteps(args: BackwardStepsArgs): boolean;
  destroy(): void;
}

/** Below this much work (m·n·(d + 8) multiply-adds) a call stays on the calling thread. */
const POOL_MIN_WORK = 1 << 18;
/** ...and below this many rows: a pool thread would get less than a few kernel tiles. */
const POOL_MIN_ROWS = 16;
/**
 * A block on the calling thread carries its rows in groups of at most this many coordinates, which
 * bounds the instance's room for their states and normals (0.75 MB).
 */
const LOCAL_BLOCK_FLOATS = 1 << 16;
/** Below this many normals a fill stays on the calling thread (a pooled call costs a few tens of µs). */
const POOL_MIN_NORMALS = 1 << 14;
/** Consecutive pooled calls that waited longer for the workers than the caller computed... */
const SLOW_STRIKES = 3;
/** ...send this many calls to the calling thread alone before the pool is tried again. */
const LOCAL_SPELL = 64;

/**
 * softmaxDenoise on the wasm-simd kernel, in the calling thread, or split by rows across `pool`
 * when one is given and the call is large enough. Both give the same bits: every row is computed
 * by the same instructions whichever thread takes it.
 */
export function createWasmKernels(options: { pool?: WasmPool; variant?: WasmVariant } = {}): WasmKernels {
  let pool = options.pool;
  // a pool brings its own build: pooled and local calls must run the same instructions
  const variant = pool?.variant ?? options.variant ?? preferredVariant() ?? 'simd';
  let local: WasmDenoiser | undefined;
  let normals: WasmNormals | undefined;
  // set when the wasm normals threw on this thread: core's function from then on (the same bits)
  let normalsFailed = false;
  let key: CentresKey | undefined;
  // On a machine with more runnable threads than cores a worker can be descheduled while holding
  // rows, and the synchronous barrier then waits up to a scheduler time slice. When that keeps
  // happening the calling thread alone is faster, so the next calls run alone for a while.
  let strikes = 0;
  let localCalls = 0;

  function runLocal(args: SoftmaxDenoiseArgs): SoftmaxDenoiseResult {
    const { queries, m, centres, n, d, scale, variance, logWeights } = args;
    local ??= new WasmDenoiser(wasmModule(variant));
    if (!sameCentres(key, centres, n, d) || local.centresToken !== key) {
      key = centresKey(centres, n, d);
      local.setCentres(centres, n, d, key, m);
    }
    local.ensureRows(m);
    const { mean, nearest } = resultArrays(args);
    local.run({ queries, row0: 0, rows: m, scale, variance, logWeights, asScore: args.asScore !== undefined, mean, nearest });
    if (args.asScore !== undefined) args.asScore.applied = true;
    return { mean, nearest };
  }

  /**
   * A block on the calling thread: its rows in groups of at most LOCAL_BLOCK_FLOATS / d, each
   * carried through every step in the instance, as a pool thread carries its own.
   */
  function runLocalBlock(args: BackwardStepsArgs): void {
    const { x, m, centres, n, d } = args;
    const group = Math.min(m, Math.max(ROW_BLOCK, Math.floor(LOCAL_BLOCK_FLOATS / d)));
    local ??= new WasmDenoiser(wasmModule(variant));
    if (!sameCentres(key, centres, n, d) || local.centresToken !== key) {
      key = centresKey(centres, n, d);
      local.setCentres(centres, n, d, key, group);
    }
    local.ensureRows(group, true);
    const block: StepsBlock = { ...args, noiseStart: args.firstStep * m * d };
    for (let row0 = 0; row0 < m; row0 += group) carryRows(local, x, row0, Math.min(group, m - row0), args.logWeights, block);
  }

  /** Counts a pooled call's wait against the pool, as for the kernel. */
  function judgePool(p: WasmPool): void {
    strikes = p.lastWaitRatio > 1 ? strikes + 1 : 0;
    if (strikes >= SLOW_STRIKES) {
      strikes = 0;
      localCalls = LOCAL_SPELL;
    }
  }

  return {
    backend: WASM_BACKEND,
    get workers() {
      return pool?.workers ?? 1;
    },
    variant,
    softmaxDenoise(args) {
      checkShapes(args);
      const { m, n, d } = args;
      if (m === 0) return resultArrays(args);
      if (localCalls > 0) localCalls--;
      else if (pool !== undefined && m >= POOL_MIN_ROWS && m * n * (d + 8) >= POOL_MIN_WORK) {
        try {
          // the step's noise, when asked for, rides along: drawn by the thread with fewer rows
          const request = args.normals;
          const withNormals = request !== undefined && !normalsFailed && wasmNormalsExact(request.stream, request.start, request.out.length);
          const result = pool.softmaxDenoise(args, withNormals);
          judgePool(pool);
          return result;
        } catch {
          // a worker died or stalled: this thread carries on alone (same instructions, same bits)
          pool.destroy();
          pool = undefined;
        }
      }
      return runLocal(args);
    },
    backwardSteps(args) {
      checkBlockShapes(args);
      const { m, n, d, steps } = args;
      if (normalsFailed || !wasmNormalsExact(args.stream, args.firstStep * m * d, steps * m * d)) return false;
      if (localCalls > 0) localCalls = Math.max(0, localCalls - steps);
      else if (pool !== undefined && m >= POOL_MIN_ROWS && m * n * (d + 8) >= POOL_MIN_WORK) {
        try {
          pool.backwardSteps(args);
          judgePool(pool);
          return true;
        } catch {
          // as for single calls: the pool is given up, and this thread carries the block (the same bits)
          pool.destroy();
          pool = undefined;
        }
      }
      runLocalBlock(args);
      return true;
    },
    fillNormalAt(seed, stream, start, out) {
      if (normalsFailed || !wasmNormalsExact(stream, start, out.length)) {
        fillNormalAt(seed, stream, start, out);
        return;
      }
      if (localCalls > 0) localCalls--;
      else if (pool !== undefined && out.length >= POOL_MIN_NORMALS) {
        try {
          pool.fillNormals(seed, stream, start, out);
          judgePool(pool);
          return;
        } catch {
          // as for the kernel: the pool is given up and this thread carries on (the same bits)
          pool.destroy();
          pool = undefined;
        }
      }
      try {
        normals ??= new WasmNormals(wasmModule(variant));
        normals.fill(seed, stream, start, out);
      } catch {
        normalsFailed = true;
        fillNormalAt(seed, stream, start, out);
      }
    },
    destroy() {
      pool?.destroy();
    },
  };
}

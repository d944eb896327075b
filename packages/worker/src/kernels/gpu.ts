import {
  CPUKernel,
  GPU,
  HeadlessGLKernel,
  Input,
  WebAssemblyKernel,
  WebGL2Kernel,
  WebGLKernel,
  type IKernelRunShortcut,
  type KernelOutput,
} from 'gpu.js';
import { LOG_WEIGHT_FLOOR, resultArrays, type Kernels, type SoftmaxDenoiseArgs, type SoftmaxDenoiseResult } from '@diffusion-atlas/core';
import { checkShapes } from './cpu.ts';

/*
 * gpu.js kernels for softmaxDenoise. Only deterministic arithmetic runs here: the random noise of
 * the samplers comes from core's counter-based generator on the CPU side, because in-kernel
 * random functions are neither seeded nor uniform across GPUs.
 *
 * Kernel sources are strings, not functions: gpu.js parses `fn.toString()`, and a production
 * build's minifier rewrites function bodies into forms its transpiler may not accept.
 */

/** (a) logits, output [n, m]: thread (x = μ, y = i). The direct difference form, as on the CPU. */
const LOGITS = `function (q, c, lw, scale, inv2v) {
  let dist2 = 0;
  for (let k = 0; k < this.constants.d; k++) {
    const diff = q[this.thread.y][k] - scale * c[this.thread.x][k];
    dist2 += diff * diff;
  }
  return lw[this.thread.x] - dist2 * inv2v;
}`;

/**
 * (b) row statistics, output [3, m]: x = 0 the row max, x = 1 the normaliser Σ e^{l − max} over
 * unflushed weights, x = 2 the argmax (first index wins ties, as in the reference). One kernel
 * for the three keeps a single small readback for `nearest`.
 */
const ROW_STATS = `function (L) {
  let best = -3.0e38;
  let arg = 0;
  for (let mu = 0; mu < this.constants.n; mu++) {
    const l = L[this.thread.y][mu];
    if (l > best) {
      best = l;
      arg = mu;
    }
  }
  if (this.thread.x === 0) {
    return best;
  }
  if (this.thread.x === 2) {
    return arg;
  }
  let z = 0;
  for (let mu = 0; mu < this.constants.n; mu++) {
    const rel = L[this.thread.y][mu] - best;
    if (rel >= ${LOG_WEIGHT_FLOOR.toFixed(1)}) {
      z += Math.exp(rel);
    }
  }
  return z;
}`;

/**
 * (c) weighted mean, output [d, m]. Weights below the floor are flushed to exactly 0 here too, so
 * every backend drops the same centres and no GPU ever computes with subnormals.
 */
const WEIGHTED_MEAN = `function (L, stats, c) {
  const best = stats[this.thread.y][0];
  let acc = 0;
  for (let mu = 0; mu < this.constants.n; mu++) {
    const rel = L[this.thread.y][mu] - best;
    if (rel >= ${LOG_WEIGHT_FLOOR.toFixed(1)}) {
      acc += Math.exp(rel) * c[mu][this.thread.x];
    }
  }
  return acc / stats[this.thread.y][1];
}`;

/** Largest logits texture per pass (elements): queries go in chunks so textures stay ≤ 2048². */
const LOGITS_BUDGET = 1 << 22;
/** Compiled shapes kept; an experiment run reuses one, a widget toggling sizes a few. */
const SHAPE_CACHE = 4;

/** Backend names by kernel class identity: production builds minify class names. */
export function gpuBackendName(gpu: GPU): string {
  const K: unknown = gpu.Kernel;
  if (K === WebGL2Kernel) return 'gpu-webgl2';
  if (K === WebGLKernel) return 'gpu-webgl';
  if (K === HeadlessGLKernel) return 'gpu-headlessgl';
  if (K === WebAssemblyKernel) return 'gpujs-webasm';
  if (K === CPUKernel) return 'gpujs-cpu';
  return 'gpujs-other';
}

/**
 * A GPU instance on WebGL2 inside a worker. The canvas and context are created here and shared
 * by every kernel: gpu.js otherwise gives each kernel its own canvas, and pipelined textures
 * cannot cross WebGL contexts.
 */
export function createWebGl2Gpu(): GPU {
  if (typeof OffscreenCanvas === 'undefined') throw new Error('OffscreenCanvas is not available here');
  const canvas = new OffscreenCanvas(1, 1);
  const context = canvas.getContext('webgl2', { alpha: false, depth: false, antialias: false });
  if (!context) throw new Error('this runtime gives workers no WebGL2 context');
  const gpu = new GPU({ mode: 'webgl2', canvas, context });
  if ((gpu.Kernel as unknown) !== WebGL2Kernel) throw new Error('gpu.js did not choose its WebGL2 backend');
  return gpu;
}

interface Shape {
  n: number;
  d: number;
  chunk: number;
}

interface CompiledShape {
  logits: IKernelRunShortcut;
  stats: IKernelRunShortcut;
  mean: IKernelRunShortcut;
}

export interface GpuKernels extends Kernels {
  destroy(): void;
}

export interface GpuKernelOptions {
  /** Elements per logits pass; lowered in tests to exercise chunking and padding on small problems. */
  logitsBudget?: number;
}

/**
 * softmaxDenoise on a gpu.js instance. Synchronous calls: the Kernels contract is synchronous and
 * this runs in a worker, where a blocking readback stalls nothing the user sees.
 */
export function createGpuKernels(gpu: GPU, options: GpuKernelOptions = {}): GpuKernels {
  const budget = options.logitsBudget ?? LOGITS_BUDGET;
  const backend = gpuBackendName(gpu);
  const expected: unknown = gpu.Kernel;
  const compiled = new Map<string, CompiledShape>();

  function compile(shape: Shape): CompiledShape {
    const key = `${shape.n}:${shape.d}:${shape.chunk}`;
    const hit = compiled.get(key);
    if (hit) {
      // refresh recency for the LRU eviction below
      compiled.delete(key);
      compiled.set(key, hit);
      return hit;
    }
    const common = {
      constants: { n: shape.n, d: shape.d },
      precision: 'single' as const,
      tactic: 'precision' as const,
      loopMaxIterations: Math.max(shape.n, shape.d) + 1,
    };
    const made: CompiledShape = {
      logits: gpu.createKernel(LOGITS, { ...common, output: [shape.n, shape.chunk], pipeline: true }),
      stats: gpu.createKernel(ROW_STATS, { ...common, output: [3, shape.chunk], pipeline: true }),
      mean: gpu.createKernel(WEIGHTED_MEAN, { ...common, output: [shape.d, shape.chunk] }),
    };
    compiled.set(key, made);
    while (compiled.size > SHAPE_CACHE) {
      const [oldest, old] = compiled.entries().next().value as [string, CompiledShape];
      compiled.delete(oldest);
      for (const k of [old.logits, old.stats, old.mean]) k.destroy();
    }
    return made;
  }

  /** gpu.js degrades silently to its own CPU kernel, and a lost context reads back zeros: both must surface. */
  function assertHealthy(shape: CompiledShape): void {
    for (const k of [shape.logits, shape.stats, shape.mean]) {
      if ((k.kernel.constructor as unknown) !== expected) {
        throw new Error(`gpu.js fell back from ${backend}: ${k.kernel.fallbackReason ?? 'no reason given'}`);
      }
    }
    const gl: unknown = shape.mean.kernel.context;
    if (typeof gl === 'object' && gl !== null && 'isContextLost' in gl && (gl as WebGL2RenderingContext).isContextLost()) {
      throw new Error('the WebGL context was lost');
    }
  }

  function softmaxDenoise(args: SoftmaxDenoiseArgs): SoftmaxDenoiseResult {
    checkShapes(args);
    const { queries, m, centres, n, d, scale, variance } = args;
    const { mean, nearest } = resultArrays(args);
    if (m === 0) return { mean, nearest };
    const chunk = Math.max(1, Math.min(m, Math.floor(budget / n)));
    const shape = compile({ n, d, chunk });
    const logWeights = args.logWeights ? args.logWeights.subarray(0, n) : new Float32Array(n);
    const c = new Input(asNumbers(centres.subarray(0, n * d)), [d, n]);
    const inv2v = 1 / (2 * variance);
    // The last chunk is zero-padded to the compiled size, so one shape serves the whole call.
    const q = new Float32Array(chunk * d);

    for (let i0 = 0; i0 < m; i0 += chunk) {
      const rows = Math.min(chunk, m - i0);
      if (rows < chunk) q.fill(0);
      q.set(queries.subarray(i0 * d, (i0 + rows) * d));
      const L = shape.logits(new Input(asNumbers(q), [d, chunk]), c, asNumbers(logWeights), scale, inv2v);
      const stats = shape.stats(L);
      const out = shape.mean(L, stats, c);
      assertHealthy(shape);
      const meanRows = rowsOf(out);
      const statRows = rowsOf(stats);
      for (let r = 0; r < rows; r++) {
        mean.set(meanRows[r].subarray(0, d), (i0 + r) * d);
        nearest[i0 + r] = Math.round(statRows[r][2]);
      }
    }
    return { mean, nearest };
  }

  return {
    backend,
    softmaxDenoise,
    destroy() {
      for (const shape of compiled.values()) for (const k of [shape.logits, shape.stats, shape.mean]) k.destroy();
      compiled.clear();
      void gpu.destroy();
    },
  };
}

/** gpu.js's d.ts types array arguments as number[]; typed arrays are what it actually wants. */
function asNumbers(a: Float32Array): number[] {
  return a as unknown as number[];
}

/** A 2-D kernel result (texture on GL, nested arrays on cpu/webasm) as rows of float32. */
function rowsOf(out: KernelOutput): Float32Array[] {
  const value: unknown = typeof out === 'object' && out !== null && 'toArray' in out ? out.toArray() : out;
  if (!Array.isArray(value)) throw new Error('gpu.js returned an unexpected result shape');
  return value.map((row: unknown) => (row instanceof Float32Array ? row : Float32Array.from(row as ArrayLike<number>)));
}

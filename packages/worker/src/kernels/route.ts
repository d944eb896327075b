import type { BackwardStepsArgs, Kernels, SoftmaxDenoiseArgs } from '@diffusion-atlas/core';

/*
 * Per-call routing between verified kernel paths. A GPU pays a dispatch and a readback on every
 * call, so on the small problems most figures run (n ≈ 100, d = 2, hundreds of steps) the wasm
 * kernel can beat it, while on large ones the GPU wins. Which side of that line a call falls on
 * depends on the machine, so it is measured at start-up on the shapes the figures use, and each
 * call goes to the path that was faster on the nearest measured shape. Every path already passed
 * the start-up check against the reference, so any choice gives the same numbers within float32
 * tolerance; all calls of one shape go to one path, so a run never mixes paths between steps.
 */

/** One verified way to run the kernels, named as its report names it. */
export interface KernelPath {
  name: string;
  kernels: Kernels;
}

export interface CallShape {
  m: number;
  n: number;
  d: number;
}

/**
 * Shapes timed at start-up, in the order they are measured (most common first, so a spent budget
 * leaves the figures' usual sizes measured): the chapters' 2-D figures at their default and large
 * sizes, then the bench's d = 64 and d = 784 configurations at a figure's scale.
 */
export const CALIBRATION_SHAPES: readonly CallShape[] = [
  { m: 100, n: 100, d: 2 },
  { m: 1000, n: 1000, d: 2 },
  { m: 256, n: 1000, d: 64 },
  { m: 64, n: 1000, d: 784 },
];

/** Start-up time the calibration may spend, all paths and shapes together (ms). */
export const CALIBRATION_BUDGET_MS = 150;
/** Timed calls per path and shape after one untimed warm-up (which compiles a GPU shader). */
export const CALIBRATION_CALLS = 3;

/** One measured shape: the median call time of each path and the path chosen for its bucket. */
export interface CalibrationEntry extends CallShape {
  bucket: string;
  /** Median ms per call by path name; a path that failed on this shape is absent. */
  timesMs: Record<string, number>;
  choice: string;
}

/** What the calibration did: plain data, so it crosses the worker boundary into the report. */
export interface RoutingReport {
  paths: string[];
  budgetMs: number;
  spentMs: number;
  entries: CalibrationEntry[];
  /** Shapes left unmeasured when the budget ran out: their calls use the nearest measured bucket. */
  skipped: CallShape[];
}

/**
 * The bucket of a call: its dimension class (the kernels' per-pair cost changes with d) and its
 * work m·n·d in powers of four. Calls in one bucket cost about the same on each path.
 */
export function bucketOf({ m, n, d }: CallShape): { dClass: number; workClass: number; key: string } {
  const dClass = d <= 4 ? 0 : d <= 128 ? 1 : 2;
  const workClass = Math.round(Math.log2(Math.max(1, m * n * d)) / 2);
  return { dClass, workClass, key: `${['d≤4', 'd≤128', 'd>128'][dClass]} · m·n·d≈4^${workClass}` };
}

/** The fastest path of an entry's timings; ties go to the earlier path in preference order. */
export function fastestPath(timesMs: Readonly<Record<string, number>>, paths: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const name of paths) {
    const t = timesMs[name];
    if (t === undefined || !Number.isFinite(t)) continue;
    if (best === undefined || t < (timesMs[best] ?? Infinity)) best = name;
  }
  return best;
}

/**
 * The path for a call of this shape: the choice of the measured entry in the same dimension class
 * with the nearest work (the larger on a tie), else the nearest in work of any class, else the
 * first path (nothing was measured).
 */
export function chooseRoute(shape: CallShape, entries: readonly CalibrationEntry[], paths: readonly string[]): string {
  const { dClass, workClass } = bucketOf(shape);
  let best: { entry: CalibrationEntry; score: number } | undefined;
  for (const entry of entries) {
    const b = bucketOf(entry);
    const distance = Math.abs(b.workClass - workClass);
    // a different dimension class counts as farther than any work difference in the same class
    const score = (b.dClass === dClass ? 0 : 1000) + distance * 2 + (b.workClass >= workClass ? 0 : 1);
    if (best === undefined || score < best.score) best = { entry, score };
  }
  return best?.entry.choice ?? paths[0] ?? '';
}

/** A synthetic call of a shape: fixed data, no generator (only its timing matters). */
function calibrationArgs({ m, n, d }: CallShape): SoftmaxDenoiseArgs {
  const centres = new Float32Array(n * d);
  const queries = new Float32Array(m * d);
  // a fixed pattern spread over [−1, 1]: mixing weights, like a run's middle steps
  for (let i = 0; i < centres.length; i++) centres[i] = Math.sin(i * 0.7311);
  for (let i = 0; i < queries.length; i++) queries[i] = Math.cos(i * 0.5237);
  return { queries, m, centres, n, d, scale: 0.6, variance: 0.6 };
}

export interface CalibrateOptions {
  shapes?: readonly CallShape[];
  budgetMs?: number;
  calls?: number;
  /** Milliseconds; injected by tests so timings are deterministic. */
  clock?: () => number;
}

/**
 * Times each path on each shape (one warm-up, then up to `calls` timed calls; the median) until
 * the budget is spent: no shape starts after that, and a shape under way stops after one timed
 * call per remaining path. A path that throws on a shape gets no time there; the guard around a GPU path
 * has then already moved it to its fallback.
 */
export function calibrate(paths: readonly KernelPath[], options: CalibrateOptions = {}): RoutingReport {
  const clock = options.clock ?? (() => performance.now());
  const budgetMs = options.budgetMs ?? CALIBRATION_BUDGET_MS;
  const calls = options.calls ?? CALIBRATION_CALLS;
  const names = paths.map((p) => p.name);
  const started = clock();
  const entries: CalibrationEntry[] = [];
  const skipped: CallShape[] = [];
  for (const shape of options.shapes ?? CALIBRATION_SHAPES) {
    if (clock() - started >= budgetMs) {
      skipped.push(shape);
      continue;
    }
    const args = calibrationArgs(shape);
    const timesMs: Record<string, number> = {};
    for (const path of paths) {
      try {
        path.kernels.softmaxDenoise(args);
        const times: number[] = [];
        // at least one timed call; more only while the budget lasts (a slow path's shape may overrun it once)
        for (let c = 0; c < calls && (c === 0 || clock() - started < budgetMs); c++) {
          const t0 = clock();
          path.kernels.softmaxDenoise(args);
          times.push(clock() - t0);
        }
        timesMs[path.name] = medianOf(times);
      } catch {
        // no time: this path is never chosen for the bucket
      }
    }
    const choice = fastestPath(timesMs, names) ?? names[0] ?? '';
    entries.push({ ...shape, bucket: bucketOf(shape).key, timesMs, choice });
  }
  return { paths: names, budgetMs, spentMs: clock() - started, entries, skipped };
}

function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export interface RoutedKernels extends Kernels {
  /** The path the last call ran on (its own backend name, which a guarded GPU path updates on failure). */
  readonly lastPath: string;
  destroy(): void;
}

/**
 * Kernels that send each call to the path `routing` chose for its shape's bucket. `backend` is the
 * backend of the path that ran the last call, so a run's output names what computed it. The normal
 * fill, which has no shape to route by and the same bits on every path, goes to the first path
 * that has one (none: the routed kernels have none). A block of backward steps goes to the path
 * chosen for its shape, as that shape's single calls do: if that path runs blocks (a GPU that keeps
 * the state), it runs it; if not, the block is declined and the sampler steps through the same path
 * call by call. The per-call timing, readback included, is a conservative test for blocks, which
 * read back once per block.
 */
export function routeKernels(paths: readonly KernelPath[], routing: RoutingReport): RoutedKernels {
  if (paths.length === 0) throw new Error('routeKernels needs at least one path');
  const byName = new Map(paths.map((p) => [p.name, p]));
  const names = paths.map((p) => p.name);
  const decided = new Map<string, KernelPath>();
  let last = paths[0];
  const filler = paths.find((p) => p.kernels.fillNormalAt !== undefined)?.kernels;
  const pathFor = (shape: CallShape): KernelPath => {
    const key = bucketOf(shape).key;
    let path = decided.get(key);
    if (path === undefined) {
      path = byName.get(chooseRoute(shape, routing.entries, names)) ?? paths[0];
      decided.set(key, path);
    }
    return path;
  };
  const stepping = paths.some((p) => p.kernels.backwardSteps !== undefined);
  return {
    get backend() {
      return last.kernels.backend;
    },
    get lastPath() {
      return last.name;
    },
    softmaxDenoise(args) {
      const path = pathFor(args);
      last = path;
      return path.kernels.softmaxDenoise(args);
    },
    ...(stepping
      ? {
          backwardSteps: (args: BackwardStepsArgs): boolean => {
            const path = pathFor(args);
            if (path.kernels.backwardSteps === undefined) return false;
            last = path;
            return path.kernels.backwardSteps(args);
          },
        }
      : {}),
    ...(filler?.fillNormalAt !== undefined
      ? { fillNormalAt: (seed: number, stream: number, start: number, out: Float64Array) => filler.fillNormalAt?.(seed, stream, start, out) }
      : {}),
    destroy() {
      for (const p of paths) (p.kernels as Partial<{ destroy(): void }>).destroy?.();
    },
  };
}

import type { Kernels } from './kernels.ts';
import type { ParamSpecs, ParamsOf } from './params.ts';
import type { ParamHistory } from './params-codec.ts';
import type { ParamConstraint } from './constraints.ts';
import type { CostModel } from './cost.ts';
import { AtlasError } from './errors.ts';
import type { ProgressReport } from './progress.ts';

/** What an experiment returns: scalars, strings, typed arrays, and nested records or lists of them. */
export type ResultValue =
  | number
  | string
  | boolean
  | null
  | Float32Array
  | Float64Array
  | Int32Array
  | Uint8Array
  | readonly number[]
  | readonly string[]
  | ResultRecord
  | readonly ResultRecord[];
export interface ResultRecord {
  [key: string]: ResultValue;
}

export interface RunContext {
  kernels: Kernels;
  /**
   * Report progress in [0, 1] and give the host a chance to deliver a cancellation. Experiments
   * await it between chunks of work; it throws AtlasError('cancelled') once the signal has fired.
   */
  checkpoint(fraction: number): Promise<void>;
  /**
   * Report progress from inside a long synchronous stage, without yielding (so without
   * cancellation, which waits for the next checkpoint): the host still shows it as it happens.
   */
  progress: ProgressReport;
  /**
   * Offer a partial result: the run so far, as a valid value of the experiment's own result type
   * (fewer frames, sweeps, sizes or cells done), so a figure draws it with its normal code while
   * the run goes on. The host calls `build` only when it will take one now (it throttles, and
   * keeps at most one on its way to the page), so offering costs little; a host that shows none
   * (the CLI, tests) never calls it. What `build` returns may be transferred to another thread:
   * it must own its buffers (copies, never views into arrays the run keeps writing). The
   * compiler does not tie what `build` returns to the result type (that type is inferred from
   * `run`, and a context typed by it would make the inference circular), so
   * tests/worker/partial-results.test.ts checks every partial's shape against the final result.
   */
  partial: PartialReport;
  signal: AbortSignal;
  /** Real data sets, supplied by the environment (files in Node, static assets in the browser). */
  data?: DataSources;
}

/** See RunContext.partial: `fraction` is the share of the run done, as checkpoint reports it. */
export type PartialReport = (fraction: number, build: () => ResultRecord) => void;

/** A class of real images as rows of pixel intensities in [0, 1]. */
export interface ImageSet {
  /** count × (width·height), row-major. */
  images: Float32Array;
  count: number;
  width: number;
  height: number;
}

export interface DataSources {
  /** MNIST digits of one class (0–9), in the order the data package ships them. */
  mnistDigit(digit: number): Promise<ImageSet>;
  /** Earthquake epicentres in degrees (the vega-datasets USGS week), in the order shipped; for `sphere`. */
  earthquakes?(): Promise<{ lat: Float64Array; lon: Float64Array; count: number }>;
}

/** A column table for CSV export: equal-length numeric columns. */
export type ResultTable = Record<string, ArrayLike<number>>;

export interface ExperimentDefinition<P extends ParamSpecs, R extends ResultRecord> {
  name: string;
  title: string;
  /** One sentence: what the experiment shows. */
  summary: string;
  /** Chapter slug the widget lives in, for embed back-links. */
  chapter: string;
  params: P;
  run(params: ParamsOf<P>, ctx: RunContext): Promise<R>;
  /** The curves of a result as tables, for CSV; named tables are printed one after another. */
  tables(result: R, params: ParamsOf<P>): Record<string, ResultTable>;
  /**
   * Rules between parameters (tMin < tMax, K·r ≤ d), checked after the per-parameter ranges by
   * the one validation path, repaired by the URL codec, and readable by controls.
   */
  constraints?: readonly ParamConstraint<ParamsOf<P>>[];
  /** The run's cost from its parameters, known before it starts. */
  cost?: CostModel<ParamsOf<P>>;
  /** Incompatible schema changes (renames, removals, renamed options), so old permalinks keep working. */
  paramHistory?: ParamHistory;
}

export type AnyExperiment = ExperimentDefinition<ParamSpecs, ResultRecord>;

/**
 * The name is kept as its literal type, so the experiment list in `experiments/index.ts` is keyed
 * by the exact names and `ExperimentOf<'collapse'>` finds collapse's own parameter and result types.
 */
export function defineExperiment<P extends ParamSpecs, R extends ResultRecord, const N extends string>(
  def: ExperimentDefinition<P, R> & { name: N },
): ExperimentDefinition<P, R> & { name: N } {
  return def;
}

/** A context for direct, in-thread runs (tests, the CLI's in-process path). */
export function directContext(
  kernels: Kernels,
  options: { signal?: AbortSignal; onProgress?: (f: number) => void; onPartial?: PartialReport; data?: DataSources } = {},
): RunContext {
  const signal = options.signal ?? new AbortController().signal;
  let lastYield = Date.now();
  return {
    kernels,
    signal,
    data: options.data,
    progress(fraction) {
      options.onProgress?.(Math.min(1, Math.max(0, fraction)));
    },
    partial(fraction, build) {
      // Nothing to do without a listener, and a cancelled run has nothing more to show.
      if (options.onPartial === undefined || signal.aborted) return;
      options.onPartial(Math.min(1, Math.max(0, fraction)), build);
    },
    async checkpoint(fraction) {
      options.onProgress?.(Math.min(1, Math.max(0, fraction)));
      const now = Date.now();
      // Yielding costs a macrotask; do it only every few tens of milliseconds.
      if (now - lastYield > 25) {
        lastYield = now;
        await new Promise<void>((resolve) => setTimeout(resolve, 0));
      }
      if (signal.aborted) throw new AtlasError('cancelled', 'the run was cancelled');
    },
  };
}

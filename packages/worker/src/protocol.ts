import type { ResultRecord, SerializedAtlasError } from '@diffusion-atlas/core';
import type { RoutingReport } from './kernels/route.ts';

/** What every run returns across the worker boundary (and what the CLI prints as JSON). */
export interface RunOutput<R extends ResultRecord = ResultRecord> {
  experiment: string;
  /** Fully resolved parameters, exactly as used. */
  params: Record<string, unknown>;
  /** Kernel implementation that ran: 'gpu-webgl2', 'wasm-simd', 'cpu', 'reference', … */
  backend: string;
  elapsedMs: number;
  result: R;
  /**
   * Present only on a partial result, streamed while the run goes on: the share of the run done.
   * Its `result` is a valid result of the experiment with less of the work in it; the final
   * result (without this field) replaces it.
   */
  partial?: { fraction: number };
}

export interface BackendReport {
  backend: string;
  /** Why the preferred backend was not used, if it was not. */
  fallbackReason?: string;
  /** Max abs difference to the reference on the start-up check problem. */
  checkMaxError?: number;
  /** Threads a large kernel call is split across (the wasm-simd pool, caller included). */
  workers?: number;
  /** With more than one verified path: the start-up timings and which path each call shape takes. */
  routing?: RoutingReport;
}

export type ProgressCallback = (fraction: number) => void;

/**
 * Receives partial results. The worker waits for the call to return before it sends the next one
 * (at most one on its way) and skips those offered meanwhile, so a page that is behind is never
 * queued up: a receiver that draws synchronously paces the stream by its own drawing.
 */
export type PartialCallback = (partial: RunOutput) => void | Promise<void>;

/**
 * Which kernels a worker should use. `auto`: the GPU when it is a real one (a software WebGL
 * renderer such as SwiftShader is slower than the CPU loops); `gpu`: any verified WebGL2, software
 * included (diagnostics and tests of the GPU code path); `cpu`: never the GPU. With `auto` and a
 * real GPU, every call goes to whichever of the GPU and the CPU path was faster on its shape at
 * start-up; `route` does the same with a software renderer included (the diagnostics page's
 * calibration table).
 */
export type BackendPreference = 'auto' | 'gpu' | 'cpu' | 'route';

/** The API the worker exposes (Comlink). Small on purpose. */
export interface WorkerApi {
  run(jobId: number, name: string, params: unknown, onProgress?: ProgressCallback, onPartial?: PartialCallback): Promise<RunOutput>;
  cancel(jobId: number): void;
  backend(): Promise<BackendReport>;
  /** Choose the kernels before the first run; later calls after selection are ignored. */
  configure(preference: BackendPreference): void;
  /** Test hook: the worker dies as a real crash would (an uncaught error), to exercise respawn. */
  crashForTest(): void;
}

export interface RunOptions {
  key?: string;
  onProgress?: ProgressCallback;
  /** Partial results while the run goes on (see PartialCallback); none are made without it. */
  onPartial?: PartialCallback;
  signal?: AbortSignal;
}

/** The client side, shared by the site and Node. */
export interface AtlasClient {
  /**
   * Run an experiment. With `key`, a newer request for the same key supersedes (cancels) the
   * running one, which rejects with AtlasError('superseded').
   */
  run(name: string, params: unknown, options?: RunOptions): Promise<RunOutput>;
  cancel(key: string): void;
  backend(): Promise<BackendReport>;
  terminate(): void;
}

/** What the client factories return: the client plus the crash hook tests drive. */
export interface AtlasTestableClient extends AtlasClient {
  /** Asks the current worker to crash; pending calls then reject with 'worker-crashed'. */
  crashForTest(): Promise<void>;
}

export type { SerializedAtlasError };

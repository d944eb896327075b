import { directContext, runExperiment, type DataSources, type Kernels } from '@diffusion-atlas/core';
import { nodeDataSources } from './data/node.ts';
import { selectKernels } from './kernels/select.ts';
import type { ProgressCallback, RunOutput } from './protocol.ts';

export interface LocalRunOptions {
  onProgress?: ProgressCallback;
  /** Cancels the run at its next checkpoint (e.g. `AbortSignal.timeout(ms)` for a time budget). */
  signal?: AbortSignal;
  /** The kernels to run on; by default the worker's CPU selection, made once per process. */
  kernels?: Kernels;
  /** Real data sets; by default the package's files, read once per process. */
  data?: DataSources;
}

let selected: Promise<Kernels> | undefined;
let sharedData: DataSources | undefined;

/**
 * The kernels a worker without a GPU selects (WebAssembly SIMD on a pool of one thread per core
 * when it validates, else the plain loops), chosen once: the check against the reference costs a
 * few milliseconds, and the pool's threads are worth keeping for the next run.
 */
export function localKernels(): Promise<Kernels> {
  selected ??= selectKernels({ preferGpu: false }).then((selection) => selection.kernels);
  return selected;
}

/**
 * Runs one experiment in this thread, as the worker would: parameters validated and checked by
 * core, the same kernels, Node's data sources. The CLI, the site's build-time posters and its
 * precomputed data files all run through here, so one parameter set gives one result everywhere.
 */
export async function runLocal(name: string, params: unknown, options: LocalRunOptions = {}): Promise<RunOutput> {
  const kernels = options.kernels ?? (await localKernels());
  const data = options.data ?? (sharedData ??= nodeDataSources());
  const { signal, onProgress } = options;
  // only the options given: the site compiles this file with exactOptionalPropertyTypes
  const context = directContext(kernels, { data, ...(signal === undefined ? {} : { signal }), ...(onProgress === undefined ? {} : { onProgress }) });
  const started = performance.now();
  const { params: resolved, result } = await runExperiment(name, params, context);
  return { experiment: name, params: resolved, backend: kernels.backend, elapsedMs: performance.now() - started, result };
}

import * as Comlink from 'comlink';
import { directContext, getExperiment, resolveParams, type DataSources, type ResultRecord } from '@diffusion-atlas/core';
import type { BackendPreference, BackendReport, PartialCallback, ProgressCallback, RunOutput, WorkerApi } from './protocol.ts';
import { selectKernels, type KernelSelection } from './kernels/select.ts';
import { serializeError } from './wire-errors.ts';
import { transferablesOf } from './transferables.ts';
import { partialStream, type PartialStream } from './partial-stream.ts';

/**
 * Progress messages cross a thread each. Every 25 ms, the next one is never far behind a drawing
 * that held the page's main thread: at 50 ms, collapse's and digits' longest waits between two
 * updates were 100–132 ms, at 25 ms 65–99 (docs/performance.md).
 */
const PROGRESS_INTERVAL_MS = 25;

export interface WorkerApiOptions {
  /** Kernel preference until `configure` says otherwise; default 'auto'. */
  preference?: BackendPreference;
  /** Real data sets for the experiments that need them (files in Node, static assets in a browser). */
  data?: DataSources;
  /** Replace kernel selection entirely (tests). */
  select?: () => Promise<KernelSelection>;
}

/**
 * The worker side: runs experiments on the selected kernels, keeps one AbortController per job so
 * `cancel` reaches the experiment's next checkpoint, and sends results with their buffers
 * transferred. Everything thrown crosses as a plain serialized AtlasError, because structured
 * clone drops class identity and Comlink's own error wrapping drops `code` and `param`.
 */
export function createWorkerApi(options: WorkerApiOptions = {}): WorkerApi {
  const jobs = new Map<number, AbortController>();
  let selection: Promise<KernelSelection> | undefined;
  let preference: BackendPreference = options.preference ?? 'auto';
  // Selected once per worker, on first use: the GPU check costs a shader compile or three.
  const kernels = (): Promise<KernelSelection> =>
    (selection ??= options.select
      ? options.select()
      : selectKernels({
          preferGpu: preference !== 'cpu',
          allowSoftwareGpu: preference === 'gpu' || preference === 'route',
          route: preference === 'auto' || preference === 'route',
        }));

  return {
    async run(jobId, name, params, onProgress, onPartial) {
      const controller = new AbortController();
      // Registered before the first await, so a cancel sent right after the run finds it.
      jobs.set(jobId, controller);
      let stream: PartialStream | undefined;
      try {
        const { kernels: k } = await kernels();
        const experiment = getExperiment(name);
        const resolved = resolveParams(name, params);
        const started = performance.now();
        // Each partial is a whole output, so the page draws it as it draws the final one.
        stream =
          onPartial &&
          partialStream((fraction, result) => {
            const output: RunOutput = { experiment: name, params: resolved as Record<string, unknown>, backend: k.backend, elapsedMs: performance.now() - started, result, partial: { fraction } };
            return onPartial(Comlink.transfer(output, transferablesOf(result)));
          });
        const ctx = directContext(k, {
          signal: controller.signal,
          onProgress: onProgress && throttle(onProgress),
          onPartial: stream?.report,
          data: options.data,
        });
        const result = await experiment.run(resolved, ctx);
        stream?.close();
        const output: RunOutput = {
          experiment: name,
          params: resolved as Record<string, unknown>,
          backend: k.backend,
          elapsedMs: performance.now() - started,
          result: result as ResultRecord,
        };
        return Comlink.transfer(output, transferablesOf(result));
      } catch (error) {
        throw serializeError(error);
      } finally {
        stream?.close();
        jobs.delete(jobId);
        releaseRemote(onProgress);
        releaseRemote(onPartial);
      }
    },

    configure(next) {
      preference = next;
    },

    cancel(jobId) {
      jobs.get(jobId)?.abort();
    },

    async backend(): Promise<BackendReport> {
      // a copy: the live report object must not be cloned mid-update by a later fallback
      return { ...(await kernels()).report };
    },

    crashForTest() {
      // Thrown from a timer so it is uncaught: both runtimes then report a dead worker to the
      // parent ('error' event), which is the path a real crash takes.
      setTimeout(() => {
        throw new Error('worker crashed on purpose (crashForTest)');
      }, 0);
    },
  };
}

function throttle(onProgress: ProgressCallback): ProgressCallback {
  let last = -Infinity;
  return (fraction) => {
    const now = performance.now();
    if (fraction < 1 && now - last < PROGRESS_INTERVAL_MS) return;
    last = now;
    // A Comlink remote returns a promise; a client that went away must not become an unhandled rejection.
    const sent: unknown = onProgress(fraction);
    if (sent instanceof Promise) sent.catch(() => undefined);
  };
}

/** Frees the MessagePort behind a Comlink.proxy callback once the job is over. */
function releaseRemote(callback: ProgressCallback | PartialCallback | undefined): void {
  if (typeof callback !== 'function') return;
  const release: unknown = (callback as unknown as Record<symbol, unknown>)[Comlink.releaseProxy];
  if (typeof release === 'function') {
    const done: unknown = release.call(callback);
    if (done instanceof Promise) done.catch(() => undefined);
  }
}

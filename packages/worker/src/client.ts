import * as Comlink from 'comlink';
import { AtlasError, type AtlasErrorCode } from '@diffusion-atlas/core';
import type { AtlasTestableClient, BackendPreference, BackendReport, PartialCallback, ProgressCallback, RunOutput, WorkerApi } from './protocol.ts';
import { reviveError } from './wire-errors.ts';

/** A spawned worker as the client needs it, whatever the runtime. */
export interface WorkerLike {
  endpoint: Comlink.Endpoint;
  /** Registers the listener for the worker dying or failing; it may fire more than once. */
  onFailure(listener: (reason: string) => void): void;
  terminate(): void;
  /** Node: hold the process open only while calls are pending, so an idle client never blocks exit. */
  setBusy?(busy: boolean): void;
}

interface Live {
  worker: WorkerLike;
  api: Comlink.Remote<WorkerApi>;
  pending: Set<Tracked>;
  dead: boolean;
}

interface Tracked {
  fail(error: AtlasError): void;
}

interface Job {
  stop(code: Extract<AtlasErrorCode, 'cancelled' | 'superseded'>, message: string): void;
}

/**
 * The job layer over Comlink, which itself has no cancellation and leaves promises hanging when a
 * worker dies. Every call is tracked against the worker that serves it: a crash or terminate()
 * rejects them all with 'worker-crashed', and the next call spawns a fresh worker. Cancelled and
 * superseded runs reject at once; the worker stops them at its next checkpoint.
 */
export function createAtlasClient(spawn: () => WorkerLike, options: { backend?: BackendPreference } = {}): AtlasTestableClient {
  let live: Live | undefined;
  let nextJobId = 1;
  const jobsByKey = new Map<string, Job>();

  function current(): Live {
    if (live && !live.dead) return live;
    const worker = spawn();
    const fresh: Live = { worker, api: Comlink.wrap<WorkerApi>(worker.endpoint), pending: new Set(), dead: false };
    worker.onFailure((reason) => kill(fresh, `the worker crashed (${reason}); the next run starts a fresh worker`));
    // Comlink keeps call order, so the preference reaches the worker before any run.
    if (options.backend !== undefined) void fresh.api.configure(options.backend).catch(() => undefined);
    live = fresh;
    return fresh;
  }

  function kill(target: Live, message: string): void {
    if (target.dead) return;
    target.dead = true;
    if (live === target) live = undefined;
    target.worker.terminate();
    const pending = [...target.pending];
    target.pending.clear();
    target.worker.setBusy?.(false);
    for (const call of pending) call.fail(new AtlasError('worker-crashed', message));
  }

  /** A call into `target` that settles once: with its answer, or earlier by `fail`. */
  function track<T>(target: Live, invoke: () => Promise<T>, onSettled?: () => void): { promise: Promise<T>; call: Tracked; settled: () => boolean } {
    let done = false;
    let resolve!: (value: T) => void;
    let reject!: (error: AtlasError) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const finish = (settle: () => void): void => {
      if (done) return;
      done = true;
      target.pending.delete(call);
      if (!target.dead) target.worker.setBusy?.(target.pending.size > 0);
      onSettled?.();
      settle();
    };
    const call: Tracked = { fail: (error) => finish(() => reject(error)) };
    target.pending.add(call);
    target.worker.setBusy?.(true);
    let started: Promise<T>;
    try {
      started = invoke();
    } catch (error) {
      started = Promise.reject(error);
    }
    started.then(
      (value) => finish(() => resolve(value)),
      (error: unknown) => finish(() => reject(reviveError(error))),
    );
    return { promise, call, settled: () => done };
  }

  return {
    run(name, params, options = {}): Promise<RunOutput> {
      const { key, onProgress, onPartial, signal } = options;
      if (signal?.aborted) return Promise.reject(new AtlasError('cancelled', 'the run was cancelled before it started'));
      if (key !== undefined) jobsByKey.get(key)?.stop('superseded', `superseded by a newer run for “${key}”`);

      const target = current();
      const jobId = nextJobId++;
      const onAbort = (): void => job.stop('cancelled', 'the run was cancelled');
      // Progress that arrives after the caller has been answered would be a lie; drop it.
      const progress: ProgressCallback | undefined = onProgress && ((f) => (tracked.settled() ? undefined : onProgress(f)));
      // Likewise a partial: it travels on its own port, so it may even arrive after the final result.
      const partial: PartialCallback | undefined = onPartial && ((output): void | Promise<void> => (tracked.settled() ? undefined : onPartial(output)));
      const tracked = track(
        target,
        () => target.api.run(jobId, name, params, progress && Comlink.proxy(progress), partial && Comlink.proxy(partial)),
        () => {
          signal?.removeEventListener('abort', onAbort);
          if (key !== undefined && jobsByKey.get(key) === job) jobsByKey.delete(key);
        },
      );
      const job: Job = {
        stop(code, message) {
          if (tracked.settled()) return;
          if (!target.dead) target.api.cancel(jobId).catch(() => undefined);
          tracked.call.fail(new AtlasError(code, message));
        },
      };
      if (key !== undefined && !tracked.settled()) jobsByKey.set(key, job);
      signal?.addEventListener('abort', onAbort, { once: true });
      return tracked.promise;
    },

    cancel(key) {
      jobsByKey.get(key)?.stop('cancelled', 'the run was cancelled');
    },

    backend(): Promise<BackendReport> {
      const target = current();
      return track(target, () => target.api.backend()).promise;
    },

    async crashForTest(): Promise<void> {
      const target = current();
      await track(target, () => target.api.crashForTest()).promise;
    },

    terminate() {
      if (live) kill(live, 'the worker was terminated');
    },
  };
}

/**
 * The site's client. The `new Worker(new URL(…), { type: 'module' })` expression must stay
 * literally like this: it is the pattern Vite recognises to bundle the worker.
 */
export function createBrowserClient(options: { backend?: BackendPreference } = {}): AtlasTestableClient {
  return createAtlasClient(() => {
    const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    return {
      endpoint: worker,
      onFailure(listener) {
        worker.addEventListener('error', (event) => {
          event.preventDefault();
          listener(event.message || 'the worker script failed to load');
        });
        worker.addEventListener('messageerror', () => listener('a message from the worker could not be read'));
      },
      terminate: () => worker.terminate(),
    };
  }, options);
}

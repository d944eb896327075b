/// <reference path="./node-adapter.d.ts" />
import { Worker } from 'node:worker_threads';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { createAtlasClient } from './client.ts';
import type { AtlasTestableClient } from './protocol.ts';

/**
 * The same client over worker_threads (Node 24 runs the .ts entry directly). The worker is
 * unreferenced whenever no call is pending, so a script that forgets terminate() still exits.
 */
export function createNodeClient(): AtlasTestableClient {
  return createAtlasClient(() => {
    const worker = new Worker(new URL('./worker.ts', import.meta.url), { execArgv: workerExecArgv(process.execArgv) });
    worker.unref();
    return {
      endpoint: nodeEndpoint(worker),
      onFailure(listener) {
        worker.on('error', (error: Error) => listener(`uncaught error: ${error.message}`));
        worker.on('messageerror', () => listener('a message from the worker could not be read'));
        worker.on('exit', (code: number) => listener(`the worker exited with code ${code}`));
      },
      terminate() {
        void worker.terminate();
      },
      setBusy(busy) {
        if (busy) worker.ref();
        else worker.unref();
      },
    };
  });
}

/** Flags that only make sense for a main script; a worker inheriting them fails to start. */
const MAIN_ONLY = new Set(['-e', '--eval', '-p', '--print', '--input-type']);

/**
 * Workers inherit the parent's execArgv, which for `node --input-type=module -e …` holds the
 * eval source and an option Node rejects inside a worker; keep every other flag.
 */
export function workerExecArgv(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i];
    const name = arg.split('=')[0];
    if (!MAIN_ONLY.has(name)) {
      kept.push(arg);
    } else if (!arg.includes('=')) {
      i++; // its value is the next element
    }
  }
  return kept;
}

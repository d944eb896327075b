/// <reference path="./node-adapter.d.ts" />
import * as Comlink from 'comlink';
import { createWorkerApi } from './host.ts';
import { browserDataSources } from './data/browser.ts';

/*
 * The one worker entry for both runtimes. A browser worker has WorkerGlobalScope and talks through
 * `self`; under Node worker_threads the same module adapts parentPort. The Node modules are
 * imported dynamically (and hidden from Vite) so the browser bundle never references them.
 */
if ('WorkerGlobalScope' in globalThis) {
  Comlink.expose(createWorkerApi({ data: browserDataSources() }));
} else {
  // a variable specifier keeps Vite from bundling node:fs into the browser worker
  const nodeData = './data/node.ts';
  const { nodeDataSources } = (await import(/* @vite-ignore */ nodeData)) as typeof import('./data/node.ts');
  const api = createWorkerApi({ data: nodeDataSources() });
  const { parentPort } = await import(/* @vite-ignore */ 'node:worker_threads');
  if (!parentPort) throw new Error('worker.ts must run inside a worker (no parentPort)');
  const { default: nodeEndpoint } = await import(/* @vite-ignore */ 'comlink/dist/esm/node-adapter.mjs');
  Comlink.expose(api, nodeEndpoint(parentPort));
}

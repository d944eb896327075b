import { WasmDenoiser } from './instance.ts';
import {
  controlViews,
  dataViews,
  drainRows,
  DONE,
  EPOCH,
  FAILURES,
  GEN,
  STOP,
  type Control,
  type DataCapacity,
  type DataViews,
} from './pool-protocol.ts';

/*
 * A pool worker: one wasm instance with its own memory, serving row chunks of the caller's jobs.
 * Between jobs it sleeps in Atomics.wait; it returns to its event loop only to pick up a new data
 * buffer (posted before the job that needs it), so messages and jobs cannot overtake each other.
 */

export type PoolMessage =
  | { type: 'init'; module: WebAssembly.Module; control: SharedArrayBuffer }
  | { type: 'data'; epoch: number; buffer: SharedArrayBuffer; capacity: DataCapacity };

interface Port {
  post(message: unknown): void;
  listen(handler: (message: PoolMessage) => void): void;
  close(): void;
}

let denoiser: WasmDenoiser | undefined;
let control: Control | undefined;
let views: DataViews | undefined;
let epoch = -1;
let seen = 0;

function serve(port: Port): void {
  if (control === undefined || denoiser === undefined) return;
  const { i32 } = control;
  for (;;) {
    Atomics.wait(i32, GEN, seen);
    if (Atomics.load(i32, STOP) === 1) {
      port.close();
      return;
    }
    // the job's buffer is in a message still queued behind this call: go and read it
    if (Atomics.load(i32, EPOCH) !== epoch || views === undefined) return;
    seen = Atomics.load(i32, GEN);
    try {
      drainRows(control, views, denoiser);
    } catch {
      // counted, not thrown: the caller is blocked on DONE and must hear from every worker
      Atomics.add(i32, FAILURES, 1);
    }
    Atomics.add(i32, DONE, 1);
    Atomics.notify(i32, DONE);
  }
}

function handle(port: Port, message: PoolMessage): void {
  if (message.type === 'init') {
    denoiser = new WasmDenoiser(message.module);
    control = controlViews(message.control);
    seen = Atomics.load(control.i32, GEN);
    port.post('ready');
  } else {
    views = dataViews(message.buffer, message.capacity);
    epoch = message.epoch;
  }
  serve(port);
}

if ('WorkerGlobalScope' in globalThis) {
  // structural: this file also typechecks under the DOM lib (the tests), which lacks the worker scope
  const scope = globalThis as unknown as {
    postMessage(message: unknown): void;
    addEventListener(type: 'message', listener: (e: MessageEvent<PoolMessage>) => void): void;
    close(): void;
  };
  const port: Port = {
    post: (m) => scope.postMessage(m),
    listen: (h) => scope.addEventListener('message', (e: MessageEvent<PoolMessage>) => h(e.data)),
    close: () => scope.close(),
  };
  port.listen((m) => handle(port, m));
} else {
  const { parentPort } = await import(/* @vite-ignore */ 'node:worker_threads');
  if (!parentPort) throw new Error('pool-worker.ts must run inside a worker');
  const parent = parentPort;
  const port: Port = {
    post: (m) => parent.postMessage(m),
    listen: (h) => parent.on('message', h),
    close: () => parent.close(),
  };
  port.listen((m) => handle(port, m));
}

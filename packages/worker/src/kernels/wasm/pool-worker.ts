import { WasmDenoiser, WasmNormals } from './instance.ts';
import {
  controlViews,
  dataViews,
  drainNormals,
  drainRows,
  DONE,
  EPOCH,
  FAILURES,
  GEN,
  JOB,
  NORMALS_EPOCH,
  NORMALS_JOB,
  DENOISE_NORMALS_JOB,
  BLOCK_EPOCH,
  BLOCK_JOB,
  D,
  M,
  STEPS,
  blockViews,
  drainBlock,
  drainRowsThenNormals,
  SPIN_MS,
  spinWhile,
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
  | { type: 'data'; epoch: number; buffer: SharedArrayBuffer; capacity: DataCapacity }
  | { type: 'normals'; epoch: number; buffer: SharedArrayBuffer }
  | { type: 'block'; epoch: number; buffer: SharedArrayBuffer };

interface Port {
  post(message: unknown): void;
  listen(handler: (message: PoolMessage) => void): void;
  close(): void;
}

let denoiser: WasmDenoiser | undefined;
let normals: WasmNormals | undefined;
let control: Control | undefined;
let views: DataViews | undefined;
let epoch = -1;
let normalsOut: Float64Array | undefined;
let normalsEpoch = -1;
let blockBuffer: SharedArrayBuffer | undefined;
let blockEpoch = -1;
let seen = 0;

function serve(port: Port): void {
  if (control === undefined) return;
  const { i32 } = control;
  for (;;) {
    if (!spinWhile(i32, GEN, seen, SPIN_MS)) Atomics.wait(i32, GEN, seen);
    if (Atomics.load(i32, STOP) === 1) {
      port.close();
      return;
    }
    // the job's buffer is in a message still queued behind this call: go and read it
    const drain = currentJob(control);
    if (drain === undefined) return;
    seen = Atomics.load(i32, GEN);
    try {
      drain();
    } catch {
      // counted, not thrown: the caller is blocked on DONE and must hear from every worker
      Atomics.add(i32, FAILURES, 1);
    }
    Atomics.add(i32, DONE, 1);
    Atomics.notify(i32, DONE);
  }
}

/** The current job's work, or undefined while its buffer is still in a queued message. */
function currentJob(c: Control): (() => void) | undefined {
  const job = Atomics.load(c.i32, JOB);
  if (job === BLOCK_JOB) {
    const buffer = blockBuffer;
    const v = views;
    const dn = denoiser;
    if (Atomics.load(c.i32, BLOCK_EPOCH) !== blockEpoch || Atomics.load(c.i32, EPOCH) !== epoch) return undefined;
    if (buffer === undefined || v === undefined || dn === undefined) return undefined;
    // views of this block's shape: a few per block, none per step
    return () => drainBlock(c, v, blockViews(buffer, c.i32[STEPS], c.i32[M], c.i32[D]), dn);
  }
  if (job === DENOISE_NORMALS_JOB) {
    const out = normalsOut;
    const n = normals;
    const v = views;
    const dn = denoiser;
    if (Atomics.load(c.i32, NORMALS_EPOCH) !== normalsEpoch || Atomics.load(c.i32, EPOCH) !== epoch) return undefined;
    if (out === undefined || n === undefined || v === undefined || dn === undefined) return undefined;
    return () => drainRowsThenNormals(c, v, dn, out, n);
  }
  if (job === NORMALS_JOB) {
    const out = normalsOut;
    const n = normals;
    if (Atomics.load(c.i32, NORMALS_EPOCH) !== normalsEpoch || out === undefined || n === undefined) return undefined;
    return () => drainNormals(c, out, n);
  }
  const v = views;
  const dn = denoiser;
  if (Atomics.load(c.i32, EPOCH) !== epoch || v === undefined || dn === undefined) return undefined;
  return () => drainRows(c, v, dn);
}

function handle(port: Port, message: PoolMessage): void {
  if (message.type === 'init') {
    denoiser = new WasmDenoiser(message.module);
    normals = new WasmNormals(message.module);
    control = controlViews(message.control);
    seen = Atomics.load(control.i32, GEN);
    port.post('ready');
  } else if (message.type === 'block') {
    blockBuffer = message.buffer;
    blockEpoch = message.epoch;
  } else if (message.type === 'normals') {
    normalsOut = new Float64Array(message.buffer);
    normalsEpoch = message.epoch;
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

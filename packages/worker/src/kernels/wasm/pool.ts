import { resultArrays, type BackwardStepsArgs, type SoftmaxDenoiseArgs, type SoftmaxDenoiseResult } from '@diffusion-atlas/core';
import { WasmDenoiser, WasmNormals, preferredVariant, wasmModule, type WasmVariant } from './instance.ts';
import {
  BLOCK_EPOCH,
  BLOCK_JOB,
  STEPS,
  blockBytes,
  blockViews,
  drainBlock,
  CENTRES_VERSION,
  CONTROL_BYTES,
  D,
  DENOISE_JOB,
  DONE,
  EPOCH,
  FAILURES,
  GEN,
  GROUP,
  HAS_LOG_WEIGHTS,
  AS_SCORE,
  JOB,
  M,
  N,
  NEXT,
  NORMALS_EPOCH,
  NORMALS_JOB,
  DENOISE_NORMALS_JOB,
  FUSED_NORMALS_GROUP,
  NORMALS_GROUP,
  NORMALS_LENGTH,
  NORMALS_NEXT,
  drainRowsThenNormals,
  SPIN_MS,
  spinWhile,
  SCALE,
  SEED,
  START,
  STOP,
  STREAM,
  VARIANCE,
  controlViews,
  groupNormals,
  groupRows,
  dataBytes,
  dataViews,
  drainNormals,
  drainRows,
  type Control,
  type DataCapacity,
  type DataViews,
} from './pool-protocol.ts';
import type { PoolMessage } from './pool-worker.ts';
import { centresKey, sameCentres, type CentresKey } from './centres.ts';

/** What a pool worker looks like from here, in either runtime. */
interface PoolPort {
  post(message: PoolMessage): void;
  /** Resolves on the worker's 'ready', rejects if it fails to start. */
  ready: Promise<void>;
  terminate(): void;
}

export interface WasmPool {
  /** Threads that compute, the caller included. */
  readonly workers: number;
  readonly variant: WasmVariant;
  /**
   * Of the last call: how long the caller waited for the workers after its own share, over how
   * long that share took. Near 0 when the threads keep pace; above 1 when a worker was descheduled
   * mid-chunk (an oversubscribed machine), where the calling thread alone would have been faster.
   */
  readonly lastWaitRatio: number;
  /**
   * With `withNormals`, also fills `args.normals` (bit for bit as core's fillNormalAt; the caller
   * checks that the wasm normals are exact for it) and sets its `filled`.
   */
  softmaxDenoise(args: SoftmaxDenoiseArgs, withNormals?: boolean): SoftmaxDenoiseResult;
  /**
   * Core's fillNormalAt (scale 1) split across the threads; the caller checks `wasmNormalsExact`.
   * Every index is computed by the same instructions whichever thread takes it: the same bits.
   */
  fillNormals(seed: number, stream: number, start: number, out: Float64Array): void;
  /**
   * A block of backward SDE steps (`Kernels.backwardSteps`), each thread carrying its group of rows
   * through every step: the bits of the step-by-step run (the caller checks `wasmNormalsExact` for
   * the block's noise). Throws, leaving the outputs alone, if a thread fails.
   */
  backwardSteps(args: BackwardStepsArgs): void;
  destroy(): void;
}

/** How long the caller waits for the workers' share before deciding one died. */
const STALL_MS = 60_000;
/** How long a new worker may take to load and compile its kernel. */
const START_MS = 20_000;

/**
 * Whether threads can share memory here: always under Node; in a browser only when the page is
 * cross-origin isolated (COOP + COEP), which is what makes SharedArrayBuffer available.
 */
export function sharedMemoryAvailable(): boolean {
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') return false;
  if (isNode()) return true;
  return (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true && typeof Worker === 'function';
}

/** Logical cores, for a pool of one thread per core (the caller counts as one). */
export async function coreCount(): Promise<number> {
  if (isNode()) {
    const os = await import(/* @vite-ignore */ 'node:os');
    return os.availableParallelism();
  }
  return typeof navigator === 'object' && navigator.hardwareConcurrency > 0 ? navigator.hardwareConcurrency : 1;
}

/**
 * Starts `helpers` pool workers and resolves once every one has compiled its kernel. The caller
 * thread computes too, so a machine with c cores wants c − 1 helpers.
 */
export async function createWasmPool(helpers: number, variant: WasmVariant = preferredVariant() ?? 'simd'): Promise<WasmPool> {
  if (!sharedMemoryAvailable()) throw new Error('no shared memory here (a browser page must be cross-origin isolated)');
  if (!(helpers >= 1)) throw new Error(`a pool needs at least one helper (got ${helpers})`);
  const module = wasmModule(variant);
  const controlBuffer = new SharedArrayBuffer(CONTROL_BYTES);
  const control = controlViews(controlBuffer);
  const ports: PoolPort[] = [];
  try {
    for (let i = 0; i < helpers; i++) ports.push(await spawn());
    for (const port of ports) port.post({ type: 'init', module, control: controlBuffer });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`pool workers did not start within ${START_MS / 1000} s`)), START_MS);
    });
    try {
      await Promise.race([Promise.all(ports.map((p) => p.ready)), late]);
    } finally {
      clearTimeout(timer);
    }
  } catch (error) {
    for (const port of ports) port.terminate();
    throw error;
  }
  return new Pool(control, ports, new WasmDenoiser(module), new WasmNormals(module), variant);
}

class Pool implements WasmPool {
  readonly workers: number;
  readonly variant: WasmVariant;
  lastWaitRatio = 0;
  readonly #control: Control;
  readonly #ports: PoolPort[];
  readonly #local: WasmDenoiser;
  readonly #normals: WasmNormals;
  #normalsOut: Float64Array | undefined;
  #block: SharedArrayBuffer | undefined;
  #capacity: DataCapacity = { m: 0, n: 0, d: 0 };
  #views: DataViews | undefined;
  #centres: CentresKey | undefined;
  #destroyed = false;

  constructor(control: Control, ports: PoolPort[], local: WasmDenoiser, normals: WasmNormals, variant: WasmVariant) {
    this.variant = variant;
    this.#control = control;
    this.#ports = ports;
    this.#local = local;
    this.#normals = normals;
    this.workers = ports.length + 1;
  }

  softmaxDenoise(args: SoftmaxDenoiseArgs, withNormals = false): SoftmaxDenoiseResult {
    if (this.#destroyed) throw new Error('the wasm pool was destroyed');
    const { queries, m, n, d, scale, variance } = args;
    const { i32, f64 } = this.#control;
    const views = this.#publishRows(queries, m, args.centres, n, d, args.logWeights, args.asScore !== undefined);
    f64[SCALE] = scale;
    f64[VARIANCE] = variance;
    const request = withNormals ? args.normals : undefined;
    if (request === undefined) {
      i32[JOB] = DENOISE_JOB;
      this.#run(m, () => drainRows(this.#control, views, this.#local));
    } else {
      const length = request.out.length;
      const shared = this.#publishNormals(request.seed, request.stream, request.start, length, FUSED_NORMALS_GROUP);
      i32[JOB] = DENOISE_NORMALS_JOB;
      this.#run(m, () => drainRowsThenNormals(this.#control, views, this.#local, shared, this.#normals));
      request.out.set(shared.subarray(0, length));
      request.filled = true;
    }
    const result = resultArrays(args);
    result.mean.set(views.mean.subarray(0, m * d));
    result.nearest.set(views.nearest.subarray(0, m));
    if (args.asScore !== undefined) args.asScore.applied = true;
    return result;
  }

  backwardSteps(args: BackwardStepsArgs): void {
    if (this.#destroyed) throw new Error('the wasm pool was destroyed');
    const { x, m, n, d, steps } = args;
    const { i32, f64 } = this.#control;
    const views = this.#publishRows(x, m, args.centres, n, d, args.logWeights, true);
    const block = blockViews(this.#bindBlock(steps, m, d), steps, m, d);
    block.times.set(args.times.subarray(0, steps + 1));
    block.scales.set(args.scales.subarray(0, steps));
    block.variances.set(args.variances.subarray(0, steps));
    i32[STEPS] = steps;
    i32[SEED] = args.seed;
    i32[STREAM] = args.stream;
    f64[START] = args.firstStep * m * d;
    i32[JOB] = BLOCK_JOB;
    this.#run(m, () => drainBlock(this.#control, views, block, this.#local));
    args.history.set(block.history);
    args.nearest.set(block.nearest);
  }

  /**
   * Writes a job's rows into the data buffer and the control block (both jobs that compute rows):
   * the centres when they changed, the log-weights, the queries and the shape.
   */
  #publishRows(queries: Float32Array, m: number, centres: Float32Array, n: number, d: number, logWeights: Float32Array | undefined, asScore: boolean): DataViews {
    const { i32 } = this.#control;
    const views = this.#bind(m, n, d);
    if (!sameCentres(this.#centres, centres, n, d)) {
      views.centres.set(centres.subarray(0, n * d));
      this.#centres = centresKey(centres, n, d);
      i32[CENTRES_VERSION]++;
    }
    if (logWeights) views.logWeights.set(logWeights.subarray(0, n));
    views.queries.set(queries.subarray(0, m * d));
    i32[M] = m;
    i32[N] = n;
    i32[D] = d;
    i32[HAS_LOG_WEIGHTS] = logWeights ? 1 : 0;
    i32[AS_SCORE] = asScore ? 1 : 0;
    i32[GROUP] = groupRows(m, this.workers);
    return views;
  }

  fillNormals(seed: number, stream: number, start: number, out: Float64Array): void {
    if (this.#destroyed) throw new Error('the wasm pool was destroyed');
    const length = out.length;
    const shared = this.#publishNormals(seed, stream, start, length, groupNormals(length, this.workers));
    this.#control.i32[JOB] = NORMALS_JOB;
    this.#run(0, () => drainNormals(this.#control, shared, this.#normals));
    out.set(shared.subarray(0, length));
  }

  /** Writes a normals draw into the control block (either job); returns the shared buffer it fills. */
  #publishNormals(seed: number, stream: number, start: number, length: number, group: number): Float64Array {
    const { i32, f64 } = this.#control;
    const shared = this.#bindNormals(length);
    i32[SEED] = seed;
    i32[STREAM] = stream;
    f64[START] = start;
    i32[NORMALS_LENGTH] = length;
    i32[NORMALS_GROUP] = group;
    Atomics.store(i32, NORMALS_NEXT, 0);
    return shared;
  }

  /**
   * Publishes the job set up in the control block, takes groups of it on this thread (`drain`)
   * and waits for every worker; throws if any thread failed. `rows`: the job's rows, what NEXT counts (0 for a normals job).
   */
  #run(rows: number, drain: () => void): void {
    const { i32 } = this.#control;
    Atomics.store(i32, NEXT, 0);
    Atomics.store(i32, DONE, 0);
    Atomics.store(i32, FAILURES, 0);
    // the store to GEN publishes everything above to the workers (Atomics are sequentially consistent)
    Atomics.add(i32, GEN, 1);
    Atomics.notify(i32, GEN);

    const started = performance.now();
    let failure: unknown;
    try {
      drain();
    } catch (error) {
      // hand out no more rows, but let the workers finish theirs before the buffers are reused
      failure = error;
      Atomics.store(i32, NEXT, rows);
      Atomics.store(i32, NORMALS_NEXT, i32[NORMALS_LENGTH]);
    }
    const own = performance.now();
    const helpers = this.#ports.length;
    // the workers usually finish within a fraction of a millisecond of this thread: poll first
    let checkedIn = Atomics.load(i32, DONE);
    while (checkedIn < helpers && spinWhile(i32, DONE, checkedIn, SPIN_MS)) checkedIn = Atomics.load(i32, DONE);
    for (;;) {
      const done = Atomics.load(i32, DONE);
      if (done >= helpers) break;
      if (Atomics.wait(i32, DONE, done, STALL_MS) === 'timed-out' && performance.now() - started >= STALL_MS) {
        this.destroy();
        throw new Error(`wasm pool: ${helpers - done} worker(s) did not finish within ${STALL_MS / 1000} s`);
      }
    }
    const done = performance.now();
    this.lastWaitRatio = (done - own) / Math.max(own - started, 0.01);
    if (failure !== undefined) throw failure;
    if (Atomics.load(i32, FAILURES) > 0) throw new Error('wasm pool: a worker failed on its rows');
  }

  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    Atomics.store(this.#control.i32, STOP, 1);
    Atomics.add(this.#control.i32, GEN, 1);
    Atomics.notify(this.#control.i32, GEN);
    for (const port of this.#ports) port.terminate();
  }

  /** The shared normals buffer, at least `length` long; a new one goes to every worker before the job. */
  #bindNormals(length: number): Float64Array {
    const current = this.#normalsOut;
    if (current !== undefined && current.length >= length) return current;
    const buffer = new SharedArrayBuffer(8 * Math.max(length, Math.ceil((current?.length ?? 0) * 1.5)));
    const i32 = this.#control.i32;
    const epoch = i32[NORMALS_EPOCH] + 1;
    Atomics.store(i32, NORMALS_EPOCH, epoch);
    for (const port of this.#ports) port.post({ type: 'normals', epoch, buffer });
    this.#normalsOut = new Float64Array(buffer);
    return this.#normalsOut;
  }

  /** A block buffer large enough for (steps, m, d); a new one (grown by half) goes to every worker before the job. */
  #bindBlock(steps: number, m: number, d: number): SharedArrayBuffer {
    const bytes = blockBytes(steps, m, d);
    const current = this.#block;
    if (current !== undefined && current.byteLength >= bytes) return current;
    const buffer = new SharedArrayBuffer(Math.max(bytes, Math.ceil((current?.byteLength ?? 0) * 1.5)));
    const i32 = this.#control.i32;
    const epoch = i32[BLOCK_EPOCH] + 1;
    Atomics.store(i32, BLOCK_EPOCH, epoch);
    for (const port of this.#ports) port.post({ type: 'block', epoch, buffer });
    this.#block = buffer;
    return buffer;
  }

  /** The data buffer for this shape; a new one (grown by half) goes to every worker before the job. */
  #bind(m: number, n: number, d: number): DataViews {
    const cap = this.#capacity;
    if (this.#views !== undefined && cap.n === n && cap.d === d && cap.m >= m) return this.#views;
    const capacity = { m: Math.max(m, cap.n === n && cap.d === d ? Math.ceil(cap.m * 1.5) : 0), n, d };
    const buffer = new SharedArrayBuffer(dataBytes(capacity));
    const i32 = this.#control.i32;
    const epoch = i32[EPOCH] + 1;
    Atomics.store(i32, EPOCH, epoch);
    for (const port of this.#ports) port.post({ type: 'data', epoch, buffer, capacity });
    this.#capacity = capacity;
    this.#views = dataViews(buffer, capacity);
    this.#centres = undefined;
    return this.#views;
  }
}

function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

/** Not a literal in `new URL(…)`: Vite would otherwise copy the Node entry into the browser bundle. */
const NODE_ENTRY = 'pool-worker.ts';

async function spawn(): Promise<PoolPort> {
  if (isNode()) {
    const { Worker: NodeWorker } = await import(/* @vite-ignore */ 'node:worker_threads');
    const entry = new URL('./' + NODE_ENTRY, import.meta.url);
    // no inherited flags: the worker needs none, and some (--eval) make a worker fail to start
    const worker = new NodeWorker(entry, { execArgv: [] });
    const ready = new Promise<void>((resolve, reject) => {
      worker.once('message', () => {
        // referenced until ready (so an awaiting script stays alive), then not: a pool asleep in
        // Atomics.wait must not keep a finished CLI process alive
        worker.unref();
        resolve();
      });
      worker.once('error', reject);
      worker.once('exit', (code: number) => reject(new Error(`pool worker exited with code ${code}`)));
    });
    return { post: (message) => worker.postMessage(message), ready, terminate: () => void worker.terminate() };
  }
  const worker = new Worker(new URL('./pool-worker.ts', import.meta.url), { type: 'module' });
  const ready = new Promise<void>((resolve, reject) => {
    worker.addEventListener('message', () => resolve(), { once: true });
    worker.addEventListener('error', (e) => reject(new Error(`pool worker failed to start: ${e.message}`)), { once: true });
  });
  return { post: (message) => worker.postMessage(message), ready, terminate: () => worker.terminate() };
}

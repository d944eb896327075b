import { resultArrays, type BackwardStepsArgs, type Kernels, type SoftmaxDenoiseArgs, type SoftmaxDenoiseResult } from '@diffusion-atlas/core';
import { messageOf } from '../../wire-errors.ts';
import { checkAgainstReference } from '../check.ts';
import { checkBlockShapes, checkShapes } from '../cpu.ts';
import { centresKey, sameCentres, type CentresKey } from '../wasm/centres.ts';
import { sharedMemoryAvailable } from '../wasm/pool.ts';
import {
  CONTROL_BYTES,
  FAILED,
  PENDING,
  STATE,
  bridgeViews,
  controlInts,
  dataBytes,
  readMessage,
  type BridgeCapacity,
  type BridgeViews,
  type DeviceWorkerMessage,
  type DeviceWorkerReply,
} from './bridge-protocol.ts';

export interface WebGpuKernels extends Kernels {
  backwardSteps(args: BackwardStepsArgs): boolean;
  /** The adapter's vendor / architecture / description. */
  readonly adapterName: string;
  /** Largest relative error of the start-up check against the reference. */
  readonly checkMaxError: number;
  destroy(): void;
  /** Test hook: the device worker destroys its device, as a lost GPU would; the next call fails. */
  loseDeviceForTest(): void;
}

export interface WebGpuKernelOptions {
  /** Accept a software or fallback adapter (SwiftShader): for tests and diagnostics; it is slower than the CPU kernels. */
  allowSoftware?: boolean;
}

/** The update dispatches one thread per coordinate, in at most 65 535 workgroups of 256. */
const MAX_UPDATE_COORDINATES = 65535 * 256;
/** How long a call waits for the device worker before declaring it dead. */
const STALL_MS = 60_000;
/** How long the device worker may take to obtain a device and compile its shaders. */
const START_MS = 20_000;

/**
 * softmaxDenoise on WebGPU behind the synchronous `Kernels` contract, verified against the
 * reference, or the reason it cannot be had here. The device lives in a worker of its own (WebGPU
 * reads back only through promises, which cannot settle while this thread waits); calls cross
 * through shared memory, so this needs a cross-origin-isolated page, as the wasm pool does.
 * A lost device or GPU error makes the failing call throw, for `guardKernels` to fall back.
 */
export async function createWebGpuKernels(options: WebGpuKernelOptions = {}): Promise<WebGpuKernels | { reason: string }> {
  if (typeof navigator !== 'object' || !('gpu' in navigator)) return { reason: 'no WebGPU in this runtime (navigator.gpu is absent)' };
  if (!sharedMemoryAvailable()) {
    return { reason: 'WebGPU needs shared memory to serve synchronous kernel calls, and this page is not cross-origin isolated' };
  }
  if (typeof Worker !== 'function') return { reason: 'WebGPU kernels need a worker for the device, and workers are not available here' };
  const worker = new Worker(new URL('./device-worker.ts', import.meta.url), { type: 'module' });
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  const post = (message: DeviceWorkerMessage): void => worker.postMessage(message);
  let reply: DeviceWorkerReply;
  try {
    reply = await new Promise<DeviceWorkerReply>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the WebGPU device worker did not start within ${START_MS / 1000} s`)), START_MS);
      worker.addEventListener('message', (e: MessageEvent<DeviceWorkerReply>) => (clearTimeout(timer), resolve(e.data)), { once: true });
      worker.addEventListener('error', (e) => (clearTimeout(timer), reject(new Error(`the WebGPU device worker failed to start: ${e.message}`))), { once: true });
      post({ type: 'init', control });
    });
  } catch (error) {
    worker.terminate();
    return { reason: messageOf(error) };
  }
  if (reply.type === 'unavailable') {
    worker.terminate();
    return { reason: reply.reason };
  }
  if (reply.software && options.allowSoftware !== true) {
    worker.terminate();
    return { reason: `software WebGPU adapter (${reply.adapterName}): the CPU kernels are faster` };
  }
  const kernels = bridgeKernels(worker, control, reply.adapterName);
  try {
    const checkMaxError = checkAgainstReference(kernels);
    return { ...kernels, checkMaxError };
  } catch (error) {
    kernels.destroy();
    return { reason: `WebGPU check failed: ${messageOf(error)}` };
  }
}

function bridgeKernels(worker: Worker, control: SharedArrayBuffer, adapterName: string): Omit<WebGpuKernels, 'checkMaxError'> {
  const state = controlInts(control);
  let capacity: BridgeCapacity = { rowsTimesD: 0, centres: 0, weights: 0, rows: 0, steps: 0, history: 0, historyRows: 0 };
  let views: BridgeViews | undefined;
  let centresSent: CentresKey | undefined;
  let failure: string | undefined;

  function reserve(m: number, n: number, d: number, steps = 0): BridgeViews {
    const need: BridgeCapacity = { rowsTimesD: m * d, centres: n * d, weights: n, rows: m, steps, history: steps * m * d, historyRows: steps * m };
    const fits = views !== undefined && (Object.keys(need) as (keyof BridgeCapacity)[]).every((key) => need[key] <= capacity[key]);
    if (fits && views !== undefined) return views;
    // grown by half again per dimension, so a slowly growing problem rarely reallocates
    const grow = (want: number, had: number): number => (want <= had ? had : Math.max(want, Math.ceil(had * 1.5)));
    capacity = {
      rowsTimesD: grow(need.rowsTimesD, capacity.rowsTimesD),
      centres: grow(need.centres, capacity.centres),
      weights: grow(need.weights, capacity.weights),
      rows: grow(need.rows, capacity.rows),
      steps: grow(need.steps, capacity.steps),
      history: grow(need.history, capacity.history),
      historyRows: grow(need.historyRows, capacity.historyRows),
    };
    const buffer = new SharedArrayBuffer(dataBytes(capacity));
    views = bridgeViews(buffer, capacity);
    centresSent = undefined;
    worker.postMessage({ type: 'data', buffer, capacity } satisfies DeviceWorkerMessage);
    return views;
  }

  function softmaxDenoise(args: SoftmaxDenoiseArgs): SoftmaxDenoiseResult {
    if (failure !== undefined) throw new Error(failure);
    checkShapes(args);
    const { queries, m, centres, n, d, scale, variance, logWeights } = args;
    const result = resultArrays(args);
    if (m === 0) return result;
    const v = upload(queries, m, centres, n, d, logWeights);
    call({ type: 'run', m, n, d, scale, variance, hasLogWeights: logWeights !== undefined });
    result.mean.set(v.mean.subarray(0, m * d));
    result.nearest.set(v.nearest.subarray(0, m));
    return result;
  }

  /** Writes a call's queries (and the centres when they changed, and the log-weights) into the shared buffers. */
  function upload(queries: Float32Array, m: number, centres: Float32Array, n: number, d: number, logWeights: Float32Array | undefined, steps = 0): BridgeViews {
    const v = reserve(m, n, d, steps);
    v.queries.set(queries.subarray(0, m * d));
    if (!sameCentres(centresSent, centres, n, d)) {
      v.centres.set(centres.subarray(0, n * d));
      centresSent = centresKey(centres, n, d);
    }
    if (logWeights !== undefined) v.logWeights.set(logWeights.subarray(0, n));
    return v;
  }

  /** Posts a call and sleeps until the device worker has answered it; throws (for good) when it failed or stalled. */
  function call(message: Extract<DeviceWorkerMessage, { type: 'run' | 'steps' }>): void {
    Atomics.store(state, STATE, PENDING);
    worker.postMessage(message);
    if (Atomics.wait(state, STATE, PENDING, STALL_MS) === 'timed-out') {
      failure = `the WebGPU device worker did not answer within ${STALL_MS / 1000} s`;
      throw new Error(failure);
    }
    if (Atomics.load(state, STATE) === FAILED) {
      failure = readMessage(control);
      throw new Error(failure);
    }
  }

  /**
   * A block of backward steps on the device, one round trip: the state goes up once and the
   * block's history comes back once. Declines (false) only what the device could not index: noise
   * indices past 2⁵³, a state beyond one dispatch of the update.
   */
  function backwardSteps(args: BackwardStepsArgs): boolean {
    if (failure !== undefined) throw new Error(failure);
    const { x, m, centres, n, d, logWeights, steps } = args;
    checkBlockShapes(args);
    if (m === 0 || !Number.isSafeInteger((args.firstStep + steps) * m * d) || m * d > MAX_UPDATE_COORDINATES) return false;
    const v = upload(x, m, centres, n, d, logWeights, steps);
    v.stepTimes.set(args.times.subarray(0, steps + 1));
    v.stepTimes.set(args.scales.subarray(0, steps), steps + 1);
    v.stepTimes.set(args.variances.subarray(0, steps), 2 * steps + 1);
    const { seed, stream, firstStep } = args;
    call({ type: 'steps', m, n, d, hasLogWeights: logWeights !== undefined, steps, seed, stream, firstStep });
    args.history.set(v.history.subarray(0, steps * m * d));
    args.nearest.set(v.historyNearest.subarray(0, steps * m));
    return true;
  }

  return {
    backend: 'webgpu',
    adapterName,
    softmaxDenoise,
    backwardSteps,
    loseDeviceForTest() {
      worker.postMessage({ type: 'lose' } satisfies DeviceWorkerMessage);
    },
    destroy() {
      failure ??= 'the WebGPU kernels were destroyed';
      // terminating the worker drops its device and buffers with it
      worker.terminate();
    },
  };
}

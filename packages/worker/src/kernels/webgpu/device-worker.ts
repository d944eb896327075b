import { requestWebGpuDevice } from './adapter.ts';
import { WebGpuDenoiser } from './denoiser.ts';
import { DONE, FAILED, bridgeViews, controlInts, writeMessage, STATE, type BridgeViews, type DeviceWorkerMessage, type DeviceWorkerReply } from './bridge-protocol.ts';
import { messageOf } from '../../wire-errors.ts';

/*
 * The WebGPU device worker: owns the device and the denoiser's buffers, and serves the kernels
 * thread's calls (see bridge-protocol.ts). It never blocks, so WebGPU's promises settle here.
 */

interface WorkerScope {
  postMessage(message: DeviceWorkerReply): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<DeviceWorkerMessage>) => void): void;
}

// structural, as in the wasm pool worker: this file also typechecks under the DOM lib (the tests)
const scope = globalThis as unknown as WorkerScope;
let denoiser: WebGpuDenoiser | undefined;
let control: SharedArrayBuffer | undefined;
let views: BridgeViews | undefined;

scope.addEventListener('message', (event) => {
  const message = event.data;
  if (message.type === 'init') {
    control = message.control;
    void init();
  } else if (message.type === 'data') {
    views = bridgeViews(message.buffer, message.capacity);
  } else if (message.type === 'lose') {
    denoiser?.device.destroy();
  } else if (message.type === 'steps') {
    void answer(() => runSteps(message));
  } else {
    void answer(() => run(message));
  }
});

async function init(): Promise<void> {
  const choice = await requestWebGpuDevice();
  if ('reason' in choice) {
    scope.postMessage({ type: 'unavailable', reason: choice.reason });
    return;
  }
  try {
    denoiser = await WebGpuDenoiser.create(choice.device);
    scope.postMessage({ type: 'ready', adapterName: choice.adapterName, software: choice.software });
  } catch (error) {
    choice.device.destroy();
    scope.postMessage({ type: 'unavailable', reason: messageOf(error) });
  }
}

/** Runs a call and signals the waiting kernels thread: DONE, or FAILED with the message. */
async function answer(call: () => Promise<void>): Promise<void> {
  if (control === undefined) return;
  const state = controlInts(control);
  try {
    await call();
    Atomics.store(state, STATE, DONE);
  } catch (error) {
    writeMessage(control, messageOf(error));
    Atomics.store(state, STATE, FAILED);
  }
  Atomics.notify(state, STATE);
}

function ready(): { denoiser: WebGpuDenoiser; views: BridgeViews } {
  if (denoiser === undefined || views === undefined) throw new Error('the WebGPU device worker is not initialised');
  return { denoiser, views };
}

async function run(call: Extract<DeviceWorkerMessage, { type: 'run' }>): Promise<void> {
  const { denoiser, views } = ready();
  const { m, n, d, scale, variance, hasLogWeights } = call;
  await denoiser.softmaxDenoise({
    queries: views.queries,
    m,
    centres: views.centres,
    n,
    d,
    scale,
    variance,
    logWeights: hasLogWeights ? views.logWeights : undefined,
    out: { mean: views.mean.subarray(0, m * d), nearest: views.nearest.subarray(0, m) },
  });
}

async function runSteps(call: Extract<DeviceWorkerMessage, { type: 'steps' }>): Promise<void> {
  const { denoiser, views } = ready();
  const { m, n, d, hasLogWeights, steps, seed, stream, firstStep } = call;
  const t = views.stepTimes;
  await denoiser.backwardSteps({
    x: views.queries,
    m,
    centres: views.centres,
    n,
    d,
    logWeights: hasLogWeights ? views.logWeights : undefined,
    steps,
    times: t.subarray(0, steps + 1),
    scales: t.subarray(steps + 1, 2 * steps + 1),
    variances: t.subarray(2 * steps + 1, 3 * steps + 1),
    seed,
    stream,
    firstStep,
    history: views.history.subarray(0, steps * m * d),
    nearest: views.historyNearest.subarray(0, steps * m),
  });
}

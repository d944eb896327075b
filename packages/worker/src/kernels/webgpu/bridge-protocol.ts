/*
 * The shared memory between a kernels thread and the WebGPU device worker. The `Kernels` contract
 * is synchronous and WebGPU reads back only asynchronously, so the kernels thread writes a call's
 * inputs here, posts 'run' and sleeps in Atomics.wait until the device worker, whose event loop
 * settles the GPU's promises, has written the outputs and set STATE.
 */

export const STATE = 0;
export const MESSAGE_LENGTH = 1;
export const PENDING = 0;
export const DONE = 1;
export const FAILED = 2;

const CONTROL_INTS = 4;
const MESSAGE_BYTES = 1024;
export const CONTROL_BYTES = CONTROL_INTS * 4 + MESSAGE_BYTES;

/** Element counts of the data buffer's regions. */
export interface BridgeCapacity {
  /** m·d: the queries, and the means. */
  rowsTimesD: number;
  /** n·d */
  centres: number;
  /** n */
  weights: number;
  /** m */
  rows: number;
  /** Steps of a block (backwardSteps); 0 until a block is run. */
  steps: number;
  /** steps·m·d: a block's states. */
  history: number;
  /** steps·m: a block's nearest centres. */
  historyRows: number;
}

export interface BridgeViews {
  /** A block's times (steps + 1), then its scales and variances (steps each). */
  stepTimes: Float64Array;
  queries: Float32Array;
  centres: Float32Array;
  logWeights: Float32Array;
  mean: Float32Array;
  nearest: Int32Array;
  history: Float32Array;
  historyNearest: Int32Array;
}

export type DeviceWorkerMessage =
  | { type: 'init'; control: SharedArrayBuffer }
  | { type: 'data'; buffer: SharedArrayBuffer; capacity: BridgeCapacity }
  | { type: 'run'; m: number; n: number; d: number; scale: number; variance: number; hasLogWeights: boolean }
  /** A block of backward steps: the state in `queries`, times, scales and variances in `stepTimes`. */
  | { type: 'steps'; m: number; n: number; d: number; hasLogWeights: boolean; steps: number; seed: number; stream: number; firstStep: number }
  /** Test hook: destroy the device, as a driver reset or a GPU process crash would lose it. */
  | { type: 'lose' };

export type DeviceWorkerReply = { type: 'ready'; adapterName: string; software: boolean } | { type: 'unavailable'; reason: string };

function stepTimesLength(c: BridgeCapacity): number {
  return 3 * c.steps + 1;
}

export function dataBytes(c: BridgeCapacity): number {
  return stepTimesLength(c) * 8 + (2 * c.rowsTimesD + c.centres + c.weights + c.rows + c.history + c.historyRows) * 4;
}

export function bridgeViews(buffer: SharedArrayBuffer, c: BridgeCapacity): BridgeViews {
  let at = 0;
  const take = (length: number): [number, number] => {
    const start = at;
    at += length * 4;
    return [start, length];
  };
  // the float64 region first, where its alignment is free
  const stepTimes = new Float64Array(buffer, 0, stepTimesLength(c));
  at = stepTimes.byteLength;
  return {
    stepTimes,
    queries: new Float32Array(buffer, ...take(c.rowsTimesD)),
    centres: new Float32Array(buffer, ...take(c.centres)),
    logWeights: new Float32Array(buffer, ...take(c.weights)),
    mean: new Float32Array(buffer, ...take(c.rowsTimesD)),
    nearest: new Int32Array(buffer, ...take(c.rows)),
    history: new Float32Array(buffer, ...take(c.history)),
    historyNearest: new Int32Array(buffer, ...take(c.historyRows)),
  };
}

export function writeMessage(control: SharedArrayBuffer, message: string): void {
  const bytes = new TextEncoder().encode(message).subarray(0, MESSAGE_BYTES);
  new Uint8Array(control, CONTROL_INTS * 4, MESSAGE_BYTES).set(bytes);
  new Int32Array(control, 0, CONTROL_INTS)[MESSAGE_LENGTH] = bytes.length;
}

export function readMessage(control: SharedArrayBuffer): string {
  const length = new Int32Array(control, 0, CONTROL_INTS)[MESSAGE_LENGTH];
  // TextDecoder refuses views of shared memory: copy out first
  return new TextDecoder().decode(new Uint8Array(control, CONTROL_INTS * 4, length).slice());
}

export function controlInts(control: SharedArrayBuffer): Int32Array {
  return new Int32Array(control, 0, CONTROL_INTS);
}

import { ROW_BLOCK, type WasmDenoiser, type WasmNormals } from './instance.ts';
import { carryRows, type StepsBlock } from './carry-rows.ts';

/*
 * The shared-memory protocol between the calling thread and the pool workers. The call stays
 * synchronous: the caller publishes a job in SharedArrayBuffers, wakes the workers with
 * Atomics.notify, takes a group of rows itself like any worker, and blocks in Atomics.wait until
 * every worker has checked in. The rows are split into one group per thread (in pairs of rows),
 * so each thread reads the centres once per call; the groups are handed out by an atomic counter,
 * so a thread that wakes late finds its group already taken rather than holding up the call.
 */

/** Slots of the Int32Array control block. */
export const GEN = 0;
export const NEXT = 1;
export const DONE = 2;
/** Which data buffer the job lives in; a worker bound to an older one goes back for the new one. */
export const EPOCH = 3;
export const CENTRES_VERSION = 4;
export const M = 5;
export const N = 6;
export const D = 7;
export const HAS_LOG_WEIGHTS = 8;
export const STOP = 9;
export const FAILURES = 10;
/** Rows per group of the current job. */
export const GROUP = 11;
/** What the current job computes: DENOISE_JOB or NORMALS_JOB. */
export const JOB = 12;
/** The normals' seed and stream (their first index is in START), for both jobs that draw them. */
export const SEED = 13;
export const STREAM = 14;
/** Which normals buffer the job writes; like EPOCH, for the normals' own buffer. */
export const NORMALS_EPOCH = 15;
/** The normals' count, the counter handing them out and the group size, for both jobs that draw them. */
export const NORMALS_LENGTH = 16;
export const NORMALS_NEXT = 17;
export const NORMALS_GROUP = 18;
/** 1 when the job writes the score instead of the mean (`DenoiseBlock.asScore`). */
export const AS_SCORE = 19;
/** The steps of a BLOCK_JOB. */
export const STEPS = 20;
/** Which block buffer the job writes; like EPOCH, for the blocks' own buffer. */
export const BLOCK_EPOCH = 21;
export const CONTROL_SLOTS = 22;
export const DENOISE_JOB = 0;
export const NORMALS_JOB = 1;
/**
 * Rows, then normals: a thread that runs out of rows takes groups of the normals, so a thread with
 * fewer rows draws more of the noise meanwhile.
 */
export const DENOISE_NORMALS_JOB = 2;
/** Normals per group of a DENOISE_NORMALS_JOB: small, so the threads finish close together. */
export const FUSED_NORMALS_GROUP = 2048;
/**
 * Whole backward SDE steps (`Kernels.backwardSteps`): each thread takes a group of rows and carries
 * them through every step of the block (score, noise, Euler–Maruyama update), with no barrier
 * between steps: the rows' trajectories are independent under a softmax score.
 */
export const BLOCK_JOB = 3;
/** Float64 parameters, after the control slots in the same buffer. */
export const SCALE = 0;
export const VARIANCE = 1;
export const START = 2;
export const CONTROL_BYTES = CONTROL_SLOTS * 4 + 3 * 8;

/** Normals per group of a normals job: the length split evenly over the threads, in whole pairs. */
/**
 * How long a thread polls a slot before it sleeps in Atomics.wait. A thread that sleeps between
 * jobs is slow to wake, and slow for a while after: on a virtual machine the idle vCPU is halted
 * and the host may run something else there. Measured here, two threads that slept between
 * sub-millisecond jobs each ran them 30–70 % slower than the same work done without sleeping. The
 * sampler's calls come a fraction of a millisecond apart, so polling for 1 ms keeps both threads
 * awake through a run and costs at most a millisecond of CPU when the run ends.
 */
export const SPIN_MS = 1;

/** Polls `i32[index]` while it equals `value`, for at most `ms`; whether it changed. */
export function spinWhile(i32: Int32Array, index: number, value: number, ms: number): boolean {
  const until = performance.now() + ms;
  do {
    for (let i = 0; i < 64; i++) if (Atomics.load(i32, index) !== value) return true;
  } while (performance.now() < until);
  return Atomics.load(i32, index) !== value;
}

export function groupNormals(length: number, threads: number): number {
  return Math.max(2, Math.ceil(length / threads / 2) * 2);
}

/**
 * Rows per group: m split evenly over the threads, in whole pairs of rows. The kernel takes a
 * group's last 1–4 rows in pair tiles at a third of a whole tile's cost each, so an even split
 * beats one in whole tiles (config c's 64 rows: 32 + 32, not 36 + 28, which left one thread with
 * six tiles to the other's five).
 */
export function groupRows(m: number, threads: number): number {
  return Math.max(ROW_BLOCK, Math.ceil(m / threads / 2) * 2);
}

export interface DataCapacity {
  m: number;
  n: number;
  d: number;
}

export interface DataViews {
  centres: Float32Array;
  logWeights: Float32Array;
  queries: Float32Array;
  mean: Float32Array;
  nearest: Int32Array;
}

export function dataBytes({ m, n, d }: DataCapacity): number {
  return 4 * (n * d + n + 2 * m * d + m);
}

export function dataViews(buffer: SharedArrayBuffer, { m, n, d }: DataCapacity): DataViews {
  let at = 0;
  const f32 = (length: number): Float32Array => {
    const view = new Float32Array(buffer, at, length);
    at += 4 * length;
    return view;
  };
  const centres = f32(n * d);
  const logWeights = f32(n);
  const queries = f32(m * d);
  const mean = f32(m * d);
  const nearest = new Int32Array(buffer, at, m);
  return { centres, logWeights, queries, mean, nearest };
}

export interface Control {
  i32: Int32Array;
  f64: Float64Array;
}

export function controlViews(buffer: SharedArrayBuffer): Control {
  return { i32: new Int32Array(buffer, 0, CONTROL_SLOTS), f64: new Float64Array(buffer, CONTROL_SLOTS * 4, 3) };
}

/**
 * A block's shared buffer, laid out for (steps, m, d): the times (steps + 1), scales and variances
 * of the steps in float64, then the state after each step (steps × m × d) and each step's nearest
 * centres (steps × m), which every thread writes for its own rows.
 */
export interface BlockViews {
  times: Float64Array;
  scales: Float64Array;
  variances: Float64Array;
  history: Float32Array;
  nearest: Int32Array;
}

export function blockBytes(steps: number, m: number, d: number): number {
  return 8 * (3 * steps + 2) + 4 * steps * m * (d + 1);
}

export function blockViews(buffer: SharedArrayBuffer, steps: number, m: number, d: number): BlockViews {
  const times = new Float64Array(buffer, 0, steps + 1);
  const scales = new Float64Array(buffer, 8 * (steps + 1), steps);
  const variances = new Float64Array(buffer, 8 * (2 * steps + 1), steps);
  const at = 8 * (3 * steps + 2);
  const history = new Float32Array(buffer, at, steps * m * d);
  const nearest = new Int32Array(buffer, at + 4 * steps * m * d, steps * m);
  return { times, scales, variances, history, nearest };
}

/**
 * Takes groups of rows of the current block until none are left, carrying each through every step
 * in the thread's own instance (`carryRows`); the same code runs in every thread.
 */
export function drainBlock(control: Control, views: DataViews, block: BlockViews, denoiser: WasmDenoiser): void {
  const { i32, f64 } = control;
  const { m, d, group, logWeights } = prepareRows(control, views, denoiser, true);
  const { times, scales, variances, history, nearest } = block;
  const steps: StepsBlock = { steps: i32[STEPS], m, d, times, scales, variances, seed: i32[SEED], stream: i32[STREAM], noiseStart: f64[START], history, nearest };
  takeGroups(i32, NEXT, m, group, (row0, end) => carryRows(denoiser, views.queries, row0, end - row0, logWeights, steps));
}

/** Takes groups of the current job until none are left; the same code runs in every thread. */
export function drainRows(control: Control, views: DataViews, denoiser: WasmDenoiser): void {
  const { i32, f64 } = control;
  const { m, group, logWeights } = prepareRows(control, views, denoiser, false);
  const scale = f64[SCALE];
  const variance = f64[VARIANCE];
  const asScore = i32[AS_SCORE] === 1;
  takeGroups(i32, NEXT, m, group, (row0, end) => {
    denoiser.run({ queries: views.queries, row0, rows: end - row0, scale, variance, logWeights, asScore, mean: views.mean, nearest: views.nearest });
  });
}

/**
 * A job of rows as this thread's instance needs it: the job's centres laid out (once per new
 * version), room for a group of rows (and their normals, for blocks of steps), the log-weights.
 */
function prepareRows(control: Control, views: DataViews, denoiser: WasmDenoiser, steps: boolean): { m: number; d: number; group: number; logWeights: Float32Array | undefined } {
  const { i32 } = control;
  const m = i32[M];
  const d = i32[D];
  const version = i32[CENTRES_VERSION];
  const group = i32[GROUP];
  if (denoiser.centresToken !== version) denoiser.setCentres(views.centres, i32[N], d, version, group);
  denoiser.ensureRows(group, steps);
  return { m, d, group, logWeights: i32[HAS_LOG_WEIGHTS] === 1 ? views.logWeights : undefined };
}

/** Takes groups of the current normals job until none are left; the same code runs in every thread. */
export function drainNormals(control: Control, out: Float64Array, normals: WasmNormals): void {
  const { i32, f64 } = control;
  const length = i32[NORMALS_LENGTH];
  const group = i32[NORMALS_GROUP];
  const seed = i32[SEED];
  const stream = i32[STREAM];
  const start = f64[START];
  takeGroups(i32, NORMALS_NEXT, length, group, (from, to) => normals.fill(seed, stream, start + from, out.subarray(from, to)));
}

/**
 * Takes [from, to) ranges of `group` items off the shared counter at `counter` until `total` are
 * taken, handing each to `work`: every thread runs it, so the ranges are shared out as they finish.
 */
function takeGroups(i32: Int32Array, counter: number, total: number, group: number, work: (from: number, to: number) => void): void {
  for (;;) {
    const from = Atomics.add(i32, counter, group);
    if (from >= total) return;
    work(from, Math.min(from + group, total));
  }
}

/** A DENOISE_NORMALS_JOB: rows while there are any, then normals. */
export function drainRowsThenNormals(control: Control, views: DataViews, denoiser: WasmDenoiser, out: Float64Array, normals: WasmNormals): void {
  drainRows(control, views, denoiser);
  drainNormals(control, out, normals);
}

import { resultArrays, type BackwardStepsArgs, type SoftmaxDenoiseArgs, type SoftmaxDenoiseResult } from '@diffusion-atlas/core';
import { checkShapes } from '../cpu.ts';
import { centresKey, sameCentres, type CentresKey } from '../wasm/centres.ts';
import { LOGITS_WGSL, ROW_STATS_WGSL, ROW_THREADS, TILE, WEIGHTED_MEAN_WGSL } from './shaders.ts';
import { UPDATE_THREADS, UPDATE_WGSL } from './update-wgsl.ts';
import { stepsBindGroups, writeStepParams, type StepsBindGroups } from './steps-params.ts';

// GPUBufferUsage / GPUMapMode values from the WebGPU specification: TypeScript's DOM library types
// the API but declares no values for these namespaces.
const MAP_READ = 0x1;
const COPY_SRC = 0x4;
const COPY_DST = 0x8;
const UNIFORM = 0x40;
const STORAGE = 0x80;
const MAP_MODE_READ = 0x1;

/** Largest logits block per dispatch (elements): 16 MB of float32, far below every adapter's binding limit. */
const LOGITS_BUDGET = 1 << 22;
/** Workgroups per dispatch dimension that every WebGPU device accepts. */
const MAX_GROUPS = 65535;
const PARAMS_BYTES = 32;

type Sizes = Record<'centres' | 'logWeights' | 'queries' | 'W' | 'z' | 'mean' | 'nearest', number>;

/** A GPU buffer grown when a call needs more, kept otherwise. */
interface Slot {
  buffer: GPUBuffer | undefined;
  bytes: number;
}

/**
 * softmaxDenoise on a WebGPU device, asynchronous because WebGPU reads back only through
 * `mapAsync`. Buffers live across calls and grow when a call needs more; the training set is
 * uploaded once and kept while the caller passes the same array (checked as the wasm kernel does,
 * by identity, shape and a sample of values). Per call only the queries (and log-weights) go up,
 * and only the m × d means and the m nearest indices come back. Calls are serialised: one set of
 * buffers serves them all.
 *
 * Once the device is lost, or a call raises a GPU error, every later call rejects with the reason:
 * the caller falls back rather than retrying on a device in an unknown state.
 */
export class WebGpuDenoiser {
  readonly device: GPUDevice;
  /** Why this denoiser no longer works; undefined while it does. */
  failure: string | undefined;
  private readonly logits: GPUComputePipeline;
  private readonly rowStats: GPUComputePipeline;
  private readonly weightedMean: GPUComputePipeline;
  private readonly params: GPUBuffer;
  private readonly slots = {
    centres: emptySlot(),
    logWeights: emptySlot(),
    queries: emptySlot(),
    W: emptySlot(),
    z: emptySlot(),
    mean: emptySlot(),
    nearest: emptySlot(),
    readback: emptySlot(),
    stepParams: emptySlot(),
    history: emptySlot(),
    historyNearest: emptySlot(),
    historyReadback: emptySlot(),
  };
  private readonly update: GPUComputePipeline;
  /** Bind groups of a block of steps, per step and query chunk; rebuilt with `groups`. */
  private stepGroups: StepsBindGroups | undefined;

  private centresOnGpu: CentresKey | undefined;
  /** Whether the log-weights buffer holds zeros for the current n (no upload per call then). */
  private uniformWeightsFor = -1;
  private queue: Promise<unknown> = Promise.resolve();
  /** Bind groups over the current buffers; rebuilt only when a buffer is replaced. */
  private groups: { logits: GPUBindGroup; stats: GPUBindGroup; mean: GPUBindGroup } | undefined;
  private readonly paramsData = new ArrayBuffer(PARAMS_BYTES);

  /** Largest logits block per dispatch (elements). */
  private readonly logitsBudget: number;

  private constructor(device: GPUDevice, logitsBudget: number) {
    this.device = device;
    this.logitsBudget = logitsBudget;
    const make = (code: string): GPUComputePipeline =>
      device.createComputePipeline({ layout: 'auto', compute: { module: device.createShaderModule({ code }), entryPoint: 'main' } });
    this.logits = make(LOGITS_WGSL);
    this.rowStats = make(ROW_STATS_WGSL);
    this.weightedMean = make(WEIGHTED_MEAN_WGSL);
    this.update = make(UPDATE_WGSL);
    this.params = device.createBuffer({ size: PARAMS_BYTES, usage: UNIFORM | COPY_DST });
    void device.lost.then((info) => {
      this.failure ??= `the WebGPU device was lost (${info.reason}${info.message ? `: ${info.message}` : ''})`;
    });
  }

  /**
   * Compiles the pipelines, surfacing a shader the driver rejects as an error here rather than on
   * the first call. `logitsBudget`: the most logits per dispatch (2²² by default); tests make it
   * small to split small problems into several chunks of rows.
   */
  static async create(device: GPUDevice, options: { logitsBudget?: number } = {}): Promise<WebGpuDenoiser> {
    device.pushErrorScope('validation');
    const denoiser = new WebGpuDenoiser(device, options.logitsBudget ?? LOGITS_BUDGET);
    const error = await device.popErrorScope();
    if (error) {
      denoiser.destroy();
      throw new Error(`the WebGPU kernels failed to compile: ${error.message}`);
    }
    return denoiser;
  }

  softmaxDenoise(args: SoftmaxDenoiseArgs): Promise<SoftmaxDenoiseResult> {
    const run = this.queue.then(() => this.run(args));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * `args.steps` backward SDE steps in one command buffer: per step the three softmaxDenoise
   * stages (per chunk of query rows) and the update, which draws its noise and keeps the state in
   * the queries buffer for the next step; each step's state and nearest centres go to a history
   * buffer, read back once at the end into `args.history` and `args.nearest`.
   */
  backwardSteps(args: BackwardStepsArgs): Promise<void> {
    const run = this.queue.then(() => this.runSteps(args));
    this.queue = run.catch(() => undefined);
    return run;
  }

  destroy(): void {
    this.failure ??= 'the WebGPU kernels were destroyed';
    for (const slot of Object.values(this.slots)) slot.buffer?.destroy();
    this.params.destroy();
    this.device.destroy();
  }

  private async run(args: SoftmaxDenoiseArgs): Promise<SoftmaxDenoiseResult> {
    if (this.failure !== undefined) throw new Error(this.failure);
    checkShapes(args);
    const { m, n, d } = args;
    const result = resultArrays(args);
    if (m === 0) return result;
    const { chunk, bytes } = this.shape(m, n, d);
    const readback = await this.submitChecked(() => this.encode(args, chunk, bytes));
    const mapped = await this.map(readback, bytes.mean + bytes.nearest);
    result.mean.set(new Float32Array(mapped, 0, m * d));
    result.nearest.set(new Int32Array(mapped, bytes.mean, m));
    readback.unmap();
    return result;
  }

  /** The chunk of query rows per dispatch, and the bytes of each buffer a call of this shape needs. */
  private shape(m: number, n: number, d: number): { chunk: number; bytes: Sizes } {
    const chunk = Math.max(1, Math.min(m, MAX_GROUPS, Math.floor(this.logitsBudget / n)));
    const bytes = { centres: n * d * 4, logWeights: n * 4, queries: m * d * 4, W: chunk * n * 4, z: chunk * 4, mean: m * d * 4, nearest: m * 4 };
    const limit = this.bufferLimit();
    if (bytes.centres > limit || bytes.mean > limit) {
      throw new Error(`the problem (n=${n}, m=${m}, d=${d}) needs buffers over this GPU's limit of ${(limit / 2 ** 20).toFixed(0)} MiB`);
    }
    return { chunk, bytes };
  }

  private bufferLimit(): number {
    return Math.min(this.device.limits.maxStorageBufferBindingSize, this.device.limits.maxBufferSize);
  }

  /** Runs `encode` inside error scopes; a GPU error fails this denoiser for good. */
  private async submitChecked<T>(encode: () => T): Promise<T> {
    const device = this.device;
    device.pushErrorScope('out-of-memory');
    device.pushErrorScope('validation');
    let result: T | undefined;
    let thrown: unknown;
    let ok = false;
    try {
      result = encode();
      ok = true;
    } catch (error) {
      thrown = error;
    }
    // popped whatever happened, so a throwing call leaves no scope behind for the next one
    const validation = await device.popErrorScope();
    const memory = await device.popErrorScope();
    const gpuError = validation ?? memory;
    if (gpuError) {
      this.failure = `WebGPU error: ${gpuError.message}`;
      throw new Error(this.failure);
    }
    if (!ok) throw thrown;
    return result as T;
  }

  private async map(buffer: GPUBuffer, bytes: number): Promise<ArrayBuffer> {
    try {
      await buffer.mapAsync(MAP_MODE_READ, 0, bytes);
    } catch (error) {
      // a lost device rejects the map; its lost promise carries the better reason
      throw new Error(this.failure ?? `WebGPU readback failed: ${String(error)}`);
    }
    return buffer.getMappedRange(0, bytes);
  }

  /** Uploads what a call changes (centres when new, log-weights, queries) and makes sure every working buffer fits. */
  private prepare(args: Pick<SoftmaxDenoiseArgs, 'queries' | 'm' | 'centres' | 'n' | 'd' | 'logWeights'>, bytes: Sizes) {
    const { queries, m, centres, n, d, logWeights } = args;
    const device = this.device;
    const s = this.slots;
    const centresBuf = this.ensure(s.centres, bytes.centres, STORAGE | COPY_DST);
    if (centresBuf.fresh || !sameCentres(this.centresOnGpu, centres, n, d)) {
      device.queue.writeBuffer(centresBuf.buffer, 0, centres, 0, n * d);
      this.centresOnGpu = centresKey(centres, n, d);
    }
    const lw = this.ensure(s.logWeights, bytes.logWeights, STORAGE | COPY_DST);
    if (logWeights !== undefined) {
      device.queue.writeBuffer(lw.buffer, 0, logWeights, 0, n);
      this.uniformWeightsFor = -1;
    } else if (lw.fresh || this.uniformWeightsFor !== n) {
      device.queue.writeBuffer(lw.buffer, 0, new Float32Array(n));
      this.uniformWeightsFor = n;
    }
    const q = this.ensure(s.queries, bytes.queries, STORAGE | COPY_DST).buffer;
    device.queue.writeBuffer(q, 0, queries, 0, m * d);
    return {
      q,
      centres: centresBuf.buffer,
      logWeights: lw.buffer,
      W: this.ensure(s.W, bytes.W, STORAGE).buffer,
      z: this.ensure(s.z, bytes.z, STORAGE).buffer,
      mean: this.ensure(s.mean, bytes.mean, STORAGE | COPY_SRC).buffer,
      nearest: this.ensure(s.nearest, bytes.nearest, STORAGE | COPY_SRC).buffer,
    };
  }

  /**
   * Uploads what this call changes and submits its dispatches, one block of `chunk` query rows
   * each, then the copy of the results into the readback buffer, which it returns.
   */
  private encode(args: SoftmaxDenoiseArgs, chunk: number, bytes: Sizes): GPUBuffer {
    const { m, n, d, scale, variance } = args;
    const device = this.device;
    const b = this.prepare(args, bytes);
    const readback = this.ensure(this.slots.readback, bytes.mean + bytes.nearest, MAP_READ | COPY_DST).buffer;

    this.groups ??= {
      logits: this.bindGroup(this.logits, [b.q, b.centres, b.logWeights, b.W]),
      stats: this.bindGroup(this.rowStats, [b.W, b.z, b.nearest]),
      mean: this.bindGroup(this.weightedMean, [b.W, b.centres, b.z, b.mean]),
    };
    const groups = this.groups;
    const u32 = new Uint32Array(this.paramsData);
    const f32 = new Float32Array(this.paramsData);

    for (let row0 = 0; row0 < m; row0 += chunk) {
      const rows = Math.min(chunk, m - row0);
      u32.set([rows, n, d, row0]);
      f32[4] = scale;
      f32[5] = 1 / (2 * variance);
      // queue order: this chunk's dispatches see these parameters, the next chunk's its own
      device.queue.writeBuffer(this.params, 0, this.paramsData);
      const encoder = device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      this.denoisePasses(pass, groups, rows, n, d);
      pass.end();
      if (row0 + chunk >= m) {
        encoder.copyBufferToBuffer(b.mean, 0, readback, 0, bytes.mean);
        encoder.copyBufferToBuffer(b.nearest, 0, readback, bytes.mean, bytes.nearest);
      }
      device.queue.submit([encoder.finish()]);
    }
    return readback;
  }

  /** The three stages of softmaxDenoise for one chunk of `rows` query rows. */
  private denoisePasses(pass: GPUComputePassEncoder, groups: { logits: GPUBindGroup; stats: GPUBindGroup; mean: GPUBindGroup }, rows: number, n: number, d: number): void {
    pass.setPipeline(this.logits);
    pass.setBindGroup(0, groups.logits);
    pass.dispatchWorkgroups(Math.ceil(n / TILE), Math.ceil(rows / TILE));
    pass.setPipeline(this.rowStats);
    pass.setBindGroup(0, groups.stats);
    pass.dispatchWorkgroups(rows);
    pass.setPipeline(this.weightedMean);
    pass.setBindGroup(0, groups.mean);
    pass.dispatchWorkgroups(Math.ceil(d / TILE), Math.ceil(rows / TILE));
  }

  private async runSteps(args: BackwardStepsArgs): Promise<void> {
    if (this.failure !== undefined) throw new Error(this.failure);
    const { x, m, n, d, steps } = args;
    checkShapes({ queries: x, m, centres: args.centres, n, d, scale: 1, variance: 1, logWeights: args.logWeights });
    if (m === 0 || steps === 0) return;
    if (m * d > MAX_GROUPS * UPDATE_THREADS) throw new Error(`a block of steps takes at most ${MAX_GROUPS * UPDATE_THREADS} coordinates, not m·d = ${m * d}`);
    const { chunk, bytes } = this.shape(m, n, d);
    const historyBytes = steps * m * d * 4;
    const nearestBytes = steps * m * 4;
    if (historyBytes > this.bufferLimit()) throw new Error(`a block of ${steps} steps needs a history over this GPU's buffer limit`);
    const readback = await this.submitChecked(() => this.encodeSteps(args, chunk, bytes, historyBytes, nearestBytes));
    const mapped = await this.map(readback, historyBytes + nearestBytes);
    args.history.set(new Float32Array(mapped, 0, steps * m * d));
    args.nearest.set(new Int32Array(mapped, historyBytes, steps * m));
    readback.unmap();
  }

  private encodeSteps(args: BackwardStepsArgs, chunk: number, bytes: Sizes, historyBytes: number, nearestBytes: number): GPUBuffer {
    const { x, m, n, d, steps } = args;
    const device = this.device;
    const s = this.slots;
    const b = this.prepare({ ...args, queries: x }, bytes);
    const chunks = Math.ceil(m / chunk);
    const align = device.limits.minUniformBufferOffsetAlignment;
    const params = this.ensure(s.stepParams, steps * (chunks + 1) * align, UNIFORM | COPY_DST).buffer;
    const history = this.ensure(s.history, historyBytes, STORAGE | COPY_SRC).buffer;
    const historyNearest = this.ensure(s.historyNearest, nearestBytes, STORAGE | COPY_SRC).buffer;
    const readback = this.ensure(s.historyReadback, historyBytes + nearestBytes, MAP_READ | COPY_DST).buffer;
    device.queue.writeBuffer(params, 0, writeStepParams(args, chunk, align));
    if (this.stepGroups === undefined || this.stepGroups.steps < steps || this.stepGroups.chunks !== chunks) {
      this.stepGroups = stepsBindGroups(device, { logits: this.logits, stats: this.rowStats, mean: this.weightedMean, update: this.update }, {
        params,
        ...b,
        history,
        historyNearest,
      }, steps, chunks, align);
    }
    const groups = this.stepGroups;
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    for (let j = 0; j < steps; j++) {
      for (let c = 0; c < chunks; c++) {
        this.denoisePasses(pass, groups.denoise[j * chunks + c], Math.min(chunk, m - c * chunk), n, d);
      }
      pass.setPipeline(this.update);
      pass.setBindGroup(0, groups.update[j]);
      pass.dispatchWorkgroups(Math.ceil((m * d) / UPDATE_THREADS));
    }
    pass.end();
    encoder.copyBufferToBuffer(history, 0, readback, 0, historyBytes);
    encoder.copyBufferToBuffer(historyNearest, 0, readback, historyBytes, nearestBytes);
    device.queue.submit([encoder.finish()]);
    return readback;
  }

  /** The slot's buffer, replaced by a larger one when `bytes` exceeds it (grown by half again, so a slowly growing m reallocates rarely). */
  private ensure(slot: Slot, bytes: number, usage: number): { buffer: GPUBuffer; fresh: boolean } {
    // WebGPU sizes are multiples of 4, and a zero-sized binding is invalid
    const need = Math.max(16, Math.ceil(bytes / 4) * 4);
    if (slot.buffer !== undefined && slot.bytes >= need) return { buffer: slot.buffer, fresh: false };
    slot.buffer?.destroy();
    const limit = Math.min(this.device.limits.maxStorageBufferBindingSize, this.device.limits.maxBufferSize);
    const size = slot.buffer === undefined ? need : Math.max(need, Math.min(limit, Math.ceil((slot.bytes * 1.5) / 4) * 4));
    slot.buffer = this.device.createBuffer({ size, usage });
    slot.bytes = size;
    this.groups = undefined;
    this.stepGroups = undefined;
    return { buffer: slot.buffer, fresh: true };
  }

  /** Whole buffers are bound: the shaders index by the parameters, never by arrayLength. */
  private bindGroup(pipeline: GPUComputePipeline, buffers: GPUBuffer[]): GPUBindGroup {
    return this.device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [{ binding: 0, resource: { buffer: this.params } }, ...buffers.map((buffer, j) => ({ binding: j + 1, resource: { buffer } }))],
    });
  }
}

function emptySlot(): Slot {
  return { buffer: undefined, bytes: 0 };
}

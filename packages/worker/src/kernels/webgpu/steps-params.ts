import type { BackwardStepsArgs } from '@diffusion-atlas/core';

/*
 * The uniforms of a block of backward steps, all written once before the block is submitted (a
 * uniform rewritten between dispatches of one submission would be seen by all of them with its
 * last value). Step j takes chunks + 1 slots of `align` bytes from slot j·(chunks + 1): one
 * softmaxDenoise `Params` per chunk of query rows, then the update's `Step` (update-wgsl.ts). Slots
 * do not depend on the block's length, so bind groups made for a longer block serve a shorter one.
 */

const DENOISE_BYTES = 32;
const STEP_BYTES = 48;
const TWO_POW_32 = 4294967296;

export function writeStepParams(args: BackwardStepsArgs, chunk: number, align: number): ArrayBuffer {
  const { m, n, d, steps, times, scales, variances } = args;
  const chunks = Math.ceil(m / chunk);
  const data = new ArrayBuffer(steps * (chunks + 1) * align);
  const u32 = new Uint32Array(data);
  const f32 = new Float32Array(data);
  for (let j = 0; j < steps; j++) {
    for (let c = 0; c < chunks; c++) {
      const at = ((j * (chunks + 1) + c) * align) / 4;
      u32.set([Math.min(chunk, m - c * chunk), n, d, c * chunk], at);
      f32[at + 4] = scales[j];
      f32[at + 5] = 1 / (2 * variances[j]);
    }
    const at = ((j * (chunks + 1) + chunks) * align) / 4;
    const base = (args.firstStep + j) * m * d;
    const eta = times[j] - times[j + 1];
    u32.set([m * d, m, j, args.seed >>> 0, args.stream >>> 0, base % TWO_POW_32, Math.floor(base / TWO_POW_32), 0], at);
    f32.set([scales[j], variances[j], eta, Math.sqrt(2 * eta)], at + 8);
  }
  return data;
}

export interface StepsBindGroups {
  steps: number;
  chunks: number;
  /** Per step j and chunk c, at j·chunks + c. */
  denoise: { logits: GPUBindGroup; stats: GPUBindGroup; mean: GPUBindGroup }[];
  update: GPUBindGroup[];
}

interface Pipelines {
  logits: GPUComputePipeline;
  stats: GPUComputePipeline;
  mean: GPUComputePipeline;
  update: GPUComputePipeline;
}

interface Buffers {
  params: GPUBuffer;
  q: GPUBuffer;
  centres: GPUBuffer;
  logWeights: GPUBuffer;
  W: GPUBuffer;
  z: GPUBuffer;
  mean: GPUBuffer;
  nearest: GPUBuffer;
  history: GPUBuffer;
  historyNearest: GPUBuffer;
}

export function stepsBindGroups(device: GPUDevice, p: Pipelines, b: Buffers, steps: number, chunks: number, align: number): StepsBindGroups {
  const group = (pipeline: GPUComputePipeline, slot: number, size: number, buffers: GPUBuffer[]): GPUBindGroup =>
    device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [{ binding: 0, resource: { buffer: b.params, offset: slot * align, size } }, ...buffers.map((buffer, j) => ({ binding: j + 1, resource: { buffer } }))],
    });
  const denoise: StepsBindGroups['denoise'] = [];
  const update: GPUBindGroup[] = [];
  for (let j = 0; j < steps; j++) {
    for (let c = 0; c < chunks; c++) {
      const slot = j * (chunks + 1) + c;
      denoise.push({
        logits: group(p.logits, slot, DENOISE_BYTES, [b.q, b.centres, b.logWeights, b.W]),
        stats: group(p.stats, slot, DENOISE_BYTES, [b.W, b.z, b.nearest]),
        mean: group(p.mean, slot, DENOISE_BYTES, [b.W, b.centres, b.z, b.mean]),
      });
    }
    update.push(group(p.update, j * (chunks + 1) + chunks, STEP_BYTES, [b.q, b.mean, b.nearest, b.history, b.historyNearest]));
  }
  return { steps, chunks, denoise, update };
}

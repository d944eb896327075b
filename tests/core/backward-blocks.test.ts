import { describe, expect, it } from 'vitest';
import {
  BACKWARD_BLOCK_STEPS,
  BLOCK_WORK,
  backwardBlockSteps,
  empiricalScore,
  fillNormalAt,
  normalAt,
  referenceKernels,
  sampleBackward,
  uniformGrid,
  type BackwardStepsArgs,
  type Kernels,
} from '@diffusion-atlas/core';

/*
 * The sampler's block path (Kernels.backwardSteps) against its step-by-step loop. The blocks here
 * are computed on the CPU with the very operations of the loop (float64 noise, the score stored in
 * float32), so the two must agree bit for bit: whatever differs is the sampler's bookkeeping (step
 * indices, times, noise offsets, onStep order, the state handed between blocks).
 */
function cpuBlocks(declineFrom = Infinity): Kernels & { blocks: number; denoiseCalls: number } {
  const k = {
    backend: 'cpu-blocks',
    blocks: 0,
    denoiseCalls: 0,
    softmaxDenoise(args: Parameters<Kernels['softmaxDenoise']>[0]) {
      k.denoiseCalls++;
      return referenceKernels.softmaxDenoise(args);
    },
    backwardSteps(a: BackwardStepsArgs): boolean {
      if (a.firstStep >= declineFrom) return false;
      const { m, d } = a;
      const x = Float32Array.from(a.x.subarray(0, m * d));
      const mean = new Float32Array(m * d);
      const nearest = new Int32Array(m);
      const noise = new Float64Array(m * d);
      for (let j = 0; j < a.steps; j++) {
        const scale = a.scales[j];
        const v = a.variances[j];
        referenceKernels.softmaxDenoise({ queries: x, m, centres: a.centres, n: a.n, d, scale, variance: v, logWeights: a.logWeights, out: { mean, nearest } });
        for (let i = 0; i < m * d; i++) mean[i] = (scale * mean[i] - x[i]) / v;
        const eta = a.times[j] - a.times[j + 1];
        fillNormalAt(a.seed, a.stream, (a.firstStep + j) * m * d, noise);
        const s = Math.sqrt(2 * eta);
        for (let i = 0; i < m * d; i++) x[i] = x[i] + eta * (x[i] + 2 * mean[i]) + s * noise[i];
        a.history.set(x, j * m * d);
        a.nearest.set(nearest, j * m);
      }
      k.blocks++;
      return true;
    },
  };
  return k;
}

const n = 40;
const d = 3;
const m = 7;
const train = Float32Array.from({ length: n * d }, (_, i) => normalAt(3, 1, i));
const start = Float32Array.from({ length: m * d }, (_, i) => normalAt(3, 2, i));
// not a multiple of the block length: the last block is short
const L = 2 * BACKWARD_BLOCK_STEPS + 5;
const grid = uniformGrid(2, 1e-2, L);

interface Record {
  steps: number[];
  times: number[];
  states: Float32Array[];
  nearest: Int32Array[];
}

async function run(kernels: Kernels): Promise<{ x: Float32Array; rec: Record }> {
  const rec: Record = { steps: [], times: [], states: [], nearest: [] };
  const x = await sampleBackward({
    score: empiricalScore(train, n, d, kernels),
    start,
    m,
    grid,
    sampler: 'sde',
    seed: 11,
    onStep(k, state, t, nearest) {
      rec.steps.push(k);
      rec.times.push(t);
      rec.states.push(state.slice());
      rec.nearest.push(Int32Array.from(nearest ?? []));
    },
  });
  return { x, rec };
}

describe('sampleBackward through Kernels.backwardSteps', () => {
  it('gives the step-by-step run bit for bit, with onStep once per step, in order, at the right times', async () => {
    const plain = await run(referenceKernels);
    const blocks = cpuBlocks();
    const fused = await run(blocks);
    expect(blocks.blocks).toBe(Math.ceil(L / backwardBlockSteps(m, d, n)));
    expect(blocks.denoiseCalls).toBe(0);
    expect(fused.rec.steps).toEqual(Array.from({ length: L }, (_, k) => k + 1));
    expect(fused.rec.times).toEqual(Array.from(grid.subarray(1)));
    expect(fused.rec.states).toEqual(plain.rec.states);
    expect(fused.rec.nearest).toEqual(plain.rec.nearest);
    expect(Array.from(fused.x)).toEqual(Array.from(plain.x));
  });

  it('goes on step by step from where the kernels decline, and does not ask again', async () => {
    const plain = await run(referenceKernels);
    const blocks = cpuBlocks(BACKWARD_BLOCK_STEPS);
    const mixed = await run(blocks);
    expect(blocks.blocks).toBe(1);
    expect(blocks.denoiseCalls).toBe(L - BACKWARD_BLOCK_STEPS);
    expect(mixed.rec.steps).toEqual(plain.rec.steps);
    expect(mixed.rec.states).toEqual(plain.rec.states);
    expect(Array.from(mixed.x)).toEqual(Array.from(plain.x));
  });

  it('keeps the ode sampler step by step', async () => {
    const blocks = cpuBlocks();
    await sampleBackward({ score: empiricalScore(train, n, d, blocks), start, m, grid: uniformGrid(2, 1e-2, 10), sampler: 'ode', seed: 1 });
    expect(blocks.blocks).toBe(0);
    expect(blocks.denoiseCalls).toBe(20);
  });

  it('sizes blocks to keep the history bounded', () => {
    expect(backwardBlockSteps(64, 2, 100)).toBe(BACKWARD_BLOCK_STEPS);
    expect(backwardBlockSteps(1000, 784, 1)).toBe(5);
    expect(backwardBlockSteps(10_000, 784, 1)).toBe(1);
  });

  it('sizes blocks to keep their work bounded: m·n·(d + 8) pair-coordinates a step, at most BLOCK_WORK a block', () => {
    // the benchmark's configurations b and c: 36.9 and 50.7 million a step
    expect(backwardBlockSteps(256, 64, 2000)).toBe(14);
    expect(backwardBlockSteps(64, 784, 1000)).toBe(10);
    expect(backwardBlockSteps(64, 784, 1000) * 64 * 1000 * (784 + 8)).toBeLessThanOrEqual(BLOCK_WORK);
    expect(backwardBlockSteps(60_000, 784, 60_000)).toBe(1);
    // a: 10 million a step, so the history and the step cap bind first
    expect(backwardBlockSteps(1000, 2, 1000)).toBe(BACKWARD_BLOCK_STEPS);
  });
});

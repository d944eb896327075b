import type { RowsStep, WasmDenoiser } from './instance.ts';

/** A block of backward steps as the threads read it: the steps' parameters and where their results go. */
export interface StepsBlock {
  steps: number;
  m: number;
  d: number;
  /** steps + 1 decreasing times; per step, the centres' scale and the softmax's variance. */
  times: Float64Array;
  scales: Float64Array;
  variances: Float64Array;
  seed: number;
  stream: number;
  /** Index in (seed, stream) of step 0's first normal: firstStep·m·d. */
  noiseStart: number;
  /** steps × m × d and steps × m, every thread writing its own rows. */
  history: Float32Array;
  nearest: Int32Array;
}

/**
 * Carries rows row0 … row0 + rows of x through every step of the block in one instance: loaded
 * once, then advanced in place step by step (`WasmDenoiser.step`), each step's states and nearest
 * centres written to the block's history at the rows' places. Run by every pool thread on the
 * groups it takes, and by the calling thread alone without a pool: the same bits either way.
 */
export function carryRows(denoiser: WasmDenoiser, x: Float32Array, row0: number, rows: number, logWeights: Float32Array | undefined, b: StepsBlock): void {
  const { m, d } = b;
  denoiser.loadRows(x, row0, rows, logWeights);
  const step: RowsStep = { scale: 0, variance: 0, eta: 0, s: 0, seed: b.seed, stream: b.stream, noiseStart: 0, history: b.history, historyAt: 0, nearest: b.nearest, nearestAt: 0 };
  for (let j = 0; j < b.steps; j++) {
    step.scale = b.scales[j];
    step.variance = b.variances[j];
    // sampleBackward's η and √(2η), from the same times
    step.eta = b.times[j] - b.times[j + 1];
    step.s = Math.sqrt(2 * step.eta);
    step.noiseStart = b.noiseStart + (j * m + row0) * d;
    step.historyAt = (j * m + row0) * d;
    step.nearestAt = j * m + row0;
    denoiser.step(step);
  }
}

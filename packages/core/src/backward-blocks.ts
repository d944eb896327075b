import type { Score } from './score.ts';
import type { BackwardStepsArgs } from './kernels.ts';

/** Most steps handed to `Kernels.backwardSteps` at once: a block's history is read back in one go. */
export const BACKWARD_BLOCK_STEPS = 32;
/** A block's history stays under this many floats (16 MiB), so large states take shorter blocks. */
const BLOCK_HISTORY_FLOATS = 1 << 22;
/**
 * A block's work stays under this many pair-coordinates (m·n·(d + 8) per step): about 35 ms on one
 * CPU thread, so a block computed by the CPU's threads (which hand the state back only at its end)
 * still lets the sampler report progress and honour a cancellation every ~100 ms.
 */
export const BLOCK_WORK = 2 ** 29;

/** Steps per block for m rows in d dimensions against n centres. */
export function backwardBlockSteps(m: number, d: number, n: number): number {
  const byHistory = Math.floor(BLOCK_HISTORY_FLOATS / Math.max(1, m * d));
  const byWork = Math.floor(BLOCK_WORK / Math.max(1, m * n * (d + 8)));
  return Math.max(1, Math.min(BACKWARD_BLOCK_STEPS, byHistory, byWork));
}

/** Runs blocks of SDE steps through a softmax score's kernels; see `backwardBlocks`. */
export interface BackwardBlocks {
  /**
   * Runs up to one block from step k (state `x` at grid[k]) and returns how many steps it ran:
   * 0 when the kernels declined, which they then do for the rest of the run.
   */
  run(x: Float32Array, k: number): number;
  /** The state after step j of the last block, and the nearest centres that step started from. */
  state(j: number): Float32Array;
  nearest(j: number): Int32Array;
}

/**
 * Blocks of backward SDE steps for a score whose kernels keep the state between steps
 * (`Kernels.backwardSteps`, offered by a softmax score's `softmax` form); undefined when the score
 * or its kernels offer none. Buffers are allocated once, for the largest block.
 */
export function backwardBlocks(score: Score, m: number, grid: Float64Array, seed: number, stream: number): BackwardBlocks | undefined {
  const form = score.softmax;
  const kernels = form?.kernels;
  if (form === undefined || kernels?.backwardSteps === undefined || m === 0) return undefined;
  const d = score.d;
  const most = backwardBlockSteps(m, d, form.n);
  const history = new Float32Array(most * m * d);
  const nearest = new Int32Array(most * m);
  const scalesAll = new Float64Array(most);
  const variancesAll = new Float64Array(most);
  const L = grid.length - 1;
  return {
    run(x, k) {
      const steps = Math.min(most, L - k);
      const scales = scalesAll.subarray(0, steps);
      const variances = variancesAll.subarray(0, steps);
      for (let j = 0; j < steps; j++) {
        scales[j] = form.scale(grid[k + j]);
        variances[j] = form.variance(grid[k + j]);
      }
      const args: BackwardStepsArgs = {
        x,
        m,
        centres: form.centres,
        n: form.n,
        d,
        logWeights: form.logWeights,
        steps,
        times: grid.subarray(k, k + steps + 1),
        scales,
        variances,
        seed,
        stream,
        firstStep: k,
        history: history.subarray(0, steps * m * d),
        nearest: nearest.subarray(0, steps * m),
      };
      return kernels.backwardSteps?.(args) === true ? steps : 0;
    },
    state: (j) => history.subarray(j * m * d, (j + 1) * m * d),
    nearest: (j) => nearest.subarray(j * m, (j + 1) * m),
  };
}

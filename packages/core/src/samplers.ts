import { scoreBuffers, type Score } from './score.ts';
import { fillNormalAt, Streams } from './random.ts';
import type { Kernels, NormalFill, NormalRequest } from './kernels.ts';
import { backwardBlocks } from './backward-blocks.ts';

export type SamplerKind = 'sde' | 'ode';

export interface BackwardOptions {
  score: Score;
  /** m × d starting points at grid[0]; not modified. */
  start: Float32Array;
  m: number;
  /** Decreasing times, grid[0] = T down to grid[L] = t_min. */
  grid: Float64Array;
  sampler: SamplerKind;
  seed: number;
  /**
   * Draws the step noise: core's `fillNormalAt` by default; a kernel's faster fill (`normalsOf`)
   * must return the same bits, so the run does not depend on which one ran.
   */
  normals?: NormalFill;
  /** Called after every step with the new state at time grid[k]; await it to allow cancellation. */
  onStep?: (k: number, x: Float32Array, t: number, nearest: Int32Array | undefined) => Promise<void> | void;
}

/**
 * Backward generation from T down to t_min.
 * sde: Euler–Maruyama on −dy = [y + 2F] dt + dξ:  x ← x + η (x + 2F) + √(2η) ξ.
 * ode: Heun on the probability-flow ODE:            x ← x + η/2 [(x + F)(t) + (x̃ + F̃)(t − η)].
 * Step noise is a pure function of (seed, step, row, coordinate), so runs are reproducible and
 * independent of how rows are split. Every buffer is allocated once, before the first step; the
 * `x` and `nearest` handed to `onStep` are overwritten by the next step.
 *
 * sde with a softmax score whose kernels offer `backwardSteps` (WebGPU; the wasm thread pool):
 * whole blocks of steps run there, noise included, and `onStep` is then called for each step of a
 * block, in order, once the block is back. WebGPU's runs agree with the step-by-step run within
 * float32 tolerance, not bit for bit (the noise is drawn in float32); the pool's threads do this
 * loop's own operations on their rows and give its bits. Either agrees with itself bit for bit. If
 * the kernels decline or fail, the run goes on step by step from where the last block ended.
 */
export async function sampleBackward(o: BackwardOptions): Promise<Float32Array> {
  const { score, m, grid, sampler, seed } = o;
  const normals = o.normals ?? fillNormalAt;
  const d = score.d;
  const x = Float32Array.from(o.start);
  const L = grid.length - 1;
  const here = scoreBuffers(m, d);
  const noise = sampler === 'sde' ? new Float64Array(m * d) : undefined;
  const ahead = sampler === 'ode' ? scoreBuffers(m, d) : undefined;
  const pred = sampler === 'ode' ? new Float32Array(m * d) : undefined;
  // the step's noise is offered to the score's kernels, which may draw it while they compute
  const request: NormalRequest | undefined = noise === undefined ? undefined : { seed, stream: Streams.steps, start: 0, out: noise, filled: false };
  let blocks = sampler === 'sde' ? backwardBlocks(score, m, grid, seed, Streams.steps) : undefined;
  const blockNearest = new Int32Array(blocks === undefined ? 0 : m);
  for (let k = 0; k < L; k++) {
    if (blocks !== undefined) {
      const steps = blocks.run(x, k);
      if (steps > 0) {
        for (let j = 0; j < steps; j++) {
          if (o.onStep === undefined && j < steps - 1) continue;
          x.set(blocks.state(j));
          blockNearest.set(blocks.nearest(j));
          await o.onStep?.(k + j + 1, x, grid[k + j + 1], blockNearest);
        }
        k += steps - 1;
        continue;
      }
      blocks = undefined;
    }
    const t = grid[k];
    const eta = t - grid[k + 1];
    if (request !== undefined) {
      request.start = k * m * d;
      request.filled = false;
    }
    const { score: f, nearest } = score.evaluate(x, m, t, here, request);
    if (noise !== undefined) {
      const s = Math.sqrt(2 * eta);
      if (!request?.filled) normals(seed, Streams.steps, k * m * d, noise);
      for (let i = 0; i < m * d; i++) {
        x[i] = x[i] + eta * (x[i] + 2 * f[i]) + s * noise[i];
      }
      await o.onStep?.(k + 1, x, grid[k + 1], nearest);
    } else if (pred !== undefined) {
      for (let i = 0; i < m * d; i++) pred[i] = x[i] + eta * (x[i] + f[i]);
      const { score: f2, nearest: n2 } = score.evaluate(pred, m, grid[k + 1], ahead);
      for (let i = 0; i < m * d; i++) {
        x[i] = x[i] + 0.5 * eta * (x[i] + f[i] + pred[i] + f2[i]);
      }
      await o.onStep?.(k + 1, x, grid[k + 1], n2 ?? nearest);
    }
  }
  return x;
}

/** The kernels' normal fill where they have one, else core's `fillNormalAt`: the same numbers either way. */
export function normalsOf(kernels: Kernels | undefined): NormalFill {
  const fill = kernels?.fillNormalAt;
  return fill === undefined ? fillNormalAt : (seed, stream, start, out) => fill.call(kernels, seed, stream, start, out);
}

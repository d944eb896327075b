import { fillNormalAt as coreFillNormalAt, type BackwardStepsArgs, type Kernels, type NormalFill } from '@diffusion-atlas/core';
import type { BackendReport } from '../protocol.ts';
import { messageOf } from '../wire-errors.ts';

/**
 * Routes calls to `primary` until it throws once (a lost context, a shader the driver rejects
 * late); from then on every call, the failing one included, runs on `fallback`, and `report`
 * says why. A GPU that failed once is not trusted again within this worker. The normal fill
 * (optional) follows the same rule; where the primary has none the fallback's serves (every fill
 * gives the same bits), and where neither has one the guard has none either. Blocks of backward
 * steps likewise: a block the primary fails on is declined (false), leaving the caller to step
 * through it with the fallback's softmaxDenoise, unless the fallback runs blocks itself.
 */
export function guardKernels(primary: Kernels, fallback: Kernels, report: BackendReport): Kernels {
  let active = primary;
  const failed = (error: unknown): void => {
    active = fallback;
    report.backend = fallback.backend;
    report.fallbackReason = `${primary.backend} failed during a run: ${messageOf(error)}`;
    (primary as Partial<{ destroy(): void }>).destroy?.();
  };
  const fillNormalAt: NormalFill = (seed, stream, start, out) => {
    if (active === primary && primary.fillNormalAt !== undefined) {
      try {
        primary.fillNormalAt(seed, stream, start, out);
        return;
      } catch (error) {
        failed(error);
      }
    }
    if (fallback.fillNormalAt !== undefined) fallback.fillNormalAt(seed, stream, start, out);
    else coreFillNormalAt(seed, stream, start, out);
  };
  const backwardSteps = (args: BackwardStepsArgs): boolean => {
    if (active === primary) {
      // a primary without blocks declines them: its single calls run the steps, not the fallback's blocks
      if (primary.backwardSteps === undefined) return false;
      try {
        return primary.backwardSteps(args);
      } catch (error) {
        failed(error);
      }
    }
    return fallback.backwardSteps?.(args) ?? false;
  };
  return {
    get backend() {
      return active.backend;
    },
    softmaxDenoise(args) {
      if (active === primary) {
        try {
          return primary.softmaxDenoise(args);
        } catch (error) {
          failed(error);
        }
      }
      return fallback.softmaxDenoise(args);
    },
    ...(primary.fillNormalAt !== undefined || fallback.fillNormalAt !== undefined ? { fillNormalAt } : {}),
    ...(primary.backwardSteps !== undefined || fallback.backwardSteps !== undefined ? { backwardSteps } : {}),
  };
}

import type { Kernels } from '@diffusion-atlas/core';
import type { BackendReport } from '../protocol.ts';
import { messageOf } from '../wire-errors.ts';

/**
 * Routes calls to `primary` until it throws once (a lost context, a shader the driver rejects
 * late); from then on every call, the failing one included, runs on `fallback`, and `report`
 * says why. A GPU that failed once is not trusted again within this worker.
 */
export function guardKernels(primary: Kernels, fallback: Kernels, report: BackendReport): Kernels {
  let active = primary;
  return {
    get backend() {
      return active.backend;
    },
    softmaxDenoise(args) {
      if (active === primary) {
        try {
          return primary.softmaxDenoise(args);
        } catch (error) {
          active = fallback;
          report.backend = fallback.backend;
          report.fallbackReason = `${primary.backend} failed during a run: ${messageOf(error)}`;
          (primary as Partial<{ destroy(): void }>).destroy?.();
        }
      }
      return fallback.softmaxDenoise(args);
    },
  };
}

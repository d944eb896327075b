import { afterAll, beforeAll } from 'vitest';
import { createWasmKernels, createWasmPool, type WasmKernels, type WasmPool } from '@diffusion-atlas/worker';

/** A wasm thread pool and the kernels that use it, for one describe block. */
export interface PooledKernels {
  readonly pool: WasmPool;
  readonly pooled: WasmKernels;
}

/**
 * Starts a pool of `workers` threads (besides the caller) and kernels on it before the enclosing
 * describe block's tests, and ends them after. Read its fields inside tests and hooks only.
 */
export function pooledKernels(workers = 2): PooledKernels {
  let pool: WasmPool | undefined;
  let pooled: WasmKernels | undefined;
  beforeAll(async () => {
    pool = await createWasmPool(workers);
    pooled = createWasmKernels({ pool });
  });
  afterAll(() => pooled?.destroy());
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the pool is started only for the tests of its describe block');
    return value;
  };
  return {
    get pool() {
      return started(pool);
    },
    get pooled() {
      return started(pooled);
    },
  };
}

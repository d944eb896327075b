import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { spinWhile } from '../../packages/worker/src/kernels/wasm/pool-protocol.ts';

/*
 * A pool thread polls its slot for a while before sleeping in Atomics.wait (threads that slept
 * between sub-millisecond jobs ran them far slower). The poll must see a store from another
 * thread, and give up when nothing changes.
 */
describe('spinWhile', () => {
  it('returns at once when the slot already differs', () => {
    const i32 = new Int32Array(new SharedArrayBuffer(8));
    i32[1] = 5;
    expect(spinWhile(i32, 1, 4, 1000)).toBe(true);
  });

  it('gives up, false, when nothing changes within the window', () => {
    const i32 = new Int32Array(new SharedArrayBuffer(8));
    expect(spinWhile(i32, 0, 0, 2)).toBe(false);
  });

  it("sees another thread's store while polling", async () => {
    const buffer = new SharedArrayBuffer(8);
    const i32 = new Int32Array(buffer);
    const worker = new Worker(
      `const { workerData } = require('node:worker_threads');
       const i32 = new Int32Array(workerData);
       const t0 = Date.now(); while (Date.now() - t0 < 20) {}
       Atomics.store(i32, 0, 1);`,
      { eval: true, workerData: buffer },
    );
    try {
      // a generous window: the store comes about 20 ms after the worker starts
      expect(spinWhile(i32, 0, 0, 30_000)).toBe(true);
      expect(Atomics.load(i32, 0)).toBe(1);
    } finally {
      await worker.terminate();
    }
  });
});

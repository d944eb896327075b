import { describe, expect, it } from 'vitest';
import { AtlasError, isSerializedAtlasError } from '@diffusion-atlas/core';
import { createWorkerApi } from '@diffusion-atlas/worker/host';
import { cpuKernels, reviveError, serializeError, transferablesOf } from '@diffusion-atlas/worker';

// The worker side in-process: what crosses the boundary, before Comlink touches it.
describe('worker host', () => {
  const api = createWorkerApi({ select: async () => ({ kernels: cpuKernels, report: { backend: 'cpu' } }) });

  it('returns resolved params, backend and timing', async () => {
    const out = await api.run(1, 'noise-and-back', { n: 30, m: 5, steps: 12 });
    expect(out).toMatchObject({ experiment: 'noise-and-back', backend: 'cpu', params: { n: 30, m: 5, steps: 12, seed: 1 } });
    expect(out.result.samples).toBeInstanceOf(Float32Array);
  });

  it('throws plain serialized AtlasErrors, which clone across threads', async () => {
    const thrown = await api.run(2, 'noise-and-back', { steps: 3 }).catch((e: unknown) => e);
    expect(thrown).not.toBeInstanceOf(Error);
    expect(isSerializedAtlasError(thrown)).toBe(true);
    expect(structuredClone(thrown)).toEqual(thrown);
    const revived = reviveError(structuredClone(thrown));
    expect(revived).toBeInstanceOf(AtlasError);
    expect(revived).toMatchObject({ code: 'invalid-params', param: 'steps' });
    expect(revived.message).toMatch(/steps must be an integer from 10 to 4000/);
  });

  it('turns foreign errors into internal AtlasErrors', () => {
    expect(serializeError(new TypeError('boom'))).toEqual({ name: 'AtlasError', code: 'internal', message: 'boom', param: undefined });
    expect(reviveError(new Error('DataCloneError'))).toMatchObject({ code: 'internal', message: 'DataCloneError' });
  });

  it('cancels a job by id at its next checkpoint', async () => {
    let cancelled = false;
    const running = api.run(3, 'noise-and-back', { n: 2000, m: 2000, steps: 2000 }, () => {
      if (!cancelled) {
        cancelled = true;
        api.cancel(3);
      }
    });
    const thrown = await running.catch((e: unknown) => e);
    expect(thrown).toMatchObject({ name: 'AtlasError', code: 'cancelled' });
  });

  it('reports the backend as a copy', async () => {
    const report = await api.backend();
    expect(report).toEqual({ backend: 'cpu' });
  });
});

describe('transferablesOf', () => {
  it('collects each buffer once, through nested records and lists', () => {
    const shared = new Float32Array(8);
    const other = new Int32Array(3);
    const buffers = transferablesOf({
      a: shared,
      b: shared.subarray(2, 4),
      nested: { c: other, list: [{ d: new Float64Array(0) }] },
      n: 3,
      s: 'x',
      numbers: [1, 2],
    });
    expect(buffers).toHaveLength(2);
    expect(buffers).toContain(shared.buffer);
    expect(buffers).toContain(other.buffer);
  });
});

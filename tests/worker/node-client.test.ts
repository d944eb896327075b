import { afterAll, describe, expect, it, vi } from 'vitest';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { AtlasError } from '@diffusion-atlas/core';
import { createNodeClient } from '@diffusion-atlas/worker/node';
import type { ProgressCallback } from '@diffusion-atlas/worker';

const small = { n: 40, m: 16, steps: 30, seed: 3 };
// Long enough (seconds) that cancel, supersede and crash land mid-run.
const large = { n: 5000, m: 4000, steps: 4000 };

async function rejection(promise: Promise<unknown>): Promise<AtlasError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AtlasError);
    return error as AtlasError;
  }
  throw new Error('expected the promise to reject');
}

/** Resolves at the first progress report: the run is then certainly under way in the worker. */
function started(): { onProgress: ProgressCallback; running: Promise<void> } {
  let signal!: () => void;
  const running = new Promise<void>((resolve) => (signal = resolve));
  return { onProgress: () => signal(), running };
}

describe('node client', () => {
  const client = createNodeClient();
  afterAll(() => client.terminate());

  it('runs an experiment and returns typed arrays, resolved params and the backend', async () => {
    const fractions: number[] = [];
    const out = await client.run('noise-and-back', small, { onProgress: (f) => fractions.push(f) });
    expect(out.experiment).toBe('noise-and-back');
    expect(out.backend).toBe('wasm-simd');
    expect(out.params).toMatchObject({ ...small, dataset: 'moons', sampler: 'sde' });
    expect(out.elapsedMs).toBeGreaterThanOrEqual(0);
    expect(out.result.samples).toBeInstanceOf(Float32Array);
    expect((out.result.samples as Float32Array).length).toBe(small.m * 2);
    expect(out.result.nearest).toBeInstanceOf(Int32Array);
    // progress travels on the callback's own MessagePort, not the one the result comes back on,
    // so under load the last of it may land just after the run resolves
    await vi.waitFor(() => expect(fractions.length).toBeGreaterThan(0));
    for (const f of fractions) expect(f).toBeGreaterThanOrEqual(0);
    for (const f of fractions) expect(f).toBeLessThanOrEqual(1);
  });

  it('is deterministic across runs', async () => {
    const a = await client.run('noise-and-back', small);
    const b = await client.run('noise-and-back', small);
    expect(Array.from(a.result.samples as Float32Array)).toEqual(Array.from(b.result.samples as Float32Array));
  });

  it('reports its backend', async () => {
    const report = await client.backend();
    expect(report.backend).toBe('wasm-simd');
    expect(report.workers).toBeGreaterThanOrEqual(1);
    expect(report.fallbackReason).toMatch(/WebGL2/);
  });

  it('rejects invalid params with the schema message and code', async () => {
    const error = await rejection(client.run('noise-and-back', { n: -5 }));
    expect(error.code).toBe('invalid-params');
    expect(error.param).toBe('n');
    expect(error.message).toMatch(/^n must be an integer from 2 to 5000/);

    const unknown = await rejection(client.run('noise-and-back', { bogus: 1 }));
    expect(unknown.code).toBe('invalid-params');
    expect(unknown.param).toBe('bogus');

    // the experiment's cross-parameter check travels the same way
    const cross = await rejection(client.run('noise-and-back', { tMin: 0.5, tMax: 0.5 }));
    expect(cross.code).toBe('invalid-params');
    expect(cross.param).toBe('tMin');
  });

  it('rejects unknown experiments', async () => {
    const error = await rejection(client.run('no-such-thing', {}));
    expect(error.code).toBe('unknown-experiment');
    expect(error.message).toMatch(/no-such-thing/);
  });

  it('cancels a run mid-way with an AbortSignal, and keeps serving', async () => {
    const controller = new AbortController();
    const { onProgress, running } = started();
    const run = client.run('noise-and-back', large, { signal: controller.signal, onProgress });
    await running;
    controller.abort();
    expect((await rejection(run)).code).toBe('cancelled');
    const next = await client.run('noise-and-back', small);
    expect(next.result.samples).toBeInstanceOf(Float32Array);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const error = await rejection(client.run('noise-and-back', small, { signal: AbortSignal.abort() }));
    expect(error.code).toBe('cancelled');
  });

  it('cancels by key', async () => {
    const { onProgress, running } = started();
    const run = client.run('noise-and-back', large, { key: 'widget', onProgress });
    await running;
    client.cancel('widget');
    expect((await rejection(run)).code).toBe('cancelled');
  });

  it('supersedes a running job with a newer one for the same key', async () => {
    const { onProgress, running } = started();
    const first = client.run('noise-and-back', large, { key: 'figure', onProgress });
    await running;
    const second = client.run('noise-and-back', small, { key: 'figure' });
    const error = await rejection(first);
    expect(error.code).toBe('superseded');
    const out = await second;
    expect(out.params.n).toBe(small.n);
  });

  it('rejects pending calls when the worker crashes, then respawns', async () => {
    const { onProgress, running } = started();
    const pending = client.run('noise-and-back', large, { onProgress });
    await running;
    await client.crashForTest();
    const error = await rejection(pending);
    expect(error.code).toBe('worker-crashed');
    expect(error.message).toMatch(/crashed/);
    const out = await client.run('noise-and-back', small);
    expect(out.result.samples).toBeInstanceOf(Float32Array);
  });

  it('rejects pending calls on terminate, and the next call respawns', async () => {
    const { onProgress, running } = started();
    const pending = client.run('noise-and-back', large, { onProgress });
    await running;
    client.terminate();
    expect((await rejection(pending)).code).toBe('worker-crashed');
    const out = await client.run('noise-and-back', small);
    expect(out.backend).toBe('wasm-simd');
  });
});

describe('node client lifetime', () => {
  it('lets the Node process exit without terminate()', async () => {
    // the package's own export, resolved here: the child's `-e` script has no module location to resolve from
    const node = createRequire(import.meta.url).resolve('@diffusion-atlas/worker/node');
    const script = `
      const { createNodeClient } = await import(${JSON.stringify(node)});
      const client = createNodeClient();
      const out = await client.run('noise-and-back', { n: 20, m: 4, steps: 10 });
      process.stdout.write(out.backend);
    `;
    const result = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: 20_000 }, (error, stdout) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout }),
      );
      child.stdin?.end();
    });
    expect(result).toEqual({ code: 0, stdout: 'wasm-simd' });
  });
});

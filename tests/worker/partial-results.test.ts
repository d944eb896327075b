import { afterAll, describe, expect, it } from 'vitest';
import { AtlasError, type ResultRecord, type ResultValue } from '@diffusion-atlas/core';
import { createNodeClient } from '@diffusion-atlas/worker/node';
import type { RunOutput } from '@diffusion-atlas/worker';
import { partialStream } from '@diffusion-atlas/worker/partial-stream';
import { createWorkerApi } from '@diffusion-atlas/worker/host';
import { cpuKernels } from '@diffusion-atlas/worker';

interface Streaming {
  params: Record<string, unknown>;
  /**
   * Fields a partial fills with the run's state at that moment (the samples part-way back), not
   * with final values: checked for their type only.
   */
  running?: readonly string[];
}

/** The experiments whose figures draw partial results, each at its defaults. */
const STREAMING: Record<string, Streaming> = {
  'curie-weiss': { params: {} },
  'width-threshold': { params: {} },
  collapse: { params: {} },
  digits: { params: {}, running: ['samples'] },
  // before its first frame time, a partial shows the field at the time reached
  'gaussian-field': { params: {}, running: ['frames', 'frameTimes', 'spectra', 'collapsedFraction'] },
  'ising-2d': { params: {}, running: ['examples'] },
  speciation: { params: {} },
  'training-samples': { params: {} },
  'training-window': { params: {} },
  manifold: { params: {} },
  // the samples part-way back, where the trajectories are at the newest frame kept
  'noise-and-back': { params: {}, running: ['samples'] },
  reproducibility: { params: {} },
  // the errors measured so far and each denoiser's frames generated so far; the samples come with each generation's end
  'low-rank-mixture': { params: {} },
  sphere: { params: {}, running: ['samples'] },
  // the subspace iteration's estimate so far, and everything drawn from it
  'subspace-editing': {
    params: {},
    running: ['directions', 'variances', 'explainedVariance', 'baseCoordinates', 'strip', 'norms', 'normLower', 'normUpper', 'clippedFraction', 'jacobianSingularValues'],
  },
};

/**
 * A partial result is a valid result of the experiment's own type: the same fields, each of the
 * same kind (the same typed-array class, a number where the final has a number, records with the
 * same keys, lists of the same length), only with less of the work in it.
 */
function expectSameShape(partial: ResultValue, final: ResultValue, path: string): void {
  if (ArrayBuffer.isView(final)) {
    expect(partial?.constructor, path).toBe(final.constructor);
    return;
  }
  if (final === null || typeof final !== 'object') {
    // a value not computed yet is NaN or null where the final one is a number or null
    if (typeof final === 'number' || final === null) expect(partial === null || typeof partial === 'number', path).toBe(true);
    else expect(typeof partial, path).toBe(typeof final);
    return;
  }
  if (Array.isArray(final)) {
    expect(Array.isArray(partial), path).toBe(true);
    const list = partial as readonly ResultValue[];
    // lists may be shorter (fewer sizes done); each record there has the shape of the final one's
    expect(list.length, path).toBeLessThanOrEqual(final.length);
    if (final.length > 0 && typeof final[0] === 'object') list.forEach((item, i) => expectSameShape(item, final[i] ?? null, `${path}[${i}]`));
    return;
  }
  expect(partial !== null && typeof partial === 'object' && !Array.isArray(partial) && !ArrayBuffer.isView(partial), path).toBe(true);
  const record = partial as ResultRecord;
  expect(Object.keys(record).sort(), path).toEqual(Object.keys(final).sort());
  for (const [key, value] of Object.entries(final)) expectSameShape(record[key] ?? null, value, `${path}.${key}`);
}

/**
 * The numbers a partial shows are the run's own: every finite entry of its typed arrays equals the
 * final result's entry at the same place (same seed, same arithmetic, so exactly).
 */
function expectRealNumbers(partial: ResultValue, final: ResultValue, path: string): number {
  if (ArrayBuffer.isView(final) && ArrayBuffer.isView(partial) && !(final instanceof DataView) && !(partial instanceof DataView)) {
    const p = partial as unknown as ArrayLike<number>;
    const f = final as unknown as ArrayLike<number>;
    let checked = 0;
    for (let i = 0; i < p.length; i++) {
      if (!Number.isFinite(p[i])) continue;
      expect(f[i], `${path}[${i}]`).toBe(p[i]);
      checked++;
    }
    return checked;
  }
  if (final === null || partial === null || typeof final !== 'object' || typeof partial !== 'object' || ArrayBuffer.isView(final) || ArrayBuffer.isView(partial)) return 0;
  if (Array.isArray(final) || Array.isArray(partial)) {
    if (!Array.isArray(final) || !Array.isArray(partial)) return 0;
    let checked = 0;
    final.forEach((item: ResultValue, i: number) => (checked += expectRealNumbers((partial as readonly ResultValue[])[i] ?? null, item, `${path}[${i}]`)));
    return checked;
  }
  let checked = 0;
  for (const [key, value] of Object.entries(final)) checked += expectRealNumbers((partial as ResultRecord)[key] ?? null, value, `${path}.${key}`);
  return checked;
}

describe('partialStream (the worker side of streaming)', () => {
  it('sends the first offer at once, then skips offers while one is on its way or within the interval after the page took it', async () => {
    const sent: number[] = [];
    let built = 0;
    let ack!: () => void;
    const stream = partialStream((fraction) => {
      sent.push(fraction);
      return new Promise<void>((resolve) => (ack = resolve));
    }, 20);
    const offer = (f: number): void => stream.report(f, () => (built++, { f }));
    offer(0.1);
    offer(0.2);
    expect(sent).toEqual([0.1]);
    // skipped offers are never built: offering costs nothing while the page is busy
    expect(built).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 60));
    offer(0.3);
    expect(sent).toEqual([0.1]);
    ack();
    await new Promise((resolve) => setTimeout(resolve, 0));
    offer(0.35);
    // taken, but the page has not had its quiet interval since
    expect(sent).toEqual([0.1]);
    // the page took 60 ms to take it: it gets that long again, more than the 20 ms interval
    await new Promise((resolve) => setTimeout(resolve, 35));
    offer(0.38);
    expect(sent).toEqual([0.1]);
    await new Promise((resolve) => setTimeout(resolve, 60));
    offer(0.4);
    expect(sent).toEqual([0.1, 0.4]);
    ack();
    await new Promise((resolve) => setTimeout(resolve, 0));
    offer(0.5);
    expect(sent).toEqual([0.1, 0.4]);
    stream.close();
    await new Promise((resolve) => setTimeout(resolve, 30));
    offer(0.6);
    expect(sent).toEqual([0.1, 0.4]);
    expect(built).toBe(2);
  });

  it('keeps streaming after the page fails to take one', async () => {
    const sent: number[] = [];
    const stream = partialStream((fraction) => {
      sent.push(fraction);
      return Promise.reject(new Error('the page went away'));
    }, 0);
    stream.report(0.1, () => ({}));
    await new Promise((resolve) => setTimeout(resolve, 5));
    stream.report(0.2, () => ({}));
    expect(sent).toEqual([0.1, 0.2]);
  });
});

describe('partial results through the worker', () => {
  const client = createNodeClient();
  afterAll(() => client.terminate());

  for (const [name, { params, running = [] }] of Object.entries(STREAMING)) {
    it(`${name}: partials arrive before the final result, in order, each a valid result of the experiment showing the run's own numbers`, async () => {
      const partials: RunOutput[] = [];
      let finalArrived = false;
      let lateOnes = 0;
      const final = await client.run(name, params, {
        onPartial: (output) => {
          if (finalArrived) lateOnes++;
          partials.push(output);
        },
      });
      finalArrived = true;
      expect(final.partial).toBeUndefined();
      expect(partials.length).toBeGreaterThan(0);
      expect(lateOnes).toBe(0);
      let previous = -1;
      for (const p of partials) {
        expect(p.experiment).toBe(name);
        expect(p.params).toEqual(final.params);
        const fraction = p.partial?.fraction ?? Number.NaN;
        expect(fraction).toBeGreaterThanOrEqual(previous);
        expect(fraction).toBeLessThanOrEqual(1);
        previous = fraction;
        expectSameShape(p.result, final.result, name);
      }
      // At least one partial shows computed numbers of this run, and all it shows are the run's.
      const settled = (result: ResultRecord): ResultRecord => Object.fromEntries(Object.entries(result).filter(([key]) => !running.includes(key)));
      const checked = partials.map((p) => expectRealNumbers(settled(p.result), settled(final.result), name));
      expect(Math.max(...checked)).toBeGreaterThan(0);
    });
  }

  it("training-window: the first partial, before any training, has every size's predicted τ_mem and ρ₁ support and nothing measured; later ones keep the sizes to come", async () => {
    const partials: RunOutput[] = [];
    const final = await client.run('training-window', {}, { onPartial: (output) => void partials.push(output) });
    const runsOf = (output: { result: ResultRecord }): ResultRecord[] => output.result['runs'] as unknown as ResultRecord[];
    const finalRuns = runsOf(final);
    expect(partials[0]?.partial?.fraction).toBe(0);
    const first = runsOf(partials[0] ?? final);
    expect(first).toHaveLength(finalRuns.length);
    first.forEach((run, i) => {
      expect(run['n']).toBe(finalRuns[i]?.['n']);
      expect(run['tauMemTheory']).toBe(finalRuns[i]?.['tauMemTheory']);
      expect(run['rho1Edges']).toEqual(finalRuns[i]?.['rho1Edges']);
      expect(run['tauGen']).toBeNaN();
      expect(run['tauMem']).toBeNaN();
      expect(Array.from(run['scoreError'] as Float64Array).every(Number.isNaN)).toBe(true);
      expect((run['eigenvalues'] as Float64Array).length).toBe(0);
    });
    // the theory's slope is over every size from the start, as in the final result
    expect((partials[0]?.result['slopes'] as ResultRecord)['tauMemTheory']).toBe((final.result['slopes'] as ResultRecord)['tauMemTheory']);
    for (const p of partials) {
      const runs = runsOf(p);
      expect(runs).toHaveLength(finalRuns.length);
      // the trained sizes come first, the sizes to come after them
      const trained = runs.map((run) => Number.isFinite(run['tauGen']));
      expect(trained).toEqual([...trained].sort((a, b) => Number(b) - Number(a)));
    }
  });

  it('sphere: the first partial is the walkers at their uniform start, before any step; the forward check, done after the walkers arrive, comes with the final result', async () => {
    const partials: RunOutput[] = [];
    const final = await client.run('sphere', {}, { onPartial: (output) => void partials.push(output) });
    const first = partials[0]?.result ?? {};
    expect(partials[0]?.partial?.fraction).toBe(0.02);
    const frames = first['frames'] as ResultRecord;
    expect((frames['s'] as Float64Array).length).toBe(1);
    // the start is the final run's frame 0
    const start = frames['lat'] as Float32Array;
    expect(start.length).toBe(Number(final.params['walkers']));
    expect(Array.from(start)).toEqual(Array.from(((final.result['frames'] as ResultRecord)['lat'] as Float32Array).subarray(0, start.length)));
    for (const p of partials) {
      expect(p.result['meanCos']).toBeNaN();
      expect(((p.result['forward'] as ResultRecord)['lat'] as Float64Array).length).toBe(0);
    }
    expect(Number.isFinite(final.result['meanCos'])).toBe(true);
  });

  it('low-rank-mixture: the first partial has the data and the subspaces, true and learned, before any error is measured; the closed-form bound is in it', async () => {
    const partials: RunOutput[] = [];
    const final = await client.run('low-rank-mixture', {}, { onPartial: (output) => void partials.push(output) });
    const first = partials[0]?.result ?? {};
    expect(partials[0]?.partial?.fraction).toBe(0.05);
    for (const key of ['training', 'trainingLabels', 'bases', 'learnedBases', 'subspaceError', 'mseKnownComponent', 'frameTimes'] as const) {
      expect(Array.from(first[key] as Float64Array), key).toEqual(Array.from(final.result[key] as Float64Array));
    }
    for (const key of ['mseOptimal', 'mseTrained', 'mseEmpirical', 'samplesOptimal'] as const) {
      expect(Array.from(first[key] as Float64Array).every(Number.isNaN), key).toBe(true);
    }
    // every trajectory starts from its noise: frame 0 is known, the frames after it are not yet
    const d = Number(final.result['d']);
    const m = Number(final.result['generated']);
    const paths = first['trajectoriesOptimal'] as Float32Array;
    expect(Array.from(paths.subarray(0, m * d))).toEqual(Array.from((final.result['trajectoriesOptimal'] as Float32Array).subarray(0, m * d)));
    expect(Array.from(paths.subarray(m * d)).every(Number.isNaN)).toBe(true);
    expect(first['memorizedFractionOptimal']).toBeNaN();
  });

  it('subspace-editing: the first partial comes before any direction, with the base digit (the strip’s s = 0 frame) and x_t as the run ends with them', async () => {
    const partials: RunOutput[] = [];
    const final = await client.run('subspace-editing', {}, { onPartial: (output) => void partials.push(output) });
    const first = partials[0];
    expect(first).toBeDefined();
    const early = first?.result ?? {};
    const dim = Number(final.result['width']) * Number(final.result['height']);
    // no direction yet: every direction, variance and edit along one is NaN
    expect(Array.from(early['directions'] as Float32Array).every(Number.isNaN)).toBe(true);
    expect(Array.from(early['variances'] as Float64Array).every(Number.isNaN)).toBe(true);
    expect(first?.partial?.fraction).toBeLessThan(0.2);
    const strengths = early['strengths'] as Float64Array;
    expect(strengths).toEqual(final.result['strengths']);
    const strip = early['strip'] as Float32Array;
    const finalStrip = final.result['strip'] as Float32Array;
    const base = final.result['base'] as Float32Array;
    for (let f = 0; f < strengths.length; f++) {
      const frame = strip.subarray(f * dim, (f + 1) * dim);
      if (strengths[f] === 0) {
        // the base digit itself, bit for bit as the finished strip has it
        expect(frame).toEqual(finalStrip.subarray(f * dim, (f + 1) * dim));
        expect(frame).toEqual(base);
      } else expect(Array.from(frame).every(Number.isNaN)).toBe(true);
    }
    expect(early['base']).toEqual(base);
    expect(early['noised']).toEqual(final.result['noised']);
    expect(early['classNormRange']).toEqual(final.result['classNormRange']);
  });

  it('training-samples: the first partial shows the first training set before its flow is solved', async () => {
    const partials: RunOutput[] = [];
    const final = await client.run('training-samples', {}, { onPartial: (output) => void partials.push(output) });
    const runs = (partials[0]?.result['runs'] ?? []) as readonly ResultRecord[];
    const finalRuns = final.result['runs'] as readonly ResultRecord[];
    expect(runs).toHaveLength(1);
    expect(runs[0]?.['training']).toEqual(finalRuns[0]?.['training']);
    expect(runs[0]?.['tauMemTheory']).toBe(finalRuns[0]?.['tauMemTheory']);
    // the flow's numbers are still to come
    expect(runs[0]?.['tauMem']).toBeNaN();
    expect(runs[0]?.['trainLoss']).toBeNaN();
  });

  it('stops streaming when the run is cancelled mid-stream, and keeps serving', async () => {
    const controller = new AbortController();
    let received = 0;
    const running = client.run('curie-weiss', { trajectories: 400, steps: 400 }, {
      signal: controller.signal,
      onPartial: () => {
        received++;
        controller.abort();
      },
    });
    const thrown = await running.catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(AtlasError);
    expect((thrown as AtlasError).code).toBe('cancelled');
    const atCancel = received;
    expect(atCancel).toBe(1);
    // nothing more reaches the caller once it has been answered
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(received).toBe(atCancel);
    const next = await client.run('curie-weiss', { trajectories: 10, steps: 40 });
    expect(next.result['plusFraction']).toBeTypeOf('number');
  });

  it('the worker itself stops building and sending partials once a job is cancelled', async () => {
    const api = createWorkerApi({ select: async () => ({ kernels: cpuKernels, report: { backend: 'cpu' } }) });
    let received = 0;
    let afterCancel = 0;
    let cancelled = false;
    const running = api.run(7, 'curie-weiss', { trajectories: 400, steps: 400 }, undefined, () => {
      if (cancelled) afterCancel++;
      received++;
      if (received === 2) {
        cancelled = true;
        api.cancel(7);
      }
    });
    const thrown = await running.catch((error: unknown) => error);
    expect(thrown).toMatchObject({ name: 'AtlasError', code: 'cancelled' });
    expect(received).toBe(2);
    expect(afterCancel).toBe(0);
  });
});

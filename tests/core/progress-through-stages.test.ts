import { describe, expect, it } from 'vitest';
import { directContext, referenceKernels, runExperiment, twoClassSampleTopEigenvalue, wolffChain } from '@diffusion-atlas/core';

/** Every progress fraction a run reports, in order. */
async function progressOf(name: string, params: Record<string, unknown>): Promise<number[]> {
  const fractions: number[] = [];
  await runExperiment(name, params, directContext(referenceKernels, { onProgress: (f) => fractions.push(f) }));
  return fractions;
}

/** The largest step between two consecutive reports, the run's start and end included. */
function largestStep(fractions: readonly number[]): number {
  const marks = [0, ...fractions, 1];
  let largest = 0;
  for (let i = 1; i < marks.length; i++) largest = Math.max(largest, marks[i] - marks[i - 1]);
  return largest;
}

/*
 * Stages that ran without a word to the page: speciation's Λ (its samples were drawn in one
 * stretch, 0.93 → 0.98 of the run) and ising-2d's Wolff chain (0 → 0.1). Each now reports as it
 * goes; the bound on the step between reports is in shares of the run, so it holds on any machine.
 */
describe('progress through every stage of a run', () => {
  it('speciation reports progress while it draws the samples of Λ, after the dynamics', async () => {
    const events: { kind: 'progress' | 'partial'; f: number }[] = [];
    await runExperiment(
      'speciation',
      {},
      directContext(referenceKernels, { onProgress: (f) => events.push({ kind: 'progress', f }), onPartial: (f) => events.push({ kind: 'partial', f }) }),
    );
    const fractions = events.filter((e) => e.kind === 'progress').map((e) => e.f);
    for (let i = 1; i < fractions.length; i++) expect(fractions[i]).toBeGreaterThanOrEqual(fractions[i - 1]);
    expect(largestStep(fractions)).toBeLessThan(0.03);
    // The last partial is the dynamics' last step; Λ's power iteration reports from 0.97 on. In
    // between, its samples are drawn: reported as they are (they were one silent stretch).
    const afterDynamics = events.slice(events.map((e) => e.kind).lastIndexOf('partial') + 1);
    const iterating = afterDynamics.findIndex((e) => e.f >= 0.97);
    expect(afterDynamics.slice(0, iterating).filter((e) => e.kind === 'progress').length).toBeGreaterThan(10);
  });

  it('Λ’s samples report their progress and are the same with or without a listener', () => {
    const heard: number[] = [];
    const plain = twoClassSampleTopEigenvalue(64, 0.5, 1, 500, 3, 'explicit');
    const listened = twoClassSampleTopEigenvalue(64, 0.5, 1, 500, 3, 'explicit', undefined, (f) => heard.push(f));
    expect(listened).toEqual(plain);
    expect(heard.length).toBeGreaterThan(5);
    for (let i = 1; i < heard.length; i++) expect(heard[i]).toBeGreaterThan(heard[i - 1]);
    expect(heard[heard.length - 1]).toBe(1);
  });

  it('ising-2d reports progress through its Wolff chain, sweep by sweep', async () => {
    const fractions = await progressOf('ising-2d', {});
    for (let i = 1; i < fractions.length; i++) expect(fractions[i]).toBeGreaterThanOrEqual(fractions[i - 1]);
    expect(largestStep(fractions)).toBeLessThan(0.03);
    expect(fractions.filter((f) => f > 0 && f < 0.1).length).toBeGreaterThan(10);
  });

  it('the Wolff chain is the same with or without a progress listener, which hears every sweep', () => {
    const heard: number[] = [];
    const plain = wolffChain(16, 0.4, 20, 10, 3, 5, 1);
    const listened = wolffChain(16, 0.4, 20, 10, 3, 5, 1, (f) => heard.push(f));
    expect(listened.configurations).toEqual(plain.configurations);
    expect(listened.energy).toEqual(plain.energy);
    expect(listened.meanClusterSize).toBe(plain.meanClusterSize);
    expect(heard).toHaveLength(10 + 20 * 3);
    expect(heard[heard.length - 1]).toBe(1);
  });
});

import { describe, expect, it } from 'vitest';
import {
  directContext,
  gaussianEquivalentProblem,
  heatKernelKdeLogLikelihood,
  referenceKernels,
  rfConstants,
  runExperiment,
  solveGradientFlow,
  twoClassSampleTopEigenvalue,
  w1Exact,
  wolffChain,
} from '@diffusion-atlas/core';
import { nodeDataSources } from '@diffusion-atlas/worker/node-data';

/** Every progress fraction a run reports, in order. */
async function progressOf(name: string, params: Record<string, unknown>): Promise<number[]> {
  const fractions: number[] = [];
  await runExperiment(name, params, directContext(referenceKernels, { onProgress: (f) => fractions.push(f), data: nodeDataSources() }));
  return fractions;
}

/** Every progress report and partial result of a run at its defaults, in order. */
async function eventsOf(name: string): Promise<{ kind: 'progress' | 'partial'; f: number }[]> {
  const events: { kind: 'progress' | 'partial'; f: number }[] = [];
  await runExperiment(
    name,
    {},
    directContext(referenceKernels, { onProgress: (f) => events.push({ kind: 'progress', f }), onPartial: (f) => events.push({ kind: 'partial', f }) }),
  );
  return events;
}

function expectNonDecreasing(fractions: readonly number[]): void {
  for (let i = 1; i < fractions.length; i++) expect(fractions[i]).toBeGreaterThanOrEqual(fractions[i - 1]);
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
    const events = await eventsOf('speciation');
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

  /*
   * Three stages measured in Chromium at 100–150 ms without a progress message: gaussian-field's
   * collapse tables (computed again in every partial result and in the final one), manifold's
   * exact transports to the curve's reference points (eleven of them within 0.98–0.99 of the run,
   * the bar standing still through each), and sphere's held-out likelihood at its larger s_min.
   */
  it('gaussian-field reports its collapse tables as a stage of their own, before its first step', async () => {
    const events = await eventsOf('gaussian-field');
    const fractions = events.filter((e) => e.kind === 'progress').map((e) => e.f);
    expectNonDecreasing(fractions);
    expect(largestStep(fractions)).toBeLessThan(0.03);
    const beforeFirstStep = events.slice(0, events.findIndex((e) => e.kind === 'partial'));
    expect(beforeFirstStep.length).toBeGreaterThanOrEqual(13);
  });

  it('manifold’s bar moves through every exact transport, those to the curve included', async () => {
    const fractions = await progressOf('manifold', {});
    expectNonDecreasing(fractions);
    // up to 0.99, where the transports end (the last hundredth is the memorization test)
    const marks = [0, ...fractions.filter((f) => f <= 0.99)];
    expect(Math.max(...marks.slice(1).map((f, i) => f - marks[i]))).toBeLessThan(0.01);
    // The curve's transports come last, and were 0.98–0.99 with one report per ε.
    const late = new Set(fractions.filter((f) => f > 0.9 && f < 0.99));
    expect(late.size).toBeGreaterThan(200);
  });

  it('the exact transport is the same with or without a listener, which hears the mass shipped', async () => {
    const x = Float64Array.from({ length: 30 * 4 }, (_, i) => Math.sin(1.7 * i));
    const y = Float64Array.from({ length: 20 * 4 }, (_, i) => Math.cos(0.9 * i));
    const heard: number[] = [];
    const plain = await w1Exact(x, 30, y, 20, 4);
    const listened = await w1Exact(x, 30, y, 20, 4, undefined, (f) => heard.push(f));
    expect(listened).toBe(plain);
    expect(heard.length).toBeGreaterThan(5);
    for (let i = 1; i < heard.length; i++) expect(heard[i]).toBeGreaterThan(heard[i - 1]);
    expect(heard[heard.length - 1]).toBe(1);
  });

  it('sphere reports progress point by point through its held-out likelihoods', async () => {
    const fractions = await progressOf('sphere', {});
    expectNonDecreasing(fractions);
    // 16 values of s_min in 0.95–0.99: one report each before, now one per evaluated point
    expect(new Set(fractions.filter((f) => f > 0.95 && f < 0.99)).size).toBeGreaterThan(200);
  });

  it('the heat-kernel likelihood is the same with or without a listener, which hears every point', () => {
    const unit = (count: number, a: number, b: number): Float64Array =>
      Float64Array.from({ length: 3 * count }, (_, k) => {
        const i = Math.floor(k / 3);
        const [lon, polar] = [a * i, 0.3 + ((b * i) % 2.5)];
        return [Math.cos(lon) * Math.sin(polar), Math.sin(lon) * Math.sin(polar), Math.cos(polar)][k % 3];
      });
    const points = unit(40, 0.7, 0.37);
    const centres = unit(7, 1.3, 0.51);
    const heard: number[] = [];
    const plain = heatKernelKdeLogLikelihood(points, 40, centres, 7, 0.3);
    const listened = heatKernelKdeLogLikelihood(points, 40, centres, 7, 0.3, (f) => heard.push(f));
    expect(listened).toBe(plain);
    expect(heard).toHaveLength(40);
    expect(heard[heard.length - 1]).toBe(1);
  });

  /*
   * The random-features flow ran three stretches without a word: building its matrix (the Gram
   * matrix FᵀF, or the dense p × p one), q = F y/√μ after the Gram route's eigendecomposition, and
   * the projection of the population form (0.7 → 0.95 in one step): 60–140 ms each at the sizes of
   * training-window, training-samples and width-threshold. Both routes at those sizes.
   */
  it.each([
    { route: 'Gram (training-window’s largest size)', d: 20, p: 640, n: 160 },
    { route: 'dense (width-threshold’s last cell)', d: 8, p: 256, n: 512 },
  ])('the random-features flow reports through every stage: $route', ({ d, p, n }) => {
    const problem = gaussianEquivalentProblem({ d, p, n }, rfConstants(0.1), 1);
    const heard: number[] = [];
    const listened = solveGradientFlow(problem, (f) => heard.push(f));
    expectNonDecreasing(heard);
    expect(largestStep(heard)).toBeLessThan(0.02);
    expect(listened).toEqual(solveGradientFlow(problem));
  });
});

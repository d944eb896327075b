import { describe, expect, it } from 'vitest';
import { directContext, resolveParams, runExperiment, topCovarianceEigenvalue } from '@diffusion-atlas/core';
import { MNIST_PIXELS, cpuKernels, decodeMnistBytes, encodeMnistBytes } from '@diffusion-atlas/worker';
import { nodeDataSources, readMnistBytes } from '@diffusion-atlas/worker/node-data';
import { cli, csvRows, expectUsageError, resultOf } from './cli-harness.ts';

describe('diffusion-atlas CLI: speciation, collapse, curse, digits', () => {
  it('lists the four experiments', async () => {
    const list = JSON.parse((await cli('list')).stdout) as { name: string; params: Record<string, unknown> }[];
    const names = list.map((e) => e.name);
    for (const name of ['speciation', 'collapse', 'curse', 'digits']) expect(names).toContain(name);
    const speciation = list.find((e) => e.name === 'speciation');
    expect(Object.keys(speciation?.params ?? {})).toEqual(['d', 'mu', 'sigma', 'pairs', 'method', 'protocol', 'cloneTimes', 'tMax', 'dt', 'seed']);
    const collapse = list.find((e) => e.name === 'collapse');
    expect(Object.keys(collapse?.params ?? {})).toEqual(['n', 'd', 'mu', 'sigma', 'data', 'trajectories', 'steps', 'tMax', 'tMin', 'probes', 'seed']);
  });

  it('runs speciation, collapse and curse and returns the listed fields', async () => {
    const [speciation, collapse, curse] = await Promise.all([
      cli('run', 'speciation', '--d', '256', '--pairs', '100', '--cloneTimes', '2,2.5,3,3.5', '--dt', '0.05', '--method', 'full', '--protocol', 'uturn'),
      cli('run', 'collapse', '--n', '100', '--d', '8', '--trajectories', '10', '--steps', '40', '--probes', '20', '--data', 'gaussian'),
      cli('run', 'curse', '--sigma', '2', '--tStar', '0.05', '--dMin', '4', '--dMax', '512', '--resolution', '12'),
    ]);
    const s = resultOf(speciation);
    for (const key of ['t', 'phi', 'phiStdErr', 'phiTheory', 'Lambda', 'tS', 'tSCrossing', 'trajectories']) expect(s).toHaveProperty(key);
    expect(s.t).toEqual([2, 2.5, 3, 3.5]);
    expect(s.phi).toHaveLength(4);

    const c = resultOf(collapse);
    for (const key of ['tC', 'collapseTimes', 'memorizedFraction', 'memorizedBaseline', 't', 'excessEntropy', 'excessEntropyTheory', 'excessEntropyTheoryModel']) {
      expect(c).toHaveProperty(key);
    }
    expect(Object.keys(c.collapseTimes as object)).toEqual(['mean', 'median']);
    expect(c.excessEntropyTheoryModel).toBe('gaussian');
    expect((c.t as number[]).length).toBe((c.excessEntropy as number[]).length);

    const k = resultOf(curse);
    for (const key of ['d', 'alphaRequired', 'log10nRequired', 'grid', 'tS']) expect(k).toHaveProperty(key);
    const grid = k.grid as { log10n: number[]; d: number[]; tC: number[] };
    expect(grid.tC).toHaveLength(grid.log10n.length * grid.d.length);
  });

  it('prints the cloning curve as CSV, and names its other tables', async () => {
    const args = ['run', 'speciation', '--pairs', '50', '--cloneTimes', '3,4', '--dt', '0.05'];
    const [csv, tables] = await Promise.all([cli(...args, '--format', 'csv'), cli(...args, '--tables')]);
    expect(csv.code).toBe(0);
    const { header, rows } = csvRows(csv.stdout);
    expect(header).toEqual(['t', 'phi', 'phiStdErr', 'phiTheory']);
    expect(rows).toHaveLength(2);
    expect(tables.stdout.split('\n').filter((l) => l !== '').map((l) => l.split(':')[0])).toEqual(['cloning (main)', 'theory', 'summary']);
  });

  it('runs digits with the MNIST data from the mnist package', async () => {
    const outcome = await cli('run', 'digits', '--n', '20', '--trajectories', '2', '--steps', '30');
    const r = resultOf(outcome);
    for (const key of ['Lambda', 'tS', 'tC', 'samples', 'nearest', 'training', 'memorizedFraction']) expect(r).toHaveProperty(key);
    expect(r.samples).toHaveLength(2 * 784);
  });

  it('rejects bad parameters with exit status 2 and one line', async () => {
    const outcomes = await Promise.all([
      cli('run', 'speciation', '--method', 'exact'),
      cli('run', 'speciation', '--method', 'full', '--d', '10000'),
      cli('run', 'speciation', '--cloneTimes', '2,13'),
      cli('run', 'collapse', '--data', 'images'),
      cli('run', 'curse', '--dMin', '100', '--dMax', '10'),
      cli('run', 'digits', '--classes', '3,3'),
    ]);
    expectUsageError(outcomes[0], /method must be one of reduced, full/);
    expectUsageError(outcomes[1], /\bd must be at most 4096 for method full/);
    expectUsageError(outcomes[2], /cloneTimes must be below tMax/);
    expectUsageError(outcomes[3], /data must be one of mixture, gaussian/);
    expectUsageError(outcomes[4], /dMin \(100\) must be smaller than dMax \(10\)/);
    expectUsageError(outcomes[5], /classes must be two different digits/);
  });

  it('validates lists and ranges the same way in-process (no spawn needed)', () => {
    expect(() => resolveParams('speciation', { cloneTimes: [2, 'x'] })).toThrow(/cloneTimes must be a comma-separated list/);
    expect(() => resolveParams('collapse', { n: 1 })).toThrow(/\bn must be an integer from 2 to 5000/);
    expect(() => resolveParams('digits', { classes: [1] })).toThrow(/classes must be a comma-separated list of 2–2 integers/);
    expect(() => resolveParams('digits', { classes: [1, 10] })).toThrow(/from 0 to 9/);
    expect(() => resolveParams('curse', { resolution: 4 })).toThrow(/resolution must be an integer from 8 to 512/);
  });
});

describe('Node MNIST data source', () => {
  // one source for the whole block: each class is ≈ 2 MB of JSON to parse once
  const data = nodeDataSources();

  it('reads each class of the mnist package as 28 × 28 images in [0, 1], byte-exact', async () => {
    const bytes = await readMnistBytes(7);
    expect(bytes.length % MNIST_PIXELS).toBe(0);
    const set = await data.mnistDigit(7);
    expect(set.width).toBe(28);
    expect(set.height).toBe(28);
    expect(set.count).toBe(bytes.length / MNIST_PIXELS);
    expect(set.count).toBeGreaterThan(800);
    // the round trip through bytes is lossless: what the site serves is what Node reads
    expect(Array.from(encodeMnistBytes(set.images))).toEqual(Array.from(bytes));
    expect(Array.from(decodeMnistBytes(bytes, 7).images)).toEqual(Array.from(set.images));
    // cached bytes, but a new array every call: results are transferred
    const again = await data.mnistDigit(7);
    expect(again.images).not.toBe(set.images);
    expect(Array.from(again.images)).toEqual(Array.from(set.images));
  });

  it('rejects digits outside 0–9', async () => {
    await expect(data.mnistDigit(10)).rejects.toThrow(/0 to 9/);
  });

  it('Table 1 check: Λ of all 1s and 8s is ≈ 7.3 (paper 7.66), of 0s and 7s ≈ 12.4', async () => {
    const lambda = async (a: number, b: number): Promise<number> => {
      const [x, y] = [await data.mnistDigit(a), await data.mnistDigit(b)];
      const all = new Float32Array(x.images.length + y.images.length);
      all.set(x.images);
      all.set(y.images, x.images.length);
      return topCovarianceEigenvalue(all, x.count + y.count, MNIST_PIXELS).value;
    };
    expect(await lambda(1, 8)).toBeCloseTo(7.33, 1);
    expect(await lambda(0, 7)).toBeCloseTo(12.42, 1);
  });

  it('drives the digits experiment in-process', async () => {
    const { result } = await runExperiment('digits', { n: 40, trajectories: 3, steps: 60 }, directContext(cpuKernels, { data }));
    expect(result.d).toBe(784);
    expect(result.samples).toHaveLength(3 * 784);
    expect(result.memorizedFraction).toBe(1);
  });
});

import { describe, expect, it } from 'vitest';
import { resolveParams } from '@diffusion-atlas/core';
import { cli, expectUsageError, resultOf } from './cli-harness.ts';

describe('diffusion-atlas CLI, physics experiments', () => {
  it('lists curie-weiss, gaussian-field and ising-2d with the issue’s parameters', async () => {
    const list = JSON.parse((await cli('list')).stdout) as { name: string; params: Record<string, unknown> }[];
    const params = (name: string): string[] => Object.keys(list.find((e) => e.name === name)?.params ?? {});
    for (const key of ['N', 'beta', 'h', 'n', 'trajectories', 'seed']) expect(params('curie-weiss')).toContain(key);
    for (const key of ['L', 'slope', 'n', 'seed']) expect(params('gaussian-field')).toContain(key);
    for (const key of ['L', 'beta', 'n', 'score', 'seed']) expect(params('ising-2d')).toContain(key);
  });

  it('runs all three and returns the listed fields', async () => {
    const [cw, gf, is] = await Promise.all([
      cli('run', 'curie-weiss', '--N', '12', '--trajectories', '20', '--steps', '40'),
      cli('run', 'gaussian-field', '--L', '16', '--fields', '2', '--steps', '40'),
      cli('run', 'ising-2d', '--L', '8', '--n', '10', '--generated', '2', '--steps', '20'),
    ]);
    const c = resultOf(cw);
    for (const key of ['lambda', 'tS', 'plusFraction', 'plusWeightTheory', 'trajectories']) expect(c).toHaveProperty(key);
    const g = resultOf(gf);
    for (const key of ['k', 'power', 'modeTimes', 'spectra', 'frames']) expect(g).toHaveProperty(key);
    expect(g.k).toHaveLength(8);
    const i = resultOf(is);
    for (const key of ['lambda', 'tS', 'data', 'generatedStats', 'memorizedFraction']) expect(i).toHaveProperty(key);
  });

  it('prints the Curie–Weiss summary as CSV, and the weight sweep as its own table', async () => {
    const args = ['run', 'curie-weiss', '--N', '8', '--trajectories', '10', '--steps', '40', '--format', 'csv'];
    const [summary, sweep] = await Promise.all([cli(...args), cli(...args, '--table', 'weightSweep')]);
    expect(summary.code).toBe(0);
    // --format csv prints one table, the main one, with its header row.
    expect(summary.stdout.split('\n')[0]).toBe('lambda,tS,plusFraction,plusFractionStdErr,plusWeightTheory,trainingPlusFraction');
    expect(sweep.code).toBe(0);
    const lines = sweep.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('ratio,n,fittedError,fittedTheory,countError,countTheory');
    expect(lines).toHaveLength(1 + 9);
  });

  it('rejects bad parameters with exit status 2 and one line', async () => {
    const outcomes = await Promise.all([cli('run', 'curie-weiss', '--beta', '9'), cli('run', 'gaussian-field', '--L', '20')]);
    expectUsageError(outcomes[0], /\bbeta must be a number from 0.1 to 3/);
    expectUsageError(outcomes[1], /\bL must be one of 16, 32, 64, 128/);
    expect(() => resolveParams('ising-2d', { L: '24' })).toThrow(/\bL must be one of 8, 16, 32, 64/);
    expect(() => resolveParams('gaussian-field', { n: -1 })).toThrow(/\bn must be an integer from 0 to 1024/);
  });
});

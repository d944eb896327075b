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

  it('prints the Curie–Weiss summary as CSV, and each other table with --table', async () => {
    const args = ['run', 'curie-weiss', '--N', '8', '--trajectories', '10', '--steps', '40', '--format', 'csv'] as const;
    const summary = await cli(...args);
    expect(summary.code).toBe(0);
    const [header, row, ...rest] = summary.stdout.trimEnd().split('\n');
    expect(header).toBe('lambda,tS,plusFraction,plusFractionStdErr,plusWeightTheory,trainingPlusFraction');
    expect(rest).toEqual([]);
    // every summary value is a finite number, trainingPlusFraction included with the exact score
    for (const cell of (row ?? '').split(',')) expect(Number.isFinite(Number(cell)), cell).toBe(true);
    const headers: Record<string, string> = { levels: 'm,p', final: 'm', betaCurve: 'beta,lambda,tS,meanM2', weightSweep: 'ratio,n,fittedError,fittedTheory,countError,countTheory' };
    const tables = await Promise.all(Object.keys(headers).map((name) => cli(...args, '--table', name)));
    Object.keys(headers).forEach((name, i) => {
      expect(tables[i]?.code, name).toBe(0);
      expect(tables[i]?.stdout.split('\n')[0], name).toBe(headers[name]);
    });
    const sweep = tables[Object.keys(headers).indexOf('weightSweep')];
    expect(sweep?.stdout.trimEnd().split('\n')).toHaveLength(1 + 9);
  });

  it('rejects bad parameters with exit status 2 and one line', async () => {
    const outcomes = await Promise.all([cli('run', 'curie-weiss', '--beta', '9'), cli('run', 'gaussian-field', '--L', '20')]);
    expectUsageError(outcomes[0], /\bbeta must be a number from 0.1 to 3/);
    expectUsageError(outcomes[1], /\bL must be one of 16, 32, 64, 128/);
    expect(() => resolveParams('ising-2d', { L: '24' })).toThrow(/\bL must be one of 8, 16, 32, 64/);
    expect(() => resolveParams('gaussian-field', { n: -1 })).toThrow(/\bn must be an integer from 0 to 1024/);
  });
});

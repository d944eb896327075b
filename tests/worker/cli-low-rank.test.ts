import { describe, expect, it } from 'vitest';
import { cli, csvRows, expectUsageError, resultOf } from './cli-harness.ts';

describe('diffusion-atlas CLI: low-rank-mixture, subspace-transition, subspace-editing', () => {
  it('lists the three experiments with the issue’s parameter names', async () => {
    const list = JSON.parse((await cli('list')).stdout) as { name: string; params: Record<string, unknown> }[];
    const params = (name: string): string[] => Object.keys(list.find((e) => e.name === name)?.params ?? {});
    expect(params('low-rank-mixture')).toEqual(['d', 'K', 'r', 'n', 'noise', 'orthogonal', 'tMin', 'tMax', 'points', 'seed']);
    expect(params('subspace-transition')).toEqual(['d', 'K', 'rValues', 'nValues', 'noise', 'trials', 'seed']);
    expect(params('subspace-editing')).toEqual(['digit', 'direction', 'strength', 'seed', 'method', 't']);
  });

  it('runs the three experiments and returns the listed fields', async () => {
    const [mixture, transition, editing, csv] = await Promise.all([
      cli('run', 'low-rank-mixture', '--K', '3', '--n', '20', '--points', '6', '--orthogonal', 'false', '--noise', '0.02'),
      cli('run', 'subspace-transition', '--d', '20', '--rValues', '2,4', '--nValues', '1,2,4,8', '--trials', '3'),
      cli('run', 'subspace-editing', '--digit', '7', '--direction', '2', '--strength', '1.5'),
      cli('run', 'subspace-transition', '--d', '12', '--rValues', '2', '--nValues', '1,3', '--trials', '2', '--format', 'csv'),
    ]);
    const m = resultOf(mixture);
    for (const key of ['t', 'mseOptimal', 'mseTrained', 'mseEmpirical', 'mseKnownComponent', 'subspaceError', 'bases', 'learnedBases', 'training', 'trajectoriesOptimal', 'trajectoriesEmpirical', 'frameTimes']) {
      expect(m).toHaveProperty(key);
    }
    expect(m.t).toHaveLength(6);
    expect(m.subspaceError).toHaveLength(3);
    expect(m.learnedBases).toHaveLength(3 * 1 * 3);

    const s = resultOf(transition);
    for (const key of ['n', 'r', 'subspaceError', 'successProbability', 'memorizedFraction', 'grid']) expect(s).toHaveProperty(key);
    const grid = s.grid as { rValues: number[]; nValues: number[]; rows: number; columns: number };
    expect([grid.rows, grid.columns]).toEqual([2, 4]);
    expect(s.n).toEqual([1, 2, 4, 8, 1, 2, 4, 8]);
    expect(s.r).toEqual([2, 2, 2, 2, 4, 4, 4, 4]);
    // NaN (formula undefined for n ≥ r) travels as null in JSON
    expect((s.subspaceErrorTheory as (number | null)[])[1]).toBeNull();

    const e = resultOf(editing);
    for (const key of ['directions', 'variances', 'base', 'strip', 'strengths', 'norms', 'normLower', 'normUpper']) expect(e).toHaveProperty(key);
    expect(e.width).toBe(28);
    expect(e.strip).toHaveLength(7 * 784);
    const norms = e.norms as number[];
    norms.forEach((x, i) => {
      expect(x).toBeGreaterThanOrEqual((e.normLower as number[])[i] - 1e-9);
      expect(x).toBeLessThanOrEqual((e.normUpper as number[])[i] + 1e-9);
    });

    // the heat map as CSV: one table, one row per cell
    expect(csv.code).toBe(0);
    const { header, rows } = csvRows(csv.stdout);
    expect(header.join(',')).toBe('n,r,subspaceError,subspaceErrorTheory,successProbability,memorizedFraction,memorizedBaseline');
    expect(rows).toHaveLength(2);
  });

  it('rejects bad parameters with exit status 2 and one line', async () => {
    // one spawn per kind of failure; the other checks run in-process in tests/core/low-rank.test.ts
    const outcomes = await Promise.all([
      cli('run', 'low-rank-mixture', '--d', '3', '--K', '2', '--r', '2'),
      cli('run', 'low-rank-mixture', '--orthogonal', 'maybe'),
      cli('run', 'subspace-transition', '--rValues', '1,40'),
      cli('run', 'subspace-editing', '--digit', '10'),
    ]);
    expectUsageError(outcomes[0], /orthogonal subspaces need K·r ≤ d/);
    expectUsageError(outcomes[1], /orthogonal must be true or false/);
    expectUsageError(outcomes[2], /rValues must be a comma-separated list of 1–32 integers from 1 to 32/);
    expectUsageError(outcomes[3], /digit must be an integer from 0 to 9/);
  });
});

import { describe, expect, it } from 'vitest';
import { cli, expectUsageError, resultOf } from './cli-harness.ts';

describe('diffusion-atlas CLI, reproducibility', () => {
  it('is listed with its parameters', async () => {
    const list = JSON.parse((await cli('list')).stdout) as { name: string; params: Record<string, unknown> }[];
    const params = Object.keys(list.find((e) => e.name === 'reproducibility')?.params ?? {});
    expect(params).toEqual(['d', 'K', 'r', 'nValues', 'noise', 'noises', 'steps', 'tMax', 'tMin', 'closeness', 'seed']);
  });

  it('runs and returns one score per n for each pair of models, and a CSV table', async () => {
    const [json, csv] = await Promise.all([
      cli('run', 'reproducibility', '--nValues', '1,4,32', '--noises', '20', '--steps', '30'),
      cli('run', 'reproducibility', '--K', '1', '--r', '1', '--d', '4', '--nValues', '2,8', '--noises', '10', '--steps', '20', '--format', 'csv'),
    ]);
    const r = resultOf(json);
    for (const key of ['reproducibilityLearnedDisjoint', 'reproducibilityEmpiricalDisjoint', 'reproducibilityLearnedEmpirical', 'memorizedFractionLearned', 'memorizedFractionEmpirical']) {
      const v = r[key] as number[];
      expect(v).toHaveLength(3);
      // a fraction of 20 noises
      for (const x of v) expect(Number.isInteger(Math.round(x * 20 * 1e9) / 1e9)).toBe(true);
    }
    expect(r.nValues).toEqual([1, 4, 32]);
    expect(r.agreementDistance).toBeCloseTo(0.1 * Math.SQRT2, 12);

    expect(csv.code).toBe(0);
    // `--format csv` prints the main table alone: a header row, then one row per n
    const lines = csv.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('n,learnedDisjoint,empiricalDisjoint,learnedEmpirical,memorizedLearned,memorizedEmpirical,meanSquaredDistanceLearned,projectorDistanceSquaredLearned,subspaceErrorLearned');
    expect(lines).toHaveLength(1 + 2);
  });

  it('rejects K·r > d with exit status 2', async () => {
    expectUsageError(await cli('run', 'reproducibility', '--d', '4', '--K', '2', '--r', '3'), /K·r/);
  });
});

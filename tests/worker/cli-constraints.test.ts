import { describe, expect, it } from 'vitest';
import { experiments } from '@diffusion-atlas/core';
import { cli, expectUsageError } from './cli-harness.ts';

describe('the CLI and the declared constraints', () => {
  it('exits 2 with the rule in one line, before any work', async () => {
    const outcomes = await Promise.all([
      cli('run', 'low-rank-mixture', '--K', '4'),
      cli('run', 'low-rank-mixture', '--tMin', '0.5', '--tMax', '0.1'),
      cli('run', 'subspace-transition', '--d', '8', '--K', '3', '--rValues', '1,3'),
      cli('run', 'width-threshold', '--d', '2', '--psiNValues', '0.2'),
      cli('run', 'speciation', '--tMax', '1', '--d', '1000000'),
    ]);
    expectUsageError(outcomes[0], /orthogonal subspaces need K·r ≤ d \(got K·r = 4, d = 3\)/);
    expectUsageError(outcomes[1], /tMin \(0.5\) must be smaller than tMax \(0.1\)/);
    expectUsageError(outcomes[2], /K·r must not exceed d/);
    expectUsageError(outcomes[3], /psiNValues entry 0.2 gives no training point at d = 2/);
    expectUsageError(outcomes[4], /tMax = 1 is below every automatic clone time/);
  });

  it('lists each experiment’s rules beside its parameters', async () => {
    const list = JSON.parse((await cli('list')).stdout) as { name: string; params: object; constraints: { params: string[]; rule: string }[] }[];
    expect(list.map((e) => e.name)).toEqual(Object.keys(experiments));
    for (const entry of list) {
      const declared = experiments[entry.name as keyof typeof experiments].constraints ?? [];
      expect(entry.constraints).toEqual(declared.map((c) => ({ params: [...c.params], rule: c.rule })));
    }
    const lowRank = list.find((e) => e.name === 'low-rank-mixture');
    expect(lowRank?.constraints).toContainEqual({ params: ['K', 'r', 'd', 'orthogonal'], rule: 'K·r ≤ d when orthogonal' });
  });
});

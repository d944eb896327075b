import { describe, expect, it } from 'vitest';
import { defaultsOf, estimateCost, experiments, getExperiment, validateParams } from '@diffusion-atlas/core';
import { noiseAndBack } from '../../packages/core/src/experiments/noise-and-back.ts';
import { cli } from './cli-harness.ts';

/** Estimates are fitted on a loaded shared machine and good to about 2×; this test allows 4× either way. */
const FACTOR = 4;

describe('cost estimates', () => {
  it('every experiment has one, positive and finite at its defaults, with drivers from its schema', () => {
    for (const e of Object.values(experiments)) {
      const estimate = estimateCost(e, defaultsOf(e.params));
      expect(estimate, e.name).not.toBeNull();
      expect(estimate?.seconds, e.name).toBeGreaterThan(0);
      expect(Number.isFinite(estimate?.seconds), e.name).toBe(true);
      for (const driver of estimate?.drivers ?? []) expect(Object.keys(e.params), e.name).toContain(driver);
    }
  });

  it('grows with its drivers', () => {
    const e = noiseAndBack;
    const base = defaultsOf(e.params);
    const small = estimateCost(e, base)?.seconds ?? NaN;
    expect(estimateCost(e, { ...base, m: 2 * base.m })?.seconds).toBeGreaterThan(small);
    expect(estimateCost(e, { ...base, steps: 2 * base.steps })?.seconds).toBeGreaterThan(small);
  });

  it.each([
    ['noise-and-back', { m: '200', steps: '200', n: '400' }],
    ['bridge', { case: 'particles', particles: '400' }],
  ] as const)('%s: the estimate is within 4× of the CLI’s measured time', async (name, flags) => {
    const args = Object.entries(flags).flatMap(([k, v]) => [`--${k}`, v]);
    const outcome = await cli('run', name, ...args, '--format', 'json');
    expect(outcome.code).toBe(0);
    const { elapsedMs } = JSON.parse(outcome.stdout) as { elapsedMs: number };
    const e = getExperiment(name);
    const raw = Object.fromEntries(Object.entries(flags).map(([k, v]) => [k, Number.isNaN(Number(v)) ? v : Number(v)]));
    // elapsedMs times the run alone (runLocal starts its clock after selecting the kernels)
    const estimate = estimateCost(e, validateParams(e.params, raw))?.seconds ?? NaN;
    const measured = elapsedMs / 1000;
    expect(measured, `measured ${measured.toFixed(2)} s, estimated ${estimate.toFixed(2)} s`).toBeLessThan(FACTOR * estimate);
    expect(measured, `measured ${measured.toFixed(2)} s, estimated ${estimate.toFixed(2)} s`).toBeGreaterThan(estimate / FACTOR);
  });

  it('run --help lists ranges and says which parameters drive the cost', async () => {
    const outcome = await cli('run', 'low-rank-mixture', '--help');
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(/--K <value>  Subspaces: an integer from 1 to 6 \(default 2\)  \[drives the cost\]/);
    expect(outcome.stdout).toMatch(/--seed <value>  Seed: an integer from 0 to 2147483647 \(default 1\)\n/);
    expect(outcome.stdout).toMatch(/Rules between parameters:\n  tMin < tMax\n  r < d\n  K·r ≤ d when orthogonal/);
    expect(outcome.stdout).toMatch(/Run time grows with K, n, d, points, r/);
  });
});

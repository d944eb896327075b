import { describe, expect, it } from 'vitest';
import {
  AtlasError,
  allowedRange,
  defaultsOf,
  experiments,
  getExperiment,
  repairParams,
  resolveParams,
  violations,
  whyNot,
} from '@diffusion-atlas/core';

const lowRank = getExperiment('low-rank-mixture');
const lowRankDefaults = defaultsOf(lowRank.params);

describe('constraints between parameters', () => {
  it('every experiment’s defaults satisfy its own rules', () => {
    for (const e of Object.values(experiments)) expect(violations(e, defaultsOf(e.params)), e.name).toEqual([]);
  });

  it('every rule names parameters of its schema and reads as one line', () => {
    for (const e of Object.values(experiments)) {
      for (const c of e.constraints ?? []) {
        for (const name of c.params) expect(Object.keys(e.params), `${e.name}/${c.id}`).toContain(name);
        expect(c.rule).not.toMatch(/\n/);
      }
    }
  });

  it('the validation path rejects a violation with the rule’s message and parameter', () => {
    const run = (): unknown => resolveParams('low-rank-mixture', { K: 4 });
    expect(run).toThrow(AtlasError);
    expect(run).toThrow(/orthogonal subspaces need K·r ≤ d \(got K·r = 4, d = 3\)/);
    try {
      run();
    } catch (error) {
      expect(error instanceof AtlasError && error.param).toBe('K');
    }
  });

  it('allowedRange is K ≤ ⌊d/r⌋ for orthogonal subspaces, every K otherwise', () => {
    // The bound K·r ≤ d solved for K, at three (d, r): the probe over integers must find exactly it.
    for (const [d, r] of [[3, 1], [12, 5], [64, 7]] as const) {
      const params = { ...lowRankDefaults, d, r };
      expect(allowedRange(lowRank, params, 'K')).toEqual({ min: 1, max: Math.min(6, Math.floor(d / r)) });
    }
    expect(allowedRange(lowRank, { ...lowRankDefaults, orthogonal: false }, 'K')).toEqual({ min: 1, max: 6 });
  });

  it('allowedRange of r is 1 … min(d − 1, ⌊d/K⌋)', () => {
    expect(allowedRange(lowRank, { ...lowRankDefaults, d: 20, K: 3 }, 'r')).toEqual({ min: 1, max: 6 });
    expect(allowedRange(lowRank, { ...lowRankDefaults, d: 20, K: 1 }, 'r')).toEqual({ min: 1, max: 19 });
  });

  it('allowedRange of a number below another stays below it, to one probe step', () => {
    // tMin < tMax = 0.05 on a log grid of 1024 steps over [1e-4, 1]: the largest allowed probe is
    // within one step (a factor 10^(4/1024)) below 0.05.
    const range = allowedRange(lowRank, { ...lowRankDefaults, tMax: 0.05 }, 'tMin');
    expect(range?.min).toBeCloseTo(1e-4, 12);
    expect(range?.max).toBeLessThan(0.05);
    expect(range?.max).toBeGreaterThan(0.05 / 10 ** (4 / 1024));
  });

  it('whyNot names the rule for an unreachable value and nothing for a reachable one', () => {
    const [why] = whyNot(lowRank, lowRankDefaults, 'K', 4);
    expect(why?.id).toBe('orthogonal-fit');
    expect(why?.message).toMatch(/K·r ≤ d/);
    expect(whyNot(lowRank, lowRankDefaults, 'K', 3)).toEqual([]);
  });

  it('repairs keep what they can: subspace-transition drops only the r that do not fit', () => {
    const e = getExperiment('subspace-transition');
    const { params, notices } = repairParams(e, { ...defaultsOf(e.params), d: 16, K: 3, rValues: [2, 5, 6, 8] });
    expect(params.rValues).toEqual([2, 5]);
    expect(notices).toHaveLength(1);
    expect(notices[0]?.message).toMatch(/changed rValues 2,5,6,8 → 2,5/);
  });

  it('a repair that cannot work falls back to the defaults of the rule’s parameters', () => {
    const e = getExperiment('speciation');
    // No cloneTimes and tMax below every automatic clone time: this rule has no repair of its own.
    const bad = { ...defaultsOf(e.params), tMax: 1, d: 1_000_000 };
    expect(violations(e, bad).map((v) => v.id)).toContain('automatic-clone-times');
    const { params } = repairParams(e, bad);
    expect(violations(e, params)).toEqual([]);
  });
});

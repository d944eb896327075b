import { describe, expect, it } from 'vitest';
import { defaultsOf, getExperiment, violations } from '@diffusion-atlas/core';
import { announcedSeconds, ANNOUNCED_SECONDS } from '@diffusion-atlas/site/widgets/host/cost-note.ts';
import { brokenRules, controlLimit, repairedState } from '@diffusion-atlas/site/widgets/host/reachable.ts';
import { typedParams } from '@diffusion-atlas/site/widgets/host/typed-params.ts';

/*
 * What the widget's controls may reach under an experiment's rules, and what it announces before a
 * long run, checked against the rules written out by hand (K·r ≤ d for orthogonal subspaces, r < d)
 * and against brute force over every value, not against the helpers' own probing.
 */

const lrm = getExperiment('low-rank-mixture');
const defaults = { ...defaultsOf(lrm.params) };

describe('controlLimit', () => {
  it('bounds K by ⌊d/r⌋ for orthogonal subspaces, for every d and r the slider can pair', () => {
    for (const d of [2, 3, 5, 8, 17]) {
      for (const r of [1, 2, 3]) {
        if (r >= d) continue;
        const limit = controlLimit(lrm, { ...defaults, d, r, orthogonal: true }, 'K');
        // Closed form: K·r ≤ d ⇔ K ≤ ⌊d/r⌋, within the spec's 1…6.
        const expected = Math.min(6, Math.floor(d / r));
        const held = [
          { name: 'r', value: String(r) },
          { name: 'd', value: String(d) },
          { name: 'orthogonal', value: 'true' },
        ];
        expect(limit, `d=${d} r=${r}`).toEqual({ min: 1, max: expected, reasons: expected < 6 ? [{ rule: 'K·r ≤ d when orthogonal', held }] : [] });
      }
    }
  });

  it('lifts the bound on K when the subspaces need not be orthogonal', () => {
    expect(controlLimit(lrm, { ...defaults, orthogonal: false }, 'K')).toEqual({ min: 1, max: 6, reasons: [] });
  });

  it('agrees with brute force over every integer of d: the smallest allowed d is the first that breaks no rule', () => {
    for (const [K, r] of [
      [3, 2],
      [1, 4],
      [6, 1],
    ] as const) {
      const values = { ...defaults, K, r, orthogonal: true };
      let lo = Infinity;
      let hi = -Infinity;
      for (let d = 2; d <= 64; d++) {
        if (violations(lrm, typedParams(lrm.params, { ...values, d })).length > 0) continue;
        lo = Math.min(lo, d);
        hi = Math.max(hi, d);
      }
      const limit = controlLimit(lrm, values, 'd');
      expect(limit?.min, `K=${K} r=${r}`).toBe(lo);
      expect(limit?.max).toBe(hi);
      // The rule broken just below the bound is the one quoted.
      expect(limit?.reasons.length).toBe(1);
    }
  });

  it('quotes the values a rule holds fixed as their readouts show them, never the refused value', () => {
    const speciation = getExperiment('speciation');
    // σ as a sum of slider steps can carry float noise; its readout, and so the note, says 0.3.
    const limit = controlLimit(speciation, { ...defaultsOf(speciation.params), sigma: 0.1 + 0.2 }, 'tMax');
    expect(limit?.min).toBeGreaterThan(speciation.params['tMax']?.type === 'number' ? speciation.params['tMax'].min : Infinity);
    expect(limit?.reasons).toEqual([
      {
        rule: 'with no cloneTimes, tMax above the first automatic clone time',
        held: [
          { name: 'cloneTimes', value: '' },
          { name: 'd', value: '1024' },
          { name: 'mu', value: '1' },
          { name: 'sigma', value: '0.3' },
        ],
      },
    ]);
  });

  it('says nothing for a parameter that is not numeric', () => {
    expect(controlLimit(lrm, defaults, 'orthogonal')).toBeNull();
  });
});

describe('repairedState', () => {
  it('keeps a valid state as it is, with no notice', () => {
    const values = { ...defaults, K: 3 };
    const { params, notices } = repairedState(lrm, values);
    expect(params).toBe(values);
    expect(notices).toEqual([]);
  });

  it('turning orthogonal on with K = 4 in d = 3 lowers K to ⌊d/r⌋ = 3 and says why', () => {
    const { params, notices } = repairedState(lrm, { ...defaults, K: 4, orthogonal: true });
    expect(params['K']).toBe(3);
    expect(params['orthogonal']).toBe(true);
    expect(notices).toHaveLength(1);
    expect(notices[0]?.param).toBe('K');
    expect(notices[0]?.message).toContain('K·r ≤ d');
    expect(notices[0]?.message).toContain('K 4 → 3');
  });
});

describe('announcedSeconds', () => {
  const nab = getExperiment('noise-and-back');
  const nabDefaults = { ...defaultsOf(nab.params) };
  // The noise-and-back model written out: m·steps·(n + 150) + 2·m·n units at 4.8e-9 s, plus 0.0072 s.
  const byHand = (m: number, n: number, steps: number): number => 0.0072 + 4.8e-9 * (m * steps * (n + 150) + 2 * m * n);

  it('stays silent for a quick run', () => {
    expect(byHand(400, 100, 400)).toBeLessThan(ANNOUNCED_SECONDS);
    expect(announcedSeconds(nab, nabDefaults)).toBeNull();
  });

  it('announces a long run in whole seconds', () => {
    const seconds = byHand(1000, 2000, 400);
    expect(seconds).toBeGreaterThan(ANNOUNCED_SECONDS);
    expect(announcedSeconds(nab, { ...nabDefaults, m: 1000, n: 2000 })).toBe(Math.round(seconds));
  });
});

describe('brokenRules', () => {
  it('names the rule a state breaks, and none for a valid one', () => {
    expect(brokenRules(lrm, defaults)).toEqual([]);
    // K·r = 4 > d = 3 and r = 3 ≥ d: both rules, in declaration order.
    expect(brokenRules(lrm, { ...defaults, K: 4, r: 3 })).toEqual([expect.stringContaining('r (3) must be smaller than d (3)'), expect.stringContaining('got K·r = 12, d = 3')]);
  });
});

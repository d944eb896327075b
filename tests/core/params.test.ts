import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AtlasError, coerceParams, defaultsOf, experiments, resolveParams, validateParams } from '@diffusion-atlas/core';

const spec = experiments['noise-and-back'].params;

describe('parameter schema', () => {
  it('fills defaults and accepts valid values', () => {
    const p = validateParams(spec, { n: 20 });
    expect(p).toEqual({ ...defaultsOf(spec), n: 20 });
  });

  it.each([
    [{ n: -5 }, 'n', /n must be an integer from 2 to 5000/],
    [{ n: 2.5 }, 'n', /integer/],
    [{ score: 'magic' }, 'score', /one of exact, empirical/],
    [{ tMax: 'big' }, 'tMax', /tMax must be a number/],
    [{ bogus: 1 }, 'bogus', /unknown parameter bogus/],
  ])('rejects %j naming the parameter', (input, param, message) => {
    try {
      validateParams(spec, input);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AtlasError);
      expect((e as AtlasError).param).toBe(param);
      expect((e as AtlasError).message).toMatch(message);
    }
  });

  it('rejects tMin ≥ tMax across parameters', () => {
    expect(() => resolveParams('noise-and-back', { tMin: 0.4, tMax: 0.5 })).not.toThrow();
    expect(() => resolveParams('noise-and-back', { tMin: 0.5, tMax: 0.5 })).toThrow(/tMin/);
  });

  it('URL coercion clamps and reports, falling back to defaults for garbage', () => {
    const { params, notices } = coerceParams(spec, { n: '999999', score: '<script>', m: 'abc', zzz: '1' });
    expect(params.n).toBe(5000);
    expect(params.score).toBe(defaultsOf(spec).score);
    expect(params.m).toBe(defaultsOf(spec).m);
    expect(notices.map((x) => x.param).sort()).toEqual(['m', 'n', 'score', 'zzz']);
  });

  it('URL coercion of any strings yields parameters the strict schema accepts (property)', () => {
    const keys = Object.keys(spec);
    fc.assert(
      fc.property(fc.dictionary(fc.oneof(fc.constantFrom(...keys), fc.string()), fc.string()), (raw) => {
        const { params } = coerceParams(spec, raw);
        expect(() => validateParams(spec, params)).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });

  it('valid URL values round-trip without notices (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 5000 }), fc.constantFrom('exact', 'empirical'), (n, score) => {
        const { params, notices } = coerceParams(spec, { n: String(n), score });
        expect(notices).toEqual([]);
        expect(params.n).toBe(n);
        expect(params.score).toBe(score);
      }),
    );
  });
});

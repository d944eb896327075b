import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  PARAM_VERSION_KEY,
  RESERVED_QUERY_KEYS,
  checkParamHistory,
  cliCommand,
  decodeParams,
  defaultsOf,
  encodeParams,
  encodeQuery,
  experiments,
  getExperiment,
  param,
  schemaVersion,
  violations,
  type ParamSpec,
  type ParamSpecs,
  type ParamsOf,
  type VersionedSchema,
} from '@diffusion-atlas/core';

interface StoredLink {
  experiment: string;
  written: string;
  query: string;
  params: Record<string, unknown>;
}

const stored = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/permalinks.json'), 'utf8')) as { links: StoredLink[] };

/** Any valid value of a spec, as the codec must carry it through a URL unchanged. */
function valueOf(spec: ParamSpec): fc.Arbitrary<unknown> {
  const noNegZero = (x: number): number => (Object.is(x, -0) ? 0 : x);
  switch (spec.type) {
    case 'integer':
      return fc.integer({ min: spec.min, max: spec.max });
    case 'number':
      return fc.double({ min: spec.min, max: spec.max, noNaN: true, noDefaultInfinity: true }).map(noNegZero);
    case 'enum':
      return fc.constantFrom(...spec.options);
    case 'boolean':
      return fc.boolean();
    case 'number-list': {
      const item = spec.integer
        ? fc.integer({ min: spec.min, max: spec.max })
        : fc.double({ min: spec.min, max: spec.max, noNaN: true, noDefaultInfinity: true }).map(noNegZero);
      return fc.array(item, { minLength: spec.minItems, maxLength: spec.maxItems });
    }
  }
}

/** Any valid state: every value in its range and every declared rule between parameters holding. */
function paramsOf(schema: VersionedSchema): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .record(Object.fromEntries(Object.entries(schema.params).map(([key, spec]) => [key, valueOf(spec)])))
    .filter((params) => violations(schema, params as ParamsOf<ParamSpecs>).length === 0);
}

const all = Object.values(experiments);

describe('the permalink codec, for every registered experiment', () => {
  it('knows at least one experiment', () => {
    expect(all.length).toBeGreaterThan(0);
  });

  it.each(all.map((e) => [e.name, e] as const))('%s: a consistent history and no parameter named like a page option', (_name, experiment) => {
    expect(checkParamHistory(experiment)).toEqual([]);
    for (const key of Object.keys(experiment.params)) expect(RESERVED_QUERY_KEYS).not.toContain(key);
  });

  it.each(all.map((e) => [e.name, e] as const))('%s: any valid state survives encode → decode exactly, with no notice', (_name, experiment) => {
    fc.assert(
      fc.property(paramsOf(experiment), (params) => {
        const decoded = decodeParams(experiment, new URLSearchParams(encodeQuery(experiment, params)));
        expect(decoded.notices).toEqual([]);
        expect(decoded.params).toEqual(params);
        expect(decoded.version).toBe(schemaVersion(experiment));
      }),
      { numRuns: 60, seed: 7 },
    );
  });

  it.each(all.map((e) => [e.name, e] as const))('%s: the defaults encode to an empty query', (_name, experiment) => {
    expect(encodeQuery(experiment, defaultsOf(experiment.params))).toBe('');
  });
});

describe('stored links from earlier versions (tests/fixtures/permalinks.json)', () => {
  it.each(stored.links.map((l) => [`${l.experiment} ${l.query}`, l] as const))('%s opens the state it was written for', (_label, link) => {
    const experiment = getExperiment(link.experiment);
    const decoded = decodeParams(experiment, new URLSearchParams(link.query));
    expect(decoded.notices).toEqual([]);
    expect(decoded.params).toEqual({ ...defaultsOf(experiment.params), ...link.params });
  });
});

describe('migrations between schema versions', () => {
  // A schema that went through three versions: v2 renamed n → nTrain and the option "fast" → "quick";
  // v3 removed "legacy" and renamed the option "slow" → "careful".
  const schema: VersionedSchema = {
    params: {
      nTrain: param.int({ label: 'Training points', min: 2, max: 100, default: 10 }),
      mode: param.enum({ label: 'Mode', options: ['quick', 'careful'], default: 'quick' }),
      t: param.number({ label: 'Time', min: 0, max: 1, default: 0.5 }),
    },
    paramHistory: [
      { version: 2, renamed: { n: 'nTrain' }, values: { mode: { fast: 'quick' } } },
      { version: 3, removed: ['legacy'], values: { mode: { slow: 'careful' } }, note: 'the legacy sampler was retired' },
    ],
  };

  it('reads a link without a version as version 1 and brings it up to date', () => {
    const decoded = decodeParams(schema, new URLSearchParams('n=42&mode=slow&t=0.25'));
    expect(decoded.version).toBe(1);
    expect(decoded.params).toEqual({ nTrain: 42, mode: 'careful', t: 0.25 });
    expect(decoded.notices).toEqual([]);
  });

  it('applies only the steps after the link’s version', () => {
    // At v2, "n" no longer existed: a v2 link with n is a hand-edited one, and n is unknown.
    const decoded = decodeParams(schema, new URLSearchParams('v=2&nTrain=7&mode=slow&n=3'));
    expect(decoded.params).toEqual({ nTrain: 7, mode: 'careful', t: 0.5 });
    expect(decoded.notices.map((n) => n.param)).toEqual(['n']);
  });

  it('says when a link sets a parameter that was removed', () => {
    const decoded = decodeParams(schema, new URLSearchParams('v=2&legacy=1&nTrain=5'));
    expect(decoded.params['nTrain']).toBe(5);
    expect(decoded.notices).toHaveLength(1);
    expect(decoded.notices[0]?.param).toBe('legacy');
    expect(decoded.notices[0]?.message).toMatch(/no longer exists.*legacy sampler was retired/);
  });

  it('writes the current version into every non-default link, and nothing for the defaults', () => {
    expect(encodeQuery(schema, { nTrain: 10, mode: 'quick', t: 0.5 })).toBe('');
    expect(encodeParams(schema, { nTrain: 11, mode: 'quick', t: 0.5 })).toEqual([
      [PARAM_VERSION_KEY, '3'],
      ['nTrain', '11'],
    ]);
  });

  it('reads a link from a version it does not know as the current one, and says so', () => {
    const decoded = decodeParams(schema, new URLSearchParams('v=9&nTrain=12'));
    expect(decoded.version).toBe(3);
    expect(decoded.params['nTrain']).toBe(12);
    expect(decoded.notices.map((n) => n.param)).toEqual([PARAM_VERSION_KEY]);
  });

  it('validates and clamps every value after migrating, naming what changed', () => {
    const decoded = decodeParams(schema, new URLSearchParams('n=500&mode=bogus&t=x'));
    expect(decoded.params).toEqual({ nTrain: 100, mode: 'quick', t: 0.5 });
    expect(decoded.notices.map((n) => n.param).sort()).toEqual(['mode', 'nTrain', 't']);
  });

  it('skips the page’s own keys when asked', () => {
    const decoded = decodeParams(schema, new URLSearchParams('lock=nTrain&theme=dark&nTrain=20'), { ignore: ['lock', 'theme'] });
    expect(decoded.notices).toEqual([]);
    expect(decoded.params['nTrain']).toBe(20);
  });

  it('finds inconsistent histories', () => {
    expect(checkParamHistory(schema)).toEqual([]);
    expect(checkParamHistory({ ...schema, paramHistory: [{ version: 3 }] })).toEqual(['step 0 has version 3, expected 2']);
    expect(checkParamHistory({ ...schema, paramHistory: [{ version: 2, renamed: { a: 'b' } }] })).toEqual([
      'version 2 renames to “b”, which the schema lacks',
    ]);
    expect(checkParamHistory({ ...schema, paramHistory: [{ version: 2, removed: ['t'] }] })).toEqual(['version 2 removes “t”, which the schema still has']);
  });
});

describe('the CLI command of a state', () => {
  it('lists only what differs from the defaults, quoting what a shell would split', () => {
    const schema: VersionedSchema = {
      params: {
        n: param.int({ label: 'n', min: 1, max: 10, default: 2 }),
        name: param.enum({ label: 'name', options: ['a b', 'c'], default: 'c' }),
        xs: param.numberList({ label: 'xs', min: 0, max: 9, default: [1], minItems: 1, maxItems: 3 }),
      },
    };
    expect(cliCommand('demo', schema, { n: 2, name: 'c', xs: [1] })).toBe('npx diffusion-atlas run demo');
    expect(cliCommand('demo', schema, { n: 5, name: 'a b', xs: [1, 2] })).toBe("npx diffusion-atlas run demo --n 5 --name 'a b' --xs 1,2");
  });

  it('reproduces a real experiment with its own flags', () => {
    const experiment = getExperiment('noise-and-back');
    const command = cliCommand(experiment.name, experiment, { ...defaultsOf(experiment.params), n: 200, score: 'exact' });
    expect(command).toBe('npx diffusion-atlas run noise-and-back --n 200 --score exact');
  });
});

describe('links that break a rule between parameters', () => {
  const lowRank = getExperiment('low-rank-mixture');

  it('repairs K·r > d by lowering K, and says which rule asked', () => {
    // K = 4 at the default d = 3, r = 1: the combination the figure used to fail on.
    const decoded = decodeParams(lowRank, [['K', '4']]);
    expect(decoded.params.K).toBe(3);
    expect(violations(lowRank, decoded.params as ParamsOf<typeof lowRank.params>)).toEqual([]);
    expect(decoded.notices).toHaveLength(1);
    expect(decoded.notices[0]?.message).toMatch(/orthogonal subspaces need K·r ≤ d/);
    expect(decoded.notices[0]?.message).toMatch(/changed K 4 → 3/);
  });

  it('swaps a reversed time range, and resets an empty one to the defaults', () => {
    const swapped = decodeParams(lowRank, [['tMin', '0.5'], ['tMax', '0.05']]);
    expect([swapped.params.tMin, swapped.params.tMax]).toEqual([0.05, 0.5]);
    expect(swapped.notices[0]?.message).toMatch(/tMin \(0.5\) must be smaller than tMax \(0.05\); changed tMin 0.5 → 0.05, tMax 0.05 → 0.5/);
    // noise-and-back's ranges meet at 0.5: tMax = tMin = 0.5 cannot be swapped into order.
    const noise = getExperiment('noise-and-back');
    const defaults = defaultsOf(noise.params);
    const equal = decodeParams(noise, [['tMin', '0.5'], ['tMax', '0.5']]);
    expect([equal.params.tMin, equal.params.tMax]).toEqual([defaults.tMin, defaults.tMax]);
    expect(equal.notices).toHaveLength(1);
  });

  it('leaves a valid link untouched and silent', () => {
    const decoded = decodeParams(lowRank, [['K', '3'], ['d', '3']]);
    expect(decoded.notices).toEqual([]);
    expect(decoded.params.K).toBe(3);
  });

  it('ends every link, however random, in values that satisfy every rule', () => {
    // Any query over the schema's own keys, with values in and out of range.
    for (const experiment of Object.values(experiments)) {
      const specs = Object.entries(experiment.params);
      const entry = fc.tuple(
        fc.constantFrom(...specs.map(([key]) => key)),
        fc.oneof(fc.integer({ min: -5, max: 5000 }).map(String), fc.double({ min: -1, max: 1e6, noNaN: true }).map(String)),
      );
      fc.assert(
        fc.property(fc.array(entry, { maxLength: 6 }), (entries) => {
          const decoded = decodeParams(experiment, entries);
          expect(violations(experiment, decoded.params as ParamsOf<typeof experiment.params>)).toEqual([]);
        }),
        { seed: 17, numRuns: 60 },
      );
    }
  });
});

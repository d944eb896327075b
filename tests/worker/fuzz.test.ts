import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  AtlasError,
  directContext,
  estimateCost,
  experiments,
  getExperiment,
  parseParamText,
  runExperiment,
  resolveParams,
  type AnyExperiment,
  type ParamSpec,
  type ResultRecord,
  type ResultValue,
} from '@diffusion-atlas/core';
import { selectKernels } from '@diffusion-atlas/worker';
import { nodeDataSources } from '@diffusion-atlas/worker/node-data';

/**
 * Random parameter sets for every experiment, drawn from its schema as text (as the CLI and the
 * URL read them), edges included: each parameter is left at its default, set to its minimum or
 * maximum, just outside them, or anywhere inside. Each set goes through the CLI's validation path;
 * a valid one whose estimate is within the budget is run. Every draw must end in a result without
 * NaN, or in an AtlasError rejection naming a parameter, and never run past its estimate × SLOWER.
 */
const DRAWS = 12;
const SEED = 1717;
/** Seconds: draws estimated above it are skipped (and counted), to keep the file around a minute. */
const BUDGET_S = 1.5;
/**
 * A run may take this many times its estimate: the estimates are fitted to CLI runs on an idle
 * machine (one wasm thread per core), these runs use one thread on a machine shared with other
 * test files, the fits are good to about 2× (see the calibration comments), and the machine's load
 * (other builds) moves run times by up to 4× from one minute to the next.
 */
const SLOWER = 8;
/**
 * Seconds any run may take regardless of its estimate: compilation of its code on first use,
 * garbage collection, a loaded machine (a 0.01 s Gaussian bridge took 1.0 s in a full test run).
 */
const FLOOR_S = 2;

/** Any valid value as text: an edge (minimum, maximum) or anywhere inside, small values as often as large. */
function validText(spec: ParamSpec): fc.Arbitrary<string> {
  switch (spec.type) {
    case 'integer':
    case 'number': {
      const round = (x: number): number => (spec.type === 'integer' ? Math.round(x) : x);
      const inside =
        spec.type === 'integer'
          ? fc.integer({ min: spec.min, max: spec.max })
          : fc.double({ min: spec.min, max: spec.max, noNaN: true, noDefaultInfinity: true });
      const logInside =
        spec.min > 0
          ? fc.double({ min: Math.log(spec.min), max: Math.log(spec.max), noNaN: true }).map((l) => round(Math.min(spec.max, Math.max(spec.min, Math.exp(l)))))
          : inside;
      return fc.oneof(fc.constantFrom(spec.min, spec.max), inside, logInside).map(String);
    }
    case 'enum':
      return fc.constantFrom(...spec.options);
    case 'boolean':
      return fc.constantFrom('true', 'false');
    case 'number-list': {
      const item = fc.oneof(
        fc.constantFrom(spec.min, spec.max),
        spec.integer ? fc.integer({ min: spec.min, max: spec.max }) : fc.double({ min: spec.min, max: spec.max, noNaN: true, noDefaultInfinity: true }),
      );
      return fc.array(item, { minLength: spec.minItems, maxLength: Math.min(spec.maxItems, 6) }).map((xs) => xs.join(','));
    }
  }
}

/** A value just outside what the spec accepts, as text. */
function invalidText(spec: ParamSpec): fc.Arbitrary<string> {
  switch (spec.type) {
    case 'integer':
      return fc.constantFrom(String(spec.min - 1), String(spec.max + 1), String(spec.min + 0.5), 'x');
    case 'number': {
      const step = Math.max(Math.abs(spec.min), Math.abs(spec.max), 1) * 1e-3;
      return fc.constantFrom(String(spec.min - step), String(spec.max + step), 'NaN', '');
    }
    case 'enum':
      return fc.constant('not-an-option');
    case 'boolean':
      return fc.constant('maybe');
    case 'number-list':
      return fc.constantFrom(
        [spec.min - 1].join(','),
        [spec.max + 1].join(','),
        Array.from({ length: spec.maxItems + 1 }, () => spec.min).join(','),
        spec.minItems > 0 ? '' : 'x',
      );
  }
}

function drawsFor(e: AnyExperiment): Partial<Record<string, string>>[] {
  const keys = Object.keys(e.params);
  const valid = fc.record(Object.fromEntries(keys.map((key) => [key, validText(e.params[key])])), { requiredKeys: [] });
  // A quarter of the draws carry one value just outside its range; the rest are valid one by one.
  const broken = fc.constantFrom(...keys).chain((key) => invalidText(e.params[key]).map((text) => ({ key, text })));
  const draw = fc.tuple(valid, fc.oneof({ arbitrary: fc.constant(null), weight: 3 }, { arbitrary: broken, weight: 1 })).map(([values, bad]) => (bad === null ? values : { ...values, [bad.key]: bad.text }));
  return fc.sample(draw, { numRuns: DRAWS, seed: SEED });
}

/**
 * NaN that an experiment documents as its value for "undefined here", with the reason; any other
 * NaN is a bug. (training-window: a log-log slope needs two distinct n; subspace-transition: the
 * noiseless PCA error formula holds for n < r only.)
 */
const DOCUMENTED_NAN: Record<string, (params: Record<string, unknown>, result: ResultRecord) => RegExp | null> = {
  // a log-log slope needs two distinct n with finite times (an infinite time: never reached)
  'training-window': (p, r) => {
    const runs = (r['runs'] ?? []) as readonly ResultRecord[];
    const distinct = new Set((p['psiN'] as number[]).map((x) => Math.round(x * (p['d'] as number)))).size;
    const finite = (key: string): number => runs.filter((run) => Number.isFinite(run[key])).length;
    if (distinct < 2) return /^slopes\./;
    const broken = ['tauGen', 'tauMem', 'tauMemTheory'].filter((key) => finite(key) < 2);
    return broken.length === 0 ? null : new RegExp(`^slopes\\.(${broken.join('|')})$`);
  },
  // the noiseless PCA error formula holds for n < r only
  'subspace-transition': () => /^subspaceErrorTheory\[/,
  // the heat-kernel profile marks densities below the floating-point floor as unresolvable
  sphere: () => /^kernel\[\d+\]\.(density|score)/,
};

/** Paths of every NaN in a result. */
function nanPaths(value: ResultValue, path: string, out: string[]): void {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) out.push(path);
  } else if (ArrayBuffer.isView(value) || Array.isArray(value)) {
    const list = value as ArrayLike<unknown>;
    for (let i = 0; i < list.length; i++) {
      const item = list[i];
      if (typeof item === 'number') {
        if (Number.isNaN(item)) {
          out.push(`${path}[${i}]`);
          return;
        }
      } else if (item !== null && typeof item === 'object') nanPaths(item as ResultValue, `${path}[${i}]`, out);
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) nanPaths(v, path === '' ? k : `${path}.${k}`, out);
  }
}

interface Tally {
  ran: number;
  rejected: number;
  skipped: number;
}
const tally: Record<string, Tally> = {};

describe('fuzz: every experiment over its whole schema', () => {
  it.each(Object.keys(experiments))('%s ends every draw in a result or a clear rejection', async (name) => {
    const e = getExperiment(name);
    const t: Tally = { ran: 0, rejected: 0, skipped: 0 };
    tally[name] = t;
    const { kernels } = await selectKernels({ preferGpu: false, threads: 1 });
    for (const draw of drawsFor(e)) {
      const raw = Object.fromEntries(Object.entries(draw).map(([key, text]) => [key, parseParamText(e.params[key], text ?? '')]));
      const label = `${name} ${JSON.stringify(draw)}`;
      let params;
      try {
        params = resolveParams(name, raw);
      } catch (error) {
        expect(error, label).toBeInstanceOf(AtlasError);
        expect((error as AtlasError).code, label).toBe('invalid-params');
        expect((error as AtlasError).message, label).not.toMatch(/\n/);
        if (process.env['FUZZ_VERBOSE'] === '1') console.info(`rejected ${label}: ${(error as AtlasError).message}`);
        t.rejected++;
        continue;
      }
      const estimate = estimateCost(e, params);
      expect(estimate, `${name} has a cost model`).not.toBeNull();
      if (estimate === null || estimate.seconds > BUDGET_S) {
        t.skipped++;
        continue;
      }
      const started = performance.now();
      let result;
      try {
        result = (await runExperiment(name, raw, directContext(kernels, { data: nodeDataSources() }))).result;
      } catch (error) {
        // Rules that depend on the data (enough separated epicentres, enough digits of a class)
        // can only be checked while running; they must still be clear rejections.
        expect(error, label).toBeInstanceOf(AtlasError);
        expect((error as AtlasError).code, `${label}: ${String(error)}`).toBe('invalid-params');
        t.rejected++;
        continue;
      }
      const seconds = (performance.now() - started) / 1000;
      const nans: string[] = [];
      nanPaths(result, '', nans);
      const allowed = DOCUMENTED_NAN[name]?.(params, result);
      expect(nans.filter((path) => allowed === null || allowed === undefined || !allowed.test(path)), label).toEqual([]);
      expect(seconds, `${label} took ${seconds.toFixed(2)} s, estimated ${estimate.seconds.toFixed(2)} s`).toBeLessThan(
        Math.max(FLOOR_S, SLOWER * estimate.seconds),
      );
      t.ran++;
    }
    // a fuzz test that never runs anything proves nothing: most experiments must run some draws
    console.info(`fuzz ${name}: ${t.ran} ran, ${t.rejected} rejected, ${t.skipped} skipped above ${BUDGET_S} s`);
    expect(t.ran + t.rejected + t.skipped).toBe(DRAWS);
  }, 180_000);

  it('ran draws of most experiments, not only rejections and skips', () => {
    const ranSome = Object.values(tally).filter((t) => t.ran > 0).length;
    expect(ranSome).toBeGreaterThanOrEqual(Math.ceil(Object.keys(experiments).length / 2));
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { directContext, resolveParams, runExperiment } from '@diffusion-atlas/core';
import { browserEarthquakes, cpuKernels, decodeEarthquakes } from '@diffusion-atlas/worker';
import { earthquakesGeoJsonPath, nodeEarthquakes, readEarthquakes } from '@diffusion-atlas/worker/node-earthquakes';
import { cli, csvRows, expectUsageError, resultOf } from './cli-harness.ts';

describe('diffusion-atlas CLI: manifold, sphere, bridge', () => {
  it('lists manifold, sphere and bridge with the issue’s parameters', async () => {
    const list = JSON.parse((await cli('list')).stdout) as { name: string; params: Record<string, unknown> }[];
    const params = (name: string): string[] => Object.keys(list.find((e) => e.name === name)?.params ?? {});
    expect(params('manifold')).toEqual(['D', 'shape', 'n', 'epsilon', 'trajectories', 'score', 'seed']);
    expect(params('sphere')).toEqual(['n', 'walkers', 's', 'steps', 'seed']);
    expect(params('bridge')).toEqual(['case', 'A', 'B', 'T', 'iterations', 'particles', 'seed']);
  });

  it('runs manifold and both bridge cases and returns the listed fields', async () => {
    const [manifold, gaussian, particles] = await Promise.all([
      cli('run', 'manifold', '--D', '16', '--n', '10', '--trajectories', '16', '--epsilon', '0.001,0.1'),
      cli('run', 'bridge', '--iterations', '30'),
      cli('run', 'bridge', '--case', 'particles', '--particles', '40', '--iterations', '10'),
    ]);
    const m = resultOf(manifold);
    for (const key of ['epsilon', 'w1', 'w1Bound', 'scoreNorm', 'samples', 't', 'w1Forward', 'w1Floor']) expect(m).toHaveProperty(key);
    expect(m.epsilon).toEqual([0.001, 0.1]);
    expect(m.w1).toHaveLength(2);

    const g = resultOf(gaussian);
    for (const key of ['iteration', 'coupling', 'couplingTheory', 'sgmVariance', 'marginalError', 'paths']) expect(g).toHaveProperty(key);
    expect(g.coupling).toHaveLength(30);
    expect(typeof g.couplingTheory).toBe('number');

    const p = resultOf(particles);
    expect(p.marginalError).toHaveLength(10);
    expect(p.couplingTheory).toBeNull();
    expect(p.paths).toHaveLength(21 * 40 * 2);
  });

  it('prints the bridge curves as CSV', async () => {
    const { code, stdout } = await cli('run', 'bridge', '--iterations', '5', '--format', 'csv');
    expect(code).toBe(0);
    const { header, rows } = csvRows(stdout);
    expect(header).toEqual(['iteration', 'marginalError', 'coupling']);
    expect(rows).toHaveLength(5);
  });

  it('runs sphere with the earthquakes of the vega-datasets package', async () => {
    const outcome = await cli('run', 'sphere', '--n', '50', '--walkers', '50', '--steps', '40');
    const r = resultOf(outcome);
    for (const key of ['samples', 'maxNormError', 'meanCos', 'meanCosTheory', 'memorizedFraction', 'data']) expect(r).toHaveProperty(key);
    expect((r.samples as { lat: number[] }).lat).toHaveLength(50);
    expect(r.maxNormError as number).toBeLessThan(1e-6);
  });

  it('rejects bad parameters with exit status 2 and one line', async () => {
    const outcomes = await Promise.all([
      cli('run', 'manifold', '--shape', 'torus'),
      cli('run', 'sphere', '--n', '5000'),
      cli('run', 'bridge', '--T', '-1'),
    ]);
    expectUsageError(outcomes[0], /shape must be one of circle, curve/);
    expectUsageError(outcomes[1], /\bn must be an integer from 2 to 1000/);
    expectUsageError(outcomes[2], /\bT must be a number from 0.01 to 5/);
  });

  it('validates in-process the same way (no spawn needed)', () => {
    expect(() => resolveParams('manifold', { epsilon: [0, 0.1] })).toThrow(/epsilon must be a comma-separated list of 1–12 numbers from 0.0001 to 1/);
    expect(() => resolveParams('manifold', { epsilon: [] })).toThrow(/epsilon must be a comma-separated list/);
    expect(() => resolveParams('manifold', { D: 1 })).toThrow(/\bD must be an integer from 2 to 512/);
    expect(() => resolveParams('sphere', { s: 0 })).toThrow(/\bs must be a number from 0.01 to 10/);
    expect(() => resolveParams('sphere', { walkers: 0 })).toThrow(/walkers must be an integer from 1 to 5000/);
    expect(() => resolveParams('bridge', { case: 'neural' })).toThrow(/case must be one of gaussian, particles/);
    expect(() => resolveParams('bridge', { iterations: 0 })).toThrow(/iterations must be an integer from 1 to 1000/);
  });
});

describe('Node earthquake data source', () => {
  it('reads the vega-datasets GeoJSON: earthquakes only, degrees, a new array every call', async () => {
    expect(earthquakesGeoJsonPath()).toMatch(/vega-datasets[\\/]data[\\/]earthquakes\.json$/);
    const source = nodeEarthquakes();
    const a = await source();
    // 1707 features in the week: 1679 earthquakes, 15 explosions, 13 quarry blasts
    expect(a.count).toBe(1679);
    expect(a.lat).toHaveLength(1679);
    for (let i = 0; i < a.count; i++) {
      expect(Math.abs(a.lat[i])).toBeLessThanOrEqual(90);
      expect(Math.abs(a.lon[i])).toBeLessThanOrEqual(180);
    }
    // the first feature of the file, an M 2.0 near Castaic, California
    expect(a.lat[0]).toBeCloseTo(34.4945, 6);
    expect(a.lon[0]).toBeCloseTo(-118.6671667, 6);
    const b = await source();
    expect(b.lat).not.toBe(a.lat);
    expect(Array.from(b.lat)).toEqual(Array.from(a.lat));
    // what the site serves (the compact JSON) decodes to the same doubles
    const compact = JSON.parse(JSON.stringify(await readEarthquakes())) as unknown;
    expect(Array.from(decodeEarthquakes(compact).lon)).toEqual(Array.from(a.lon));
  });

  it('drives the sphere experiment in-process: walkers land on epicentres', async () => {
    const data = {
      mnistDigit: () => Promise.reject(new Error('not needed')),
      earthquakes: nodeEarthquakes(),
    };
    const { result } = await runExperiment('sphere', { n: 100, walkers: 100, steps: 100 }, directContext(cpuKernels, { data }));
    expect(result.memorizedFraction).toBe(1);
    expect(result.maxNormError as number).toBeLessThan(1e-6);
    expect(result.earthquakesTotal).toBe(1679);
    await expect(runExperiment('sphere', { n: 1000 }, directContext(cpuKernels, { data }))).rejects.toThrow(/n = 1000 exceeds the \d{3} epicentres at least 0.25° apart/);
  });
});

describe('browser earthquake data source', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('fetches <base>earthquakes.json once, decodes it, and retries after a failure', async () => {
    const compact = JSON.stringify(await readEarthquakes());
    const urls: string[] = [];
    let fail = true;
    vi.stubGlobal('fetch', (url: URL) => {
      urls.push(url.href);
      if (fail) {
        fail = false;
        return Promise.resolve(new Response('missing', { status: 404 }));
      }
      return Promise.resolve(new Response(compact, { status: 200 }));
    });
    const source = browserEarthquakes('https://atlas.example/base/data/');
    await expect(source()).rejects.toThrow(/could not load earthquakes from https:\/\/atlas\.example\/base\/data\/earthquakes\.json: HTTP 404/);
    const a = await source();
    const b = await source();
    expect(urls).toHaveLength(2);
    expect(a.count).toBe(1679);
    expect(b.lat).not.toBe(a.lat);
    expect(Array.from(a.lat)).toEqual(Array.from((await nodeEarthquakes()()).lat));
  });
});

import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../packages/worker/bin/diffusion-atlas.js', import.meta.url));

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** The real bin, in a child process, with this Node (24: it runs the TypeScript sources). */
function cli(...args: string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 60_000, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function expectUsageError(outcome: Outcome, ...patterns: RegExp[]): void {
  expect(outcome.code).toBe(2);
  expect(outcome.stdout).toBe('');
  const lines = outcome.stderr.split('\n').filter((line) => line !== '');
  expect(lines).toHaveLength(1);
  for (const pattern of patterns) expect(lines[0]).toMatch(pattern);
}

const SMALL = ['--n', '50', '--m', '20', '--steps', '40'];

describe('diffusion-atlas CLI', () => {
  it('lists experiments with their parameter specs', async () => {
    const { code, stdout, stderr } = await cli('list');
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const list = JSON.parse(stdout) as { name: string; title: string; params: Record<string, Record<string, unknown>> }[];
    const entry = list.find((e) => e.name === 'noise-and-back');
    expect(entry?.title).toEqual(expect.any(String));
    expect(entry?.params.n).toEqual({ type: 'integer', default: 100, min: 2, max: 5000 });
    expect(entry?.params.sampler).toEqual({ type: 'enum', default: 'sde', options: ['sde', 'ode'] });
    for (const spec of Object.values(entry?.params ?? {})) {
      for (const key of Object.keys(spec)) expect(['type', 'default', 'min', 'max', 'options']).toContain(key);
    }
  });

  it('runs an experiment and prints JSON with resolved params, backend and typed arrays as arrays', async () => {
    const { code, stdout, stderr } = await cli('run', 'noise-and-back', ...SMALL);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const out = JSON.parse(stdout) as { experiment: string; params: Record<string, unknown>; backend: string; elapsedMs: number; result: Record<string, unknown> };
    expect(Object.keys(out)).toEqual(['experiment', 'params', 'backend', 'elapsedMs', 'result']);
    expect(out.experiment).toBe('noise-and-back');
    expect(out.backend).toBe('wasm-simd');
    expect(out.params).toEqual({ dataset: 'moons', n: 50, m: 20, score: 'empirical', sampler: 'sde', steps: 40, tMax: 5, tMin: 1e-5, seed: 1 });
    expect(out.elapsedMs).toBeGreaterThanOrEqual(0);
    expect(Array.isArray(out.result.samples)).toBe(true);
    expect(out.result.samples).toHaveLength(40);
    expect(Array.isArray(out.result.nearest)).toBe(true);
  });

  it('is deterministic: the same seed gives the same numbers, another seed others', async () => {
    const [a, b, c] = await Promise.all([cli('run', 'noise-and-back', ...SMALL), cli('run', 'noise-and-back', ...SMALL), cli('run', 'noise-and-back', ...SMALL, '--seed', '2')]);
    const result = (o: Outcome): unknown => (JSON.parse(o.stdout) as { result: unknown }).result;
    expect(result(a)).toEqual(result(b));
    expect(result(c)).not.toEqual(result(a));
  });

  it('takes a negative number as a value and rejects it by range', async () => {
    expectUsageError(await cli('run', 'noise-and-back', '--n', '-5'), /\bn\b/, /an integer from 2 to 5000/, /-5/);
  });

  it('rejects out-of-range, mistyped and cross-checked values without clamping', async () => {
    expectUsageError(await cli('run', 'noise-and-back', '--m', '100000'), /\bm must be an integer from 1 to 4000/);
    expectUsageError(await cli('run', 'noise-and-back', '--n', 'ten'), /\bn must be an integer from 2 to 5000/);
    expectUsageError(await cli('run', 'noise-and-back', '--n', '2.5'), /\bn must be an integer/);
    expectUsageError(await cli('run', 'noise-and-back', '--sampler', 'euler'), /sampler must be one of sde, ode/);
    expectUsageError(await cli('run', 'noise-and-back', '--tMin', '0.5', '--tMax', '0.5'), /tMin/);
  });

  it('rejects unknown experiments, parameters, formats and missing values', async () => {
    expectUsageError(await cli('run', 'no-such-experiment'), /unknown experiment/, /noise-and-back/);
    expectUsageError(await cli('run', 'noise-and-back', '--bogus', '1'), /unknown parameter --bogus/);
    expectUsageError(await cli('run', 'noise-and-back', '--n'), /missing value for --n/, /from 2 to 5000/);
    expectUsageError(await cli('run', 'noise-and-back', '--n', '--m', '3'), /missing value for --n/);
    expectUsageError(await cli('run', 'noise-and-back', '--format', 'xml'), /--format must be json or csv/);
    expectUsageError(await cli('run', 'noise-and-back', '--table', 'samples', '--format', 'json'), /--table picks a CSV table/);
    expectUsageError(await cli('run', 'noise-and-back', 'stray'), /unexpected argument/);
    expectUsageError(await cli('frobnicate'), /unknown command/);
    expectUsageError(await cli(), /missing command/);
  });

  it('prints usage with --help', async () => {
    const top = await cli('--help');
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/diffusion-atlas run <experiment>/);
    const one = await cli('run', 'noise-and-back', '--help');
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/--n <value>.*an integer from 2 to 5000/);
  });
});

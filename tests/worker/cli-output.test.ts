import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunOutput } from '@diffusion-atlas/worker';
import { formatBar, formatSummary, main, progressBar, type CliIo, type RunRecord } from '@diffusion-atlas/worker/cli';
import { cli, csvRows, expectUsageError } from './cli-harness.ts';

/*
 * The CLI as a data tool: every CSV it writes is one rectangular table that a real parser reads
 * back (csv-parse: each row the header's width), holding the same numbers as the JSON of the same
 * run; --out DIR/ writes every table and a record of how to reproduce them.
 */

const SMALL = ['--n', '30', '--m', '12', '--steps', '40', '--seed', '4'];

interface NoiseAndBack {
  experiment: string;
  params: Record<string, unknown>;
  backend: string;
  result: { samples: number[]; training: number[]; ratio: number[]; nearest: number[]; memorizedFraction: number };
}

/** The float32 a cell and a JSON number stand for: both are shortest float32 texts of one value. */
const f32 = (text: string | number): number => Math.fround(Number(text));

function everyOther(values: readonly number[], offset: number): number[] {
  return values.filter((_, i) => i % 2 === offset);
}

describe('diffusion-atlas run: CSV', () => {
  it('prints the main table alone, with the same numbers as the JSON of the same run', async () => {
    const [json, csv] = await Promise.all([cli('run', 'noise-and-back', ...SMALL), cli('run', 'noise-and-back', ...SMALL, '--format', 'csv')]);
    expect(csv.code).toBe(0);
    expect(csv.stderr).toBe('');
    const run = JSON.parse(json.stdout) as NoiseAndBack;
    const { header, rows } = csvRows(csv.stdout);
    expect(header).toEqual(['x', 'y', 'ratio', 'nearest']);
    expect(rows).toHaveLength(12);
    expect(rows.map((r) => f32(r[0] ?? ''))).toEqual(everyOther(run.result.samples, 0).map(f32));
    expect(rows.map((r) => f32(r[1] ?? ''))).toEqual(everyOther(run.result.samples, 1).map(f32));
    expect(rows.map((r) => f32(r[2] ?? ''))).toEqual(run.result.ratio.map(f32));
    expect(rows.map((r) => Number(r[3]))).toEqual(run.result.nearest);
  });

  it('picks another table with --table, and names the known ones when asked for a missing one', async () => {
    const [training, missing] = await Promise.all([
      cli('run', 'noise-and-back', ...SMALL, '--table', 'training'),
      cli('run', 'noise-and-back', ...SMALL, '--table', 'nope'),
    ]);
    const { header, rows } = csvRows(training.stdout);
    expect(header).toEqual(['x', 'y']);
    expect(rows).toHaveLength(30);
    expectUsageError(missing, /no table “nope”/, /samples, training, summary/);
  });

  it('lists tables and their columns with --tables', async () => {
    const { code, stdout, stderr } = await cli('run', 'noise-and-back', ...SMALL, '--tables');
    expect(code).toBe(0);
    expect(stderr).toMatch(/^diffusion-atlas: tables of a run of noise-and-back with these parameters/);
    expect(stdout).toBe(
      'samples (main): 12 rows; x, y, ratio, nearest\n' +
        'training: 30 rows; x, y\n' +
        'summary: 1 row; memorizedFraction, memorizedBaseline, memorizedBaselineTheory, n, m\n',
    );
  });
});

describe('diffusion-atlas run --out', () => {
  it('DIR/: every table as its own CSV and run.json, one stderr line per file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'atlas-out-'));
    try {
      const target = `${join(dir, 'run')}/`;
      const [written, json] = await Promise.all([cli('run', 'noise-and-back', ...SMALL, '--out', target), cli('run', 'noise-and-back', ...SMALL)]);
      expect(written.code).toBe(0);
      expect(written.stdout).toBe('');
      const files = ['samples.csv', 'training.csv', 'summary.csv', 'run.json'];
      expect(written.stderr.split('\n').filter((l) => l !== '')).toEqual(files.map((f) => expect.stringMatching(new RegExp(`^wrote ${join(target, f).replace(/[.\\/]/g, '\\$&')} \\(`))));
      expect((await readdir(target)).sort()).toEqual([...files].sort());

      const run = JSON.parse(json.stdout) as NoiseAndBack;
      const record = JSON.parse(await readFile(join(target, 'run.json'), 'utf8')) as RunRecord;
      const version = (createRequire(import.meta.url)('@diffusion-atlas/worker/package.json') as { version: string }).version;
      expect(record).toMatchObject({ experiment: 'noise-and-back', params: run.params, seed: 4, backend: run.backend, versions: { 'diffusion-atlas': version, node: process.version } });
      expect(record.tables.training).toEqual({ file: 'training.csv', rows: 30, columns: ['x', 'y'] });

      const training = csvRows(await readFile(join(target, 'training.csv'), 'utf8'));
      expect(training.rows.map((r) => f32(r[0] ?? ''))).toEqual(everyOther(run.result.training, 0).map(f32));
      const summary = csvRows(await readFile(join(target, 'summary.csv'), 'utf8'));
      expect(summary.header[0]).toBe('memorizedFraction');
      expect(Number(summary.rows[0]?.[0])).toBe(run.result.memorizedFraction);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('FILE.csv: one table, the format taken from the name, and a line saying what was written', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'atlas-out-'));
    try {
      const file = join(dir, 'samples.csv');
      const { code, stdout, stderr } = await cli('run', 'noise-and-back', ...SMALL, '--out', file);
      expect(code).toBe(0);
      expect(stdout).toBe('');
      expect(stderr).toBe(`wrote ${file} (table samples: 12 rows × 4 columns)\n`);
      expect(csvRows(await readFile(file, 'utf8')).header).toEqual(['x', 'y', 'ratio', 'nearest']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses --format or --table with a directory', async () => {
    expectUsageError(await cli('run', 'noise-and-back', '--out', 'somewhere/', '--format', 'csv'), /--out DIR\/ writes every table/);
  });
});

/** The CLI in this process, with a terminal on stdout or not. */
async function inProcess(args: string[], stdoutIsTTY: boolean): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    stdoutIsTTY,
    stderrIsTTY: false,
    writeFile: () => Promise.reject(new Error('no files here')),
    makeDir: () => Promise.reject(new Error('no files here')),
    isDirectory: () => Promise.resolve(false),
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

describe('diffusion-atlas run at a terminal', () => {
  it('prints a summary instead of the JSON, and the JSON exactly as piped with --format json', async () => {
    const [summary, json, piped] = await Promise.all([
      inProcess(['run', 'noise-and-back', ...SMALL], true),
      inProcess(['run', 'noise-and-back', ...SMALL, '--format', 'json'], true),
      inProcess(['run', 'noise-and-back', ...SMALL], false),
    ]);
    expect(summary.code).toBe(0);
    expect(summary.stdout).toMatch(/^noise-and-back {2}\(backend wasm-simd, \d+ ms\)\nparams: dataset=moons n=30 m=12 /);
    expect(summary.stdout).toMatch(/\n {2}samples +Float32Array\[24\]\n/);
    expect(summary.stdout).toMatch(/\n {2}samples +12 rows × 4 columns \(main\)\n/);
    expect(summary.stdout).toMatch(/--format json/);
    const parsed = JSON.parse(json.stdout) as NoiseAndBack & { elapsedMs: number };
    expect(Object.keys(parsed)).toEqual(['experiment', 'params', 'backend', 'elapsedMs', 'result']);
    const pipedJson = JSON.parse(piped.stdout) as NoiseAndBack;
    expect(parsed.result).toEqual(pipedJson.result);
    expect(summary.stdout).toMatch(new RegExp(`\\n {2}memorizedFraction +${Number(pipedJson.result.memorizedFraction.toPrecision(6))}\\n`));
  });
});

describe('summary formatter', () => {
  const output: RunOutput = {
    experiment: 'demo',
    params: { n: 3, psi: [0.5, 2], mode: 'fast' },
    backend: 'cpu',
    elapsedMs: 1534,
    result: {
      d: 2,
      label: 'x',
      missing: null,
      points: Float32Array.of(1, 2, 3, 4, 5, 6),
      index: Int32Array.of(0, 1, 2),
      stats: { mean: 0.1234567, curve: [1, 2, 3, 4] },
      runs: [
        { psi: 0.5, samples: new Float64Array(10) },
        { psi: 2, samples: new Float64Array(10) },
      ],
    },
  };

  it('names every scalar with its value and every array with its length, never printing the arrays', () => {
    const text = formatSummary(output, { points: { x: [1, 3, 5], y: [2, 4, 6] }, stats: { mean: [0.1234567] } });
    expect(text.split('\n')).toEqual([
      'demo  (backend cpu, 1.5 s)',
      'params: n=3 psi=0.5,2 mode=fast',
      '',
      'scalars:',
      '  d            2',
      '  label        "x"',
      '  missing      null',
      '  stats.mean   0.123457',
      '  runs[0].psi  0.5',
      '',
      'arrays:',
      '  points           Float32Array[6]',
      '  index            Int32Array[3]',
      '  stats.curve      number[4]',
      '  runs             2 records',
      '  runs[0].samples  Float64Array[10]',
      '',
      'tables:',
      '  points  3 rows × 2 columns (main)',
      '  stats   1 row × 1 column',
      '',
      'full output: --format json (everything, as when piped), --format csv [--table NAME] (one table),',
      '             --out DIR/ (every table as CSV, plus run.json), --tables (the columns of each table)',
      '',
    ]);
  });
});

describe('progress bar', () => {
  it('stays silent for the first second, then redraws at most every 100 ms, and erases itself', () => {
    let now = 0;
    let written = '';
    const bar = progressBar((text) => void (written += text), 'demo', () => now);
    bar.update(0.5);
    now = 999;
    bar.update(0.6);
    expect(written).toBe('');
    now = 1000;
    bar.update(0.7);
    now = 1050;
    bar.update(0.8);
    expect(written).toBe(`\r${formatBar('demo', 0.7, 1000)}`);
    bar.clear();
    expect(written.endsWith('\r\x1b[K')).toBe(true);
  });

  it('draws the fraction as filled cells out of 24', () => {
    expect(formatBar('x', 0.5, 2500)).toBe(`x [${'#'.repeat(12)}${'.'.repeat(12)}]  50%  2.5 s`);
    expect(formatBar('x', 1.2, 0)).toBe(`x [${'#'.repeat(24)}] 100%  0.0 s`);
  });

  it('a run that never shows the bar leaves stderr untouched', () => {
    let written = '';
    const bar = progressBar((text) => void (written += text), 'demo', () => 0);
    bar.update(1);
    bar.clear();
    expect(written).toBe('');
  });
});

import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Outcome, cli, csvRows, expectUsageError } from './cli-harness.ts';

interface CliJson {
  experiment: string;
  params: Record<string, unknown>;
  result: Record<string, unknown>;
}

function json(outcome: Outcome): CliJson {
  expect(outcome.code).toBe(0);
  expect(outcome.stderr).toBe('');
  return JSON.parse(outcome.stdout) as CliJson;
}

describe('diffusion-atlas CLI: training-window, training-samples, width-threshold', () => {
  it('lists the three experiments with their parameters', async () => {
    const list = JSON.parse((await cli('list')).stdout) as { name: string; params: Record<string, { type: string; default: unknown }> }[];
    const params = (name: string): string[] => Object.keys(list.find((e) => e.name === name)?.params ?? {});
    expect(params('training-window')).toEqual(['d', 'psiP', 'psiN', 't', 'activation', 'matrix', 'noiseDraws', 'tauMin', 'tauMax', 'points', 'seed']);
    expect(params('training-samples')).toEqual(['d', 'psiP', 'psiN', 't', 'tau', 'samples', 'seed']);
    expect(params('width-threshold')).toEqual(['d', 'psiPValues', 'psiNValues', 'seed']);
    const tw = list.find((e) => e.name === 'training-window');
    expect(tw?.params.psiN).toEqual({ type: 'number-list', default: [1, 2, 4, 8], min: 0.05, max: 256 });
    expect(tw?.params.matrix).toEqual({ type: 'enum', default: 'gaussian-equivalent', options: ['gaussian-equivalent', 'sampled'] });
  });

  it('training-window: constants and one run per ψ_n with every field of the issue', async () => {
    const out = json(await cli('run', 'training-window', '--d', '10', '--psiP', '8', '--psiN', '1,2', '--points', '12'));
    expect(out.params.psiN).toEqual([1, 2]);
    const result = out.result as { constants: Record<string, number>; runs: Record<string, unknown>[] };
    expect(Object.keys(result.constants).sort()).toEqual(['b', 'mu1', 's2', 'sigmaNorm2', 'v2']);
    expect(result.runs).toHaveLength(2);
    for (const run of result.runs) {
      for (const key of ['psiN', 'tauGen', 'tauMem', 'tauMemTheory']) expect(typeof run[key]).toBe('number');
      for (const key of ['tau', 'trainLoss', 'testLoss', 'scoreError', 'generalizationGap']) expect(run[key]).toHaveLength(12);
      expect(run.eigenvalues).toHaveLength(80);
      expect(run.rho1Edges).toHaveLength(2);
    }
  });

  it('training-samples: curves, samples and training points for the two n', async () => {
    const out = json(await cli('run', 'training-samples', '--d', '4', '--psiP', '8', '--psiN', '1,2', '--samples', '10'));
    const runs = (out.result as { runs: Record<string, unknown>[] }).runs;
    expect(runs.map((r) => r.n)).toEqual([4, 8]);
    for (const run of runs) {
      expect(run.samples).toHaveLength(40);
      expect(run.memorizedCurve).toHaveLength((run.curveTau as number[]).length);
      expect(typeof run.memorizedFraction).toBe('number');
    }
  });

  it('width-threshold: grids in CSV, one row per (ψ_p, ψ_n)', async () => {
    const outcome = await cli('run', 'width-threshold', '--d', '4', '--psiPValues', '1,4', '--psiNValues', '0.5,2,8', '--format', 'csv');
    expect(outcome.code).toBe(0);
    const { header, rows } = csvRows(outcome.stdout);
    expect(header.join(',')).toBe('psiP,psiN,generalizationGap,trainLoss,testLoss,scoreError,generalizationGapTau1000,generalizationGapTau10000');
    expect(rows).toHaveLength(6);
    for (const row of rows) expect(row.map(Number).every(Number.isFinite)).toBe(true);
  });

  it('writes training-window tables as one CSV file each', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'atlas-tw-'));
    try {
      const { code, stderr } = await cli('run', 'training-window', '--d', '6', '--psiP', '4', '--psiN', '1', '--points', '10', '--out', `${dir}/`);
      expect(code).toBe(0);
      expect(stderr.split('\n').filter((l) => l !== '')).toHaveLength(5);
      const run = JSON.parse(await readFile(join(dir, 'run.json'), 'utf8')) as { tables: Record<string, { file: string }> };
      expect(Object.keys(run.tables)).toEqual(['curves', 'times', 'spectrum', 'constants']);
      const { header, rows } = csvRows(await readFile(join(dir, 'curves.csv'), 'utf8'));
      expect(header.join(',')).toBe('psiN,tau,trainLoss,testLoss,scoreError,generalizationGap');
      expect(rows).toHaveLength(10);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects bad parameters with status 2 and one line', async () => {
    expectUsageError(await cli('run', 'training-window', '--matrix', 'exact'), /matrix must be one of gaussian-equivalent, sampled/);
    expectUsageError(await cli('run', 'training-window', '--psiN', '1,x'), /psiN must be a comma-separated list/);
    expectUsageError(await cli('run', 'training-window', '--tauMin', '100', '--tauMax', '10'), /tauMin/);
    expectUsageError(await cli('run', 'training-window', '--d', '100', '--psiP', '64'), /psiP/);
    expectUsageError(await cli('run', 'training-samples', '--psiN', '1'), /psiN must be a comma-separated list of 2–2/);
    expectUsageError(await cli('run', 'training-samples', '--samples', '0'), /samples must be an integer from 10 to 4000/);
    expectUsageError(await cli('run', 'width-threshold', '--psiPValues', ''), /psiPValues/);
    expectUsageError(await cli('run', 'width-threshold', '--t', '0.1'), /unknown parameter --t/);
  });
});

import { expect } from 'vitest';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';

export const BIN = fileURLToPath(new URL('../../packages/worker/bin/diffusion-atlas.js', import.meta.url));

export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** The real bin, in a child process, with this Node (24: it runs the TypeScript sources). */
export function cli(...args: string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 60_000, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Status 2, nothing on stdout, and exactly one line on stderr matching every pattern. */
export function expectUsageError(outcome: Outcome, ...patterns: RegExp[]): void {
  expect(outcome.code).toBe(2);
  expect(outcome.stdout).toBe('');
  const lines = outcome.stderr.split('\n').filter((line) => line !== '');
  expect(lines).toHaveLength(1);
  for (const pattern of patterns) expect(lines[0]).toMatch(pattern);
}

/** The `result` of a successful JSON run. */
export function resultOf(outcome: Outcome): Record<string, unknown> {
  expect(outcome.stderr).toBe('');
  expect(outcome.code).toBe(0);
  return (JSON.parse(outcome.stdout) as { result: Record<string, unknown> }).result;
}

/** CSV text read by a real parser (csv-parse): a header row, then rows all of the header's width. */
export function csvRows(text: string): { header: string[]; rows: string[][] } {
  const [header, ...rows] = parse(text) as string[][];
  if (header === undefined) throw new Error('empty CSV');
  for (const row of rows) expect(row).toHaveLength(header.length);
  return { header, rows };
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatCsvTable, formatJson, tableRows, type ResultTable } from '@diffusion-atlas/core';
import type { RunOutput } from '../protocol.ts';
import { plural, tableFileName } from './tables.ts';

/** The file that describes a run written with `--out DIR/`. */
export const RUN_FILE = 'run.json';

export interface RunRecord {
  experiment: string;
  params: Record<string, unknown>;
  seed: unknown;
  backend: string;
  elapsedMs: number;
  versions: { 'diffusion-atlas': string; node: string };
  /** Each table's file (beside this one), rows and columns. */
  tables: Record<string, { file: string; rows: number; columns: string[] }>;
}

export interface WrittenFile {
  path: string;
  /** What is in it, for the line on stderr. */
  what: string;
}

/** The package's version, read once: what a reader cites beside the parameters. */
function packageVersion(): string {
  const parsed: unknown = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  const version = typeof parsed === 'object' && parsed !== null && 'version' in parsed ? parsed.version : undefined;
  return typeof version === 'string' ? version : 'unknown';
}

/**
 * Every table as its own CSV in `dir`, and `run.json` with the parameters, seed, backend and
 * versions that reproduce them. Returns what it wrote, in order.
 */
export async function writeRunFiles(
  dir: string,
  output: RunOutput,
  tables: Record<string, ResultTable>,
  io: { makeDir(path: string): Promise<void>; writeFile(path: string, text: string): Promise<void> },
): Promise<WrittenFile[]> {
  await io.makeDir(dir);
  const written: WrittenFile[] = [];
  const record: RunRecord = {
    experiment: output.experiment,
    params: output.params,
    seed: output.params['seed'] ?? null,
    backend: output.backend,
    elapsedMs: output.elapsedMs,
    versions: { 'diffusion-atlas': packageVersion(), node: process.version },
    tables: {},
  };
  for (const [name, table] of Object.entries(tables)) {
    const file = tableFileName(name);
    const path = join(dir, file);
    const rows = tableRows(table);
    const columns = Object.keys(table);
    await io.writeFile(path, formatCsvTable(table));
    record.tables[name] = { file, rows, columns };
    written.push({ path, what: `table ${name}: ${plural(rows, 'row')} × ${plural(columns.length, 'column')}` });
  }
  const runPath = join(dir, RUN_FILE);
  await io.writeFile(runPath, formatJson(record, { indent: 2 }));
  written.push({ path: runPath, what: 'parameters, seed, backend and versions' });
  return written;
}

import { tableRows, type ResultRecord, type ResultTable, type ResultValue } from '@diffusion-atlas/core';
import type { RunOutput } from '../protocol.ts';
import { plural } from './tables.ts';

/**
 * What `run` prints at a terminal instead of the full JSON (which can be megabytes of flat
 * arrays): the run's identity, every scalar with its value, every array with its name and
 * length, the tables CSV can print, and where the full output goes.
 */
export function formatSummary(output: RunOutput, tables: Record<string, ResultTable>): string {
  const scalars: [string, string][] = [];
  const arrays: [string, string][] = [];
  collect(output.result, '', scalars, arrays);

  const lines = [
    `${output.experiment}  (backend ${output.backend}, ${formatMs(output.elapsedMs)})`,
    `params: ${Object.entries(output.params).map(([key, value]) => `${key}=${formatParam(value)}`).join(' ')}`,
  ];
  if (scalars.length > 0) lines.push('', 'scalars:', ...aligned(scalars));
  if (arrays.length > 0) lines.push('', 'arrays:', ...aligned(arrays));
  const tableLines = Object.entries(tables).map(([name, table], i): [string, string] => [
    name,
    `${plural(tableRows(table), 'row')} × ${plural(Object.keys(table).length, 'column')}${i === 0 ? ' (main)' : ''}`,
  ]);
  if (tableLines.length > 0) lines.push('', 'tables:', ...aligned(tableLines));
  lines.push(
    '',
    'full output: --format json (everything, as when piped), --format csv [--table NAME] (one table),',
    '             --out DIR/ (every table as CSV, plus run.json), --tables (the columns of each table)',
    '',
  );
  return lines.join('\n');
}

function collect(record: ResultRecord, prefix: string, scalars: [string, string][], arrays: [string, string][]): void {
  for (const [key, value] of Object.entries(record)) describe(`${prefix}${key}`, value, scalars, arrays);
}

function describe(path: string, value: ResultValue, scalars: [string, string][], arrays: [string, string][]): void {
  if (value === null || typeof value !== 'object') {
    scalars.push([path, typeof value === 'number' ? formatNumber(value) : JSON.stringify(value)]);
  } else if (ArrayBuffer.isView(value)) {
    arrays.push([path, `${value.constructor.name}[${value.length}]`]);
  } else if (isRecordList(value)) {
    arrays.push([path, `${value.length} records`]);
    // The records of one list share their shape: the first one stands for all.
    const first = value[0];
    if (first !== undefined) collect(first, `${path}[0].`, scalars, arrays);
  } else if (Array.isArray(value)) {
    arrays.push([path, `${typeof value[0] === 'string' ? 'string' : 'number'}[${value.length}]`]);
  } else {
    collect(value as ResultRecord, `${path}.`, scalars, arrays);
  }
}

function isRecordList(value: object): value is readonly ResultRecord[] {
  return Array.isArray(value) && value.length > 0 && typeof value[0] === 'object' && value[0] !== null;
}

function aligned(rows: readonly [string, string][]): string[] {
  const width = Math.max(...rows.map(([name]) => name.length));
  return rows.map(([name, text]) => `  ${name.padEnd(width)}  ${text}`);
}

function formatNumber(x: number): string {
  return Number.isInteger(x) || !Number.isFinite(x) ? String(x) : String(Number(x.toPrecision(6)));
}

function formatParam(value: unknown): string {
  if (Array.isArray(value)) return value.join(',');
  return typeof value === 'number' ? formatNumber(value) : String(value);
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

import { tableRows, type ResultTable } from '@diffusion-atlas/core';

/** One line per table: its name, its rows and its columns; the first is the main table. */
export function describeTables(tables: Record<string, ResultTable>): string {
  return Object.entries(tables)
    .map(([name, table], i) => `${name}${i === 0 ? ' (main)' : ''}: ${plural(tableRows(table), 'row')}; ${Object.keys(table).join(', ')}\n`)
    .join('');
}

/** A file name for a table: its name where that is safe on every file system. */
export function tableFileName(name: string): string {
  return `${name.replace(/[^\w.-]/g, '-')}.csv`;
}

/** `1 row`, `5 rows`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

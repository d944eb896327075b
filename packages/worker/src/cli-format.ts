import type { ResultTable } from '@diffusion-atlas/core';

/**
 * The shortest decimal that reads back as the same float32. Printing a float32 as a double gives
 * 0.10000000149011612 for 0.1: nine digits always suffice, and usually far fewer do.
 */
export function formatFloat32(x: number): string {
  if (!Number.isFinite(x) || Number.isInteger(x)) return String(x);
  for (let digits = 1; digits < 9; digits++) {
    const text = x.toPrecision(digits);
    if (Math.fround(Number(text)) === x) return String(Number(text));
  }
  return String(Number(x.toPrecision(9)));
}

/** JSON.stringify replacer: typed arrays become plain arrays (float32 ones at float32 precision). */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Float32Array) return Array.from(value, (x) => (Number.isFinite(x) ? Number(formatFloat32(x)) : null));
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>);
  return value;
}

/**
 * Named tables one after another: a `# name` line, a header, the rows; a blank line between
 * tables. Columns of unequal length leave empty cells rather than being cut.
 */
export function formatCsv(tables: Record<string, ResultTable>): string {
  const blocks: string[] = [];
  for (const [name, table] of Object.entries(tables)) {
    const columns = Object.entries(table);
    const rows = Math.max(0, ...columns.map(([, values]) => values.length));
    const lines = [`# ${name}`, columns.map(([header]) => csvCell(header)).join(',')];
    for (let r = 0; r < rows; r++) {
      lines.push(columns.map(([, values]) => (r < values.length ? formatNumber(values, values[r]) : '')).join(','));
    }
    blocks.push(lines.join('\n'));
  }
  return `${blocks.join('\n\n')}\n`;
}

function formatNumber(column: ArrayLike<number>, x: number): string {
  return column instanceof Float32Array ? formatFloat32(x) : String(x);
}

function csvCell(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

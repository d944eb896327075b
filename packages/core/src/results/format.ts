import type { ResultTable } from '../experiment.ts';

/*
 * The one serialiser of results: the CLI's output, the widgets' downloads and the site's
 * precomputed data files all write through it, so the same run gives the same text everywhere.
 */

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

export interface JsonOptions {
  /**
   * Cut every number to this many significant digits (non-finite ones to null). Precomputed
   * heat maps need no more than 6, and the files shrink by half. By default numbers keep their
   * precision: doubles in full, float32 values at the shortest text that reads back exactly.
   */
  significantDigits?: number;
  /** Indentation, as JSON.stringify's third argument. */
  indent?: number;
}

/** Typed arrays (which JSON.stringify writes as index-keyed objects) become plain arrays. */
export function jsonReplacer(options: Pick<JsonOptions, 'significantDigits'> = {}): (key: string, value: unknown) => unknown {
  const digits = options.significantDigits;
  if (digits !== undefined) {
    const short = (x: number): number | null => (Number.isFinite(x) ? Number(x.toPrecision(digits)) : null);
    return (_key, value) => {
      if (isNumericView(value)) return Array.from(value, short);
      return typeof value === 'number' ? short(value) : value;
    };
  }
  return (_key, value) => {
    if (value instanceof Float32Array) return Array.from(value, (x) => (Number.isFinite(x) ? Number(formatFloat32(x)) : null));
    if (isNumericView(value)) return Array.from(value);
    return value;
  };
}

/** A value (a run's output, a result, a record around it) as JSON text ending in a newline. */
export function formatJson(value: unknown, options: JsonOptions = {}): string {
  return `${JSON.stringify(value, jsonReplacer(options), options.indent)}\n`;
}

type NumericView = Exclude<ArrayBufferView, DataView> & ArrayLike<number>;

function isNumericView(value: unknown): value is NumericView {
  return ArrayBuffer.isView(value) && !(value instanceof DataView) && !(value instanceof BigInt64Array) && !(value instanceof BigUint64Array);
}

/**
 * Tables whose columns all have the same length. A table holding columns of different lengths is
 * split, never padded: the columns with the first column's length keep the table's name, and each
 * other length becomes a table of its own, named after the table and its first column
 * (`ipf.coupling`). Tables without columns are dropped.
 */
export function rectangularTables(tables: Record<string, ResultTable>): Record<string, ResultTable> {
  const out: Record<string, ResultTable> = {};
  for (const [name, table] of Object.entries(tables)) {
    const groups = new Map<number, [string, ArrayLike<number>][]>();
    for (const [column, values] of Object.entries(table)) {
      const group = groups.get(values.length);
      if (group === undefined) groups.set(values.length, [[column, values]]);
      else group.push([column, values]);
    }
    let first = true;
    for (const columns of groups.values()) {
      const key = first ? name : `${name}.${columns[0]?.[0] ?? ''}`;
      out[key] = Object.fromEntries(columns);
      first = false;
    }
  }
  return out;
}

/** The number of rows of a rectangular table; throws on columns of different lengths. */
export function tableRows(table: ResultTable): number {
  const lengths = new Set(Object.values(table).map((values) => values.length));
  if (lengths.size > 1) {
    throw new RangeError(`a CSV table needs columns of equal length; got ${Object.entries(table).map(([k, v]) => `${k}: ${v.length}`).join(', ')}`);
  }
  return lengths.values().next().value ?? 0;
}

/**
 * One rectangular table as CSV (RFC 4180 quoting, `\n` line ends): a header row of the column
 * names, then one row per entry. Float32 columns are written at the shortest exact text, others
 * as JavaScript prints them (NaN and ±Infinity as `NaN`, `Infinity`, which pandas and R read).
 */
export function formatCsvTable(table: ResultTable): string {
  const rows = tableRows(table);
  const columns = Object.entries(table);
  const lines = [columns.map(([header]) => csvCell(header)).join(',')];
  for (let r = 0; r < rows; r++) {
    lines.push(columns.map(([, values]) => formatNumber(values, values[r] ?? Number.NaN)).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Several tables in one file, for a download that must stay one file: each as a `# name` line and
 * its rectangular CSV, with a blank line between. Tools that read one table need `formatCsvTable`.
 */
export function formatCsvSections(tables: Record<string, ResultTable>): string {
  return Object.entries(rectangularTables(tables))
    .map(([name, table]) => `# ${name}\n${formatCsvTable(table)}`)
    .join('\n');
}

function formatNumber(column: ArrayLike<number>, x: number): string {
  return column instanceof Float32Array ? formatFloat32(x) : String(x);
}

function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

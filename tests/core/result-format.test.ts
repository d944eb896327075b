import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { formatCsvSections, formatCsvTable, formatFloat32, formatJson, rectangularTables, type ResultTable } from '@diffusion-atlas/core';

/*
 * The one serialiser, checked against independent readers: JSON.parse for the JSON, csv-parse
 * (an RFC 4180 parser) for the CSV. Numbers must come back exactly: doubles as the same double,
 * float32 values as the same float32.
 */

const float32 = fc.float({ noNaN: true, noDefaultInfinity: true }).map(Math.fround);
const double = fc.double({ noNaN: true, noDefaultInfinity: true });
/** Neither JSON nor CSV text keeps the sign of zero (both write 0): −0 reads back as 0. */
const unsigned = (x: number): number => (x === 0 ? 0 : x);
/** Column names with the characters CSV must quote. */
const columnName = fc.string({ minLength: 1, maxLength: 8, unit: fc.constantFrom('a', 'b', 'x', ',', '"', ' ', '\n', 'é') });

describe('formatFloat32', () => {
  it('reads back as the same float32, in at most 9 significant digits', () => {
    fc.assert(
      fc.property(float32, (x) => {
        const text = formatFloat32(x);
        expect(Math.fround(Number(text))).toBe(unsigned(x));
        // integers print in full, which is exact; fractions take at most 9 significant digits
        if (!Number.isInteger(x)) expect(text.replace(/^-|e.*$|\./g, '').replace(/^0+/, '').length).toBeLessThanOrEqual(9);
      }),
    );
  });

  it('is the short form where one exists: 0.1f prints as 0.1, not 0.10000000149011612', () => {
    expect(formatFloat32(Math.fround(0.1))).toBe('0.1');
    expect(formatFloat32(Math.fround(1 / 3))).toBe('0.33333334');
  });
});

describe('formatJson', () => {
  it('round-trips records of typed arrays and scalars: doubles exactly, float32 to the same float32', () => {
    fc.assert(
      fc.property(fc.array(double, { maxLength: 20 }), fc.array(float32, { maxLength: 20 }), fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { maxLength: 20 }), double, (f64, f32, i32, scalar) => {
        const record = { f64: Float64Array.from(f64), f32: Float32Array.from(f32), i32: Int32Array.from(i32), nested: { scalar, list: f64 } };
        const back = JSON.parse(formatJson(record)) as { f64: number[]; f32: number[]; i32: number[]; nested: { scalar: number; list: number[] } };
        expect(back.f64).toEqual(f64.map(unsigned));
        expect(back.i32).toEqual(i32);
        expect(back.f32.map(Math.fround)).toEqual(f32.map(unsigned));
        expect(back.nested).toEqual({ scalar: unsigned(scalar), list: f64.map(unsigned) });
      }),
    );
  });

  it('writes non-finite values as null, and cuts to significant digits on request', () => {
    const text = formatJson({ a: Float32Array.of(Number.NaN, 1), b: Float64Array.of(Number.POSITIVE_INFINITY, 1 / 3), c: 2 / 3 }, { significantDigits: 6 });
    expect(JSON.parse(text)).toEqual({ a: [null, 1], b: [null, 0.333333], c: 0.666667 });
    expect(text.endsWith('}\n')).toBe(true);
  });
});

describe('formatCsvTable', () => {
  it('parses back with a real CSV parser: header, equal widths, the same numbers', () => {
    const table = fc
      .tuple(fc.uniqueArray(columnName, { minLength: 1, maxLength: 5 }), fc.integer({ min: 0, max: 12 }))
      .chain(([names, rows]) =>
        fc.tuple(
          fc.constant(names),
          fc.tuple(...names.map((_, i) => (i % 2 === 0 ? fc.array(double, { minLength: rows, maxLength: rows }).map((v) => Float64Array.from(v)) : fc.array(float32, { minLength: rows, maxLength: rows }).map((v) => Float32Array.from(v))))),
        ),
      );
    fc.assert(
      fc.property(table, ([names, columns]) => {
        const input: ResultTable = Object.fromEntries(names.map((name, i) => [name, columns[i] ?? new Float64Array(0)]));
        const rows = parse(formatCsvTable(input), { relax_column_count: false }) as string[][];
        expect(rows[0]).toEqual(names);
        const width = names.length;
        for (const row of rows) expect(row).toHaveLength(width);
        rows.slice(1).forEach((row, r) => {
          row.forEach((cell, c) => {
            const column = columns[c];
            if (column === undefined) throw new Error('missing column');
            const expected = column[r] ?? Number.NaN;
            if (column instanceof Float32Array) expect(Math.fround(Number(cell))).toBe(unsigned(expected));
            else expect(Number(cell)).toBe(unsigned(expected));
          });
        });
        expect(rows).toHaveLength(1 + (columns[0]?.length ?? 0));
      }),
    );
  });

  it('refuses columns of different lengths instead of padding them', () => {
    expect(() => formatCsvTable({ a: [1, 2], b: [1] })).toThrow(/equal length.*a: 2, b: 1/);
  });
});

describe('rectangularTables', () => {
  it('splits a table by column length, in order, and keeps rectangular ones as they are', () => {
    const t = rectangularTables({ ipf: { iteration: [1, 2, 3], error: [0.1, 0.2, 0.3], coupling: [1, 2, 3, 4], w: [5, 6, 7, 8] }, summary: { x: [1] } });
    expect(t).toEqual({ ipf: { iteration: [1, 2, 3], error: [0.1, 0.2, 0.3] }, 'ipf.coupling': { coupling: [1, 2, 3, 4], w: [5, 6, 7, 8] }, summary: { x: [1] } });
  });

  it('gives sections that each parse as one rectangular table', () => {
    const text = formatCsvSections({ a: { x: [1, 2], y: [3] }, b: { z: [4] } });
    const sections = text.split('\n\n');
    expect(sections.map((s) => s.split('\n')[0])).toEqual(['# a', '# a.y', '# b']);
    for (const section of sections) {
      const rows = parse(section.split('\n').slice(1).join('\n')) as string[][];
      expect(new Set(rows.map((r) => r.length)).size).toBe(1);
    }
  });
});

/**
 * How a number a chapter quotes from a run is written (<Value format="…">): one formatter for the
 * page and for the test that checks the page against the CLI, so they cannot disagree on rounding.
 */
export type ValueFormat = 'percent' | 'fixed' | 'integer';

export const VALUE_FORMATS: readonly ValueFormat[] = ['percent', 'fixed', 'integer'];

export function isValueFormat(text: string): text is ValueFormat {
  return (VALUE_FORMATS as readonly string[]).includes(text);
}

/** `digits`: decimals after the point (of the percentage, for `percent`). */
export function formatValue(value: number, format: ValueFormat, digits = format === 'fixed' ? 2 : 0, locale = 'en'): string {
  const options: Intl.NumberFormatOptions =
    format === 'percent'
      ? { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }
      : format === 'integer'
        ? { maximumFractionDigits: 0 }
        : { minimumFractionDigits: digits, maximumFractionDigits: digits };
  return new Intl.NumberFormat(locale, options).format(value);
}

/**
 * The number at a dotted path of a run's result (`runs.1.memorizedFraction`, `w1.0`); undefined
 * where the path leads nowhere or to something that is not a finite number.
 */
export function valueAt(result: unknown, path: string): number | undefined {
  let node: unknown = result;
  for (const part of path.split('.')) {
    if (Array.isArray(node)) node = /^\d+$/.test(part) ? node[Number(part)] : undefined;
    else if (typeof node === 'object' && node !== null && Object.hasOwn(node, part)) node = (node as Record<string, unknown>)[part];
    else return undefined;
  }
  return typeof node === 'number' && Number.isFinite(node) ? node : undefined;
}

/** What a <Value> path reads: the result's fields, and the run's parameters under `params`. */
export function runRecord(output: { params: unknown; result: unknown }): Record<string, unknown> {
  const result = typeof output.result === 'object' && output.result !== null ? output.result : {};
  return { ...result, params: output.params };
}

/** The number a <Value> quotes: the one at `path`, or its ratio to the one at `over`. */
export function quotedValue(record: unknown, path: string, over?: string): number | undefined {
  const value = valueAt(record, path);
  if (over === undefined || value === undefined) return value;
  const base = valueAt(record, over);
  return base === undefined || base === 0 ? undefined : value / base;
}

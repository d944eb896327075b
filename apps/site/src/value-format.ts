/**
 * How a number a chapter quotes from a run is written (<Value format="…">): one formatter for the
 * page and for the test that checks the page against the CLI, so they cannot disagree on rounding.
 */
export type ValueFormat = 'percent' | 'fixed' | 'integer' | 'significant';

export const VALUE_FORMATS: readonly ValueFormat[] = ['percent', 'fixed', 'integer', 'significant'];

export function isValueFormat(text: string): text is ValueFormat {
  return (VALUE_FORMATS as readonly string[]).includes(text);
}

/**
 * `digits`: decimals after the point (of the percentage, for `percent`); for `significant`, the
 * significant digits kept (2 by default: a time that spans decades is quoted as 2,200, not 2,246.45).
 */
export function formatValue(value: number, format: ValueFormat, digits = defaultDigits(format), locale = 'en'): string {
  const options: Intl.NumberFormatOptions =
    format === 'percent'
      ? { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }
      : format === 'integer'
        ? { maximumFractionDigits: 0 }
        : format === 'significant'
          ? { maximumSignificantDigits: Math.max(1, digits) }
          : { minimumFractionDigits: digits, maximumFractionDigits: digits };
  // A typographic minus, as KaTeX and the figures' axes write it (Intl's English uses a hyphen).
  return new Intl.NumberFormat(locale, options).format(value).replace(/^-/, '−');
}

function defaultDigits(format: ValueFormat): number {
  return format === 'fixed' || format === 'significant' ? 2 : 0;
}

/** The step between two neighbouring quotes of `value` in this format: the rounding's resolution. */
export function roundingUnit(value: number, format: ValueFormat, digits = defaultDigits(format)): number {
  if (format === 'significant') return 10 ** (Math.floor(Math.log10(Math.abs(value) || 1)) - Math.max(1, digits) + 1);
  if (format === 'integer') return 1;
  return (format === 'percent' ? 0.01 : 1) * 10 ** -digits;
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

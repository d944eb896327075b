import * as v from 'valibot';
import { AtlasError } from './errors.ts';

/**
 * Parameter specs: one description per parameter drives validation (valibot), the widget controls,
 * URL state, CLI flags and `diffusion-atlas list`. Ranges are inclusive.
 */
interface SpecBase {
  label: string;
  /** Symbol as the papers write it (n, d, t_min…), shown beside the label. */
  symbol?: string;
  unit?: string;
  help?: string;
}

export interface IntSpec extends SpecBase {
  type: 'integer';
  default: number;
  min: number;
  max: number;
  scale?: 'linear' | 'log';
}

export interface NumberSpec extends SpecBase {
  type: 'number';
  default: number;
  min: number;
  max: number;
  scale?: 'linear' | 'log';
  step?: number;
}

export interface EnumSpec<O extends string = string> extends SpecBase {
  type: 'enum';
  default: O;
  options: readonly O[];
  optionLabels?: Partial<Record<O, string>>;
}

export interface BooleanSpec extends SpecBase {
  type: 'boolean';
  default: boolean;
}

export interface NumberListSpec extends SpecBase {
  type: 'number-list';
  default: readonly number[];
  min: number;
  max: number;
  minItems: number;
  maxItems: number;
  integer?: boolean;
}

export type ParamSpec = IntSpec | NumberSpec | EnumSpec | BooleanSpec | NumberListSpec;
export type ParamSpecs = Record<string, ParamSpec>;

type ValueOf<S extends ParamSpec> = S extends EnumSpec<infer O>
  ? O
  : S extends BooleanSpec
    ? boolean
    : S extends NumberListSpec
      ? number[]
      : number;

export type ParamsOf<P extends ParamSpecs> = { [K in keyof P]: ValueOf<P[K]> };

export const param = {
  int: (s: Omit<IntSpec, 'type'>): IntSpec => ({ type: 'integer', ...s }),
  number: (s: Omit<NumberSpec, 'type'>): NumberSpec => ({ type: 'number', ...s }),
  enum: <const O extends string>(s: Omit<EnumSpec<O>, 'type'>): EnumSpec<O> => ({ type: 'enum', ...s }),
  boolean: (s: Omit<BooleanSpec, 'type'>): BooleanSpec => ({ type: 'boolean', ...s }),
  numberList: (s: Omit<NumberListSpec, 'type'>): NumberListSpec => ({ type: 'number-list', ...s }),
};

/** The human description of what a parameter accepts, used in every error message. */
export function describeRange(spec: ParamSpec): string {
  switch (spec.type) {
    case 'integer':
      return `an integer from ${spec.min} to ${spec.max}`;
    case 'number':
      return `a number from ${spec.min} to ${spec.max}`;
    case 'enum':
      return `one of ${spec.options.join(', ')}`;
    case 'boolean':
      return 'true or false';
    case 'number-list':
      return `a comma-separated list of ${spec.minItems}–${spec.maxItems} ${spec.integer ? 'integers' : 'numbers'} from ${spec.min} to ${spec.max}`;
  }
}

function valueSchema(key: string, spec: ParamSpec): v.GenericSchema {
  const msg = (): string => `${key} must be ${describeRange(spec)}`;
  switch (spec.type) {
    case 'integer':
      return v.pipe(v.number(msg), v.integer(msg), v.minValue(spec.min, msg), v.maxValue(spec.max, msg));
    case 'number':
      return v.pipe(v.number(msg), v.finite(msg), v.minValue(spec.min, msg), v.maxValue(spec.max, msg));
    case 'enum':
      return v.picklist(spec.options as string[], msg);
    case 'boolean':
      return v.boolean(msg);
    case 'number-list': {
      const item = spec.integer
        ? v.pipe(v.number(msg), v.integer(msg), v.minValue(spec.min, msg), v.maxValue(spec.max, msg))
        : v.pipe(v.number(msg), v.finite(msg), v.minValue(spec.min, msg), v.maxValue(spec.max, msg));
      return v.pipe(v.array(item, msg), v.minLength(spec.minItems, msg), v.maxLength(spec.maxItems, msg));
    }
  }
}

/** The valibot object schema for a set of specs: strict, so unknown keys are errors. */
export function buildSchema(specs: ParamSpecs): v.GenericSchema {
  const entries: Record<string, v.GenericSchema> = {};
  for (const [key, spec] of Object.entries(specs)) entries[key] = valueSchema(key, spec);
  return v.strictObject(entries, 'unknown parameter');
}

export function defaultsOf<P extends ParamSpecs>(specs: P): ParamsOf<P> {
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(specs)) {
    out[key] = spec.type === 'number-list' ? [...spec.default] : spec.default;
  }
  return out as ParamsOf<P>;
}

/**
 * Strict validation for the worker and the CLI: missing keys take their defaults, anything else
 * that does not match the schema is an AtlasError naming the parameter. Nothing is clamped.
 */
export function validateParams<P extends ParamSpecs>(specs: P, input: unknown): ParamsOf<P> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new AtlasError('invalid-params', 'parameters must be an object');
  }
  for (const key of Object.keys(input)) {
    if (!Object.hasOwn(specs, key)) {
      throw new AtlasError('invalid-params', `unknown parameter ${key} (known: ${Object.keys(specs).join(', ')})`, key);
    }
  }
  const merged = { ...defaultsOf(specs), ...(input as Record<string, unknown>) };
  const result = v.safeParse(buildSchema(specs), merged);
  if (!result.success) {
    const issue = result.issues[0];
    const path = v.getDotPath(issue) ?? undefined;
    const key = path?.split('.')[0];
    const got = key === undefined ? '' : ` (got ${JSON.stringify(merged[key])})`;
    throw new AtlasError('invalid-params', `${issue.message}${got}`, key);
  }
  return result.output as ParamsOf<P>;
}

/** Parse one textual value (CLI flag, URL query) into the spec's type; undefined when unparseable. */
export function parseParamText(spec: ParamSpec, text: string): unknown {
  const trimmed = text.trim();
  switch (spec.type) {
    case 'integer':
    case 'number':
      return trimmed === '' || !/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(trimmed) ? text : Number(trimmed);
    case 'boolean':
      return trimmed === 'true' ? true : trimmed === 'false' ? false : text;
    case 'enum':
      return trimmed;
    case 'number-list':
      return trimmed === ''
        ? []
        : trimmed.split(',').map((part) => {
            const p = part.trim();
            return /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(p) ? Number(p) : p;
          });
  }
}

export interface ParamNotice {
  param: string;
  message: string;
}

/**
 * Lenient coercion for URL state: every value is parsed, validated and clamped into range; what
 * could not be used falls back to its default. Each change is reported so the page can say so.
 */
export function coerceParams<P extends ParamSpecs>(
  specs: P,
  raw: Record<string, string>,
): { params: ParamsOf<P>; notices: ParamNotice[] } {
  const params = defaultsOf(specs) as Record<string, unknown>;
  const notices: ParamNotice[] = [];
  for (const [key, text] of Object.entries(raw)) {
    const spec = Object.hasOwn(specs, key) ? specs[key] : undefined;
    if (spec === undefined) {
      notices.push({ param: key, message: `ignored unknown parameter “${key}”` });
      continue;
    }
    const value = parseParamText(spec, text);
    const fixed = clampValue(spec, value);
    if (fixed.ok) {
      params[key] = fixed.value;
      if (fixed.changed) notices.push({ param: key, message: `${key} = “${text}” is outside ${describeRange(spec)}; using ${String(fixed.value)}` });
    } else {
      notices.push({ param: key, message: `${key} = “${text}” is not ${describeRange(spec)}; using the default ${String(params[key])}` });
    }
  }
  return { params: params as ParamsOf<P>, notices };
}

function clampNumber(spec: { min: number; max: number; integer?: boolean }, x: number): number {
  const r = spec.integer ? Math.round(x) : x;
  return Math.min(spec.max, Math.max(spec.min, r));
}

function clampValue(spec: ParamSpec, value: unknown): { ok: true; value: unknown; changed: boolean } | { ok: false } {
  switch (spec.type) {
    case 'integer':
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return { ok: false };
      const c = clampNumber({ min: spec.min, max: spec.max, integer: spec.type === 'integer' }, value);
      return { ok: true, value: c, changed: c !== value };
    }
    case 'boolean':
      return typeof value === 'boolean' ? { ok: true, value, changed: false } : { ok: false };
    case 'enum':
      return typeof value === 'string' && (spec.options as readonly string[]).includes(value)
        ? { ok: true, value, changed: false }
        : { ok: false };
    case 'number-list': {
      if (!Array.isArray(value) || value.length < spec.minItems) return { ok: false };
      if (value.some((x) => typeof x !== 'number' || !Number.isFinite(x))) return { ok: false };
      const nums = (value as number[]).slice(0, spec.maxItems);
      const c = nums.map((x) => clampNumber({ min: spec.min, max: spec.max, integer: spec.integer }, x));
      return { ok: true, value: c, changed: c.some((x, i) => x !== value[i]) || nums.length !== value.length };
    }
  }
}

/** Textual form of a value for URLs and CLI commands (inverse of parseParamText). */
export function formatParamText(spec: ParamSpec, value: unknown): string {
  if (spec.type === 'number-list') return (value as number[]).join(',');
  return String(value);
}

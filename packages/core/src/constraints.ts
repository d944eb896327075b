import { AtlasError } from './errors.ts';
import { defaultsOf, type ParamSpec, type ParamSpecs, type ParamsOf } from './params.ts';
import type { ParamNotice } from './params.ts';

/**
 * A rule between parameters that the per-parameter ranges cannot say (tMin < tMax, K·r ≤ d).
 * Declared beside the schema so that every consumer reads the same rule: validation rejects a
 * violation with `message`, the URL codec repairs it, and controls can ask which values are
 * reachable without running anything.
 */
export interface ParamConstraint<V> {
  /** Stable name, for tests and for the site's strings. */
  id: string;
  /** The parameters the rule reads; the first is the one an error is attached to. */
  params: readonly string[];
  /** The rule in one line, independent of values (`tMin < tMax`), for `list` and help texts. */
  rule: string;
  holds(p: V): boolean;
  /** One line naming the rule and the offending values. */
  message(p: V): string;
  /**
   * The nearest valid values, as the changed parameters only. Without it (or when it does not
   * help) a repair resets the rule's parameters to their defaults.
   */
  repair?(p: V): Partial<V>;
}

/** What the constraint helpers need of an experiment. */
export interface ConstrainedSchema<P extends ParamSpecs = ParamSpecs> {
  params: P;
  constraints?: readonly ParamConstraint<ParamsOf<P>>[];
}

export interface ConstraintViolation {
  id: string;
  /** The parameter an error is attached to (the rule's first). */
  param: string;
  params: readonly string[];
  rule: string;
  message: string;
}

/** Every rule the values break, in declaration order; empty when they are valid. */
export function violations<P extends ParamSpecs>(schema: ConstrainedSchema<P>, params: ParamsOf<P>): ConstraintViolation[] {
  const out: ConstraintViolation[] = [];
  for (const c of schema.constraints ?? []) {
    if (c.holds(params)) continue;
    out.push({ id: c.id, param: c.params[0] ?? '', params: c.params, rule: c.rule, message: c.message(params) });
  }
  return out;
}

/** Reject values that break a rule, naming the first one broken. */
export function assertConstraints<P extends ParamSpecs>(schema: ConstrainedSchema<P>, params: ParamsOf<P>): void {
  const [first] = violations(schema, params);
  if (first !== undefined) throw new AtlasError('invalid-params', first.message, first.param);
}

/** The rules of an experiment as plain data, for `diffusion-atlas list`. */
export function describeConstraints(schema: ConstrainedSchema): { params: readonly string[]; rule: string }[] {
  return (schema.constraints ?? []).map((c) => ({ params: c.params, rule: c.rule }));
}

/**
 * Make values satisfy every rule, for links that carry a combination the schema allows one
 * parameter at a time but not together. Each rule's own repair is tried first; what it does not
 * fix falls back to the defaults of the rule's parameters, and as a last resort to every default.
 * Each change is reported with the rule that required it.
 */
export function repairParams<P extends ParamSpecs>(
  schema: ConstrainedSchema<P>,
  params: ParamsOf<P>,
): { params: ParamsOf<P>; notices: ParamNotice[] } {
  const defaults = defaultsOf(schema.params);
  const notices: ParamNotice[] = [];
  let current: ParamsOf<P> = params;
  // Repairing one rule can break an earlier one; a few passes settle every schema here (rules touch
  // at most three parameters), and the last resort below ends any cycle.
  for (let pass = 0; pass < 4; pass++) {
    let changed = false;
    for (const c of schema.constraints ?? []) {
      if (c.holds(current)) continue;
      const why = c.message(current);
      let next: ParamsOf<P> = { ...current, ...(c.repair?.(current) ?? {}) };
      if (!inRange(schema.params, next) || !c.holds(next)) {
        next = { ...current };
        for (const key of c.params) (next as Record<string, unknown>)[key] = (defaults as Record<string, unknown>)[key];
      }
      notices.push({ param: c.params[0] ?? '', message: `${why}; ${describeChange(schema.params, current, next)}` });
      current = next;
      changed = true;
    }
    if (!changed) return { params: current, notices };
  }
  if (violations(schema, current).length === 0) return { params: current, notices };
  notices.push({ param: '', message: 'these values cannot be made consistent; using the defaults' });
  return { params: { ...defaults }, notices };
}

function describeChange(specs: ParamSpecs, before: Readonly<Record<string, unknown>>, after: Readonly<Record<string, unknown>>): string {
  const parts: string[] = [];
  for (const key of Object.keys(specs)) {
    if (text(before[key]) !== text(after[key])) parts.push(`${key} ${text(before[key])} → ${text(after[key])}`);
  }
  return parts.length === 0 ? 'nothing changed' : `changed ${parts.join(', ')}`;
}

function text(value: unknown): string {
  return Array.isArray(value) ? value.join(',') : String(value);
}

function inRange(specs: ParamSpecs, values: Readonly<Record<string, unknown>>): boolean {
  return Object.entries(specs).every(([key, spec]) => valueInRange(spec, values[key]));
}

function valueInRange(spec: ParamSpec, value: unknown): boolean {
  switch (spec.type) {
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) && value >= spec.min && value <= spec.max;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) && value >= spec.min && value <= spec.max;
    case 'enum':
      return typeof value === 'string' && (spec.options as readonly string[]).includes(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'number-list':
      return (
        Array.isArray(value) &&
        value.length >= spec.minItems &&
        value.length <= spec.maxItems &&
        value.every((x) => typeof x === 'number' && x >= spec.min && x <= spec.max && (!spec.integer || Number.isInteger(x)))
      );
  }
}

/** Why one candidate value of a parameter cannot be chosen with the others as they are; empty when it can. */
export function whyNot<P extends ParamSpecs>(
  schema: ConstrainedSchema<P>,
  params: ParamsOf<P>,
  name: keyof P & string,
  value: ParamsOf<P>[keyof P & string],
): ConstraintViolation[] {
  const candidate: ParamsOf<P> = { ...params, [name]: value };
  return violations(schema, candidate).filter((v) => v.params.includes(name));
}

/** Points probed per number parameter; the bounds found are exact to one part in this of the range. */
const NUMBER_PROBES = 1024;
/** Integer parameters with at most this many values are probed at every value. */
const INTEGER_PROBES = 4096;

/**
 * The values of one numeric parameter that the rules allow with the others held, as the smallest
 * and largest allowed probe (every integer for small integer ranges, else an even or log-even grid
 * of NUMBER_PROBES points), or null when none is allowed. A control can bound its slider with it;
 * `whyNot` then says why a value outside is out of reach.
 */
export function allowedRange<P extends ParamSpecs>(
  schema: ConstrainedSchema<P>,
  params: ParamsOf<P>,
  name: keyof P & string,
): { min: number; max: number } | null {
  const spec: ParamSpec | undefined = schema.params[name];
  if (spec === undefined || (spec.type !== 'integer' && spec.type !== 'number')) return null;
  const probes = probeValues(spec);
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of probes) {
    const candidate: ParamsOf<P> = { ...params, [name]: x };
    if (violations(schema, candidate).some((v) => v.params.includes(name))) continue;
    lo = Math.min(lo, x);
    hi = Math.max(hi, x);
  }
  return lo <= hi ? { min: lo, max: hi } : null;
}

function probeValues(spec: { type: 'integer' | 'number'; min: number; max: number; scale?: 'linear' | 'log' }): number[] {
  if (spec.type === 'integer' && spec.max - spec.min <= INTEGER_PROBES) {
    return Array.from({ length: spec.max - spec.min + 1 }, (_, i) => spec.min + i);
  }
  const log = spec.scale === 'log' && spec.min > 0;
  const out: number[] = [];
  for (let i = 0; i <= NUMBER_PROBES; i++) {
    const f = i / NUMBER_PROBES;
    const x = log ? spec.min * (spec.max / spec.min) ** f : spec.min + f * (spec.max - spec.min);
    out.push(spec.type === 'integer' ? Math.round(x) : i === NUMBER_PROBES ? spec.max : x);
  }
  return out;
}

/** `lo < hi` for two numeric parameters; repaired by swapping them when they differ. */
export function ascending<K extends string>(lo: K, hi: K): ParamConstraint<Record<K, number>> {
  return {
    id: `${lo}-below-${hi}`,
    params: [lo, hi],
    rule: `${lo} < ${hi}`,
    holds: (p) => p[lo] < p[hi],
    message: (p) => `${lo} (${p[lo]}) must be smaller than ${hi} (${p[hi]})`,
    repair(p) {
      if (p[lo] === p[hi]) return {};
      const out: Partial<Record<K, number>> = {};
      out[lo] = p[hi];
      out[hi] = p[lo];
      return out;
    },
  };
}

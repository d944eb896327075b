import { allowedRange, repairParams, violations, whyNot, type AnyExperiment, type ParamNotice, type ParamSpec } from '@diffusion-atlas/core';
import { formatValue } from '../kit/format.ts';
import { typedParams } from './typed-params.ts';
import type { ParamValues } from './url-state.ts';

/** The values of a numeric control that the experiment's rules allow with the others as they are. */
export interface ControlLimit {
  min: number;
  max: number;
  /** The rules that narrow the range; empty when nothing is narrowed. */
  reasons: LimitReason[];
}

/**
 * A rule that bounds a control, with the values of the other parameters it reads as they stand.
 * Not core's violation message: that quotes the value just past the bound, which the reader never
 * chose, and beside a slider set elsewhere it reads as a statement about the current state.
 */
export interface LimitReason {
  /** The rule in core's value-free words (`dMin < dMax`). */
  rule: string;
  /** The other parameters the rule reads, with their current values as text. */
  held: { name: string; value: string }[];
}

/**
 * The reachable range of one numeric parameter, or null for a parameter that is not numeric or
 * that no value of could satisfy the rules (then the repair on change decides).
 */
export function controlLimit(experiment: AnyExperiment, values: ParamValues, name: string): ControlLimit | null {
  const spec = experiment.params[name];
  if (spec === undefined || (spec.type !== 'integer' && spec.type !== 'number')) return null;
  const params = typedParams(experiment.params, values);
  const range = allowedRange(experiment, params, name);
  if (range === null) return null;
  const reasons: LimitReason[] = [];
  const because = (candidate: number): void => {
    for (const v of whyNot(experiment, params, name, candidate)) {
      if (reasons.some((r) => r.rule === v.rule)) continue;
      const held = v.params
        .filter((other) => other !== name)
        .flatMap((other) => {
          const otherSpec = experiment.params[other];
          return otherSpec === undefined ? [] : [{ name: other, value: heldText(otherSpec, params[other]) }];
        });
      reasons.push({ rule: v.rule, held });
    }
  };
  if (range.min > spec.min) because(beyond(spec, range.min, spec.min));
  if (range.max < spec.max) because(beyond(spec, range.max, spec.max));
  return { min: range.min, max: range.max, reasons };
}

/** A held value as its control's readout shows it: numbers through the same formatting, with their unit; lists comma-separated. */
function heldText(spec: ParamSpec, value: unknown): string {
  if (typeof value === 'number') return formatValue(value) + (spec.unit === undefined ? '' : ` ${spec.unit}`);
  if (Array.isArray(value)) return value.map((x) => (typeof x === 'number' ? formatValue(x) : String(x))).join(',');
  return String(value);
}

/**
 * A value just outside an allowed bound, towards the spec's own bound, to ask the rules which of
 * them close it: the next integer, or for numbers a rounded point halfway out.
 */
function beyond(spec: ParamSpec & { type: 'integer' | 'number' }, bound: number, limit: number): number {
  if (spec.type === 'integer') return bound + Math.sign(limit - bound);
  const half = (bound + limit) / 2;
  const tidy = Number(half.toPrecision(2));
  return (tidy - bound) * (limit - bound) > 0 ? tidy : half;
}

/**
 * The state after the reader changed one value: unchanged when every rule holds, else repaired by
 * core's rules (the same repair a link gets), with a notice for each change and its reason.
 */
export function repairedState(experiment: AnyExperiment, values: ParamValues): { params: ParamValues; notices: ParamNotice[] } {
  const { params, notices } = repairParams(experiment, typedParams(experiment.params, values));
  return notices.length === 0 ? { params: values, notices } : { params: { ...values, ...params }, notices };
}

/** The rules these values break, in core's words; empty when they are valid. */
export function brokenRules(experiment: AnyExperiment, values: ParamValues): string[] {
  return violations(experiment, typedParams(experiment.params, values)).map((v) => v.message);
}

import { defaultsOf, type ParamSpec, type ParamSpecs, type ParamsOf } from '@diffusion-atlas/core';
import type { ParamValues } from './url-state.ts';

/**
 * A widget's loosely typed state as core's typed parameters, for the helpers that read rules and
 * costs from them. The state comes from the codec and the controls, so every value already has its
 * spec's type; a value that somehow does not falls back to the default rather than reaching a rule.
 */
export function typedParams(specs: ParamSpecs, values: ParamValues): ParamsOf<ParamSpecs> {
  const out: ParamsOf<ParamSpecs> = defaultsOf(specs);
  for (const [key, spec] of Object.entries(specs)) {
    const value = values[key];
    if (fits(spec, value)) out[key] = value;
  }
  return out;
}

function fits(spec: ParamSpec, value: unknown): value is number | string | boolean | number[] {
  switch (spec.type) {
    case 'integer':
    case 'number':
      return typeof value === 'number';
    case 'enum':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'number-list':
      return Array.isArray(value) && value.every((x) => typeof x === 'number');
  }
}

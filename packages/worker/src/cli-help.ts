import { defaultsOf, describeConstraints, describeRange, estimateCost, formatParamText, type AnyExperiment } from '@diffusion-atlas/core';

/**
 * `diffusion-atlas run <experiment> --help`: the parameters with their ranges and defaults, the
 * rules between them, and which of them the run time grows with, so a reader can size a run
 * before starting it.
 */
export function experimentHelp(e: AnyExperiment): string {
  const drivers = e.cost?.drivers ?? [];
  const lines = [`${e.name}: ${e.title}`, `  ${e.summary}`, '', 'Parameters:'];
  for (const [key, spec] of Object.entries(e.params)) {
    const cost = drivers.includes(key) ? '  [drives the cost]' : '';
    lines.push(`  --${key} <value>  ${spec.label}: ${describeRange(spec)} (default ${formatParamText(spec, spec.default)})${cost}`);
  }
  const rules = describeConstraints(e);
  if (rules.length > 0) {
    lines.push('', 'Rules between parameters:');
    for (const rule of rules) lines.push(`  ${rule.rule}`);
  }
  const atDefaults = estimateCost(e, defaultsOf(e.params));
  const about = atDefaults === null ? '' : ` At the defaults: ${aboutSeconds(atDefaults.seconds)} on the machine the estimates were fitted on.`;
  if (drivers.length > 0) {
    lines.push('', `Run time grows with ${drivers.join(', ')} (most influential first).${about}`);
  } else if (e.cost !== undefined) {
    lines.push('', `Run time does not depend on the parameters.${about}`);
  }
  lines.push('', `Example: diffusion-atlas run ${e.name} --format csv`, `         diffusion-atlas run ${e.name} --out ${e.name}/`, '');
  return lines.join('\n');
}

function aboutSeconds(seconds: number): string {
  if (seconds < 1) return 'under a second';
  return `about ${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
}

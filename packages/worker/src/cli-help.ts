import { describeConstraints, describeRange, formatParamText, type AnyExperiment } from '@diffusion-atlas/core';

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
  if (drivers.length > 0) {
    lines.push('', `Run time grows with ${drivers.join(', ')} (most influential first).`);
  } else if (e.cost !== undefined) {
    lines.push('', 'Run time does not depend on the parameters.');
  }
  lines.push('', `Example: diffusion-atlas run ${e.name} --format csv`, '');
  return lines.join('\n');
}

import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';

/**
 * axe over the page's own document, violations only. Legacy mode runs `axe.run` in the page instead
 * of partial runs finished in a second, blank page, and reporting only violations keeps axe from
 * serialising every passing node: on a long chapter the two cut a pass from about 12 s to under 5 s.
 * Legacy mode skips cross-origin frames, so the page tour checks that pages frame nothing.
 * KaTeX's visual layer is hidden from assistive technology and takes its colour from the text
 * around it, which is checked; its thousands of spans would make long chapters slow.
 */
export function axe(page: Page): AxeBuilder {
  return new AxeBuilder({ page }).setLegacyMode(true).options({ resultTypes: ['violations'] }).exclude('.katex-html');
}

/** One line per violation: rule, impact, help and the first few offending nodes. */
export async function axeViolations(builder: AxeBuilder): Promise<string[]> {
  const { violations } = await builder.analyze();
  return violations.map((v) => `${v.id} (${v.impact ?? ''}): ${v.help} — ${v.nodes.slice(0, 4).map((n) => n.target.join(' ')).join(' | ')}`);
}

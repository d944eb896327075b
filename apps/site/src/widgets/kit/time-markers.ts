import type { StrokeStyle } from './legend.ts';

/*
 * The landmark times of the papers, one look each across every figure that marks them: the plot's
 * rule spreads the style, the legend's swatch draws it, so the two cannot drift apart.
 */

/** The speciation time t_S: a dotted rule. */
export const SPECIATION_RULE: StrokeStyle = { stroke: 'var(--fg-soft)', strokeDasharray: '2 3', strokeWidth: 1.5 };

/** The collapse time t_C: a dashed rule in the colour of copies. */
export const COLLAPSE_RULE: StrokeStyle = { stroke: 'var(--memorized)', strokeDasharray: '6 3', strokeWidth: 1.5 };

/** A reference level (the 0.775 speciation level, the collapse level): a dashed grey rule. */
export const LEVEL_RULE: StrokeStyle = { stroke: 'var(--muted)', strokeDasharray: '5 4', strokeWidth: 1 };

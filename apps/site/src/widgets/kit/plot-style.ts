import * as Plot from '@observablehq/plot';
import { withSharedSheet } from './plot-sheet.ts';
import { subscriptSvgText } from './rich-text.ts';
import './figure.css';

/**
 * The one look of every figure: transparent so the page shows through, text in the panel's colour
 * at 12 px (tick labels included), and marks at the frame's edge left unclipped.
 */
export const PLOT_STYLE = { background: 'transparent', color: 'currentColor', fontSize: '12px', overflow: 'visible' } as const;

/**
 * Room under the frame for a bottom axis at 12 px: ticks (9 px out) with their labels, then the axis
 * title below them, so the title at the right end clears the last tick label (issue 13's overlaps).
 */
export const BOTTOM_AXIS_MARGIN = 38;

/** Plot.plot with the papers' subscripted symbols (`t_S`) rendered in its texts and written as plain symbols in its tooltips. */
export function plot(options: Plot.PlotOptions): ReturnType<typeof Plot.plot> {
  const figure = withSharedSheet(Plot.plot(options));
  subscriptSvgText(figure);
  return figure;
}

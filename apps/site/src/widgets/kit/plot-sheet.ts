/*
 * Observable Plot puts a small <style> element in every figure it makes. A stylesheet entering or
 * leaving the document makes the browser recompute the style of the whole page, which on a chapter
 * (some 17 000 elements) costs 10–80 ms each time: a figure redrawn while it computes paid that for
 * each of its charts, every frame. The same rules stand once in figure.css, keyed on the class
 * below, so figures go in and out without a stylesheet.
 */

/** The class of every figure whose Plot stylesheet is figure.css's shared one. */
export const PLOT_CLASS = 'atlas-plot';

/**
 * Plot's own rules, for a figure saved on its own (an exported SVG has no page stylesheet); the
 * page has them in figure.css.
 */
export const PLOT_RULES = `.${PLOT_CLASS} { display: block; height: auto; max-width: 100%; }
.${PLOT_CLASS} text, .${PLOT_CLASS} tspan { white-space: pre; }`;

/**
 * Drop a chart's own stylesheet and mark it for the shared one. Returns the figure; one wrapped in
 * an HTML <figure> (Plot's, with a legend or caption) keeps its sheets, whose rules reach its
 * legend's swatches as well.
 */
export function withSharedSheet<T extends Element>(figure: T): T {
  // By name, not instanceof: build-time posters draw in a server DOM without the SVG classes.
  if (figure.localName !== 'svg') return figure;
  for (const sheet of Array.from(figure.children)) if (sheet.localName === 'style') sheet.remove();
  figure.classList.add(PLOT_CLASS);
  return figure;
}

import * as Plot from '@observablehq/plot';
import { el } from './dom.ts';
import { withSharedSheet } from './plot-sheet.ts';

/**
 * A framed, empty figure with a message: it holds the place (and prints) until the first run
 * arrives, where no build-time poster does. `classes` go on the figure itself (Plot's own
 * `className` takes one name), so tests and styles can tell a placeholder from a drawn figure.
 */
export function placeholderFigure(width: number, height: number, message: string, classes: string): SVGSVGElement | HTMLElement {
  const figure = withSharedSheet(Plot.plot({
    width,
    height,
    ariaLabel: message,
    style: { background: 'transparent', color: 'currentColor' },
    x: { axis: null, domain: [0, 1] },
    y: { axis: null, domain: [0, 1] },
    marks: [
      Plot.frame({ stroke: 'var(--rule)', strokeDasharray: '4 4' }),
      Plot.text([message], { frameAnchor: 'middle', fill: 'var(--muted)', fontSize: 13, lineWidth: 22 }),
    ],
  }));
  figure.setAttribute('class', `${figure.getAttribute('class') ?? ''} figure-placeholder ${classes}`.trim());
  return figure;
}

/** A framed line of text where a figure will be, for views that draw no empty chart first. */
export function placeholder(text: string): HTMLElement {
  return el('p', 'figure-placeholder-note', text);
}

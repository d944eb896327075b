import { el, svgEl } from './dom.ts';
import { richNodes } from './rich-text.ts';

export type SwatchShape = 'line' | 'dash' | 'faint' | 'dot' | 'ring' | 'square' | 'disc' | 'bar' | 'band' | 'area';

/**
 * One series as the legend names it: the same colour and shape the view gives its mark, so a view
 * declares its series once and draws both the marks and the legend from that list.
 */
export interface LegendItem {
  label: string;
  colour: string;
  shape: SwatchShape;
}

/**
 * A line's look, written once: spread into a Plot mark's options (`...TS_RULE`) and drawn by its
 * legend swatch, so a dotted rule cannot turn dashed in the key.
 */
export interface StrokeStyle {
  stroke: string;
  strokeDasharray?: string;
  strokeWidth?: number;
  strokeOpacity?: number;
}

/** A series keyed by the very stroke its mark draws. */
export interface StrokeLegendItem {
  label: string;
  line: StrokeStyle;
}

/** A short stretch of the mark's own line, hidden from assistive technology. */
export function strokeSwatch(style: StrokeStyle): SVGSVGElement {
  const svg = svgEl('svg', { class: 'figure-swatch-stroke', width: 20, height: 10, viewBox: '0 0 20 10', 'aria-hidden': 'true' });
  svg.append(
    svgEl('line', {
      x1: 0,
      x2: 20,
      y1: 5,
      y2: 5,
      stroke: style.stroke,
      'stroke-width': Math.max(1.5, style.strokeWidth ?? 1.5),
      ...(style.strokeDasharray === undefined ? {} : { 'stroke-dasharray': style.strokeDasharray }),
      ...(style.strokeOpacity === undefined ? {} : { 'stroke-opacity': style.strokeOpacity }),
    }),
  );
  return svg;
}

export function strokeLegendItem(style: StrokeStyle, label: string): HTMLElement {
  const item = el('span', 'figure-legend-item');
  const words = el('span');
  words.append(...richNodes(label));
  item.append(strokeSwatch(style), words);
  return item;
}

/** A series' key mark, hidden from assistive technology, which reads the words beside it. */
export function swatch(shape: SwatchShape, colour: string): HTMLElement {
  const mark = el('span', `figure-swatch figure-swatch-${shape}`);
  mark.style.setProperty('--swatch', colour);
  mark.setAttribute('aria-hidden', 'true');
  return mark;
}

/** A legend entry: a swatch (decoration, hidden from assistive technology) and its words, with symbols rendered. */
export function legendItem(shape: SwatchShape, colour: string, label: string): HTMLElement {
  const item = el('span', 'figure-legend-item');
  // One text box beside the swatch: the flex gap would otherwise open up around each symbol.
  const words = el('span');
  words.append(...richNodes(label));
  item.append(swatch(shape, colour), words);
  return item;
}

/** A line of keys under or over a chart; the labels are plain text for screen readers. */
export function legend(className: string, items: readonly (LegendItem | StrokeLegendItem | HTMLElement)[]): HTMLElement {
  const box = el('p', `figure-legend ${className}`.trim());
  box.append(
    ...items.map((item) => {
      if (item instanceof HTMLElement) return item;
      return 'line' in item ? strokeLegendItem(item.line, item.label) : legendItem(item.shape, item.colour, item.label);
    }),
  );
  return box;
}

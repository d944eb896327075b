import { el } from './dom.ts';
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
export function legend(className: string, items: readonly (LegendItem | HTMLElement)[]): HTMLElement {
  const box = el('p', `figure-legend ${className}`.trim());
  box.append(...items.map((item) => ('colour' in item ? legendItem(item.shape, item.colour, item.label) : item)));
  return box;
}

import { el } from './dom.ts';

/** A titled chart panel: a heading, the host a chart is drawn into (its width sets the chart's), and a note under it. */
export interface Panel {
  element: HTMLElement;
  title: HTMLElement;
  plot: HTMLElement;
  note: HTMLElement;
}

export function panel(className: string, title = ''): Panel {
  const element = el('figure', `figure-panel ${className}`.trim());
  const heading = el('figcaption', 'figure-panel-title', title);
  const plot = el('div', 'figure-plot');
  plot.dataset['plot'] = '';
  const note = el('p', 'figure-note');
  note.hidden = true;
  element.append(heading, plot, note);
  return { element, title: heading, plot, note };
}

/** A grid that puts panels side by side when each can have `minWidth` pixels, and stacks them otherwise. */
export function panelGrid(className: string, minWidth = 250): HTMLElement {
  const grid = el('div', `figure-panels ${className}`.trim());
  grid.style.setProperty('--panel-min', `${minWidth}px`);
  return grid;
}

import * as Plot from '@observablehq/plot';

export interface PointLabelOptions<T> {
  x: string;
  y: string;
  text: (d: T) => string;
  /** The point sits in the right half: the label goes to its left, so it stays inside the frame. */
  onRight: boolean;
  /** Pixels between the point and its label, across and up. */
  dx: number;
  dy: number;
  className: string;
}

/** The value written beside one marked point, turned toward the middle of the chart. */
export function pointLabel<T>(point: T, options: PointLabelOptions<T>): Plot.Text {
  const { x, y, text, onRight, dx, dy, className } = options;
  return Plot.text([point], { x, y, text, dx: onRight ? -dx : dx, dy, textAnchor: onRight ? 'end' : 'start', fill: 'currentColor', className });
}

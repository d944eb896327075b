import * as Plot from '@observablehq/plot';
import { plot, PLOT_STYLE } from './plot-style.ts';

/*
 * The first chart a page draws costs three to four times a later one (training-window's first
 * frame: 140–230 ms of drawing, its final frame 40–55 ms, same charts): Plot's code is compiled and
 * run cold. Two small charts drawn off the page while the page is idle, with the marks, scales and
 * axes the figures use most, take that cost before any figure waits on it.
 */

const XS = [1, 2, 3, 5, 8, 13, 21, 34];

/** Draws two small charts that are never attached; returns how long it took (ms). */
export function warmPlot(): number {
  const started = performance.now();
  const point = (i: number): number => XS[i] ?? 1;
  plot({
    width: 240,
    height: 160,
    style: PLOT_STYLE,
    x: { type: 'log' },
    y: { type: 'log' },
    marks: [
      Plot.frame({ strokeOpacity: 0.15 }),
      Plot.rect([0], { x1: () => 2, x2: () => 8, fill: 'currentColor', fillOpacity: 0.06 }),
      Plot.line(XS.map((_, i) => i), { x: point, y: (i: number) => point(i) ** 2, stroke: 'currentColor' }),
      Plot.dot(XS.map((_, i) => i), { x: point, y: point, r: 3, symbol: 'square' }),
      Plot.ruleX([5], { strokeDasharray: '5 3' }),
      Plot.ruleY([10]),
      Plot.text(['t_S'], { x: () => 3, frameAnchor: 'top', dy: -12 }),
    ],
    color: { type: 'identity' },
  });
  plot({
    width: 240,
    height: 160,
    style: PLOT_STYLE,
    marks: [
      Plot.gridY({ strokeOpacity: 0.1 }),
      Plot.areaY(XS, { x: (_d: number, i: number) => i, y: (d: number) => d, fillOpacity: 0.2 }),
      Plot.lineY(XS),
      Plot.rectY(XS, Plot.binX({ y: 'count' }, { x: (d: number) => d })),
      Plot.axisX({ label: 'τ' }),
      Plot.axisY({ label: 'y' }),
    ],
  });
  const took = performance.now() - started;
  performance.measure('atlas:warm-plot', { start: started, duration: took });
  return took;
}

import * as Plot from '@observablehq/plot';
import { svgEl } from './dom.ts';

/**
 * An L × L grid of values as an SVG image with one path per colour level instead of one rectangle
 * per cell: a 64 × 64 field is 4096 cells, which as separate elements makes the page slow to lay
 * out and to audit, and the eye does not tell more than a few levels apart anyway.
 */
export function latticeSvg(
  values: ArrayLike<number>,
  L: number,
  options: { side: number; title: string; label: string; colours: readonly string[]; level(v: number): number },
): SVGSVGElement {
  const { side, title, label, colours, level } = options;
  const head = 20;
  // Lattice units: one cell is 1 × 1; the title sits in a band of `head` pixels above the grid.
  const band = (head * L) / side;
  const svg = svgEl('svg', { width: side, height: side + head, viewBox: `0 ${-band} ${L} ${L + band}`, role: 'img', 'aria-label': label });
  const d = colours.map(() => [] as string[]);
  for (let y = 0; y < L; y++) {
    for (let x = 0; x < L; x++) {
      const k = Math.max(0, Math.min(colours.length - 1, level(values[y * L + x] ?? 0)));
      d[k]?.push(`M${x} ${y}h1v1h-1z`);
    }
  }
  colours.forEach((colour, k) => {
    const parts = d[k] ?? [];
    if (parts.length === 0) return;
    svg.append(svgEl('path', { d: parts.join(''), fill: colour, 'shape-rendering': 'crispEdges' }));
  });
  // 12 px at the drawn size, whatever the lattice's side in cells.
  const text = svgEl('text', { x: L / 2, y: -band / 3, 'text-anchor': 'middle', 'font-size': (12 * L) / side, fill: 'currentColor' });
  text.textContent = title;
  svg.append(text);
  return svg;
}

/** Colours of a diverging, colour-blind-safe scheme (purple–orange) in `levels` steps over [−a, a]. */
export function divergingLevels(a: number, levels: number): { colours: string[]; level(v: number): number } {
  const scale = Plot.scale({ color: { type: 'quantize', scheme: 'PuOr', domain: [-a, a], n: levels } });
  const colours = Array.from(scale.range ?? [], String);
  return { colours, level: (v) => Math.floor(((v + a) / (2 * a)) * colours.length) };
}

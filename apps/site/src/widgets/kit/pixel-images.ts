import { pngDataUrl } from './png.ts';

/*
 * Pixel images (MNIST digits, principal directions) inside SVG figures, so that a figure stays one
 * SVG to export, print and draw as a build-time poster.
 */

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Intensities in [0, 1] (clipped: generated digits carry a trace of noise) as a grey PNG, white where the ink is. */
export function inkPng(intensities: ArrayLike<number>, offset: number, width: number, height: number): string {
  const grey = new Uint8Array(width * height);
  for (let k = 0; k < grey.length; k++) grey[k] = Math.round(255 * Math.min(1, Math.max(0, intensities[offset + k] ?? 0)));
  return pngDataUrl(width, height, grey, 1);
}

let masks = 0;

export interface InkImageOptions {
  /** From inkPng. */
  href: string;
  x: number;
  y: number;
  size: number;
  /** Class of the <image>, for tests and styles. */
  className: string;
}

/**
 * A grey image drawn in the page's text colour: it masks a square filled with var(--fg), so the
 * ink follows the theme with no redraw, and a build-time poster reads in light and dark alike.
 */
export function inkImage(options: InkImageOptions): SVGGElement {
  const { href, x, y, size, className } = options;
  masks += 1;
  const id = `ink-mask-${masks}`;
  const group = document.createElementNS(SVG_NS, 'g');
  const mask = document.createElementNS(SVG_NS, 'mask');
  mask.setAttribute('id', id);
  mask.setAttribute('maskUnits', 'userSpaceOnUse');
  for (const [name, value] of Object.entries({ x, y, width: size, height: size })) mask.setAttribute(name, String(value));
  const image = document.createElementNS(SVG_NS, 'image');
  for (const [name, value] of Object.entries({ href, x, y, width: size, height: size })) image.setAttribute(name, String(value));
  image.setAttribute('preserveAspectRatio', 'none');
  image.setAttribute('style', 'image-rendering: pixelated');
  image.setAttribute('class', className);
  mask.append(image);
  const ink = document.createElementNS(SVG_NS, 'rect');
  for (const [name, value] of Object.entries({ x, y, width: size, height: size })) ink.setAttribute(name, String(value));
  ink.setAttribute('fill', 'var(--fg)');
  ink.setAttribute('mask', `url(#${id})`);
  group.append(mask, ink);
  return group;
}

import { AtlasError } from '@diffusion-atlas/core';

/** Small DOM helpers of the views. */

export const SVG_NS = 'http://www.w3.org/2000/svg';

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className !== undefined) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function svgEl<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Readonly<Record<string, string | number>> = {}): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  return node;
}

/** A one-off data attribute on an element for tests and styles (numbers as written by String). */
export function tag(target: Element, values: Readonly<Record<string, string | number>>): void {
  for (const [key, value] of Object.entries(values)) target.setAttribute(`data-${key}`, String(value));
}

/**
 * The width a figure can take in its host, within [min, max]; the server DOM of build-time posters
 * has no layout, so it gets `fallback` (also kept within [min, max]).
 */
export function widthOf(host: HTMLElement, fallback: number, max: number, min = 240): number {
  const measured = host.clientWidth;
  const width = typeof measured === 'number' && measured > 0 ? measured : fallback;
  return Math.max(min, Math.min(max, Math.floor(width)));
}

/**
 * A numeric parameter of a run. With a `fallback`, that stands in for a missing or non-finite
 * value; without one, a missing number is a mismatch between core and view and fails loudly.
 */
export function paramNumber(params: Readonly<Record<string, unknown>>, key: string, fallback?: number): number {
  const value = params[key];
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (fallback !== undefined) return fallback;
  throw new AtlasError('internal', `the run's parameters have no number “${key}”`);
}

export function paramList(params: Readonly<Record<string, unknown>>, key: string): number[] {
  const value = params[key];
  if (Array.isArray(value) && value.every((x: unknown) => typeof x === 'number')) return value as number[];
  throw new AtlasError('internal', `the run's parameters have no number list “${key}”`);
}

import { AtlasError } from '@diffusion-atlas/core';

/** A named part of the server-rendered widget markup (`[data-stage]`, `[data-controls-form]`, …). */
export function part(root: HTMLElement, name: string): HTMLElement {
  const el = root.querySelector<HTMLElement>(`[data-${name}]`);
  if (el === null) throw new AtlasError('internal', `widget markup lacks its [data-${name}] element`);
  return el;
}

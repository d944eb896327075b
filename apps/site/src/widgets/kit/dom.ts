/** Small DOM helpers shared by the chapters' views. */

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className !== undefined) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The width a figure can take in its host; the server DOM of build-time posters has no layout, so it gets `fallback`. */
export function widthOf(host: HTMLElement, fallback: number, max: number, min = 240): number {
  const measured = host.clientWidth;
  const width = typeof measured === 'number' && measured > 0 ? measured : fallback;
  return Math.max(min, Math.min(max, Math.floor(width)));
}

/** A numeric parameter of a run, or `fallback` when it is missing or not finite. */
export function paramNumber(params: Readonly<Record<string, unknown>>, key: string, fallback: number): number {
  const value = params[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

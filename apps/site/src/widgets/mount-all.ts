import { mountWidget } from './mount.ts';

/** Mount every widget on the page; each one fails on its own without taking the others down. */
export function mountAllWidgets(): void {
  for (const root of document.querySelectorAll<HTMLElement>('[data-widget]')) void mountWidget(root);
}

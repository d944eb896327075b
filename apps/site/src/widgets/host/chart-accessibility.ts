/**
 * Charts must be one named image to assistive technology, with the text summary beside them.
 * Observable Plot labels its mark groups (aria-label on <g>), which ARIA forbids on elements
 * without a role; views redraw often, so this runs on every change to the stage.
 */
export function keepChartsAccessible(stage: HTMLElement, fallbackLabel: string): void {
  const fix = (): void => {
    for (const svg of stage.querySelectorAll('svg')) {
      if ((svg.parentElement?.closest('svg') ?? null) !== null) continue;
      // Legend swatches are decoration beside their text (the kit marks them aria-hidden).
      if (svg.closest('[aria-hidden="true"]') !== null) continue;
      if (svg.getAttribute('role') === null) svg.setAttribute('role', 'img');
      if (svg.getAttribute('role') === 'img' && !svg.hasAttribute('aria-label') && !svg.hasAttribute('aria-labelledby')) svg.setAttribute('aria-label', fallbackLabel);
      for (const inner of svg.querySelectorAll('[aria-label]')) inner.removeAttribute('aria-label');
      for (const inner of svg.querySelectorAll('[aria-description]')) {
        if (inner !== svg) inner.removeAttribute('aria-description');
      }
    }
  };
  new MutationObserver(fix).observe(stage, { childList: true, subtree: true });
  fix();
}

/**
 * Display equations wider than the column scroll sideways; a reader needs to see that there is
 * more. Each one that overflows is marked with the side(s) where equation is hidden
 * (data-more="right" | "left" | "both"), which global.css fades out, and re-marked as it scrolls
 * or the page resizes.
 */
function mark(el: HTMLElement): void {
  const hidden = el.scrollWidth - el.clientWidth;
  if (hidden <= 1) {
    delete el.dataset['more'];
    return;
  }
  const atStart = el.scrollLeft <= 1;
  const atEnd = el.scrollLeft >= hidden - 1;
  el.dataset['more'] = atStart ? 'right' : atEnd ? 'left' : 'both';
}

export function markScrollingEquations(): void {
  const equations = [...document.querySelectorAll<HTMLElement>('.katex-display')];
  const resized = new ResizeObserver((entries) => {
    for (const entry of entries) if (entry.target instanceof HTMLElement) mark(entry.target);
  });
  for (const el of equations) {
    mark(el);
    el.addEventListener('scroll', () => mark(el), { passive: true });
    resized.observe(el);
  }
}

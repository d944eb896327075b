/**
 * Citation cards open on hover and keyboard focus by CSS alone. Touch has neither: the first tap on
 * a citation opens its card, a second tap follows the link to the reference list, and a tap
 * elsewhere or Escape closes it. Escape also hides a hover or focus card until the pointer or focus leaves.
 */
let bound = false;

function closeAll(except?: Element): void {
  for (const wrap of document.querySelectorAll('[data-cite-wrap][data-open]')) if (wrap !== except) wrap.removeAttribute('data-open');
}

/** Keep a shown card inside the window: shift it left when the citation sits near the right edge. */
function fit(wrap: Element): void {
  const card = wrap.querySelector<HTMLElement>('.cite-card');
  if (card === null) return;
  card.style.removeProperty('translate');
  requestAnimationFrame(() => {
    const box = card.getBoundingClientRect();
    if (box.width === 0 || getComputedStyle(card).position === 'fixed') return;
    const over = box.right - (document.documentElement.clientWidth - 8);
    if (over > 0) card.style.translate = `${-Math.min(over, Math.max(0, box.left - 8))}px 0`;
  });
}

export function bindCiteCards(): void {
  if (bound) return;
  bound = true;
  const show = (event: Event): void => {
    const wrap = event.target instanceof Element ? event.target.closest('[data-cite-wrap]') : null;
    if (wrap !== null) fit(wrap);
  };
  document.addEventListener('pointerover', show);
  document.addEventListener('focusin', show);
  let touch = false;
  document.addEventListener('pointerdown', (event) => {
    touch = event.pointerType === 'touch' || event.pointerType === 'pen';
  });
  document.addEventListener('click', (event) => {
    const target = event.target instanceof Element ? event.target : null;
    const cite = target?.closest('.cite');
    const wrap = cite?.closest('[data-cite-wrap]') ?? null;
    if (wrap === null) {
      closeAll();
      return;
    }
    if (touch && !wrap.hasAttribute('data-open')) {
      event.preventDefault();
      closeAll(wrap);
      wrap.setAttribute('data-open', '');
      fit(wrap);
    }
  });
  document.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') return;
    closeAll();
    const wrap = document.activeElement?.closest('[data-cite-wrap]');
    if (wrap !== null && wrap !== undefined) wrap.setAttribute('data-dismissed', '');
  });
  const undismiss = (event: Event): void => {
    const wrap = event.target instanceof Element ? event.target.closest('[data-cite-wrap]') : null;
    wrap?.removeAttribute('data-dismissed');
  };
  document.addEventListener('focusout', undismiss);
  document.addEventListener('pointerleave', undismiss, true);
}

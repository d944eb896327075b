/**
 * The chapter's contents list is a closed <details> in the markup, so a phone shows one line above
 * the text; a screen wide enough to keep it beside the text opens it.
 */
export function openContentsOnWideScreens(): void {
  const list = document.querySelector<HTMLDetailsElement>('[data-toc]');
  if (list === null) return;
  const wide = window.matchMedia('(min-width: 1480px)');
  const apply = (): void => {
    list.open = wide.matches;
  };
  apply();
  wide.addEventListener('change', apply);
}

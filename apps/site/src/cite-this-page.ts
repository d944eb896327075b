import { t } from './i18n/messages.ts';

let bound = false;

/** "Cite this chapter": the BibTeX gets the address the reader actually uses, and a copy button. */
export function bindCiteThisPage(): void {
  if (bound) return;
  bound = true;
  const block = document.querySelector<HTMLElement>('[data-cite-bibtex]');
  const path = block?.dataset['path'];
  const code = block?.querySelector('code');
  if (block === null || block === undefined || code === null || code === undefined || path === undefined) return;
  // Built without a site address, the entry holds the path; the page knows its own origin.
  const absolute = new URL(path, window.location.href).href;
  code.textContent = (code.textContent ?? '').replace(`url          = {${path}}`, `url          = {${absolute}}`);
  const button = document.querySelector<HTMLButtonElement>('[data-copy-bibtex]');
  const status = document.querySelector<HTMLElement>('[data-copy-status]');
  button?.addEventListener('click', () => {
    navigator.clipboard
      .writeText(code.textContent ?? '')
      .then(() => {
        if (status !== null) status.textContent = t('share.copied');
      })
      .catch(() => {
        // Clipboard refused: select the entry so the reader can copy it by hand.
        const range = document.createRange();
        range.selectNodeContents(code);
        const selection = window.getSelection();
        selection?.removeAllRanges();
        selection?.addRange(range);
        if (status !== null) status.textContent = t('share.copyFailed');
      });
  });
}

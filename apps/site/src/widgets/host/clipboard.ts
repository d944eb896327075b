import { t } from '../../i18n/messages.ts';

/** How long the button says "copied" before it reads as a button again. */
const CONFIRMATION_MS = 1800;

/** Copy a share field's text, saying so on the button; where the clipboard is refused, select the text instead. */
export async function copyField(button: HTMLButtonElement, field: HTMLInputElement | HTMLTextAreaElement): Promise<void> {
  const original = button.textContent;
  try {
    await navigator.clipboard.writeText(field.value);
    button.textContent = t('share.copied');
  } catch {
    // Clipboard access can be refused (embedded frames, older browsers).
    field.focus();
    field.select();
    button.textContent = t('share.copyFailed');
  }
  setTimeout(() => {
    button.textContent = original;
  }, CONFIRMATION_MS);
}

import type { ParamNotice } from '@diffusion-atlas/core';
import { t } from '../../i18n/messages.ts';

/**
 * What the codec changed in a link (clamped, dropped, migrated), or what a repair changed after
 * the reader's own change (with its own `intro`): a dismissible list above the figure.
 */
export function showNotices(el: HTMLElement, notices: readonly ParamNotice[], intro = t('widget.notice.intro')): void {
  el.replaceChildren();
  el.hidden = notices.length === 0;
  if (notices.length === 0) return;
  const lead = document.createElement('p');
  lead.textContent = intro;
  const list = document.createElement('ul');
  for (const notice of notices) {
    const item = document.createElement('li');
    item.dataset['noticeParam'] = notice.param;
    item.textContent = notice.message;
    list.append(item);
  }
  const dismiss = document.createElement('button');
  dismiss.type = 'button';
  dismiss.className = 'notice-dismiss';
  dismiss.textContent = t('widget.notice.dismiss');
  dismiss.addEventListener('click', () => {
    el.hidden = true;
  });
  el.append(lead, list, dismiss);
}

/** The widget-wide error line, for failures no single control owns; `null` clears it. */
export function showTopError(el: HTMLElement, message: string | null): void {
  el.hidden = message === null;
  el.textContent = message ?? '';
}

import { t } from './i18n/messages.ts';
import { LOAD_STATE_EVENT, type LoadStateDetail } from './widgets/host/events.ts';

let bound = false;

/** "Load this state" buttons: hand the state to the widget, then bring the widget into view with focus. */
export function bindExercises(): void {
  if (bound) return;
  bound = true;
  document.addEventListener('click', (event) => {
    const button = event.target instanceof Element ? event.target.closest<HTMLButtonElement>('[data-load-state]') : null;
    if (button === null) return;
    const widget = document.getElementById(button.dataset['target'] ?? '');
    if (widget === null) return;
    const detail: LoadStateDetail = { query: button.dataset['loadState'] ?? '' };
    widget.dispatchEvent(new CustomEvent(LOAD_STATE_EVENT, { detail }));
    const smooth = !window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    widget.scrollIntoView({ behavior: smooth ? 'smooth' : 'auto', block: 'start' });
    widget.focus({ preventScroll: true });
    const status = button.parentElement?.querySelector<HTMLElement>('[data-load-status]');
    if (status !== null && status !== undefined) status.textContent = t('exercise.loaded');
  });
}

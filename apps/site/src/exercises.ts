import { t } from './i18n/messages.ts';
import { LOAD_STATE_EVENT, type LoadStateDetail } from './widgets/host/events.ts';

let bound = false;

/** One stored prediction per exercise and page: the same exercise id may appear in two chapters. */
function predictionKey(exerciseId: string): string {
  return `diffusion-atlas:prediction:${location.pathname}#${exerciseId}`;
}

/** Storage can be missing or refuse writes (private windows, full quota); the textarea then simply forgets. */
function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

function savePrediction(exerciseId: string, text: string): void {
  try {
    if (text === '') storage()?.removeItem(predictionKey(exerciseId));
    else storage()?.setItem(predictionKey(exerciseId), text);
  } catch {
    // a refused write loses only this keystroke's copy; the text stays on screen
  }
}

/** Restore each exercise's prediction, and keep it as the reader types, until they clear it. */
function bindPredictions(): void {
  for (const exercise of document.querySelectorAll<HTMLElement>('[data-exercise]')) {
    const box = exercise.querySelector<HTMLTextAreaElement>('[data-prediction]');
    if (box === null) continue;
    const saved = storage()?.getItem(predictionKey(exercise.id)) ?? null;
    if (saved !== null && box.value === '') box.value = saved;
    box.addEventListener('input', () => savePrediction(exercise.id, box.value));
    const clear = exercise.querySelector<HTMLButtonElement>('[data-clear-prediction]');
    clear?.addEventListener('click', () => {
      box.value = '';
      savePrediction(exercise.id, '');
      const status = exercise.querySelector<HTMLElement>('[data-prediction-status]');
      if (status !== null) status.textContent = t('exercise.cleared');
      box.focus();
    });
  }
}

/**
 * Predictions kept in local storage, and "Load this state" buttons: hand the state to the widget,
 * then bring the widget into view with focus.
 */
export function bindExercises(): void {
  if (bound) return;
  bound = true;
  bindPredictions();
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

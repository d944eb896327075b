import { t } from '../../i18n/messages.ts';

/** The run states a widget advertises in `data-status`; a stopped run returns to idle. */
export type WidgetStatus = 'idle' | 'running' | 'done' | 'error';

export interface StatusBar {
  set(status: WidgetStatus, text: string): void;
  progress(fraction: number): void;
  /** Change the line of text only: the state and the progress bar stay as they are. */
  note(text: string): void;
  setBackend(backend: string): void;
}

/**
 * Progress, Run and Stop buttons and a one-line status. The root's data attributes mirror the state
 * so tests and styles can key on it.
 */
export function renderStatusBar(root: HTMLElement, host: HTMLElement, onStop: () => void, onRun?: () => void): StatusBar {
  const bar = document.createElement('progress');
  bar.max = 1;
  bar.value = 0;
  bar.dataset['progress'] = '';
  bar.setAttribute('aria-label', t('status.progress'));

  const run = document.createElement('button');
  run.type = 'button';
  run.textContent = t('status.run');
  run.setAttribute('aria-label', t('status.runLabel'));
  run.dataset['run'] = '';
  run.hidden = onRun === undefined;
  if (onRun !== undefined) run.addEventListener('click', onRun);

  const stop = document.createElement('button');
  stop.type = 'button';
  stop.textContent = t('status.stop');
  stop.dataset['stop'] = '';
  stop.disabled = true;
  stop.addEventListener('click', onStop);

  const text = document.createElement('span');
  text.className = 'status-text';
  text.dataset['statusText'] = '';

  const backend = document.createElement('span');
  backend.className = 'status-backend';
  backend.dataset['backendLabel'] = '';

  host.append(text, run, stop, bar, backend);

  return {
    set(status, message) {
      root.dataset['status'] = status;
      root.setAttribute('aria-busy', String(status === 'running'));
      // Visibility (in CSS, keyed on data-status) rather than `hidden`, so the bar never shifts the layout.
      stop.disabled = status !== 'running';
      run.disabled = status === 'running';
      if (status === 'running') bar.value = 0;
      text.textContent = message;
    },
    progress(fraction) {
      bar.value = Math.min(1, Math.max(0, fraction));
    },
    note(message) {
      text.textContent = message;
    },
    setBackend(name) {
      root.dataset['backend'] = name;
      backend.textContent = t('status.backend', { name });
    },
  };
}

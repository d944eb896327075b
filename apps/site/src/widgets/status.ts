/** The run states a widget advertises in `data-status`; a stopped run returns to idle. */
export type WidgetStatus = 'idle' | 'running' | 'done' | 'error';

export interface StatusBar {
  set(status: WidgetStatus, text: string): void;
  progress(fraction: number): void;
  setBackend(backend: string): void;
}

/**
 * Progress, a Stop button and a one-line status. The root's data attributes mirror the state so
 * tests and styles can key on it.
 */
export function renderStatusBar(root: HTMLElement, host: HTMLElement, onStop: () => void): StatusBar {
  const bar = document.createElement('progress');
  bar.max = 1;
  bar.value = 0;
  bar.dataset['progress'] = '';
  bar.setAttribute('aria-label', 'Progress of the computation');

  const stop = document.createElement('button');
  stop.type = 'button';
  stop.textContent = 'Stop';
  stop.dataset['stop'] = '';
  stop.disabled = true;
  stop.addEventListener('click', onStop);

  const text = document.createElement('span');
  text.className = 'status-text';
  text.dataset['statusText'] = '';

  const backend = document.createElement('span');
  backend.className = 'status-backend';
  backend.dataset['backendLabel'] = '';

  host.append(text, stop, bar, backend);

  return {
    set(status, message) {
      root.dataset['status'] = status;
      root.setAttribute('aria-busy', String(status === 'running'));
      // Visibility (in CSS, keyed on data-status) rather than `hidden`, so the bar never shifts the layout.
      stop.disabled = status !== 'running';
      if (status === 'running') bar.value = 0;
      text.textContent = message;
    },
    progress(fraction) {
      bar.value = Math.min(1, Math.max(0, fraction));
    },
    setBackend(name) {
      root.dataset['backend'] = name;
      backend.textContent = `backend: ${name}`;
    },
  };
}

import { t } from '../../i18n/messages.ts';
import { atlasClient } from './client.ts';
import { mountWidget } from './mount.ts';
import { clearQueryParams, linkedFigure } from './url-state.ts';

/** Long enough for any real figure id; a pasted paragraph is cut. */
const SHOWN_ID_LENGTH = 60;

let checked = false;

/**
 * A link naming a figure this page lacks (mistyped, truncated, or from an older edition): no figure
 * takes its parameters, the page says so, and the address bar drops them so it shows what is shown.
 */
function checkLinkedFigure(roots: readonly HTMLElement[]): void {
  if (checked) return;
  checked = true;
  const figure = linkedFigure(window.location.search);
  // An embed's query is its own, whatever it says.
  if (figure === null || roots.some((root) => root.dataset['mode'] === 'embed')) return;
  if (figure !== '' && roots.some((root) => root.id === figure)) return;
  clearQueryParams();
  const notice = document.querySelector<HTMLElement>('[data-link-notice]');
  if (notice === null) return;
  const shown = figure.length > SHOWN_ID_LENGTH ? `${figure.slice(0, SHOWN_ID_LENGTH)}…` : figure;
  const text = document.createElement('p');
  text.textContent = t('permalink.unknownFigure', { figure: shown });
  const dismiss = document.createElement('button');
  dismiss.type = 'button';
  dismiss.className = 'notice-dismiss';
  dismiss.textContent = t('widget.notice.dismiss');
  dismiss.addEventListener('click', () => {
    notice.hidden = true;
  });
  notice.replaceChildren(text, dismiss);
  notice.dataset['figure'] = figure;
  notice.hidden = false;
}

/** Mount every widget on the page; each one fails on its own without taking the others down. */
export function mountAllWidgets(): void {
  const roots = [...document.querySelectorAll<HTMLElement>('[data-widget]')];
  checkLinkedFigure(roots);
  for (const root of roots) void mountWidget(root);
  if (roots.length > 0) warmWorker(roots);
}

/**
 * Start the page's worker and its kernel check once the page is idle, before any figure asks:
 * a figure further down then starts on a warm worker, and its first frame comes that much sooner.
 * A failure here is the first run's to report, so it is ignored.
 */
function warmWorker(roots: readonly HTMLElement[]): void {
  const warm = (): void => {
    void atlasClient()
      .backend()
      .catch(() => undefined);
    // Then, at the next idle moment, the drawing code (kit/warm-plot.ts), unless a figure is already
    // computing or drawn: its own drawing warms the code, and a warm-up landing as its result
    // arrives would only hold that drawing back (measured: a figure at the top of a chapter drew
    // later, the figures further down sooner).
    whenIdle(() => {
      if (roots.some((root) => root.dataset['status'] === 'running' || root.dataset['frame'] !== undefined)) return;
      void import('../kit/warm-plot.ts').then((m) => m.warmPlot()).catch(() => undefined);
    });
  };
  whenIdle(warm);
}

function whenIdle(task: () => void): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(task, { timeout: 1000 });
  else setTimeout(task, 0);
}

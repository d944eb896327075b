import { AtlasError, defaultsOf, getExperiment, type AnyExperiment, type ParamNotice } from '@diffusion-atlas/core';
import { atlasClient } from './client.ts';
import { renderControls, type ControlPanel } from './controls.ts';
import { asAtlasError } from './errors.ts';
import { formatDuration } from './format.ts';
import { widgetEntry } from './registry.ts';
import { renderStatusBar, type StatusBar } from './status.ts';
import { queryOf, readQueryParams, writeQueryParams, type ParamValues } from './url-state.ts';
import type { WidgetView } from './view.ts';

/** Long enough to coalesce a slider drag into one run, short enough to feel immediate. */
const RERUN_DELAY_MS = 200;

function part(root: HTMLElement, name: string): HTMLElement {
  const el = root.querySelector<HTMLElement>(`[data-${name}]`);
  if (el === null) throw new AtlasError('internal', `widget markup lacks its [data-${name}] element`);
  return el;
}

function showNotices(el: HTMLElement, notices: readonly ParamNotice[]): void {
  el.replaceChildren();
  el.hidden = notices.length === 0;
  if (notices.length === 0) return;
  const intro = document.createElement('p');
  intro.textContent = 'Some values in this link could not be used as given, so the figure adjusted them:';
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
  dismiss.textContent = 'Dismiss';
  dismiss.addEventListener('click', () => {
    el.hidden = true;
  });
  el.append(intro, list, dismiss);
}

function showTopError(el: HTMLElement, message: string | null): void {
  el.hidden = message === null;
  el.textContent = message ?? '';
}

/** A failure the figure cannot recover from by itself (no such experiment, no view). */
function fail(root: HTMLElement, error: unknown): void {
  root.dataset['status'] = 'error';
  const message = asAtlasError(error).message;
  const el = root.querySelector<HTMLElement>('[data-error]');
  if (el !== null) showTopError(el, `This figure could not start: ${message}`);
}

function controlNames(root: HTMLElement, fallback: readonly string[]): readonly string[] {
  const listed = root.dataset['controls'];
  return listed === undefined || listed.trim() === '' ? fallback : listed.split(',').map((s) => s.trim());
}

/**
 * Bring one `[data-widget]` element to life: controls from the experiment's specs, state from and
 * to the URL, runs on the shared worker, and the experiment's view for the results.
 */
export async function mountWidget(root: HTMLElement): Promise<void> {
  if (root.dataset['mounted'] !== undefined) return;
  root.dataset['mounted'] = '';
  const name = root.dataset['experiment'] ?? '';
  let experiment: AnyExperiment;
  let view: WidgetView;
  const entry = widgetEntry(name);
  try {
    experiment = getExperiment(name);
    if (entry === undefined) throw new AtlasError('unknown-experiment', `no view is registered for “${name}”`);
    const factory = await entry.loadView();
    view = factory({ stage: part(root, 'stage'), readout: part(root, 'readout'), summary: part(root, 'summary') });
  } catch (error) {
    fail(root, error);
    return;
  }
  new WidgetController(root, experiment, view, controlNames(root, entry.controls)).start();
}

class WidgetController {
  private readonly root: HTMLElement;
  private readonly experiment: AnyExperiment;
  private readonly view: WidgetView;
  private readonly ownsUrl: boolean;
  private readonly key: string;
  private params: ParamValues;
  private readonly controls: ControlPanel;
  private readonly status: StatusBar;
  private readonly topError: HTMLElement;
  /** Identifies the latest run: answers for older ones are dropped. */
  private generation = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(root: HTMLElement, experiment: AnyExperiment, view: WidgetView, names: readonly string[]) {
    this.root = root;
    this.experiment = experiment;
    this.view = view;
    // Only one widget can own the page's query; others start from their defaults.
    this.ownsUrl = root.dataset['urlState'] !== 'false';
    this.key = `${experiment.name}#${root.id === '' ? 'widget' : root.id}`;
    const initial = this.ownsUrl
      ? readQueryParams(experiment.params, window.location.search)
      : { params: { ...defaultsOf(experiment.params) }, notices: [] };
    this.params = initial.params;
    showNotices(part(root, 'notice'), initial.notices);
    // Rewrite a repaired link at once, so copying it from the address bar gives what is shown.
    if (this.ownsUrl && initial.notices.length > 0) writeQueryParams(experiment.params, this.params);

    this.topError = part(root, 'error');
    const idPrefix = root.id === '' ? experiment.name : root.id;
    this.controls = renderControls(part(root, 'controls-form'), experiment.params, names, this.params, idPrefix, (key, value) =>
      this.change(key, value),
    );
    this.status = renderStatusBar(root, part(root, 'status-bar'), () => this.stop());
    this.status.setBackend(root.dataset['backend'] ?? 'pending');
    this.updateLinks();
    root.querySelector<HTMLButtonElement>('[data-copy-embed]')?.addEventListener('click', (event) => {
      if (event.currentTarget instanceof HTMLButtonElement) void this.copyEmbedCode(event.currentTarget);
    });
    document.addEventListener('atlas:theme', () => this.view.restyle());
  }

  start(): void {
    atlasClient()
      .backend()
      .then((report) => this.status.setBackend(report.backend))
      .catch((error: unknown) => this.status.setBackend(`unavailable (${asAtlasError(error).message})`));
    void this.run();
  }

  private change(key: string, value: unknown): void {
    this.params = { ...this.params, [key]: value };
    if (this.ownsUrl) writeQueryParams(this.experiment.params, this.params);
    this.updateLinks();
    clearTimeout(this.timer);
    // Running from the first moment: whoever waits for "done" must not see the previous result's.
    this.generation++;
    this.view.pending();
    this.status.set('running', 'Waiting for the controls to settle…');
    this.timer = setTimeout(() => void this.run(), RERUN_DELAY_MS);
  }

  private stop(): void {
    clearTimeout(this.timer);
    this.generation++;
    atlasClient().cancel(this.key);
    this.view.settled('Stopped before the first picture. Change a control to run again.');
    this.status.set('idle', 'Stopped. Change a control to run again.');
  }

  private async run(): Promise<void> {
    const generation = ++this.generation;
    this.controls.clearErrors();
    showTopError(this.topError, null);
    this.view.pending();
    this.status.set('running', 'Computing…');
    try {
      const output = await atlasClient().run(this.experiment.name, this.params, {
        key: this.key,
        onProgress: (fraction) => {
          if (generation === this.generation) this.status.progress(fraction);
        },
      });
      if (generation !== this.generation) return;
      this.status.setBackend(output.backend);
      this.view.show(output, this.params);
      this.status.set('done', `Computed in ${formatDuration(output.elapsedMs)}.`);
    } catch (caught) {
      if (generation !== this.generation) return;
      const error = asAtlasError(caught);
      if (error.code === 'superseded') return;
      if (error.code === 'cancelled') {
        this.view.settled('Stopped before the first picture. Change a control to run again.');
        this.status.set('idle', 'Stopped. Change a control to run again.');
        return;
      }
      this.view.settled(`No picture: ${error.message}`);
      this.status.set('error', 'The computation failed.');
      const placed = error.param !== undefined && this.controls.showError(error.param, error.message);
      if (!placed) showTopError(this.topError, error.message);
    }
  }

  private embedUrl(): string {
    return `/embed/${this.experiment.name}/${queryOf(this.experiment.params, this.params)}`;
  }

  private embedCode(): string {
    const src = new URL(this.embedUrl(), window.location.href).href;
    return `<iframe src="${src}" title="${this.experiment.title}" width="100%" height="760" style="border:0"></iframe>`;
  }

  private async copyEmbedCode(button: HTMLButtonElement): Promise<void> {
    const field = this.root.querySelector<HTMLTextAreaElement>('[data-embed-code]');
    const original = button.textContent;
    try {
      await navigator.clipboard.writeText(this.embedCode());
      button.textContent = 'Copied';
      setTimeout(() => {
        button.textContent = original;
      }, 1500);
    } catch {
      // Clipboard access can be refused; select the code so the reader can copy it by hand.
      field?.focus();
      field?.select();
    }
  }

  private updateLinks(): void {
    const query = queryOf(this.experiment.params, this.params);
    const permalink = this.root.querySelector<HTMLAnchorElement>('[data-permalink]');
    if (permalink !== null) permalink.href = `${window.location.pathname}${query}#${this.root.id}`;
    const embed = this.root.querySelector<HTMLAnchorElement>('[data-embed-link]');
    if (embed !== null) embed.href = this.embedUrl();
    const code = this.root.querySelector<HTMLTextAreaElement>('[data-embed-code]');
    if (code !== null) code.value = this.embedCode();
  }
}

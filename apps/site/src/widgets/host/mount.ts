import { AtlasError, cliCommand, defaultsOf, getExperiment, type AnyExperiment, type ParamNotice } from '@diffusion-atlas/core';
import type { RunOutput } from '@diffusion-atlas/worker';
import { t, tOptional } from '../../i18n/messages.ts';
import { atlasClient } from './client.ts';
import { renderControls, type ControlPanel } from './controls.ts';
import { readEmbedOptions } from './embed-options.ts';
import { asAtlasError } from './errors.ts';
import { LOAD_STATE_EVENT, type LoadStateDetail } from './events.ts';
import { download, exportCsv, exportJson, exportPng, exportSvg, fileStem, type ExportInfo } from './export.ts';
import { formatDuration } from '../kit/format.ts';
import { widgetEntry } from '../registry.ts';
import { renderStatusBar, type StatusBar } from './status.ts';
import { figureQueryOf, linkedFigure, queryNamesParams, queryOf, readQueryParams, writeQueryParams, type ParamValues } from './url-state.ts';
import type { WidgetView } from '../kit/view.ts';

/** Long enough to coalesce a slider drag into one run, short enough to feel immediate. */
const RERUN_DELAY_MS = 200;
/** Start computing a little before the figure scrolls in, so it is ready when the reader arrives. */
const LAZY_MARGIN = '300px 0px';


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
  intro.textContent = t('widget.notice.intro');
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
  if (el !== null) showTopError(el, t('widget.error.start', { message }));
}

function controlNames(root: HTMLElement, fallback: readonly string[]): readonly string[] {
  const listed = root.dataset['controls'];
  return listed === undefined || listed.trim() === '' ? fallback : listed.split(',').map((s) => s.trim());
}

/** Keys that type into the focused element, or that it acts on itself, are not shortcuts there. */
function ownsKey(target: EventTarget | null, key: string): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) return target.type !== 'range' && target.type !== 'checkbox' ? true : key === ' ' && target.type === 'checkbox';
  if (key === ' ' || key === 'Enter') return target.closest('button, a, summary') !== null;
  return false;
}

export interface MountOptions {
  /** Start computing at once instead of when the figure nears the viewport. */
  eager?: boolean;
}

/** How a widget stands to the page's query (url-state.ts has the scheme). */
interface PageLink {
  /** It owns the query: plain parameters are its state, and its changes are written there. */
  owner: boolean;
  /** It starts from the state in the query. */
  reads: boolean;
  /** The query is a link to this figure by its id (`fig`), so the page scrolls to it. */
  named: boolean;
}

function pageLink(root: HTMLElement): PageLink {
  const owner = root.dataset['urlState'] !== 'false';
  // An embed's query is its own: there is one figure on the page.
  if (root.dataset['mode'] === 'embed') return { owner, reads: true, named: false };
  const figure = linkedFigure(window.location.search);
  if (figure === null) return { owner, reads: owner, named: false };
  const named = root.id !== '' && figure === root.id;
  return { owner, reads: named, named };
}

/** The state a widget starts in: the page's link when it reads it (repaired, with notices), else the defaults. */
function initialState(experiment: AnyExperiment, link: PageLink): { params: ParamValues; notices: ParamNotice[] } {
  return link.reads ? readQueryParams(experiment, window.location.search) : { params: { ...defaultsOf(experiment.params) }, notices: [] };
}

/**
 * Bring one `[data-widget]` element to life: controls from the experiment's specs, state from and
 * to the URL, runs on the shared worker once the figure nears the viewport, and the experiment's
 * view for the results.
 */
export async function mountWidget(root: HTMLElement, options: MountOptions = {}): Promise<void> {
  if (root.dataset['mounted'] !== undefined) return;
  root.dataset['mounted'] = '';
  const name = root.dataset['experiment'] ?? '';
  let experiment: AnyExperiment;
  let view: WidgetView;
  const entry = widgetEntry(name);
  const link = pageLink(root);
  let initial: { params: ParamValues; notices: ParamNotice[] };
  // The view may draw before its first run (precomputed data); the controller exists only after it.
  let readyEarly = false;
  let ready = (): void => {
    readyEarly = true;
  };
  try {
    experiment = getExperiment(name);
    if (entry === undefined) throw new AtlasError('unknown-experiment', `no view is registered for “${name}”`);
    initial = initialState(experiment, link);
    const factory = await entry.loadView();
    view = factory({
      stage: part(root, 'stage'),
      readout: part(root, 'readout'),
      summary: part(root, 'summary'),
      initial: initial.params,
      ready: () => ready(),
    });
  } catch (error) {
    fail(root, error);
    return;
  }
  const controller = new WidgetController(root, experiment, view, controlNames(root, entry.controls), link, initial);
  ready = () => controller.viewReady();
  if (readyEarly) controller.viewReady();
  controller.start(options.eager === true);
}

class WidgetController {
  private readonly root: HTMLElement;
  private readonly experiment: AnyExperiment;
  private readonly view: WidgetView;
  private readonly link: PageLink;
  private readonly key: string;
  private readonly locked: ReadonlySet<string>;
  private params: ParamValues;
  private readonly controls: ControlPanel;
  private readonly status: StatusBar;
  private readonly topError: HTMLElement;
  private readonly stage: HTMLElement;
  private poster: HTMLElement | null;
  private lastOutput: RunOutput | undefined;
  private started = false;
  /** Identifies the latest run: answers for older ones are dropped. */
  private generation = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    root: HTMLElement,
    experiment: AnyExperiment,
    view: WidgetView,
    names: readonly string[],
    link: PageLink,
    initial: { params: ParamValues; notices: readonly ParamNotice[] },
  ) {
    this.root = root;
    this.experiment = experiment;
    this.view = view;
    this.stage = part(root, 'stage');
    // The widget the link is for starts from it; the others start from their defaults.
    this.link = link;
    this.key = `${experiment.name}#${root.id === '' ? 'widget' : root.id}`;
    this.params = initial.params;
    const notices = [...initial.notices];

    let visible = names;
    let locked: ReadonlySet<string> = new Set();
    if (root.dataset['mode'] === 'embed') {
      const embed = readEmbedOptions(experiment.params, window.location.search);
      notices.push(...embed.notices);
      visible = embed.options.controls ?? names;
      locked = embed.options.locked;
      // Embeds sit in someone else's page: nothing moves until the reader asks, unless the host opts in.
      root.dataset['autoplay'] = String(embed.options.autoplay);
    }
    this.locked = locked;
    showNotices(part(root, 'notice'), notices);
    // Rewrite a repaired link at once, so copying it from the address bar gives what is shown.
    if (this.link.reads && initial.notices.length > 0) this.writeUrl();

    this.topError = part(root, 'error');
    const idPrefix = root.id === '' ? experiment.name : root.id;
    this.controls = renderControls(
      part(root, 'controls-form'),
      experiment.params,
      visible,
      this.params,
      idPrefix,
      (key, value) => this.change(key, value),
      { locked, experiment: experiment.name },
    );
    this.status = renderStatusBar(
      root,
      part(root, 'status-bar'),
      () => this.stop(),
      () => this.rerun(),
    );
    this.status.setBackend(root.dataset['backend'] ?? t('status.backendPending'));

    // The build-time poster stands in for the default figure only; any other state starts from the view's own placeholder.
    this.poster = root.querySelector<HTMLElement>('[data-poster]');
    if (this.poster !== null) {
      if (queryOf(experiment, this.params) === '') this.stage.hidden = true;
      else this.dropPoster();
    }

    this.updateLinks();
    this.bindTools();
    this.bindKeys();
    this.bindAccessibility();
    root.addEventListener(LOAD_STATE_EVENT, (event) => {
      if (event instanceof CustomEvent) this.load((event.detail as LoadStateDetail).query);
    });
    document.addEventListener('atlas:theme', () => this.view.restyle());
    // The server-rendered markup already has the form and an idle status: this says the widget has
    // taken its state and written its links (tests wait on it; data-mounted is set before that).
    root.dataset['ready'] = '';
  }

  /** Run now, or once the figure nears the viewport (and say so meanwhile). */
  start(eager: boolean): void {
    const cameForThis = this.link.reads && queryNamesParams(this.experiment, window.location.search);
    const targeted = this.root.id !== '' && window.location.hash === `#${this.root.id}`;
    // The anchor may be missing from a shared link, or the page may have moved under it while loading.
    if (this.link.named) this.root.scrollIntoView({ block: 'start' });
    if (eager || cameForThis || targeted || this.link.named || typeof IntersectionObserver === 'undefined') {
      this.begin();
      return;
    }
    this.status.set('idle', t('status.waitingVisible'));
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) {
          observer.disconnect();
          this.begin();
        }
      },
      { rootMargin: LAZY_MARGIN },
    );
    observer.observe(this.root);
  }

  private begin(): void {
    if (this.started) return;
    this.started = true;
    atlasClient()
      .backend()
      .then((report) => this.status.setBackend(report.backend))
      .catch((error: unknown) => this.status.setBackend(t('status.backendUnavailable', { message: asAtlasError(error).message })));
    void this.run();
  }

  /** The view drew the current state from precomputed data before any run: that live figure replaces the poster. */
  viewReady(): void {
    this.dropPoster();
  }

  /**
   * Keep the address bar on the state shown: the owner always writes its plain parameters (taking
   * the query back from a link to another figure); a figure a link named keeps writing its link
   * while the query is still its own.
   */
  private writeUrl(): void {
    if (this.link.owner) writeQueryParams(this.experiment, this.params);
    else if (this.root.id !== '' && linkedFigure(window.location.search) === this.root.id) writeQueryParams(this.experiment, this.params, this.root.id);
  }

  private dropPoster(): void {
    this.poster?.remove();
    this.poster = null;
    this.stage.hidden = false;
  }

  private change(key: string, value: unknown): void {
    if (this.locked.has(key)) return;
    this.params = { ...this.params, [key]: value };
    this.writeUrl();
    this.updateLinks();
    clearTimeout(this.timer);
    this.started = true;
    // Running from the first moment: whoever waits for "done" must not see the previous result's.
    this.generation++;
    this.view.pending();
    this.status.set('running', t('status.settling'));
    this.timer = setTimeout(() => void this.run(), RERUN_DELAY_MS);
  }

  /** Load a whole state (an exercise's): the given values over the defaults, locked values kept. */
  private load(query: string): void {
    const { params, notices } = readQueryParams(this.experiment, query);
    for (const key of this.locked) params[key] = this.params[key];
    this.params = params;
    showNotices(part(this.root, 'notice'), notices);
    this.controls.setValues(this.params);
    this.writeUrl();
    this.updateLinks();
    this.rerun();
  }

  private rerun(): void {
    clearTimeout(this.timer);
    this.started = true;
    void this.run();
  }

  private stop(): void {
    clearTimeout(this.timer);
    this.generation++;
    atlasClient().cancel(this.key);
    this.view.settled(t('view.stopped'));
    this.status.set('idle', t('status.stopped'));
  }

  private async run(): Promise<void> {
    const generation = ++this.generation;
    this.controls.clearErrors();
    showTopError(this.topError, null);
    this.view.pending();
    this.status.set('running', t('status.computing'));
    try {
      const output = await atlasClient().run(this.experiment.name, this.params, {
        key: this.key,
        onProgress: (fraction) => {
          if (generation === this.generation) this.status.progress(fraction);
        },
      });
      if (generation !== this.generation) return;
      this.status.setBackend(output.backend);
      // Unhide the stage first: views size their figure from it.
      this.dropPoster();
      this.lastOutput = output;
      this.view.show(output, this.params);
      this.status.set('done', t('status.done', { duration: formatDuration(output.elapsedMs) }));
    } catch (caught) {
      if (generation !== this.generation) return;
      const error = asAtlasError(caught);
      if (error.code === 'superseded') return;
      if (error.code === 'cancelled') {
        this.view.settled(t('view.stopped'));
        this.status.set('idle', t('status.stopped'));
        return;
      }
      this.dropPoster();
      this.view.settled(t('view.noPicture', { message: error.message }));
      this.status.set('error', t('status.failed'));
      const placed = error.param !== undefined && this.controls.showError(error.param, error.message);
      if (!placed) showTopError(this.topError, error.message);
    }
  }

  private permalink(): string {
    const url = new URL(window.location.href);
    const chapterPath = this.root.dataset['chapterPath'];
    const embed = this.root.dataset['mode'] === 'embed';
    // An embed's permalink is the chapter view of the same state, not the embed itself; it names
    // the figure, since the embed cannot tell whether that figure owns the chapter's query.
    const path = embed && chapterPath !== undefined ? chapterPath : url.pathname;
    const query = this.link.owner && !embed ? queryOf(this.experiment, this.params) : figureQueryOf(this.experiment, this.params, this.root.id);
    return new URL(`${path}${query}#${this.root.id}`, url).href;
  }

  private embedUrl(): string {
    return new URL(`/embed/${this.experiment.name}/${queryOf(this.experiment, this.params)}`, window.location.href).href;
  }

  private embedCode(): string {
    const title = tOptional(`title.${this.experiment.name}`, this.experiment.title).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
    const height = Math.max(480, Math.ceil(this.root.getBoundingClientRect().height) + 80);
    return `<iframe src="${this.embedUrl()}" title="${title}" width="100%" height="${height}" style="border:0" loading="lazy"></iframe>`;
  }

  private command(): string {
    return cliCommand(this.experiment.name, this.experiment, this.params);
  }

  private updateLinks(): void {
    const permalink = this.permalink();
    const set = (selector: string, apply: (el: Element) => void): void => {
      for (const el of this.root.querySelectorAll(selector)) apply(el);
    };
    set('[data-permalink]', (el) => el.setAttribute('href', permalink));
    set('[data-embed-link]', (el) => el.setAttribute('href', this.embedUrl()));
    set('[data-share-permalink]', (el) => {
      if (el instanceof HTMLInputElement) el.value = permalink;
    });
    set('[data-embed-code]', (el) => {
      if (el instanceof HTMLTextAreaElement) el.value = this.embedCode();
    });
    set('[data-share-cli]', (el) => {
      if (el instanceof HTMLInputElement) el.value = this.command();
    });
    set('[data-print-link]', (el) => {
      el.textContent = t('print.permalink', { url: permalink });
    });
    set('[data-chapter-link]', (el) => {
      const chapterPath = this.root.dataset['chapterPath'];
      if (chapterPath !== undefined) el.setAttribute('href', permalink);
    });
  }

  private bindTools(): void {
    this.root.addEventListener('click', (event) => {
      const target = event.target instanceof Element ? event.target : null;
      const copy = target?.closest<HTMLButtonElement>('[data-copy-from]');
      if (copy !== null && copy !== undefined) {
        const field = this.root.querySelector<HTMLInputElement | HTMLTextAreaElement>(copy.dataset['copyFrom'] ?? '');
        if (field !== null) void copyField(copy, field);
        return;
      }
      const exporter = target?.closest<HTMLButtonElement>('[data-export]');
      if (exporter !== null && exporter !== undefined) void this.export(exporter.dataset['export'] ?? '');
    });
  }

  private async export(format: string): Promise<void> {
    const note = this.root.querySelector<HTMLElement>('[data-export-status]');
    const say = (text: string): void => {
      if (note !== null) note.textContent = text;
    };
    const output = this.lastOutput;
    if (output === undefined || this.root.dataset['status'] === 'running') {
      say(t('export.none'));
      return;
    }
    const info: ExportInfo = { experiment: this.experiment, params: output.params, output, permalink: this.permalink(), command: this.command() };
    const stem = fileStem(info);
    try {
      let file = '';
      if (format === 'json') {
        file = `${stem}.json`;
        download(exportJson(info), file, 'application/json');
      } else if (format === 'csv') {
        file = `${stem}.csv`;
        download(exportCsv(info), file, 'text/csv');
      } else {
        const svg = exportSvg(info, this.stage, this.view.figure?.() ?? null);
        if (svg === null) {
          say(t('export.none'));
          return;
        }
        if (format === 'svg') {
          file = `${stem}.svg`;
          download(svg, file, 'image/svg+xml');
        } else {
          file = `${stem}.png`;
          download(await exportPng(info, svg), file, 'image/png');
        }
      }
      say(t('export.done', { file }));
    } catch (error) {
      say(asAtlasError(error).message);
    }
  }

  /** Shortcuts act only while focus is inside this widget, and never on keys the focused control uses. */
  private bindKeys(): void {
    this.root.addEventListener('keydown', (event) => {
      if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
      if (ownsKey(event.target, event.key)) return;
      if (event.key === ' ' || event.key === 'k') {
        const play = this.root.querySelector<HTMLButtonElement>('[data-play]');
        if (this.view.togglePlay !== undefined) this.view.togglePlay();
        else if (play !== null && !play.disabled) play.click();
        else return;
        event.preventDefault();
      } else if (event.key === 'r' || event.key === 'R') {
        this.rerun();
        event.preventDefault();
      } else if (event.key === 'Escape' && this.root.dataset['status'] === 'running') {
        this.stop();
        event.preventDefault();
      }
    });
  }

  /**
   * Charts must be one named image to assistive technology, with the text summary beside them.
   * Observable Plot labels its mark groups (aria-label on <g>), which ARIA forbids on elements
   * without a role; views redraw often, so this runs on every change to the stage.
   */
  private bindAccessibility(): void {
    const fallback = t('widget.figure.fallbackLabel', { title: tOptional(`title.${this.experiment.name}`, this.experiment.title) });
    const fix = (): void => {
      for (const svg of this.stage.querySelectorAll('svg')) {
        if ((svg.parentElement?.closest('svg') ?? null) !== null) continue;
        if (svg.closest('.swatch, [aria-hidden="true"]') !== null) continue;
        if (svg.getAttribute('role') === null) svg.setAttribute('role', 'img');
        if (svg.getAttribute('role') === 'img' && !svg.hasAttribute('aria-label') && !svg.hasAttribute('aria-labelledby')) svg.setAttribute('aria-label', fallback);
        for (const inner of svg.querySelectorAll('[aria-label]')) inner.removeAttribute('aria-label');
        for (const inner of svg.querySelectorAll('[aria-description]')) {
          if (inner !== svg) inner.removeAttribute('aria-description');
        }
      }
    };
    new MutationObserver(fix).observe(this.stage, { childList: true, subtree: true });
    fix();
  }
}

async function copyField(button: HTMLButtonElement, field: HTMLInputElement | HTMLTextAreaElement): Promise<void> {
  const original = button.textContent;
  try {
    await navigator.clipboard.writeText(field.value);
    button.textContent = t('share.copied');
  } catch {
    // Clipboard access can be refused (embedded frames, older browsers): select the text instead.
    field.focus();
    field.select();
    button.textContent = t('share.copyFailed');
  }
  setTimeout(() => {
    button.textContent = original;
  }, 1800);
}

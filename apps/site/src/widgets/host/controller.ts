import type { AnyExperiment, ParamNotice } from '@diffusion-atlas/core';
import type { RunOptions, RunOutput } from '@diffusion-atlas/worker';
import { t, tOptional } from '../../i18n/messages.ts';
import { formatDuration } from '../kit/format.ts';
import type { WidgetView } from '../kit/view.ts';
import { keepChartsAccessible } from './chart-accessibility.ts';
import { atlasClient, type WidgetClient } from './client.ts';
import { copyField } from './clipboard.ts';
import { renderControls, type ControlPanel } from './controls.ts';
import { announcedSeconds } from './cost-note.ts';
import { readEmbedOptions } from './embed-options.ts';
import { asAtlasError } from './errors.ts';
import { LOAD_STATE_EVENT, type LoadStateDetail } from './events.ts';
import { downloadFigure } from './figure-download.ts';
import { frameQueue, type FrameQueue } from './frame-queue.ts';
import { bindShortcuts } from './keyboard.ts';
import { showNotices, showTopError } from './notices.ts';
import type { PageLink } from './page-link.ts';
import { brokenRules, controlLimit, repairedState } from './reachable.ts';
import { command, permalink, updateShareLinks, type SharedState } from './share-links.ts';
import { renderStatusBar, type StatusBar } from './status.ts';
import { linkedFigure, queryNamesParams, queryOf, readQueryParams, writeQueryParams, type ParamValues } from './url-state.ts';
import { part } from './widget-markup.ts';

/** Long enough to coalesce a slider drag into one run, short enough to feel immediate. */
const RERUN_DELAY_MS = 200;
/** Start computing a little before the figure scrolls in, so it is ready when the reader arrives. */
const LAZY_MARGIN = '300px 0px';

/**
 * Draw, and leave how long the drawing held the main thread on the page's performance timeline
 * (`atlas:draw:<what>`), where the responsiveness figures read it.
 */
function timed(what: string, draw: () => void): void {
  const start = performance.now();
  try {
    draw();
  } finally {
    performance.measure(`atlas:draw:${what}`, { start });
  }
}

/**
 * One mounted widget's life: its state (from and to the URL, the controls, exercises), its runs on
 * the shared worker, the view it feeds, and the status bar, share links and downloads around it.
 */
export class WidgetController {
  private readonly root: HTMLElement;
  private readonly experiment: AnyExperiment;
  private readonly view: WidgetView;
  private readonly client: WidgetClient;
  private readonly link: PageLink;
  private readonly key: string;
  private readonly locked: ReadonlySet<string>;
  private params: ParamValues;
  private readonly controls: ControlPanel;
  private readonly controlNames: readonly string[];
  private readonly status: StatusBar;
  private readonly topError: HTMLElement;
  private readonly stage: HTMLElement;
  private poster: HTMLElement | null;
  private lastOutput: RunOutput | undefined;
  private started = false;
  /** Identifies the latest run: answers for older ones are dropped. */
  private generation = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The partial frame waiting to be drawn, if any. */
  private readonly frames: FrameQueue = frameQueue();

  constructor(
    root: HTMLElement,
    experiment: AnyExperiment,
    view: WidgetView,
    names: readonly string[],
    link: PageLink,
    initial: { params: ParamValues; notices: readonly ParamNotice[] },
    client: WidgetClient = atlasClient(),
  ) {
    this.root = root;
    this.client = client;
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
    this.controlNames = visible;
    this.limitControls();
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
    this.client
      .backend()
      .then((report) => this.status.setBackend(report.backend))
      .catch((error: unknown) => this.status.setBackend(t('status.backendUnavailable', { message: asAtlasError(error).message })));
    void this.run();
  }

  /** The view drew the current state from precomputed data before any run: that live figure replaces the poster. */
  viewReady(): void {
    this.dropPoster();
    this.root.dataset['frame'] = 'precomputed';
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
    // A value the rules forbid with the others (a toggle, a typed list) is repaired at once, by the
    // rules' own repair, and the reader is told what else changed and why.
    const repaired = repairedState(this.experiment, { ...this.params, [key]: value });
    // A repair may not move a value the embedding page fixed: the change is refused instead, with the rule.
    if ([...this.locked].some((name) => repaired.params[name] !== this.params[name])) {
      this.controls.setValues(this.params);
      this.controls.showError(key, brokenRules(this.experiment, { ...this.params, [key]: value }).join('; '));
      return;
    }
    this.params = repaired.params;
    if (repaired.notices.length > 0) {
      this.controls.setValues(this.params);
      showNotices(part(this.root, 'notice'), repaired.notices, t('widget.notice.repaired'));
    }
    this.limitControls();
    this.writeUrl();
    this.updateLinks();
    clearTimeout(this.timer);
    this.started = true;
    // Running from the first moment: whoever waits for "done" must not see the previous result's.
    this.generation++;
    this.frames.drop();
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
    this.limitControls();
    this.writeUrl();
    this.updateLinks();
    this.rerun();
  }

  /** Bound every slider to what the rules allow with the other values as they are now. */
  private limitControls(): void {
    for (const name of this.controlNames) this.controls.limit(name, controlLimit(this.experiment, this.params, name));
  }

  private rerun(): void {
    clearTimeout(this.timer);
    this.started = true;
    void this.run();
  }

  private stop(): void {
    clearTimeout(this.timer);
    this.generation++;
    this.frames.drop();
    this.client.cancel(this.key);
    this.view.settled(t('view.stopped'));
    this.status.set('idle', t('status.stopped'));
  }

  private async run(): Promise<void> {
    const generation = ++this.generation;
    this.controls.clearErrors();
    showTopError(this.topError, null);
    this.view.pending();
    // A long run says so before it starts, from the experiment's own cost model.
    const seconds = announcedSeconds(this.experiment, this.params);
    if (seconds === null) delete this.root.dataset['estimate'];
    else this.root.dataset['estimate'] = String(seconds);
    this.status.set('running', seconds === null ? t('status.computing') : t('status.computingAbout', { seconds }));
    const options: RunOptions = {
      key: this.key,
      onProgress: (fraction) => {
        if (generation === this.generation) this.status.progress(fraction);
      },
    };
    // Only a view that draws partial results asks for them: the worker builds none otherwise.
    const { view } = this;
    if (view.partial !== undefined) {
      /** The run's first partial frame is drawn; the later ones wait for a paint. */
      let drawnOnce = false;
      const draw = (partial: RunOutput): void => {
        if (generation !== this.generation) return;
        this.dropPoster();
        timed(`partial:${this.experiment.name}`, () => view.partial?.(partial, this.params));
        // What the stage shows: tests and the responsiveness figures key on it.
        this.root.dataset['frame'] = 'partial';
      };
      // A partial figure that cannot be drawn is skipped: the finished run still comes and
      // replaces it. Said on the console, since nothing else would show it.
      const skipped = (error: unknown): void => {
        console.error(`${this.experiment.name}: a partial result could not be drawn: ${asAtlasError(error).message}`);
      };
      options.onPartial = (partial) => {
        if (generation !== this.generation) return undefined;
        const percent = Math.round(100 * (partial.partial?.fraction ?? 0));
        // A long run's estimate stays in view when its first partial frame comes at once.
        this.status.note(seconds === null ? t('status.partial', { percent }) : t('status.partialAbout', { percent, seconds }));
        if (!drawnOnce) {
          // The first picture of the run is what the reader waits for: drawn at once, not a paint later
          // (on a page still loading, the next paint can be tens of milliseconds away).
          drawnOnce = true;
          try {
            draw(partial);
          } catch (error) {
            skipped(error);
          }
          return undefined;
        }
        // Later ones after the page has painted the status line (frame-queue.ts); the worker sends
        // the next partial only when this one is drawn or dropped.
        return this.frames.offer(() => draw(partial)).catch(skipped);
      };
    }
    try {
      const output = await this.client.run(this.experiment.name, this.params, options);
      if (generation !== this.generation) return;
      this.frames.drop();
      this.status.setBackend(output.backend);
      // Unhide the stage first: views size their figure from it.
      this.dropPoster();
      this.lastOutput = output;
      timed(`final:${this.experiment.name}`, () => this.view.show(output, this.params));
      this.root.dataset['frame'] = 'final';
      this.status.set('done', t('status.done', { duration: formatDuration(output.elapsedMs) }));
    } catch (caught) {
      if (generation !== this.generation) return;
      this.frames.drop();
      const error = asAtlasError(caught);
      if (error.code === 'superseded') return;
      if (error.code === 'cancelled') {
        this.view.settled(t('view.stopped'));
        this.status.set('idle', t('status.stopped'));
        return;
      }
      this.dropPoster();
      this.view.settled(t('view.noPicture', { message: error.message }));
      // The experiment's own words, never a generic failure: they name the rule or the limit met.
      this.status.set('error', t('status.failed', { message: error.message }));
      const placed = error.param !== undefined && this.controls.showError(error.param, error.message);
      if (!placed) showTopError(this.topError, error.message);
    }
  }

  private shared(): SharedState {
    return { root: this.root, experiment: this.experiment, params: this.params, link: this.link };
  }

  private updateLinks(): void {
    updateShareLinks(this.shared());
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
      if (exporter === null || exporter === undefined) return;
      const state = this.shared();
      void downloadFigure(exporter.dataset['export'] ?? '', {
        root: this.root,
        stage: this.stage,
        experiment: this.experiment,
        output: this.lastOutput,
        permalink: permalink(state),
        command: command(state),
        figure: this.view.figure?.() ?? null,
      });
    });
  }

  private bindKeys(): void {
    bindShortcuts(this.root, {
      togglePlay: () => {
        const play = this.root.querySelector<HTMLButtonElement>('[data-play]');
        if (this.view.togglePlay !== undefined) this.view.togglePlay();
        else if (play !== null && !play.disabled) play.click();
        else return false;
        return true;
      },
      rerun: () => this.rerun(),
      stop: () => {
        if (this.root.dataset['status'] !== 'running') return false;
        this.stop();
        return true;
      },
    });
  }

  private bindAccessibility(): void {
    keepChartsAccessible(this.stage, t('widget.figure.fallbackLabel', { title: tOptional(`title.${this.experiment.name}`, this.experiment.title) }));
  }
}

import { AtlasError, type ExperimentName, type ExperimentOf, type ResultOf, type ResultRecord } from '@diffusion-atlas/core';
import type { RunOutput } from '@diffusion-atlas/worker';
/** A widget's parameter values, as the controls, the URL and the views hold them. */
export type ParamValues = Record<string, unknown>;

/** What the generic widget machinery hands to an experiment's view. */
export interface ViewContext {
  /** Where the view draws; it owns everything inside. */
  stage: HTMLElement;
  /** A visible line (or lines) of live numbers, updated as the reader scrubs. */
  readout: HTMLElement;
  /** The polite live region: one sentence per finished run, not per animation frame. */
  summary: HTMLElement;
  /**
   * A static data file of the site (a path such as /data/x.json), already parsed, or undefined.
   * Given only where a view cannot fetch: build-time posters read the files the build wrote, so a
   * poster shows what the page shows first. In the browser views fetch.
   */
  staticData?(path: string): unknown;
  /** The state the widget starts in (its link's, or the defaults), for a view that draws before its first run. */
  initial?: ParamValues;
  /**
   * Say that the stage shows the starting state already (drawn from precomputed data before any
   * run), so the build-time poster standing in for it can go.
   */
  ready?(): void;
}

/*
 * Members marked optional have defaults in the machinery (mount.ts), so views written before
 * them keep compiling and working; a view implements one only to do better than the default.
 */
export interface WidgetView {
  /** Draw a finished run. */
  show(output: RunOutput, params: ParamValues): void;
  /**
   * Draw a partial result of the run on its way (`output.partial` says how much is done); the
   * finished run's `show` replaces it. Only views that have it are sent partials.
   */
  partial?(output: RunOutput, params: ParamValues): void;
  /** A run for new parameters is on its way: the old picture stays, marked stale. */
  pending(): void;
  /** No run is coming (stopped, or failed with the given reason shown elsewhere); unmark the picture. */
  settled(note: string): void;
  /** Theme colours changed: redraw with the new ones. */
  restyle(): void;
  /**
   * The element to download as PNG/SVG and to print. Default: every chart-sized top-level SVG or
   * canvas in the stage, placed as on screen.
   */
  figure?(): Element | null;
  /** Play or pause the view's animation (the Space shortcut). Default: its timeline's play button. */
  togglePlay?(): void;
}

/** Builds an experiment's view; it names its experiment, so the registry can only file it under that one. */
export type ViewFactory<N extends string = string> = ((context: ViewContext) => WidgetView) & { readonly experiment: N };

/**
 * The result a view of experiment `N` reads: core's own result type for an experiment of core's
 * list; a plain record, read through kit/result-fields.ts, for one outside it (a test's fixture).
 */
export type ResultFor<N extends string> = N extends ExperimentName ? ResultOf<ExperimentOf<N>> : ResultRecord;

/** A finished run of experiment `N`, its result typed as core's own run returns it. */
export type OutputOf<N extends string> = RunOutput<ResultFor<N>>;

/**
 * The worker answers a run with the result of the named experiment's own `run`, and structured
 * cloning keeps every field's type; so a run that names `name` carries that experiment's result.
 */
function isOutputOf<N extends string>(name: N, output: RunOutput): output is OutputOf<N> {
  return output.experiment === name;
}

/** What a view built with defineView supplies; the lifecycle around it is the kit's. */
export interface ViewParts<N extends string> {
  /** A finished run: keep what the figure needs, draw it, and write the summary. */
  show(output: OutputOf<N>, params: ParamValues): void;
  /**
   * A partial result of the run on its way: draw it with the same code as a finished one, on the
   * same scales where the figure allows, so the final result replaces it without a jump; leave the
   * summary (the live region) for the finished run. A view without it is sent no partials.
   */
  partial?(output: OutputOf<N>, params: ParamValues): void;
  /** Draw again from what the view holds (new theme colours, new width); nothing before there is anything. */
  redraw(): void;
  /** Extra work when a run is on its way (pause an animation); the stage is marked stale by the kit. */
  pending?(): void;
  /** No run is coming (stopped, or failed): where nothing is drawn yet, say so in the figure's place. */
  settled?(note: string): void;
  /** The element whose width decides the figure's; the stage by default. */
  resizes?: HTMLElement;
  figure?(): Element | null;
  togglePlay?(): void;
}

/**
 * Redraw when the observed element's width changes, and only then: a redraw changes the height,
 * which would trigger the observer again (ResizeObserver loop).
 */
export function redrawOnWidthChange(target: HTMLElement, redraw: () => void): void {
  if (typeof ResizeObserver === 'undefined') return;
  let drawnWidth = -1;
  new ResizeObserver(() => {
    const width = target.clientWidth;
    if (width === drawnWidth) return;
    drawnWidth = width;
    redraw();
  }).observe(target);
}

/**
 * The readout's and summary's staleness: marked while a run is on its way and what they say is the
 * previous run's. Whether a partial drawing wrote one is read from the DOM's own record of the
 * change, so a view needs no bookkeeping of its own (and none where the DOM lacks
 * MutationObserver: the build's posters).
 */
function staleText(elements: HTMLElement[]): { mark(stale: boolean): void; drawn(draw: () => void): void } {
  const watched = elements.map((element) => {
    const observer = typeof MutationObserver === 'undefined' ? null : new MutationObserver(() => undefined);
    observer?.observe(element, { childList: true, characterData: true, subtree: true });
    return { element, observer };
  });
  return {
    mark(stale) {
      for (const { element } of watched) element.classList.toggle('is-stale', stale);
    },
    drawn(draw) {
      for (const { observer } of watched) observer?.takeRecords();
      draw();
      for (const { element, observer } of watched) if ((observer?.takeRecords().length ?? 0) > 0) element.classList.remove('is-stale');
    },
  };
}

/**
 * A view of experiment `name`, with the lifecycle written once: the stage is marked stale while a
 * run is on its way and unmarked when it lands or none is coming; theme changes and width changes
 * redraw; and `show` receives the run typed by the experiment's own result.
 */
export function defineView<N extends string>(name: N, build: (context: ViewContext) => ViewParts<N>): ViewFactory<N> {
  const factory = (context: ViewContext): WidgetView => {
    const { stage } = context;
    // Every view's figure takes the kit's look (and its 11 px text floor), not only those that ask.
    stage.classList.add('figure-stage');
    const parts = build(context);
    redrawOnWidthChange(parts.resizes ?? stage, () => parts.redraw());
    const words = staleText([context.readout, context.summary]);
    /** Whether the stage shows a frame of the run on its way rather than the last finished one. */
    let partialShown = false;
    const view: WidgetView = {
      show(output, params) {
        if (!isOutputOf(name, output)) throw new AtlasError('internal', `the ${name} view was handed a run of ${output.experiment}`);
        stage.classList.remove('is-stale', 'is-partial');
        partialShown = false;
        parts.show(output, params);
        words.mark(false);
      },
      pending() {
        stage.classList.add('is-stale');
        words.mark(true);
        parts.pending?.();
      },
      settled(note) {
        stage.classList.remove('is-stale', 'is-partial');
        // The picture left is the last finished run's, and so are the words; after a partial frame
        // the picture is the stopped run's, and the words not written since still the previous run's.
        if (!partialShown) words.mark(false);
        parts.settled?.(note);
      },
      restyle() {
        parts.redraw();
      },
    };
    const { figure, togglePlay, partial } = parts;
    if (partial !== undefined) {
      view.partial = (output, params) => {
        if (!isOutputOf(name, output)) throw new AtlasError('internal', `the ${name} view was handed a run of ${output.experiment}`);
        stage.classList.remove('is-stale');
        stage.classList.add('is-partial');
        partialShown = true;
        // Words the partial frame did not write are still the previous run's: they stay marked.
        words.drawn(() => partial(output, params));
      };
    }
    if (figure !== undefined) view.figure = () => figure();
    if (togglePlay !== undefined) view.togglePlay = () => togglePlay();
    return view;
  };
  return Object.assign(factory, { experiment: name });
}

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

export type ViewFactory = (context: ViewContext) => WidgetView;

import type { ViewFactory } from './view.ts';

/** Site-side facts about an experiment's widget; the experiment itself lives in core. */
export interface WidgetEntry {
  /** Parameters that get a control by default, in display order (the rest stay URL-only). */
  controls: readonly string[];
  /** What to look at, for pages that show the widget without its chapter (embeds). */
  caption: string;
  /** Loaded on demand so a page only ships the views it shows. */
  loadView(): Promise<ViewFactory>;
}

export const widgets: Readonly<Record<string, WidgetEntry>> = {
  'noise-and-back': {
    controls: ['dataset', 'score', 'sampler', 'n', 'm', 'steps', 'seed'],
    caption:
      'Trajectories of the backward process in two dimensions, from pure noise at t = T to t_min. Grey points are the n training points. With the empirical score the trajectories end on training points (orange: the memorization test passes); with the exact score of the data law they spread over the whole shape.',
    loadView: async () => (await import('./noise-and-back.ts')).noiseAndBackView,
  },
};

export function widgetEntry(experiment: string): WidgetEntry | undefined {
  return Object.hasOwn(widgets, experiment) ? widgets[experiment] : undefined;
}

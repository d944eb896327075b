import type { ViewFactory } from './view.ts';

/**
 * Site-side facts about an experiment's widget; the experiment itself lives in core, and the
 * widget's caption (what to look at, for pages that show it without its chapter) in the message
 * file as `caption.<experiment>`.
 */
export interface WidgetEntry {
  /** Parameters that get a control by default, in display order (the rest stay URL-only). */
  controls: readonly string[];
  /** Loaded on demand so a page only ships the views it shows. */
  loadView(): Promise<ViewFactory>;
  /**
   * Whether the build draws a poster of the default figure (src/posters.ts); default true. Turn it
   * off only for a view that cannot draw without a browser: until it has run, such a figure has
   * nothing to show without JavaScript or on paper (tests/site/embed.test.ts flags it).
   */
  poster?: boolean;
}

export const widgets: Readonly<Record<string, WidgetEntry>> = {
  'noise-and-back': {
    controls: ['dataset', 'score', 'sampler', 'n', 'm', 'steps', 'seed'],
    loadView: async () => (await import('./noise-and-back.ts')).noiseAndBackView,
  },
  'training-window': {
    controls: ['psiN', 'psiP', 'd', 't', 'matrix', 'noiseDraws', 'tauMax', 'seed'],
    loadView: async () => (await import('./training-window.ts')).trainingWindowView,
  },
  'training-samples': {
    controls: ['tau', 'psiN', 'psiP', 'd', 't', 'samples', 'seed'],
    loadView: async () => (await import('./training-samples.ts')).trainingSamplesView,
  },
  'width-threshold': {
    controls: ['psiPValues', 'psiNValues', 'd', 'seed'],
    loadView: async () => (await import('./width-threshold.ts')).widthThresholdView,
  },
  speciation: {
    controls: ['d', 'method', 'protocol', 'pairs', 'sigma', 'cloneTimes', 'tMax', 'seed'],
    loadView: async () => (await import('./speciation.ts')).speciationView,
  },
  collapse: {
    controls: ['n', 'd', 'data', 'trajectories', 'steps', 'probes', 'seed'],
    loadView: async () => (await import('./collapse.ts')).collapseView,
  },
  curse: {
    controls: ['sigma', 'tStar', 'dMin', 'dMax'],
    loadView: async () => (await import('./curse.ts')).curseView,
  },
  digits: {
    controls: ['classes', 'n', 'trajectories', 'steps', 'seed'],
    loadView: async () => (await import('./digits.ts')).digitsView,
  },
  manifold: {
    controls: ['D', 'shape', 'n', 'epsilon', 'trajectories', 'seed'],
    loadView: async () => (await import('./manifold.ts')).manifoldView,
  },
  sphere: {
    controls: ['n', 'walkers', 's', 'steps', 'seed'],
    loadView: async () => (await import('./sphere.ts')).sphereView,
  },
  bridge: {
    controls: ['case', 'A', 'B', 'T', 'iterations', 'particles', 'seed'],
    loadView: async () => (await import('./bridge.ts')).bridgeView,
  },
  'low-rank-mixture': {
    controls: ['K', 'r', 'n', 'noise', 'orthogonal', 'd', 'seed'],
    loadView: async () => (await import('./low-rank-mixture.ts')).lowRankMixtureView,
  },
  'subspace-transition': {
    controls: ['K', 'd', 'rValues', 'nValues', 'noise', 'trials', 'seed'],
    loadView: async () => (await import('./subspace-transition.ts')).subspaceTransitionView,
  },
  'subspace-editing': {
    controls: ['digit', 'direction', 'strength', 'seed'],
    loadView: async () => (await import('./subspace-editing.ts')).subspaceEditingView,
  },
  reproducibility: {
    controls: ['nValues', 'd', 'K', 'r', 'noise', 'noises', 'closeness', 'seed'],
    loadView: async () => (await import('./reproducibility.ts')).reproducibilityView,
  },
};

export function widgetEntry(experiment: string): WidgetEntry | undefined {
  return Object.hasOwn(widgets, experiment) ? widgets[experiment] : undefined;
}

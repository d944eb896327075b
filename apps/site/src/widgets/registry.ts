import { isExperimentName, type ExperimentName, type ExperimentOf } from '@diffusion-atlas/core';
import type { ViewFactory } from './kit/view.ts';

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

/** The entry of experiment `N`: its controls are its own parameters, its view is built for it. */
type EntryOf<N extends ExperimentName> = WidgetEntry & {
  controls: readonly (keyof ExperimentOf<N>['params'] & string)[];
  loadView(): Promise<ViewFactory<N>>;
};

/**
 * One entry per experiment, checked against core's list: a missing or unknown experiment, a control
 * that is not one of its parameters, or a view built for another experiment fails to compile.
 */
export const widgets = {
  'noise-and-back': {
    controls: ['dataset', 'score', 'sampler', 'n', 'm', 'steps', 'seed'],
    loadView: async () => (await import('./views/noise-and-back.ts')).noiseAndBackView,
  },
  'training-window': {
    controls: ['psiN', 'psiP', 'd', 't', 'matrix', 'noiseDraws', 'tauMax', 'seed'],
    loadView: async () => (await import('./views/training-window/view.ts')).trainingWindowView,
  },
  'training-samples': {
    controls: ['tau', 'psiN', 'psiP', 'd', 't', 'samples', 'seed'],
    loadView: async () => (await import('./views/training-samples.ts')).trainingSamplesView,
  },
  'width-threshold': {
    controls: ['psiPValues', 'psiNValues', 'd', 'seed'],
    loadView: async () => (await import('./views/width-threshold.ts')).widthThresholdView,
  },
  speciation: {
    controls: ['d', 'method', 'protocol', 'pairs', 'sigma', 'cloneTimes', 'tMax', 'seed'],
    loadView: async () => (await import('./views/speciation.ts')).speciationView,
  },
  collapse: {
    controls: ['n', 'd', 'data', 'trajectories', 'steps', 'probes', 'seed'],
    loadView: async () => (await import('./views/collapse.ts')).collapseView,
  },
  curse: {
    controls: ['sigma', 'tStar', 'dMin', 'dMax'],
    loadView: async () => (await import('./views/curse/view.ts')).curseView,
  },
  digits: {
    controls: ['classes', 'n', 'trajectories', 'steps', 'seed'],
    loadView: async () => (await import('./views/digits.ts')).digitsView,
  },
  manifold: {
    controls: ['score', 'D', 'shape', 'n', 'epsilon', 'trajectories', 'seed'],
    loadView: async () => (await import('./views/manifold/view.ts')).manifoldView,
  },
  sphere: {
    controls: ['n', 'walkers', 's', 'steps', 'seed'],
    loadView: async () => (await import('./views/sphere/view.ts')).sphereView,
  },
  bridge: {
    controls: ['case', 'A', 'B', 'T', 'iterations', 'particles', 'seed'],
    loadView: async () => (await import('./views/bridge/view.ts')).bridgeView,
  },
  'low-rank-mixture': {
    controls: ['K', 'r', 'n', 'noise', 'orthogonal', 'd', 'seed'],
    loadView: async () => (await import('./views/low-rank-mixture/view.ts')).lowRankMixtureView,
  },
  'subspace-transition': {
    controls: ['K', 'd', 'rValues', 'nValues', 'noise', 'trials', 'seed'],
    loadView: async () => (await import('./views/subspace-transition/view.ts')).subspaceTransitionView,
  },
  'curie-weiss': {
    controls: ['N', 'beta', 'h', 'n', 'trajectories', 'seed'],
    loadView: async () => (await import('./views/curie-weiss.ts')).curieWeissView,
  },
  'gaussian-field': {
    controls: ['L', 'slope', 'n', 'fields', 'seed'],
    loadView: async () => (await import('./views/gaussian-field.ts')).gaussianFieldView,
  },
  'ising-2d': {
    controls: ['L', 'beta', 'n', 'score', 'seed'],
    loadView: async () => (await import('./views/ising-2d.ts')).ising2dView,
  },
  'subspace-editing': {
    controls: ['method', 't', 'digit', 'direction', 'strength', 'seed'],
    loadView: async () => (await import('./views/subspace-editing.ts')).subspaceEditingView,
  },
  reproducibility: {
    controls: ['nValues', 'd', 'K', 'r', 'noise', 'noises', 'closeness', 'seed'],
    loadView: async () => (await import('./views/reproducibility.ts')).reproducibilityView,
  },
} satisfies { readonly [N in ExperimentName]: EntryOf<N> };

export function widgetEntry(experiment: string): WidgetEntry | undefined {
  return isExperimentName(experiment) ? widgets[experiment] : undefined;
}

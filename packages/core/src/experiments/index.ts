import type { AnyExperiment, ExperimentDefinition } from '../experiment.ts';
import type { ParamSpecs, ParamsOf } from '../params.ts';
import { AtlasError } from '../errors.ts';
import { noiseAndBack } from './noise-and-back.ts';
import { trainingWindow } from './training-window.ts';
import { trainingSamples } from './training-samples.ts';
import { widthThreshold } from './width-threshold.ts';
import { speciation } from './speciation.ts';
import { collapse } from './collapse.ts';
import { curse } from './curse.ts';
import { digits } from './digits.ts';
import { manifold } from './manifold.ts';
import { sphere } from './sphere.ts';
import { bridge } from './bridge.ts';
import { lowRankMixture } from './low-rank-mixture.ts';
import { subspaceTransition } from './subspace-transition.ts';
import { subspaceEditing } from './subspace-editing.ts';
import { curieWeiss } from './curie-weiss.ts';
import { gaussianField } from './gaussian-field.ts';
import { ising2d } from './ising-2d.ts';
import { reproducibility } from './reproducibility.ts';

/**
 * Every experiment by its public name (the names are a stable interface: CLI, URLs, embeds). Each
 * key is the experiment's own literal name, so the map's type carries every experiment's
 * parameter and result types to the site's views, the tests and the CLI.
 */
export const experiments = {
  [noiseAndBack.name]: noiseAndBack,
  [trainingWindow.name]: trainingWindow,
  [trainingSamples.name]: trainingSamples,
  [widthThreshold.name]: widthThreshold,
  [speciation.name]: speciation,
  [collapse.name]: collapse,
  [curse.name]: curse,
  [digits.name]: digits,
  [manifold.name]: manifold,
  [sphere.name]: sphere,
  [bridge.name]: bridge,
  [lowRankMixture.name]: lowRankMixture,
  [subspaceTransition.name]: subspaceTransition,
  [subspaceEditing.name]: subspaceEditing,
  [curieWeiss.name]: curieWeiss,
  [gaussianField.name]: gaussianField,
  [ising2d.name]: ising2d,
  [reproducibility.name]: reproducibility,
} satisfies Record<string, AnyExperiment>;

/** The public name of a registered experiment. */
export type ExperimentName = keyof typeof experiments;
/** The definition registered under `N`, with its own parameter and result types. */
export type ExperimentOf<N extends ExperimentName> = (typeof experiments)[N];
/** What an experiment's `run` resolves to. */
export type ResultOf<E> = E extends ExperimentDefinition<ParamSpecs, infer R> ? R : never;
/** The validated parameters an experiment's `run` takes. */
export type ExperimentParams<E> = E extends ExperimentDefinition<infer P, infer _R> ? ParamsOf<P> : never;

export function isExperimentName(name: string): name is ExperimentName {
  return Object.hasOwn(experiments, name);
}

/** The experiment registered under `name`, typed as itself when the name is known statically. */
export function getExperiment<N extends ExperimentName>(name: N): ExperimentOf<N>;
export function getExperiment(name: string): AnyExperiment;
export function getExperiment(name: string): AnyExperiment {
  const e: AnyExperiment | undefined = isExperimentName(name) ? experiments[name] : undefined;
  if (!e) {
    throw new AtlasError('unknown-experiment', `unknown experiment “${name}” (known: ${Object.keys(experiments).join(', ')})`);
  }
  return e;
}

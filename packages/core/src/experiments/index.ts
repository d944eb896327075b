import type { AnyExperiment } from '../experiment.ts';
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
import { reproducibility } from './reproducibility.ts';

/** Every experiment by its public name (the names are a stable interface: CLI, URLs, embeds). */
export const experiments: Record<string, AnyExperiment> = {
  [noiseAndBack.name]: noiseAndBack as unknown as AnyExperiment,
  [trainingWindow.name]: trainingWindow as unknown as AnyExperiment,
  [trainingSamples.name]: trainingSamples as unknown as AnyExperiment,
  [widthThreshold.name]: widthThreshold as unknown as AnyExperiment,
  [speciation.name]: speciation as unknown as AnyExperiment,
  [collapse.name]: collapse as unknown as AnyExperiment,
  [curse.name]: curse as unknown as AnyExperiment,
  [digits.name]: digits as unknown as AnyExperiment,
  [manifold.name]: manifold as unknown as AnyExperiment,
  [sphere.name]: sphere as unknown as AnyExperiment,
  [bridge.name]: bridge as unknown as AnyExperiment,
  [lowRankMixture.name]: lowRankMixture as unknown as AnyExperiment,
  [subspaceTransition.name]: subspaceTransition as unknown as AnyExperiment,
  [subspaceEditing.name]: subspaceEditing as unknown as AnyExperiment,
  [reproducibility.name]: reproducibility as unknown as AnyExperiment,
};

export function getExperiment(name: string): AnyExperiment {
  const e = Object.hasOwn(experiments, name) ? experiments[name] : undefined;
  if (!e) {
    throw new AtlasError('unknown-experiment', `unknown experiment “${name}” (known: ${Object.keys(experiments).join(', ')})`);
  }
  return e;
}

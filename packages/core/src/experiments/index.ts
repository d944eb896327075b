import type { AnyExperiment } from '../experiment.ts';
import { AtlasError } from '../errors.ts';
import { noiseAndBack } from './noise-and-back.ts';

/** Every experiment by its public name (the names are a stable interface: CLI, URLs, embeds). */
export const experiments: Record<string, AnyExperiment> = {
  [noiseAndBack.name]: noiseAndBack as unknown as AnyExperiment,
};

export function getExperiment(name: string): AnyExperiment {
  const e = Object.hasOwn(experiments, name) ? experiments[name] : undefined;
  if (!e) {
    throw new AtlasError('unknown-experiment', `unknown experiment “${name}” (known: ${Object.keys(experiments).join(', ')})`);
  }
  return e;
}

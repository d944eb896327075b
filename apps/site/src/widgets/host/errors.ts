import { AtlasError, isSerializedAtlasError } from '@diffusion-atlas/core';

/** Whatever a run rejected with, as an AtlasError the widget can place and phrase. */
export function asAtlasError(error: unknown): AtlasError {
  if (AtlasError.is(error)) return error;
  if (isSerializedAtlasError(error)) return AtlasError.fromJSON(error);
  if (error instanceof Error) return new AtlasError('internal', error.message);
  return new AtlasError('internal', String(error));
}

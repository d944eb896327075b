import { AtlasError, isSerializedAtlasError, type AtlasErrorCode, type SerializedAtlasError } from '@diffusion-atlas/core';

/**
 * Errors cross the worker boundary as plain objects: structured clone keeps neither the class nor
 * extra fields of an Error, and Comlink's error wrapping keeps only message and stack.
 */
export function serializeError(error: unknown): SerializedAtlasError {
  if (error instanceof AtlasError) return error.toJSON();
  if (isSerializedAtlasError(error)) return error;
  return new AtlasError('internal', messageOf(error)).toJSON();
}

/**
 * The inverse, on the client: always an AtlasError instance. Anything that is not already one
 * (a DataCloneError for params that cannot be sent, say) gets `fallbackCode`.
 */
export function reviveError(error: unknown, fallbackCode: AtlasErrorCode = 'internal'): AtlasError {
  if (error instanceof AtlasError) return error;
  if (isSerializedAtlasError(error)) return AtlasError.fromJSON(error);
  return new AtlasError(fallbackCode, messageOf(error));
}

export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    return (error as { message: string }).message;
  }
  return String(error);
}

/* core uses only runtime globals common to browsers, workers and Node (AbortSignal, setTimeout); the "node" types supply their declarations. */

/** Error codes shared by core, the worker, the CLI and the widgets. */
export type AtlasErrorCode =
  | 'invalid-params'
  | 'unknown-experiment'
  | 'cancelled'
  | 'superseded'
  | 'worker-crashed'
  | 'backend-failed'
  | 'internal';

/**
 * The one error type that crosses boundaries. `param` names the offending parameter so a widget can
 * show the message beside its control and the CLI can name it.
 */
export class AtlasError extends Error {
  readonly code: AtlasErrorCode;
  readonly param: string | undefined;

  constructor(code: AtlasErrorCode, message: string, param?: string) {
    super(message);
    this.name = 'AtlasError';
    this.code = code;
    this.param = param;
  }

  /** Plain-object form: survives structured clone across worker boundaries. */
  toJSON(): SerializedAtlasError {
    return { name: 'AtlasError', code: this.code, message: this.message, param: this.param };
  }

  static fromJSON(value: SerializedAtlasError): AtlasError {
    return new AtlasError(value.code, value.message, value.param);
  }

  static is(value: unknown): value is AtlasError {
    return value instanceof AtlasError;
  }
}

export interface SerializedAtlasError {
  name: 'AtlasError';
  code: AtlasErrorCode;
  message: string;
  param: string | undefined;
}

export function isSerializedAtlasError(value: unknown): value is SerializedAtlasError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { name?: unknown }).name === 'AtlasError' &&
    typeof (value as { code?: unknown }).code === 'string'
  );
}

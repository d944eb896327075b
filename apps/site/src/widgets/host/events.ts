/** Event a page sends to a widget root to load a state (exercises): `detail.query` is a permalink query. */
export const LOAD_STATE_EVENT = 'atlas:load-state';

export interface LoadStateDetail {
  query: string;
}

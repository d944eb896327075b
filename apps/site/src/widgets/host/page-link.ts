import { defaultsOf, type AnyExperiment, type ParamNotice } from '@diffusion-atlas/core';
import { linkedFigure, readQueryParams, type ParamValues } from './url-state.ts';

/** How a widget stands to the page's query (url-state.ts has the scheme). */
export interface PageLink {
  /** It owns the query: plain parameters are its state, and its changes are written there. */
  owner: boolean;
  /** It starts from the state in the query. */
  reads: boolean;
  /** The query is a link to this figure by its id (`fig`), so the page scrolls to it. */
  named: boolean;
}

export function pageLink(root: HTMLElement): PageLink {
  const owner = root.dataset['urlState'] !== 'false';
  // An embed's query is its own: there is one figure on the page.
  if (root.dataset['mode'] === 'embed') return { owner, reads: true, named: false };
  const figure = linkedFigure(window.location.search);
  if (figure === null) return { owner, reads: owner, named: false };
  const named = root.id !== '' && figure === root.id;
  return { owner, reads: named, named };
}

/** The state a widget starts in: the page's link when it reads it (repaired, with notices), else the defaults. */
export function initialState(experiment: AnyExperiment, link: PageLink): { params: ParamValues; notices: ParamNotice[] } {
  return link.reads ? readQueryParams(experiment, window.location.search) : { params: { ...defaultsOf(experiment.params) }, notices: [] };
}

import { cliCommand, type AnyExperiment } from '@diffusion-atlas/core';
import { t, tOptional } from '../../i18n/messages.ts';
import type { PageLink } from './page-link.ts';
import { figureQueryOf, queryOf, type ParamValues } from './url-state.ts';

/** The state a share link is written from. */
export interface SharedState {
  root: HTMLElement;
  experiment: AnyExperiment;
  params: ParamValues;
  link: PageLink;
}

/** The shortest iframe that shows a whole figure with its controls. */
const MIN_EMBED_HEIGHT = 480;

export function permalink({ root, experiment, params, link }: SharedState): string {
  const url = new URL(window.location.href);
  const chapterPath = root.dataset['chapterPath'];
  const embed = root.dataset['mode'] === 'embed';
  // An embed's permalink is the chapter view of the same state, not the embed itself; it names
  // the figure, since the embed cannot tell whether that figure owns the chapter's query.
  const path = embed && chapterPath !== undefined ? chapterPath : url.pathname;
  const query = link.owner && !embed ? queryOf(experiment, params) : figureQueryOf(experiment, params, root.id);
  return new URL(`${path}${query}#${root.id}`, url).href;
}

function embedUrl({ experiment, params }: SharedState): string {
  return new URL(`/embed/${experiment.name}/${queryOf(experiment, params)}`, window.location.href).href;
}

function embedCode(state: SharedState): string {
  const title = tOptional(`title.${state.experiment.name}`, state.experiment.title).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  const height = Math.max(MIN_EMBED_HEIGHT, Math.ceil(state.root.getBoundingClientRect().height) + 80);
  // allow="cross-origin-isolated": a host page that is itself isolated passes isolation on, and the
  // figure then computes on every core; elsewhere the attribute does nothing
  return `<iframe src="${embedUrl(state)}" title="${title}" width="100%" height="${height}" style="border:0" loading="lazy" allow="cross-origin-isolated"></iframe>`;
}

/** The CLI line that reproduces the figure. */
export function command({ experiment, params }: SharedState): string {
  return cliCommand(experiment.name, experiment, params);
}

/** Write the state into every link, share field and print line of the widget. */
export function updateShareLinks(state: SharedState): void {
  const link = permalink(state);
  const set = (selector: string, apply: (el: Element) => void): void => {
    for (const el of state.root.querySelectorAll(selector)) apply(el);
  };
  set('[data-permalink]', (el) => el.setAttribute('href', link));
  set('[data-embed-link]', (el) => el.setAttribute('href', embedUrl(state)));
  set('[data-share-permalink]', (el) => {
    if (el instanceof HTMLInputElement) el.value = link;
  });
  set('[data-embed-code]', (el) => {
    if (el instanceof HTMLTextAreaElement) el.value = embedCode(state);
  });
  set('[data-share-cli]', (el) => {
    if (el instanceof HTMLInputElement) el.value = command(state);
  });
  set('[data-print-link]', (el) => {
    el.textContent = t('print.permalink', { url: link });
  });
  set('[data-chapter-link]', (el) => {
    if (state.root.dataset['chapterPath'] !== undefined) el.setAttribute('href', link);
  });
}

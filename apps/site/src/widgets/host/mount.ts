import { AtlasError, getExperiment, type AnyExperiment, type ParamNotice } from '@diffusion-atlas/core';
import { t } from '../../i18n/messages.ts';
import type { WidgetView } from '../kit/view.ts';
import { widgetEntry, type WidgetEntry } from '../registry.ts';
import type { WidgetClient } from './client.ts';
import { WidgetController } from './controller.ts';
import { asAtlasError } from './errors.ts';
import { showTopError } from './notices.ts';
import { initialState, pageLink } from './page-link.ts';
import type { ParamValues } from './url-state.ts';
import { part } from './widget-markup.ts';

/** A failure the figure cannot recover from by itself (no such experiment, no view). */
function fail(root: HTMLElement, error: unknown): void {
  root.dataset['status'] = 'error';
  const message = asAtlasError(error).message;
  const el = root.querySelector<HTMLElement>('[data-error]');
  if (el !== null) showTopError(el, t('widget.error.start', { message }));
}

function controlNames(root: HTMLElement, fallback: readonly string[]): readonly string[] {
  const listed = root.dataset['controls'];
  return listed === undefined || listed.trim() === '' ? fallback : listed.split(',').map((s) => s.trim());
}

export interface MountOptions {
  /** Start computing at once instead of when the figure nears the viewport. */
  eager?: boolean;
}

/**
 * Bring one `[data-widget]` element to life: controls from the experiment's specs, state from and
 * to the URL, runs on the shared worker once the figure nears the viewport, and the experiment's
 * view for the results.
 */
export async function mountWidget(root: HTMLElement, options: MountOptions = {}): Promise<void> {
  const name = root.dataset['experiment'] ?? '';
  let experiment: AnyExperiment;
  let entry: WidgetEntry;
  try {
    experiment = getExperiment(name);
    const found = widgetEntry(name);
    if (found === undefined) throw new AtlasError('unknown-experiment', `no view is registered for “${name}”`);
    entry = found;
  } catch (error) {
    root.dataset['mounted'] = '';
    fail(root, error);
    return;
  }
  await mountExperiment(root, experiment, entry, options);
}

/**
 * Mount a widget for a given experiment and registry entry. The page's widgets come through
 * mountWidget (core's list and the site's registry); a test mounts an experiment of its own here,
 * with a client that runs it in the test's process.
 */
export async function mountExperiment(root: HTMLElement, experiment: AnyExperiment, entry: WidgetEntry, options: MountOptions & { client?: WidgetClient } = {}): Promise<void> {
  if (root.dataset['mounted'] !== undefined) return;
  root.dataset['mounted'] = '';
  let view: WidgetView;
  const link = pageLink(root);
  let initial: { params: ParamValues; notices: ParamNotice[] };
  // The view may draw before its first run (precomputed data); the controller exists only after it.
  let readyEarly = false;
  let ready = (): void => {
    readyEarly = true;
  };
  try {
    initial = initialState(experiment, link);
    const factory = await entry.loadView();
    view = factory({
      stage: part(root, 'stage'),
      readout: part(root, 'readout'),
      summary: part(root, 'summary'),
      initial: initial.params,
      ready: () => ready(),
    });
  } catch (error) {
    fail(root, error);
    return;
  }
  const controller = new WidgetController(root, experiment, view, controlNames(root, entry.controls), link, initial, options.client);
  ready = () => controller.viewReady();
  if (readyEarly) controller.viewReady();
  controller.start(options.eager === true);
}

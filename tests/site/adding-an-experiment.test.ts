import { parseHTML } from 'linkedom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directContext, referenceKernels, validateParams } from '@diffusion-atlas/core';
import type { RunOutput } from '@diffusion-atlas/worker';
import type { WidgetClient } from '@diffusion-atlas/site/widgets/host/client.ts';
import { mountExperiment } from '@diffusion-atlas/site/widgets/host/mount.ts';
import { readQueryParams } from '@diffusion-atlas/site/widgets/host/url-state.ts';
import type { WidgetEntry } from '@diffusion-atlas/site/widgets/registry.ts';
import { runningMean } from '../fixtures/adding-an-experiment/running-mean.ts';
import { runningMeanView } from '../fixtures/adding-an-experiment/running-mean-view.ts';

/*
 * README's "Adding an experiment", followed with a test-only experiment: its core file and view are
 * in tests/fixtures/adding-an-experiment, and the registry line below is the one the README asks
 * for. It is registered only here, so the widget is mounted through the host's mountExperiment (the
 * step after mountWidget's lookup in core's list and the registry) in a server-side DOM, with a
 * client that runs the experiment in this process where the page's worker would. Everything from
 * the URL to the drawn figure is the site's own code: codec, controls, controller, kit, view.
 */

// Step 5: the registry line.
const entry: WidgetEntry = { controls: ['n', 'p'], loadView: async () => runningMeanView };

/** The page's address, kept by the history stub as the controller rewrites it. */
let address = new URL('https://atlas.test/chapters/noise-and-back/');
const runs: Array<Record<string, unknown>> = [];

const client: WidgetClient = {
  async run(name, params) {
    expect(name).toBe(runningMean.name);
    runs.push({ ...(params as Record<string, unknown>) });
    const valid = validateParams(runningMean.params, params);
    const started = Date.now();
    const result = await runningMean.run(valid, directContext(referenceKernels));
    const output: RunOutput = { experiment: name, params: valid, backend: 'reference', elapsedMs: Date.now() - started, result };
    return output;
  },
  cancel() {},
  async backend() {
    return { backend: 'reference' };
  },
};

const GLOBALS = ['window', 'document', 'location', 'history', 'HTMLElement', 'HTMLInputElement', 'HTMLTextAreaElement', 'HTMLSelectElement', 'HTMLButtonElement', 'Element', 'Node', 'SVGElement', 'CustomEvent', 'Event', 'MutationObserver', 'requestAnimationFrame'] as const;
const saved = new Map<string, PropertyDescriptor | undefined>();

beforeAll(() => {
  const dom = parseHTML('<!doctype html><html lang="en"><body></body></html>');
  const win = dom as unknown as Record<string, unknown>;
  const location = {
    get href() {
      return address.href;
    },
    get search() {
      return address.search;
    },
    get hash() {
      return address.hash;
    },
    get pathname() {
      return address.pathname;
    },
  };
  const history = {
    state: null,
    replaceState(_state: unknown, _title: string, next: string) {
      address = new URL(next, address);
    },
  };
  win['location'] = location;
  // linkedom lacks htmlFor (on <label> a string, on <output> a token list over `for`); the controls use both.
  const outputProto = Object.getPrototypeOf(dom.document.createElement('output')) as object;
  if (!('htmlFor' in outputProto)) {
    Object.defineProperty(outputProto, 'htmlFor', {
      get(this: Element) {
        return { add: (id: string) => this.setAttribute('for', `${this.getAttribute('for') ?? ''} ${id}`.trim()) };
      },
      set(this: Element, id: string) {
        this.setAttribute('for', id);
      },
    });
  }
  const values: Record<(typeof GLOBALS)[number], unknown> = {
    window: win,
    document: dom.document,
    location,
    history,
    HTMLElement: win['HTMLElement'],
    HTMLInputElement: win['HTMLInputElement'],
    HTMLTextAreaElement: win['HTMLTextAreaElement'],
    HTMLSelectElement: win['HTMLSelectElement'],
    HTMLButtonElement: win['HTMLButtonElement'],
    Element: win['Element'],
    Node: win['Node'],
    SVGElement: win['SVGElement'],
    CustomEvent: win['CustomEvent'],
    Event: win['Event'],
    MutationObserver: win['MutationObserver'] ?? class {
      observe(): void {}
      disconnect(): void {}
    },
    requestAnimationFrame: (f: () => void) => setTimeout(f, 0),
  };
  const scope = globalThis as unknown as Record<string, unknown>;
  for (const name of GLOBALS) {
    saved.set(name, Object.getOwnPropertyDescriptor(scope, name));
    Object.defineProperty(scope, name, { value: values[name], configurable: true, writable: true });
  }
});

afterAll(() => {
  const scope = globalThis as unknown as Record<string, unknown>;
  for (const name of GLOBALS) {
    const descriptor = saved.get(name);
    if (descriptor === undefined) Reflect.deleteProperty(scope, name);
    else Object.defineProperty(scope, name, descriptor);
  }
});

/** The server-rendered parts the host looks for (Widget.astro writes them on a page). */
function widgetMarkup(id: string): HTMLElement {
  const root = document.createElement('div');
  root.id = id;
  root.dataset['widget'] = '';
  root.dataset['experiment'] = runningMean.name;
  root.dataset['status'] = 'idle';
  for (const part of ['notice', 'error', 'stage', 'status-bar', 'readout', 'summary']) {
    const el = document.createElement('div');
    el.setAttribute(`data-${part}`, '');
    root.append(el);
  }
  const form = document.createElement('form');
  form.setAttribute('data-controls-form', '');
  root.append(form);
  document.body.append(root);
  return root;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function drawnPoints(root: HTMLElement): number {
  return Number(root.querySelector('[data-stage] svg[data-points]')?.getAttribute('data-points') ?? Number.NaN);
}

describe('adding an experiment, as the README says', () => {
  it('mounts, runs, draws and round-trips its URL state', async () => {
    // A reader arrives on a link with this figure's state.
    address = new URL('https://atlas.test/chapters/noise-and-back/?n=50&p=0.3#running-mean');
    const root = widgetMarkup('running-mean');
    await mountExperiment(root, runningMean, entry, { eager: true, client });

    // Mounted: the host took the link's state and drew controls for the registry's parameters.
    expect(root.dataset['ready']).toBe('');
    expect([...root.querySelectorAll('[data-controls-form] input[type="range"]')].map((el) => el.getAttribute('name'))).toEqual(['n', 'p']);

    // Ran with the link's values (and the default seed), through the client.
    await until(() => root.dataset['status'] === 'done', 'the first run');
    expect(runs).toEqual([{ n: 50, p: 0.3, seed: 1 }]);

    // Drew: the kit's lifecycle handed the run to the view, which plotted one point per flip.
    expect(root.querySelector('[data-stage] .running-mean-line path')).not.toBeNull();
    expect(drawnPoints(root)).toBe(50);
    expect(root.querySelector('[data-stage] .running-mean-placeholder')).toBeNull();
    expect(root.querySelector('[data-stage] .figure-legend-item')?.textContent).toBe('running mean');
    expect(root.querySelector('[data-summary]')?.textContent).toMatch(/^final mean /);
    expect(root.querySelector('[data-stage]')?.classList.contains('is-stale')).toBe(false);

    // The reader moves the n slider: the address bar follows, and the view redraws from the new run.
    const slider = root.querySelector<HTMLInputElement>('input[name="n"]');
    if (slider === null) throw new Error('no n slider');
    slider.value = '80';
    slider.dispatchEvent(new Event('input'));
    expect(address.search).toBe('?n=80&p=0.3');
    await until(() => drawnPoints(root) === 80, 'the redraw for n = 80');
    expect(runs.at(-1)).toEqual({ n: 80, p: 0.3, seed: 1 });

    // Round trip: the rewritten address decodes to the state shown, with nothing to repair…
    const decoded = readQueryParams(runningMean, address.search);
    expect(decoded.notices).toEqual([]);
    expect(decoded.params).toEqual({ n: 80, p: 0.3, seed: 1 });

    // …and a second reader opening it gets the same figure.
    const again = widgetMarkup('running-mean-again');
    again.dataset['urlState'] = 'true';
    await mountExperiment(again, runningMean, entry, { eager: true, client });
    await until(() => again.dataset['status'] === 'done', 'the reopened link');
    expect(runs.at(-1)).toEqual({ n: 80, p: 0.3, seed: 1 });
    expect(drawnPoints(again)).toBe(80);
  });
});

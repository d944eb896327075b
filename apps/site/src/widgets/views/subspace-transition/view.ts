import { defaultsOf, encodeQuery, getExperiment } from '@diffusion-atlas/core';
import { t as msg } from '../../../i18n/messages.ts';
import { mean } from '../../kit/arrays.ts';
import { el, paramNumber, widthOf } from '../../kit/dom.ts';
import { formatPercent, formatValue } from '../../kit/format.ts';
import { legend } from '../../kit/legend.ts';
import { placeholderFigure } from '../../kit/placeholder-figure.ts';
import type { ParamValues } from '../../kit/view.ts';
import { defineView, type OutputOf } from '../../kit/view.ts';
import { CHANCE_LINE, cellsOf, colourScale, EMPIRICAL_LINE, errorProfile, heatmap, LEARNED_LINE, MEASURED_LINE, memoryProfile, THEORY_LINE, TOLERANCE_RULE } from './map.ts';
import { type Cell, EXPERIMENT, FINE_MAP_URL, loadFine, parseStatic, readLive, type Transition } from './transition.ts';

/** Success probability and memorized fractions on the two sides of the line n = r, averaged over cells. */
interface Sides {
  below: number;
  at: number;
  twice: number;
  /** Memorized fraction of the learned denoiser's reverse-process samples. */
  learnedBelow: number;
  learnedAbove: number;
  /** The same for the empirical denoiser of the same training set. */
  empiricalBelow: number;
  empiricalAbove: number;
  /** The same test on fresh samples of the true model. */
  chanceBelow: number;
  chanceAbove: number;
}

function sides(t: Transition): Sides {
  const cells = cellsOf(t);
  const pick = (test: (c: Cell) => boolean, f: (c: Cell) => number): number => mean(cells.filter(test).map(f));
  return {
    below: pick((c) => c.n < c.r, (c) => c.success),
    at: pick((c) => c.n === c.r, (c) => c.success),
    twice: pick((c) => c.n >= 2 * c.r, (c) => c.success),
    learnedBelow: pick((c) => c.n < c.r, (c) => c.learned),
    learnedAbove: pick((c) => c.n >= c.r, (c) => c.learned),
    empiricalBelow: pick((c) => c.n < c.r, (c) => c.empirical),
    empiricalAbove: pick((c) => c.n >= c.r, (c) => c.empirical),
    chanceBelow: pick((c) => c.n < c.r, (c) => c.baseline),
    chanceAbove: pick((c) => c.n >= c.r, (c) => c.baseline),
  };
}

function pct(x: number): string {
  return Number.isFinite(x) ? formatPercent(x) : msg('subspace-transition.noCells');
}

/** A difference of fractions in percentage points, signed: +0.1, −0.3. */
function points(x: number): string {
  if (!Number.isFinite(x)) return msg('subspace-transition.noCells');
  const v = Number((x * 100).toFixed(1));
  return `${v > 0 ? '+' : v < 0 ? '−' : '±'}${Math.abs(v)}`;
}

function span(values: readonly number[]): string {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo === hi ? String(lo) : `${lo}–${hi}`;
}

function sourceText(t: Transition): string {
  const where =
    t.source === 'static'
      ? msg('subspace-transition.source.static')
      : t.elapsedMs === undefined
        ? msg('subspace-transition.source.live')
        : msg('subspace-transition.source.liveTimed', { seconds: formatValue(t.elapsedMs / 1000, 2) });
  const vars = { where, d: t.d, K: t.K, noise: formatValue(t.noise), seed: t.seed, rows: t.rValues.length, cols: t.nValues.length, trials: t.trials };
  const grid = t.trials === 1 ? msg('subspace-transition.source.gridOne', vars) : msg('subspace-transition.source.grid', vars);
  return t.source === 'static' ? `${grid} ${msg('subspace-transition.source.more')}` : grid;
}

function readoutText(t: Transition): string {
  const s = sides(t);
  return msg('subspace-transition.readout', {
    below: pct(s.below),
    at: pct(s.at),
    twice: pct(s.twice),
    chanceBelow: pct(s.chanceBelow),
    chanceAbove: pct(s.chanceAbove),
    learnedBelow: pct(s.learnedBelow),
    learnedAbove: pct(s.learnedAbove),
    empiricalBelow: pct(s.empiricalBelow),
    empiricalAbove: pct(s.empiricalAbove),
  });
}

function summaryText(t: Transition, backend: string | undefined): string {
  const s = sides(t);
  const switchText =
    Number.isFinite(s.below) && Number.isFinite(s.twice)
      ? msg('subspace-transition.switch', { below: pct(s.below), twice: pct(s.twice), at: pct(s.at) })
      : msg('subspace-transition.switch.oneSide');
  // Above chance, in percentage points: the learned model's fraction is the chance level's, not zero.
  const memory = msg('subspace-transition.summary.memory', {
    below: points(s.learnedBelow - s.chanceBelow),
    above: points(s.learnedAbove - s.chanceAbove),
    empiricalBelow: pct(s.empiricalBelow),
    empiricalAbove: pct(s.empiricalAbove),
  });
  const where = t.source === 'static' ? msg('subspace-transition.summary.static') : msg('subspace-transition.summary.live', { backend: backend ?? msg('subspace-transition.backendUnknown') });
  return `${msg('subspace-transition.summary', { r: span(t.rValues), n: span(t.nValues), d: t.d, K: t.K, switchText })} ${memory} ${where}`;
}

/**
 * Chapter 4's transition figure: the precomputed fine heat map of the success probability over
 * (n, r) first, a live coarse one once the reader changes a control, and two profiles against n/r:
 * the subspace error with the derived noiseless PCA formula, and against n the memorized fraction of
 * reverse-process samples of the learned denoiser and of the empirical one, beside the chance level.
 */
export const subspaceTransitionView = defineView('subspace-transition', (context) => {
  const { stage, readout, summary } = context;
  stage.classList.add('figure-stage', 'subspace-transition-stage');
  const experiment = getExperiment(EXPERIMENT);
  const source = el('p', 'subspace-transition-source');
  source.setAttribute('data-source-note', '');
  const mapHost = el('div', 'figure-plot subspace-transition-map-host');
  mapHost.dataset['plot'] = '';
  const scaleHost = el('div', 'subspace-transition-scale');
  const profiles = el('div', 'figure-panels subspace-transition-profiles');
  const errorPanel = el('div', 'figure-panel');
  const errorTitle = el('p', 'figure-panel-title', msg('subspace-transition.panel.error'));
  const errorHost = el('div', 'figure-plot');
  const errorKeys = legend('subspace-transition-error-legend', [
    { label: msg('subspace-transition.legend.measured'), line: MEASURED_LINE },
    { label: msg('subspace-transition.legend.theory'), line: THEORY_LINE },
    { label: msg('subspace-transition.legend.tolerance'), line: TOLERANCE_RULE },
  ]);
  errorPanel.append(errorTitle, errorHost, errorKeys);
  const memoryPanel = el('div', 'figure-panel');
  const memoryTitle = el('p', 'figure-panel-title', msg('subspace-transition.panel.memory'));
  const memoryHost = el('div', 'figure-plot');
  const memoryKeys = legend('subspace-transition-memory-legend', [
    { label: msg('subspace-transition.legend.learned'), line: LEARNED_LINE },
    { label: msg('subspace-transition.legend.empirical'), line: EMPIRICAL_LINE },
    { label: msg('subspace-transition.legend.chance'), line: CHANCE_LINE },
  ]);
  memoryPanel.append(memoryTitle, memoryHost, memoryKeys);
  profiles.append(errorPanel, memoryPanel);
  profiles.hidden = true;
  stage.append(source, mapHost, scaleHost, profiles);
  mapHost.append(placeholderFigure(360, 220, msg('subspace-transition.placeholder'), 'subspace-transition-placeholder'));

  let params: ParamValues = context.initial ?? { ...defaultsOf(experiment.params) };
  const isDefault = (p: ParamValues): boolean => encodeQuery(experiment, p) === '';

  let fine: Transition | undefined;
  let live: Transition | undefined;
  let liveBackend: string | undefined;
  let shown: Transition | undefined;

  /** The precomputed map stands for the untouched default state, when it was computed for it. */
  function current(): Transition | undefined {
    if (fine !== undefined && isDefault(params)) return fine;
    return live;
  }

  function draw(): void {
    const t = current();
    shown = t;
    if (t === undefined) return;
    source.textContent = sourceText(t);
    source.dataset['source'] = t.source;
    // The profiles shown, then every width read before any chart is replaced: a read after a
    // replacement forces the page's layout again.
    profiles.hidden = false;
    const width = widthOf(mapHost, 520, 560, 260);
    const errorWidth = widthOf(errorHost, 320, 420, 240);
    const memoryWidth = widthOf(memoryHost, 320, 420, 240);
    mapHost.replaceChildren(heatmap(t, width));
    scaleHost.replaceChildren(colourScale(Math.min(320, width)));
    errorHost.replaceChildren(errorProfile(t, errorWidth));
    memoryHost.replaceChildren(memoryProfile(t, memoryWidth));
    readout.textContent = readoutText(t);
  }

  /** One sentence for the live region, only when what is shown changes (not on resize or theme). */
  function announce(): void {
    const t = current();
    if (t !== undefined) summary.textContent = summaryText(t, t.source === 'live' ? liveBackend : undefined);
  }

  function useFine(loaded: Transition | undefined): void {
    if (loaded === undefined) return;
    // Only a map computed for the default physics (d, K, σ, seed) may stand for the default state.
    const defaults = defaultsOf(experiment.params);
    const same = (key: 'd' | 'K' | 'noise' | 'seed'): boolean => loaded[key] === paramNumber(defaults, key, Number.NaN);
    if (!same('d') || !same('K') || !same('noise') || !same('seed')) return;
    fine = loaded;
    draw();
    announce();
    if (shown !== undefined) context.ready?.();
  }
  const preloaded = context.staticData?.(FINE_MAP_URL);
  if (preloaded !== undefined) useFine(parseStatic(preloaded));
  else void loadFine().then(useFine);

  return {
    show(output: OutputOf<'subspace-transition'>, next: ParamValues) {
      params = next;
      live = readLive(output);
      liveBackend = output.backend;
      draw();
      announce();
    },
    settled(note: string) {
      if (shown === undefined) mapHost.replaceChildren(placeholderFigure(360, 220, note, 'subspace-transition-placeholder'));
    },
    redraw() {
      draw();
    },
  };
});

import * as Plot from '@observablehq/plot';
import { SUCCESS_TOLERANCE, type ResultRecord } from '@diffusion-atlas/core';
import { t as msg } from '../../../i18n/messages.ts';
import { maxOf } from '../../kit/arrays.ts';
import { categoryColour } from '../../kit/colours.ts';
import { el, svgEl, widthOf } from '../../kit/dom.ts';
import { formatValue } from '../../kit/format.ts';
import { legend, type LegendItem } from '../../kit/legend.ts';
import { logTicks } from '../../kit/log-scale.ts';
import { PLOT_STYLE } from '../../kit/plot-style.ts';
import { float32Field, float64Field, int32Field, numberField } from '../../kit/result-fields.ts';
import { toggleGroup } from '../../kit/toggle-group.ts';
import { subspaceWord } from './words.ts';
import { DEFAULT_CAMERA, DRAG_GAIN, KEY_STEP, clampCamera, drawScene, type Camera, type SceneData } from './scene.ts';
import { createTimeline, type Timeline } from '../../kit/timeline.ts';
import { defineView, type OutputOf, type ParamValues } from '../../kit/view.ts';

/** The three denoisers, in the same colours in every figure and legend. */
const DENOISER_COLOURS = {
  optimal: '#2f7fd0',
  trained: '#3f8f3a',
  empirical: 'var(--memorized)',
  bound: 'var(--fg-soft)',
} as const;

/** What the figure needs from a run, read once per result. */
interface Mixture {
  d: number;
  K: number;
  r: number;
  n: number;
  noise: number;
  orthogonal: boolean;
  t: Float64Array;
  mseOptimal: Float64Array;
  mseTrained: Float64Array;
  mseEmpirical: Float64Array;
  mseKnownComponent: Float64Array;
  seOptimal: Float64Array;
  seTrained: Float64Array;
  seEmpirical: Float64Array;
  testPoints: number;
  subspaceError: Float64Array;
  frameTimes: Float64Array;
  scene: { optimal: SceneData; empirical: SceneData };
}

type Driver = 'optimal' | 'empirical';

/** Larger than almost every training point and the noise the runs start from, in data units. */
function extentOf(sets: ReadonlyArray<{ values: Float32Array; d: number }>): number {
  const norms: number[] = [];
  for (const set of sets) {
    const dims = Math.min(3, set.d);
    for (let i = 0; i < set.values.length; i += set.d) {
      let s = 0;
      for (let a = 0; a < dims; a++) s += (set.values[i + a] ?? 0) ** 2;
      norms.push(Math.sqrt(s));
    }
  }
  norms.sort((a, b) => a - b);
  const q = norms[Math.floor(0.97 * (norms.length - 1))] ?? 2.5;
  return Math.min(5, Math.max(2.2, Math.ceil(q * 2) / 2));
}

function read(result: ResultRecord, params: ParamValues): Mixture {
  const d = numberField(result, 'd');
  const K = numberField(result, 'K');
  const r = numberField(result, 'r');
  const training = float32Field(result, 'training');
  const trainingLabels = int32Field(result, 'trainingLabels');
  const bases = float64Field(result, 'bases');
  const learnedBases = float64Field(result, 'learnedBases');
  const frameTimes = float64Field(result, 'frameTimes');
  const m = numberField(result, 'generated');
  const optimal = float32Field(result, 'trajectoriesOptimal');
  const empirical = float32Field(result, 'trajectoriesEmpirical');
  const extent = extentOf([
    { values: training, d },
    { values: optimal, d },
  ]);
  const sceneFor = (trajectories: Float32Array): SceneData => ({
    d,
    K,
    r,
    training: { values: training, d },
    trainingLabels,
    bases,
    learnedBases,
    trajectories,
    frames: frameTimes.length,
    m,
    extent,
  });
  return {
    d,
    K,
    r,
    n: numberField(result, 'n'),
    noise: typeof params['noise'] === 'number' ? params['noise'] : 0,
    orthogonal: params['orthogonal'] !== false,
    t: float64Field(result, 't'),
    mseOptimal: float64Field(result, 'mseOptimal'),
    mseTrained: float64Field(result, 'mseTrained'),
    mseEmpirical: float64Field(result, 'mseEmpirical'),
    mseKnownComponent: float64Field(result, 'mseKnownComponent'),
    seOptimal: float64Field(result, 'mseOptimalStdErr'),
    seTrained: float64Field(result, 'mseTrainedStdErr'),
    seEmpirical: float64Field(result, 'mseEmpiricalStdErr'),
    testPoints: numberField(result, 'testPoints'),
    subspaceError: float64Field(result, 'subspaceError'),
    frameTimes,
    scene: { optimal: sceneFor(optimal), empirical: sceneFor(empirical) },
  };
}

function dataText(m: Mixture): string {
  const vars = { K: m.K, subspaces: m.K === 1 ? subspaceWord(m.r, false) : subspaceWord(m.r), d: m.d, n: m.n };
  return m.orthogonal ? msg('lrm.data.orthogonal', vars) : msg('lrm.data.random', vars);
}

/** Largest relative gap between the trained and the optimal denoiser's error, over t. */
function trainedGap(m: Mixture): number {
  let gap = 0;
  for (let i = 0; i < m.t.length; i++) {
    const o = m.mseOptimal[i] ?? Number.NaN;
    const tr = m.mseTrained[i] ?? Number.NaN;
    if (o > 0) gap = Math.max(gap, tr / o - 1);
  }
  return gap;
}

function summaryText(m: Mixture, backend: string): string {
  const worst = maxOf(m.subspaceError);
  const recovered = worst <= SUCCESS_TOLERANCE;
  const fit = m.K === 1 ? msg('lrm.fit.pca') : msg('lrm.fit.clustering');
  const found = recovered
    ? msg('lrm.found', { fit, worst: formatValue(worst, 2) })
    : msg('lrm.missed', { fit, worst: formatValue(worst, 2), tolerance: formatValue(SUCCESS_TOLERANCE) });
  const gap = trainedGap(m);
  const trained = gap < 0.05 ? msg('lrm.trained.close') : msg('lrm.trained.gap', { ratio: formatValue(1 + gap, 2) });
  const first = 0;
  const ratio = (m.mseEmpirical[first] ?? Number.NaN) / (m.mseOptimal[first] ?? Number.NaN);
  const t0 = formatValue(m.t[first] ?? Number.NaN, 2);
  const memorizing = Number.isFinite(ratio)
    ? ratio > 1.2
      ? msg('lrm.memorizing.worse', { t: t0, ratio: formatValue(ratio, 2) })
      : msg('lrm.memorizing.close', { t: t0, ratio: formatValue(ratio, 2) })
    : '';
  const head = msg('lrm.summary', { data: dataText(m), found, trained });
  return `${head} ${memorizing} ${msg('lrm.summary.points', { points: m.testPoints, backend })}`;
}

function readoutText(m: Mixture, frame: number, driver: Driver): string {
  const t = m.frameTimes[frame] ?? Number.NaN;
  const errors = Array.from(m.subspaceError, (e, k) => msg('lrm.readout.error', { error: formatValue(e, 2), k: k + 1 })).join(msg('list.separator'));
  const last = m.t.length - 1;
  const mid = Math.floor(m.t.length / 2);
  const at = (i: number): string =>
    msg('lrm.readout.at', {
      t: formatValue(m.t[i] ?? Number.NaN, 2),
      optimal: formatValue(m.mseOptimal[i] ?? Number.NaN, 3),
      trained: formatValue(m.mseTrained[i] ?? Number.NaN, 3),
      memorizing: formatValue(m.mseEmpirical[i] ?? Number.NaN, 3),
    });
  const who = driver === 'optimal' ? msg('lrm.driver.optimal') : msg('lrm.driver.empirical');
  const vars = { who, t: formatValue(t, 2), frame: frame + 1, frames: m.frameTimes.length, errors, first: at(0), mid: at(mid), last: at(last) };
  return m.d > 3 ? msg('lrm.readout.projected', vars) : msg('lrm.readout', vars);
}

interface Row {
  t: number;
  mean: number;
  lo: number;
  hi: number;
}

/** Mean ± 2 standard errors, floored just above 0 so the log axis can draw the band. */
function rows(t: Float64Array, mean: Float64Array, se: Float64Array): Row[] {
  return Array.from(t, (tt, i) => {
    const m = mean[i] ?? Number.NaN;
    const s = se[i] ?? 0;
    return { t: tt, mean: m, lo: Math.max(m * 0.05, m - 2 * s), hi: m + 2 * s };
  });
}

function errorChart(m: Mixture, width: number): SVGSVGElement | HTMLElement {
  const optimal = rows(m.t, m.mseOptimal, m.seOptimal);
  const trained = rows(m.t, m.mseTrained, m.seTrained);
  const empirical = rows(m.t, m.mseEmpirical, m.seEmpirical);
  const bound = Array.from(m.t, (t, i) => ({ t, mean: m.mseKnownComponent[i] ?? Number.NaN }));
  const band = (data: Row[], colour: string, name: string): Plot.Markish =>
    Plot.areaY(data, { x: 't', y1: 'lo', y2: 'hi', fill: colour, fillOpacity: 0.16, className: `lr-band lr-band-${name}` });
  const line = (data: ReadonlyArray<{ t: number; mean: number }>, colour: string, name: string, dash?: string, strokeWidth = 1.8): Plot.Markish =>
    Plot.line(data, {
      x: 't',
      y: 'mean',
      stroke: colour,
      strokeWidth,
      ...(dash === undefined ? {} : { strokeDasharray: dash }),
      className: `lr-mse lr-mse-${name}`,
    });
  const tLo = Math.min(...m.t);
  const tHi = Math.max(...m.t);
  const values = [...optimal, ...trained, ...empirical].flatMap((row) => [row.lo, row.hi]).concat(bound.map((b) => b.mean));
  const positive = values.filter((v) => v > 0 && Number.isFinite(v));
  const yLo = Math.min(...positive) * 0.9;
  const yHi = Math.max(...positive) * 1.1;
  const xTicks = logTicks(tLo, tHi, Math.floor(width / 45));
  const yTicks = logTicks(yLo, yHi, 9);
  const svg = Plot.plot({
    width,
    height: Math.round(Math.min(320, width * 0.78)),
    marginLeft: 48,
    marginRight: 12,
    marginTop: 22,
    marginBottom: 36,
    className: 'lr-errors',
    ariaLabel: msg('lrm.aria.curves', { points: m.testPoints }),
    style: PLOT_STYLE,
    x: { type: 'log', domain: [tLo, tHi] },
    y: { type: 'log', domain: [yLo, yHi] },
    marks: [
      // Explicit axis marks with a text channel: a tickFormat on a log scale goes through d3's log
      // tickFormat, which blanks the labels it judges too many (0.05 and 0.5 vanished).
      Plot.gridY(yTicks, { strokeOpacity: 0.08 }),
      Plot.axisX(xTicks, { label: msg('lrm.x'), labelAnchor: 'right', text: (v: number) => formatValue(v) }),
      Plot.axisY(yTicks, { label: '↑ E|x̂₀ − x₀|²', labelAnchor: 'top', text: (v: number) => formatValue(v) }),
      band(empirical, DENOISER_COLOURS.empirical, 'empirical'),
      band(optimal, DENOISER_COLOURS.optimal, 'optimal'),
      band(trained, DENOISER_COLOURS.trained, 'trained'),
      line(bound, DENOISER_COLOURS.bound, 'known', '2 3', 1.2),
      line(empirical, DENOISER_COLOURS.empirical, 'empirical'),
      line(optimal, DENOISER_COLOURS.optimal, 'optimal'),
      // Dashed on top of the optimal curve: where the subspaces are recovered the two coincide.
      line(trained, DENOISER_COLOURS.trained, 'trained', '6 4', 2),
    ],
  });
  svg.dataset['points'] = String(m.t.length);
  return svg;
}

/**
 * Chapter 4's first figure: data on K subspaces in a rotatable 3-D view, with the learned
 * subspaces and backward trajectories, beside the denoising error of the optimal, trained and
 * memorizing denoisers over t.
 */
export const lowRankMixtureView = defineView('low-rank-mixture', (context) => {
  const { stage, readout, summary } = context;
  stage.classList.add('figure-stage', 'lr-stage');
  const panels = el('div', 'figure-panels lr-panels');

  // The 3-D panel: a focusable viewport that turns with drags and arrow keys.
  const scenePanel = el('div', 'figure-panel lr3-panel');
  const sceneTitle = el('p', 'figure-panel-title', msg('lrm.panel.scene'));
  const viewport = el('div', 'lr3-viewport');
  viewport.tabIndex = 0;
  viewport.setAttribute('role', 'application');
  viewport.setAttribute('aria-roledescription', msg('lrm.scene.role'));
  viewport.setAttribute('aria-label', msg('lrm.scene.label'));
  const sceneSvg = svgEl('svg', { class: 'lr3-scene', width: 360, height: 360, viewBox: '0 0 360 360' });
  viewport.append(sceneSvg);
  const hint = el('p', 'figure-note lr3-hint', msg('lrm.scene.hint'));
  const note = el('p', 'figure-note lr3-projection-note');
  note.hidden = true;
  const driverToggle = toggleGroup<Driver>(
    msg('lrm.driver.group'),
    [
      { value: 'optimal', label: msg('lrm.driver.exact') },
      { value: 'empirical', label: msg('lrm.driver.empiricalShort') },
    ],
    'optimal',
    () => redrawScene(),
    msg('lrm.driver.label'),
  );

  const curvesPanel = el('div', 'figure-panel lr-curves-panel');
  const curvesTitle = el('p', 'figure-panel-title', msg('lrm.panel.curves'));
  const curvesHost = el('div', 'figure-plot lr-curves');
  curvesHost.dataset['plot'] = '';
  curvesHost.append(el('p', 'figure-placeholder-note', msg('ch4.placeholder')));
  const curveKeys = legend('lr-curve-legend', [
    { label: msg('lrm.legend.optimal'), colour: DENOISER_COLOURS.optimal, shape: 'line' },
    { label: msg('lrm.legend.trained'), colour: DENOISER_COLOURS.trained, shape: 'dash' },
    { label: msg('lrm.legend.empirical'), colour: DENOISER_COLOURS.empirical, shape: 'line' },
    { label: msg('lrm.legend.oracle'), colour: DENOISER_COLOURS.bound, shape: 'dash' },
    { label: msg('lrm.legend.band'), colour: 'var(--fg-soft)', shape: 'band' },
  ]);
  curvesPanel.append(curvesTitle, curvesHost, curveKeys);

  let mixture: Mixture | undefined;
  let camera: Camera = { ...DEFAULT_CAMERA };
  let driver: Driver = 'optimal';
  let sceneKeys: HTMLElement | undefined;

  const timeline: Timeline = createTimeline({
    label: msg('lrm.timeline'),
    describe: (index) => (mixture === undefined ? '' : `t = ${formatValue(mixture.frameTimes[index] ?? 0, 2)}`),
    onFrame: () => redrawScene(),
  });
  scenePanel.append(sceneTitle, driverToggle.element, viewport, timeline.element, hint, note);
  panels.append(scenePanel, curvesPanel);
  stage.append(panels);

  function sceneSize(): number {
    return widthOf(viewport, 360, 420, 260);
  }

  function redrawScene(): void {
    const m = mixture;
    if (m === undefined) return;
    driver = driverToggle.value();
    const frame = timeline.index();
    drawScene(sceneSvg, m.scene[driver], {
      size: sceneSize(),
      frame,
      camera,
      pathColour: driver === 'optimal' ? 'var(--fg)' : 'var(--memorized)',
    });
    sceneSvg.dataset['driver'] = driver;
    sceneSvg.dataset['training'] = String(m.scene.optimal.trainingLabels.length);
    sceneSvg.dataset['components'] = String(m.K);
    sceneSvg.setAttribute(
      'aria-label',
      msg(m.d > 3 ? 'lrm.scene.drawnProjected' : 'lrm.scene.drawn', {
        points: m.K * m.n,
        K: m.K,
        subspaces: subspaceWord(m.r),
        trajectories: m.scene.optimal.m,
        t: formatValue(m.frameTimes[frame] ?? 0, 2),
      }),
    );
    readout.textContent = readoutText(m, frame, driver);
  }

  function redrawCurves(): void {
    const m = mixture;
    if (m === undefined) return;
    curvesHost.replaceChildren(errorChart(m, widthOf(curvesHost, 360, 520, 260)));
  }

  function turn(dYaw: number, dPitch: number): void {
    camera = clampCamera({ yaw: camera.yaw + dYaw, pitch: camera.pitch + dPitch });
    redrawScene();
  }

  // Drag to rotate: pointer events cover mouse, pen and touch alike (touch-action in figure.css).
  let drag: { id: number; x: number; y: number } | undefined;
  let pending: { dx: number; dy: number } | undefined;
  viewport.addEventListener('pointerdown', (event) => {
    if (event.button !== 0 && event.pointerType === 'mouse') return;
    drag = { id: event.pointerId, x: event.clientX, y: event.clientY };
    viewport.setPointerCapture(event.pointerId);
    viewport.classList.add('is-dragging');
  });
  viewport.addEventListener('pointermove', (event) => {
    if (drag === undefined || event.pointerId !== drag.id) return;
    const dx = event.clientX - drag.x;
    const dy = event.clientY - drag.y;
    drag = { ...drag, x: event.clientX, y: event.clientY };
    // Coalesce the moves of one frame into one redraw.
    if (pending === undefined) {
      pending = { dx, dy };
      requestAnimationFrame(() => {
        const p = pending;
        pending = undefined;
        if (p !== undefined) turn(p.dx * DRAG_GAIN, p.dy * DRAG_GAIN);
      });
    } else {
      pending = { dx: pending.dx + dx, dy: pending.dy + dy };
    }
  });
  const endDrag = (event: PointerEvent): void => {
    if (drag === undefined || event.pointerId !== drag.id) return;
    drag = undefined;
    viewport.classList.remove('is-dragging');
    if (viewport.hasPointerCapture(event.pointerId)) viewport.releasePointerCapture(event.pointerId);
  };
  viewport.addEventListener('pointerup', endDrag);
  viewport.addEventListener('pointercancel', endDrag);
  viewport.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const step = event.shiftKey ? KEY_STEP / 3 : KEY_STEP;
    switch (event.key) {
      case 'ArrowLeft':
        turn(-step, 0);
        break;
      case 'ArrowRight':
        turn(step, 0);
        break;
      case 'ArrowUp':
        turn(0, step);
        break;
      case 'ArrowDown':
        turn(0, -step);
        break;
      case 'Home':
        camera = { ...DEFAULT_CAMERA };
        redrawScene();
        break;
      default:
        return;
    }
    event.preventDefault();
  });


  return {
    resizes: panels,
    show(output: OutputOf<'low-rank-mixture'>, params: ParamValues) {
      const m = read(output.result, params);
      mixture = m;
      note.hidden = m.d <= 3;
      note.textContent =
        m.d > 3 ? msg('lrm.scene.projection', { d: m.d }) : '';
      const items: LegendItem[] = [];
      for (let k = 0; k < Math.min(m.K, 6); k++) items.push({ label: msg('lrm.legend.subspace', { k: k + 1 }), colour: categoryColour(k), shape: 'dot' });
      items.push(
        { label: msg('lrm.legend.true'), colour: 'var(--fg-soft)', shape: 'dash' },
        { label: msg('lrm.legend.learned'), colour: 'var(--fg-soft)', shape: 'line' },
        { label: msg('lrm.legend.samples'), colour: 'var(--fg)', shape: 'ring' },
      );
      const keys = legend('lr3-legend', items);
      if (sceneKeys === undefined) scenePanel.insertBefore(keys, hint);
      else sceneKeys.replaceWith(keys);
      sceneKeys = keys;
      timeline.reset(m.frameTimes.length);
      redrawScene();
      redrawCurves();
      summary.textContent = summaryText(m, output.backend);
    },
    pending() {
      timeline.pause();
    },
    settled(note: string) {
      if (mixture === undefined) curvesHost.replaceChildren(el('p', 'figure-placeholder-note', note));
    },
    redraw() {
      redrawScene();
      redrawCurves();
    },
  };
});

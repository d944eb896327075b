import * as Plot from '@observablehq/plot';
import { SUCCESS_TOLERANCE, type ResultRecord } from '@diffusion-atlas/core';
import type { RunOutput } from '@diffusion-atlas/worker';
import {
  DENOISER_COLOURS,
  PLOT_STYLE,
  chartWidth,
  componentColour,
  el,
  formatSmall,
  legend,
  logTicks,
  maxOf,
  svgEl,
  subspaceWord,
  toggleGroup,
  type LegendItem,
} from './ch4-common.ts';
import { DEFAULT_CAMERA, DRAG_GAIN, KEY_STEP, clampCamera, drawScene, type Camera, type SceneData } from './ch4-scene.ts';
import { formatValue } from './format.ts';
import { float32Field, float64Field, int32Field, numberField } from './result-fields.ts';
import { createTimeline, type Timeline } from './timeline.ts';
import type { ParamValues } from './url-state.ts';
import type { ViewContext, WidgetView } from './view.ts';
import './ch4-widgets.css';

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
  return `K = ${m.K} ${m.orthogonal ? 'orthogonal' : 'random'} ${m.K === 1 ? subspaceWord(m.r, false) : subspaceWord(m.r)} in d = ${m.d}, n = ${m.n} samples on each`;
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
  const fit = m.K === 1 ? 'PCA' : 'subspace clustering';
  const found = recovered
    ? `${fit} recovered every subspace (largest error ‖ÛÛᵀ − UUᵀ‖ = ${formatSmall(worst)})`
    : `${fit} missed at least one subspace (largest error ‖ÛÛᵀ − UUᵀ‖ = ${formatSmall(worst)}, above the ${formatValue(SUCCESS_TOLERANCE)} that counts as recovered)`;
  const gap = trainedGap(m);
  const trained =
    gap < 0.05
      ? 'the trained denoiser’s error stays within 5% of the optimal one at every t'
      : `the trained denoiser’s error rises to ${formatValue(1 + gap, 2)} times the optimal one`;
  const first = 0;
  const ratio = (m.mseEmpirical[first] ?? Number.NaN) / (m.mseOptimal[first] ?? Number.NaN);
  const t0 = formatValue(m.t[first] ?? Number.NaN, 2);
  const memorizing = Number.isFinite(ratio)
    ? ratio > 1.2
      ? `At t = ${t0} the memorizing (empirical) denoiser’s error is ${formatValue(ratio, 2)} times the optimal one: it returns training points, not the point that was noised.`
      : `At t = ${t0} the memorizing (empirical) denoiser is about as good as the optimal one (ratio ${formatValue(ratio, 2)}): its training points are dense enough at this noise level.`
    : '';
  return `${dataText(m)}: ${found}, and ${trained}. ${memorizing} Errors on ${m.testPoints} fresh points; computed on the ${backend} backend.`;
}

function readoutText(m: Mixture, frame: number, driver: Driver): string {
  const t = m.frameTimes[frame] ?? Number.NaN;
  const errors = Array.from(m.subspaceError, (e, k) => `${formatSmall(e)} (subspace ${k + 1})`).join(', ');
  const last = m.t.length - 1;
  const mid = Math.floor(m.t.length / 2);
  const at = (i: number): string =>
    `t = ${formatValue(m.t[i] ?? Number.NaN, 2)}: optimal ${formatValue(m.mseOptimal[i] ?? Number.NaN, 3)}, trained ${formatValue(m.mseTrained[i] ?? Number.NaN, 3)}, memorizing ${formatValue(m.mseEmpirical[i] ?? Number.NaN, 3)}`;
  const view = m.d > 3 ? ' (first three of d coordinates)' : '';
  const who = driver === 'optimal' ? 'exact MoLRG score' : 'empirical score of the training set';
  return `Trajectories of the ${who} at t = ${formatValue(t, 2)}${view}, frame ${frame + 1} of ${m.frameTimes.length}. Learned-subspace errors ‖ÛÛᵀ − UUᵀ‖ (Frobenius): ${errors}. Denoising error E|x̂₀ − x₀|² at ${at(0)}; at ${at(mid)}; at ${at(last)}.`;
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
    ariaLabel: `Denoising error against diffusion time t, log scales, for the optimal, trained and memorizing denoisers, with ±2 standard-error bands over ${m.testPoints} fresh points, and the error of an oracle that knows each point's subspace`,
    style: PLOT_STYLE,
    x: { type: 'log', domain: [tLo, tHi] },
    y: { type: 'log', domain: [yLo, yHi] },
    marks: [
      // Explicit axis marks with a text channel: a tickFormat on a log scale goes through d3's log
      // tickFormat, which blanks the labels it judges too many (0.05 and 0.5 vanished).
      Plot.gridY(yTicks, { strokeOpacity: 0.08 }),
      Plot.axisX(xTicks, { label: 'diffusion time t →', labelAnchor: 'right', text: (v: number) => formatValue(v) }),
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
export function lowRankMixtureView(context: ViewContext): WidgetView {
  const { stage, readout, summary } = context;
  stage.classList.add('ch4-stage', 'lr-stage');
  const panels = el('div', 'ch4-panels lr-panels');

  // The 3-D panel: a focusable viewport that turns with drags and arrow keys.
  const scenePanel = el('div', 'ch4-panel lr3-panel');
  const sceneTitle = el('p', 'ch4-panel-title', 'Data, learned subspaces and trajectories');
  const viewport = el('div', 'lr3-viewport');
  viewport.tabIndex = 0;
  viewport.setAttribute('role', 'application');
  viewport.setAttribute('aria-roledescription', '3-D view');
  viewport.setAttribute('aria-label', 'Rotatable 3-D view of the data, the true and learned subspaces and the trajectories. Arrow keys rotate it, Home resets it.');
  const sceneSvg = svgEl('svg', { class: 'lr3-scene', width: 360, height: 360, viewBox: '0 0 360 360' });
  viewport.append(sceneSvg);
  const hint = el('p', 'ch4-note lr3-hint', 'Drag to rotate (sideways on a touch screen), or focus the view and use the arrow keys (Home resets).');
  const note = el('p', 'ch4-note lr3-projection-note');
  note.hidden = true;
  const driverToggle = toggleGroup<Driver>(
    'Trajectories driven by the',
    [
      { value: 'optimal', label: 'exact score' },
      { value: 'empirical', label: 'empirical score' },
    ],
    'optimal',
    () => redrawScene(),
    'Score:',
  );

  const curvesPanel = el('div', 'ch4-panel lr-curves-panel');
  const curvesTitle = el('p', 'ch4-panel-title', 'Denoising error on fresh points');
  const curvesHost = el('div', 'ch4-plot lr-curves');
  curvesHost.dataset['plot'] = '';
  curvesHost.append(el('p', 'ch4-placeholder-text', 'Computing the first picture…'));
  const curveKeys = legend('lr-curve-legend', [
    { label: 'optimal (exact subspaces)', colour: DENOISER_COLOURS.optimal, shape: 'line' },
    { label: 'trained (learned subspaces)', colour: DENOISER_COLOURS.trained, shape: 'dash' },
    { label: 'memorizing (empirical)', colour: DENOISER_COLOURS.empirical, shape: 'line' },
    { label: 'oracle knowing the subspace', colour: DENOISER_COLOURS.bound, shape: 'dash' },
    { label: '±2 standard errors', colour: 'var(--fg-soft)', shape: 'band' },
  ]);
  curvesPanel.append(curvesTitle, curvesHost, curveKeys);

  let mixture: Mixture | undefined;
  let camera: Camera = { ...DEFAULT_CAMERA };
  let driver: Driver = 'optimal';
  let sceneKeys: HTMLElement | undefined;

  const timeline: Timeline = createTimeline({
    label: 'Backward time of the trajectories',
    describe: (index) => (mixture === undefined ? '' : `t = ${formatValue(mixture.frameTimes[index] ?? 0, 2)}`),
    onFrame: () => redrawScene(),
  });
  scenePanel.append(sceneTitle, driverToggle.element, viewport, timeline.element, hint, note);
  panels.append(scenePanel, curvesPanel);
  stage.append(panels);

  function sceneSize(): number {
    return chartWidth(viewport, 360, 420, 260);
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
      `3-D view (${m.d > 3 ? 'first three coordinates' : 'all coordinates'}) of ${m.K * m.n} training points on ${m.K} ${subspaceWord(m.r)}, the learned ${subspaceWord(m.r)} and ${m.scene.optimal.m} trajectories at t = ${formatValue(m.frameTimes[frame] ?? 0, 2)}`,
    );
    readout.textContent = readoutText(m, frame, driver);
  }

  function redrawCurves(): void {
    const m = mixture;
    if (m === undefined) return;
    curvesHost.replaceChildren(errorChart(m, chartWidth(curvesHost, 360, 520, 260)));
  }

  function turn(dYaw: number, dPitch: number): void {
    camera = clampCamera({ yaw: camera.yaw + dYaw, pitch: camera.pitch + dPitch });
    redrawScene();
  }

  // Drag to rotate: pointer events cover mouse, pen and touch alike (touch-action in ch4-widgets.css).
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

  let drawnWidth = -1;
  const resize = new ResizeObserver(() => {
    const width = panels.clientWidth;
    if (width === drawnWidth) return;
    drawnWidth = width;
    redrawScene();
    redrawCurves();
  });
  resize.observe(panels);

  return {
    show(output: RunOutput, params: ParamValues) {
      const m = read(output.result, params);
      mixture = m;
      stage.classList.remove('is-stale');
      note.hidden = m.d <= 3;
      note.textContent =
        m.d > 3 ? `d = ${m.d}: the view shows the first three coordinates, so each subspace appears as its shadow in them.` : '';
      const items: LegendItem[] = [];
      for (let k = 0; k < Math.min(m.K, 6); k++) items.push({ label: `subspace ${k + 1}`, colour: componentColour(k), shape: 'dot' });
      items.push(
        { label: 'true (dashed)', colour: 'var(--fg-soft)', shape: 'dash' },
        { label: 'learned (solid)', colour: 'var(--fg-soft)', shape: 'line' },
        { label: 'samples', colour: 'var(--fg)', shape: 'ring' },
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
      stage.classList.add('is-stale');
      timeline.pause();
    },
    settled(note: string) {
      stage.classList.remove('is-stale');
      if (mixture === undefined) curvesHost.replaceChildren(el('p', 'ch4-placeholder-text', note));
    },
    restyle() {
      redrawScene();
      redrawCurves();
    },
  };
}

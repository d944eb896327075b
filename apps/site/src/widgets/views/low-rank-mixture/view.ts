import { SUCCESS_TOLERANCE } from '@diffusion-atlas/core';
import { t as msg } from '../../../i18n/messages.ts';
import { maxOf } from '../../kit/arrays.ts';
import { categoryColour } from '../../kit/colours.ts';
import { el, svgEl, widthOf } from '../../kit/dom.ts';
import { formatPercent, formatValue } from '../../kit/format.ts';
import { legend, type LegendItem } from '../../kit/legend.ts';
import { toggleGroup } from '../../kit/toggle-group.ts';
import { subspaceWord } from './words.ts';
import { DEFAULT_CAMERA, DRAG_GAIN, KEY_STEP, clampCamera, drawScene, type Camera } from './scene.ts';
import { createTimeline, type Timeline } from '../../kit/timeline.ts';
import { defineView, type OutputOf, type ParamValues } from '../../kit/view.ts';
import { DENOISER_COLOURS, errorChart } from './error-chart.ts';
import { type Driver, type Mixture, framesReached, read } from './mixture.ts';

function dataText(m: Mixture): string {
  const vars = { K: m.K, subspaces: m.K === 1 ? subspaceWord(m.r, false) : subspaceWord(m.r), d: m.d, n: m.n };
  return m.orthogonal ? msg('low-rank-mixture.data.orthogonal', vars) : msg('low-rank-mixture.data.random', vars);
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
  const fit = m.K === 1 ? msg('low-rank-mixture.fit.pca') : msg('low-rank-mixture.fit.clustering');
  const found = recovered
    ? msg('low-rank-mixture.found', { fit, worst: formatValue(worst, 2) })
    : msg('low-rank-mixture.missed', { fit, worst: formatValue(worst, 2), tolerance: formatValue(SUCCESS_TOLERANCE) });
  const gap = trainedGap(m);
  const trained = gap < 0.05 ? msg('low-rank-mixture.trained.close') : msg('low-rank-mixture.trained.gap', { ratio: formatValue(1 + gap, 2) });
  const first = 0;
  const ratio = (m.mseEmpirical[first] ?? Number.NaN) / (m.mseOptimal[first] ?? Number.NaN);
  const t0 = formatValue(m.t[first] ?? Number.NaN, 2);
  const memorizing = Number.isFinite(ratio)
    ? ratio > 1.2
      ? msg('low-rank-mixture.memorizing.worse', { t: t0, ratio: formatValue(ratio, 2) })
      : msg('low-rank-mixture.memorizing.close', { t: t0, ratio: formatValue(ratio, 2) })
    : '';
  const head = msg('low-rank-mixture.summary', { data: dataText(m), found, trained });
  return `${head} ${memorizing} ${msg('low-rank-mixture.summary.points', { points: m.testPoints, backend })}`;
}

function readoutText(m: Mixture, frame: number, driver: Driver): string {
  const t = m.frameTimes[frame] ?? Number.NaN;
  const errors = Array.from(m.subspaceError, (e, k) => msg('low-rank-mixture.readout.error', { error: formatValue(e, 2), k: k + 1 })).join(msg('list.separator'));
  const last = m.t.length - 1;
  const mid = Math.floor(m.t.length / 2);
  const at = (i: number): string =>
    msg('low-rank-mixture.readout.at', {
      t: formatValue(m.t[i] ?? Number.NaN, 2),
      optimal: formatValue(m.mseOptimal[i] ?? Number.NaN, 3),
      trained: formatValue(m.mseTrained[i] ?? Number.NaN, 3),
      memorizing: formatValue(m.mseEmpirical[i] ?? Number.NaN, 3),
    });
  const who =
    driver === 'optimal' ? msg('low-rank-mixture.driver.optimal') : driver === 'trained' ? msg('low-rank-mixture.driver.trained') : msg('low-rank-mixture.driver.empirical');
  const vars = { who, t: formatValue(t, 2), frame: frame + 1, frames: m.frameTimes.length, errors, first: at(0), mid: at(mid), last: at(last) };
  return m.d > 3 ? msg('low-rank-mixture.readout.projected', vars) : msg('low-rank-mixture.readout', vars);
}

/** Trajectory colours per driver: the trained one shares its colour with its error curve. */
const PATH_COLOURS: Record<Driver, string> = { optimal: 'var(--fg)', trained: DENOISER_COLOURS.trained, empirical: 'var(--memorized)' };

/** The widths of a drawing: the scene's square and the error curves' chart. */
interface Widths {
  scene: number;
  curves: number;
}

export const lowRankMixtureView = defineView('low-rank-mixture', (context) => {
  const { stage, readout, summary } = context;
  stage.classList.add('figure-stage', 'low-rank-mixture-stage');
  const panels = el('div', 'figure-panels low-rank-mixture-panels');

  // The 3-D panel: a focusable viewport that turns with drags and arrow keys.
  const scenePanel = el('div', 'figure-panel low-rank-mixture-scene-panel');
  const sceneTitle = el('p', 'figure-panel-title', msg('low-rank-mixture.panel.scene'));
  const viewport = el('div', 'low-rank-mixture-scene-viewport');
  viewport.tabIndex = 0;
  viewport.setAttribute('role', 'application');
  viewport.setAttribute('aria-roledescription', msg('low-rank-mixture.scene.role'));
  viewport.setAttribute('aria-label', msg('low-rank-mixture.scene.label'));
  const sceneSvg = svgEl('svg', { class: 'low-rank-mixture-scene-svg', width: 360, height: 360, viewBox: '0 0 360 360' });
  viewport.append(sceneSvg);
  const hint = el('p', 'figure-note low-rank-mixture-scene-hint', msg('low-rank-mixture.scene.hint'));
  const note = el('p', 'figure-note low-rank-mixture-scene-projection-note');
  // The memorized fractions of all three generators, so the toggle's comparison reads without toggling.
  const memorizedNote = el('p', 'figure-note low-rank-mixture-memorized-note');
  memorizedNote.hidden = true;
  note.hidden = true;
  const driverToggle = toggleGroup<Driver>(
    msg('low-rank-mixture.driver.group'),
    [
      { value: 'optimal', label: msg('low-rank-mixture.driver.exact') },
      { value: 'trained', label: msg('low-rank-mixture.driver.trainedShort') },
      { value: 'empirical', label: msg('low-rank-mixture.driver.empiricalShort') },
    ],
    'optimal',
    () => redrawScene(sceneSize()),
    msg('low-rank-mixture.driver.label'),
  );

  const curvesPanel = el('div', 'figure-panel low-rank-mixture-curves-panel');
  const curvesTitle = el('p', 'figure-panel-title', msg('low-rank-mixture.panel.curves'));
  const curvesHost = el('div', 'figure-plot low-rank-mixture-curves');
  curvesHost.dataset['plot'] = '';
  curvesHost.append(el('p', 'figure-placeholder-note', msg('figure.placeholder')));
  const curveKeys = legend('low-rank-mixture-curve-legend', [
    { label: msg('low-rank-mixture.legend.optimal'), colour: DENOISER_COLOURS.optimal, shape: 'line' },
    { label: msg('low-rank-mixture.legend.trained'), colour: DENOISER_COLOURS.trained, shape: 'dash' },
    { label: msg('low-rank-mixture.legend.empirical'), colour: DENOISER_COLOURS.empirical, shape: 'line' },
    { label: msg('low-rank-mixture.legend.oracle'), colour: DENOISER_COLOURS.bound, shape: 'dash' },
    { label: msg('low-rank-mixture.legend.band'), colour: 'var(--fg-soft)', shape: 'band' },
  ]);
  curvesPanel.append(curvesTitle, curvesHost, curveKeys);

  let mixture: Mixture | undefined;
  /**
   * Whether `mixture` is a run on its way: the scene shows the frames generated so far, and the
   * numbers that need the whole run (memorized fractions, the readout) wait for its end.
   */
  let running = false;
  let camera: Camera = { ...DEFAULT_CAMERA };
  let driver: Driver = 'optimal';
  let sceneKeys: HTMLElement | undefined;

  const timeline: Timeline<Widths> = createTimeline<Widths>({
    label: msg('low-rank-mixture.timeline'),
    describe: (index) => (mixture === undefined ? '' : `t = ${formatValue(mixture.frameTimes[index] ?? 0, 2)}`),
    onFrame: (_index, widths) => redrawScene(widths?.scene ?? sceneSize()),
  });
  scenePanel.append(sceneTitle, driverToggle.element, viewport, timeline.element, memorizedNote, hint, note);
  panels.append(scenePanel, curvesPanel);
  stage.append(panels);

  function sceneSize(): number {
    return widthOf(viewport, 360, 420, 260);
  }

  /**
   * Both widths, read before either chart is replaced: a read after a replacement forces the
   * page's layout again.
   */
  function measure(): Widths {
    return { scene: sceneSize(), curves: widthOf(curvesHost, 360, 520, 260) };
  }

  function redrawScene(size: number): void {
    const m = mixture;
    if (m === undefined) return;
    driver = driverToggle.value();
    const data = m.scene[driver];
    // A run on its way shows where its samples are now, not the timeline's frame of the run before.
    const reached = running ? framesReached(data) : data.frames;
    const frame = running ? reached - 1 : timeline.index();
    drawScene(sceneSvg, running ? { ...data, frames: reached } : data, {
      size,
      frame,
      camera,
      pathColour: PATH_COLOURS[driver],
    });
    sceneSvg.dataset['driver'] = driver;
    sceneSvg.dataset['training'] = String(m.scene.optimal.trainingLabels.length);
    sceneSvg.dataset['components'] = String(m.K);
    sceneSvg.setAttribute(
      'aria-label',
      msg(m.d > 3 ? 'low-rank-mixture.scene.drawnProjected' : 'low-rank-mixture.scene.drawn', {
        points: m.K * m.n,
        K: m.K,
        subspaces: subspaceWord(m.r),
        trajectories: reached > 0 ? data.m : 0,
        t: formatValue(m.frameTimes[Math.max(0, frame)] ?? 0, 2),
      }),
    );
    if (running) return;
    // The key value on the figure itself: how many of this denoiser's samples copy a training point.
    const label = svgEl('text', { x: 8, y: 18, fill: PATH_COLOURS[driver], 'font-size': 12, class: 'low-rank-mixture-memorized' });
    label.textContent = msg('low-rank-mixture.scene.memorized', { fraction: formatPercent(m.memorized[driver]) });
    label.dataset['fraction'] = String(m.memorized[driver]);
    sceneSvg.append(label);
    readout.textContent = readoutText(m, frame, driver);
  }

  function redrawCurves(width: number): void {
    const m = mixture;
    if (m === undefined) return;
    curvesHost.replaceChildren(errorChart(m, width));
  }

  /** A run, on its way or finished, becomes the one shown: its widths read first, then its notes and legend. */
  function take(output: OutputOf<'low-rank-mixture'>, params: ParamValues, onItsWay: boolean): { m: Mixture; widths: Widths } {
    const m = read(output.result, params);
    mixture = m;
    running = onItsWay;
    const widths = measure();
    describeScene(m);
    return { m, widths };
  }

  /** The projection note and the scene's legend, which follow the data's shape. */
  function describeScene(m: Mixture): void {
    note.hidden = m.d <= 3;
    note.textContent = m.d > 3 ? msg('low-rank-mixture.scene.projection', { d: m.d }) : '';
    const items: LegendItem[] = [];
    for (let k = 0; k < Math.min(m.K, 6); k++) items.push({ label: msg('low-rank-mixture.legend.subspace', { k: k + 1 }), colour: categoryColour(k), shape: 'dot' });
    items.push(
      { label: msg('low-rank-mixture.legend.true'), colour: 'var(--fg-soft)', shape: 'dash' },
      { label: msg('low-rank-mixture.legend.learned'), colour: 'var(--fg-soft)', shape: 'line' },
      { label: msg('low-rank-mixture.legend.samples'), colour: 'var(--fg)', shape: 'ring' },
    );
    const keys = legend('low-rank-mixture-scene-legend', items);
    if (sceneKeys === undefined) scenePanel.insertBefore(keys, hint);
    else sceneKeys.replaceWith(keys);
    sceneKeys = keys;
  }

  function turn(dYaw: number, dPitch: number): void {
    camera = clampCamera({ yaw: camera.yaw + dYaw, pitch: camera.pitch + dPitch });
    redrawScene(sceneSize());
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
        redrawScene(sceneSize());
        break;
      default:
        return;
    }
    event.preventDefault();
  });

  return {
    resizes: panels,
    // A run on its way: the data and the subspaces, true and learned, at once; then the error
    // curves over the times measured so far, and the trajectories of the denoiser shown as they are generated.
    partial(output: OutputOf<'low-rank-mixture'>, params: ParamValues) {
      const { widths } = take(output, params, true);
      memorizedNote.hidden = true;
      redrawScene(widths.scene);
      redrawCurves(widths.curves);
    },
    show(output: OutputOf<'low-rank-mixture'>, params: ParamValues) {
      const { m, widths } = take(output, params, false);
      memorizedNote.hidden = false;
      memorizedNote.textContent = msg('low-rank-mixture.scene.memorizedAll', {
        optimal: formatPercent(m.memorized.optimal),
        trained: formatPercent(m.memorized.trained),
        empirical: formatPercent(m.memorized.empirical),
      });
      timeline.reset(m.frameTimes.length, widths);
      redrawScene(widths.scene);
      redrawCurves(widths.curves);
      summary.textContent = summaryText(m, output.backend);
    },
    pending() {
      timeline.pause();
    },
    settled(note: string) {
      if (mixture === undefined) curvesHost.replaceChildren(el('p', 'figure-placeholder-note', note));
    },
    redraw() {
      const widths = measure();
      redrawScene(widths.scene);
      redrawCurves(widths.curves);
    },
  };
});

import { categoryColour } from '../../kit/colours.ts';
import { svgEl } from '../../kit/dom.ts';

/*
 * The 3-D view of chapter 4: an orthographic projection of the first three coordinates, turned by
 * a yaw about the vertical x₃ axis and a pitch (elevation) towards the reader. The rotation is a
 * view transform only (no science): it runs on the main thread, on every drag and key press.
 */

export interface Camera {
  /** Radians about the vertical axis. */
  yaw: number;
  /** Radians of elevation, kept inside ±PITCH_LIMIT so the view never flips over. */
  pitch: number;
}

export const DEFAULT_CAMERA: Readonly<Camera> = { yaw: -0.6, pitch: 0.35 };
export const PITCH_LIMIT = Math.PI / 2 - 0.05;
/** One arrow-key press turns the view by 10°. */
export const KEY_STEP = Math.PI / 18;
/** Radians per pixel dragged: a drag across a 360 px view turns it by about 200°. */
export const DRAG_GAIN = 0.01;

export function clampCamera(c: Camera): Camera {
  const turn = 2 * Math.PI;
  const yaw = ((((c.yaw + Math.PI) % turn) + turn) % turn) - Math.PI;
  return { yaw, pitch: Math.max(-PITCH_LIMIT, Math.min(PITCH_LIMIT, c.pitch)) };
}

export interface Projected {
  /** Screen coordinates in scene units: x to the right, y upwards. */
  x: number;
  y: number;
  /** Larger is nearer the reader. */
  depth: number;
}

export function project(c: Camera, p0: number, p1: number, p2: number): Projected {
  const cy = Math.cos(c.yaw);
  const sy = Math.sin(c.yaw);
  const x = cy * p0 - sy * p1;
  const y = sy * p0 + cy * p1;
  const cp = Math.cos(c.pitch);
  const sp = Math.sin(c.pitch);
  // Tilting towards the reader lifts the far side (+y) of the floor and lowers x₃ slightly.
  return { x, y: cp * p2 + sp * y, depth: -cp * y + sp * p2 };
}

/** Points in R^d seen through their first three coordinates (a missing third one is 0). */
export interface PointSet {
  values: Float32Array | Float64Array;
  d: number;
}

export function coord(set: PointSet, i: number, axis: 0 | 1 | 2): number {
  return axis < set.d ? (set.values[i * set.d + axis] ?? 0) : 0;
}

export interface SceneData {
  d: number;
  K: number;
  r: number;
  training: PointSet;
  trainingLabels: Int32Array;
  /** K × r × d rows of unit vectors (true and learned, matched block by block). */
  bases: Float64Array;
  learnedBases: Float64Array;
  /** frames × m × d. */
  trajectories: Float32Array;
  frames: number;
  m: number;
  /** Half-width of the drawn cube, in data units. */
  extent: number;
}

export interface SceneOptions {
  size: number;
  frame: number;
  camera: Camera;
  /** Colour of the trajectories and of the moving samples. */
  pathColour: string;
}

const CIRCLE_SEGMENTS = 60;
/** Frames of recent history drawn firmly behind each sample: the last 14 of 41 span t ≈ 0.02 → 0.001. */
const TAIL_FRAMES = 14;

/**
 * Path data for one subspace of radius `radius`: a segment for a line, a circle for a plane, and
 * the r basis segments for r ≥ 3 (whose projection to three coordinates fills space).
 */
function subspacePath(bases: Float64Array, k: number, r: number, d: number, radius: number, toScreen: (p: [number, number, number]) => [number, number]): string {
  const row = (j: number): [number, number, number] => {
    const at = (k * r + j) * d;
    return [bases[at] ?? 0, d > 1 ? (bases[at + 1] ?? 0) : 0, d > 2 ? (bases[at + 2] ?? 0) : 0];
  };
  const fmt = (p: [number, number]): string => `${p[0].toFixed(1)},${p[1].toFixed(1)}`;
  if (r === 2) {
    const u = row(0);
    const v = row(1);
    const parts: string[] = [];
    for (let s = 0; s <= CIRCLE_SEGMENTS; s++) {
      const a = (2 * Math.PI * s) / CIRCLE_SEGMENTS;
      const c = Math.cos(a) * radius;
      const n = Math.sin(a) * radius;
      parts.push(`${s === 0 ? 'M' : 'L'}${fmt(toScreen([c * u[0] + n * v[0], c * u[1] + n * v[1], c * u[2] + n * v[2]]))}`);
    }
    return `${parts.join('')}Z`;
  }
  const parts: string[] = [];
  for (let j = 0; j < r; j++) {
    const u = row(j);
    parts.push(`M${fmt(toScreen([-radius * u[0], -radius * u[1], -radius * u[2]]))}L${fmt(toScreen([radius * u[0], radius * u[1], radius * u[2]]))}`);
  }
  return parts.join('');
}

/**
 * Redraw the scene into `svg` (kept across redraws, so a pointer capture on it survives). Every
 * mark carries a class the tests and the stylesheet address: low-rank-mixture-scene-axis, low-rank-mixture-scene-true-subspace,
 * low-rank-mixture-scene-learned-subspace, low-rank-mixture-scene-training, low-rank-mixture-scene-trajectory, low-rank-mixture-scene-tail, low-rank-mixture-scene-sample.
 */
export function drawScene(svg: SVGSVGElement, data: SceneData, o: SceneOptions): void {
  const { size, camera } = o;
  const half = size / 2;
  const scale = (half - 18) / (data.extent * 1.05);
  const toScreen = (p: [number, number, number]): [number, number] => {
    const q = project(camera, p[0], p[1], p[2]);
    return [half + scale * q.x, half - scale * q.y];
  };
  svg.setAttribute('width', String(size));
  svg.setAttribute('height', String(size));
  svg.setAttribute('viewBox', `0 0 ${size} ${size}`);
  svg.dataset['yaw'] = camera.yaw.toFixed(4);
  svg.dataset['pitch'] = camera.pitch.toFixed(4);
  svg.dataset['frame'] = String(o.frame);
  svg.replaceChildren();

  const axes = svgEl('g', { class: 'low-rank-mixture-scene-axes' });
  const labels = ['x₁', 'x₂', 'x₃'];
  for (let a = 0; a < 3; a++) {
    const end: [number, number, number] = [0, 0, 0];
    end[a] = data.extent;
    const start: [number, number, number] = [0, 0, 0];
    start[a] = -data.extent;
    const [x1, y1] = toScreen(start);
    const [x2, y2] = toScreen(end);
    axes.append(svgEl('line', { x1, y1, x2, y2, class: 'low-rank-mixture-scene-axis', stroke: 'var(--rule)', 'stroke-width': 1 }));
    const label = svgEl('text', { x: x2, y: y2, dx: 3, dy: -3, class: 'low-rank-mixture-scene-axis-label', fill: 'var(--muted)', 'font-size': 11 });
    label.textContent = labels[a] ?? '';
    axes.append(label);
  }
  svg.append(axes);

  // Subspaces: the truth dashed and faint, the learned ones solid on top, in the component's colour.
  const radius = data.extent * 0.95;
  const subspaces = svgEl('g', { class: 'low-rank-mixture-scene-subspaces' });
  for (let k = 0; k < data.K; k++) {
    const colour = categoryColour(k);
    const fillPlane = data.r === 2 ? colour : 'none';
    subspaces.append(
      svgEl('path', {
        d: subspacePath(data.bases, k, data.r, data.d, radius, toScreen),
        class: 'low-rank-mixture-scene-true-subspace',
        fill: fillPlane,
        'fill-opacity': 0.07,
        stroke: colour,
        'stroke-opacity': 0.75,
        'stroke-width': 1.5,
        'stroke-dasharray': '5 4',
        'data-component': k,
      }),
    );
  }
  for (let k = 0; k < data.K; k++) {
    subspaces.append(
      svgEl('path', {
        d: subspacePath(data.learnedBases, k, data.r, data.d, radius, toScreen),
        class: 'low-rank-mixture-scene-learned-subspace',
        fill: 'none',
        stroke: categoryColour(k),
        'stroke-width': 2.2,
        'stroke-linecap': 'round',
        'data-component': k,
      }),
    );
  }
  svg.append(subspaces);

  // Points far from the reader first (painter's order), and a little fainter.
  const count = data.trainingLabels.length;
  const points = Array.from({ length: count }, (_, i) => {
    const q = project(camera, coord(data.training, i, 0), coord(data.training, i, 1), coord(data.training, i, 2));
    return { i, q };
  }).sort((a, b) => a.q.depth - b.q.depth);
  const depthScale = Math.max(1e-9, data.extent);
  const training = svgEl('g', { class: 'low-rank-mixture-scene-training-points' });
  for (const { i, q } of points) {
    const fade = 0.55 + 0.45 * Math.min(1, Math.max(0, (q.depth / depthScale + 1) / 2));
    training.append(
      svgEl('circle', {
        cx: (half + scale * q.x).toFixed(1),
        cy: (half - scale * q.y).toFixed(1),
        r: 3,
        class: 'low-rank-mixture-scene-training',
        fill: categoryColour(data.trainingLabels[i] ?? 0),
        'fill-opacity': fade.toFixed(2),
      }),
    );
  }
  svg.append(training);

  // Trajectories up to the current frame, then each sample where it is now.
  const paths = svgEl('g', { class: 'low-rank-mixture-scene-trajectories' });
  const dots = svgEl('g', { class: 'low-rank-mixture-scene-samples' });
  const frame = Math.min(Math.max(0, o.frame), data.frames - 1);
  const traj: PointSet = { values: data.trajectories, d: data.d };
  const tails = svgEl('g', { class: 'low-rank-mixture-scene-tails' });
  const tailStart = Math.max(0, frame - TAIL_FRAMES);
  // a run on its way may have no frame of this denoiser's yet
  for (let s = 0; s < (data.frames > 0 ? data.m : 0); s++) {
    const parts: string[] = [];
    const tail: string[] = [];
    for (let f = 0; f <= frame; f++) {
      const idx = f * data.m + s;
      const [x, y] = toScreen([coord(traj, idx, 0), coord(traj, idx, 1), coord(traj, idx, 2)]);
      const point = `${x.toFixed(1)},${y.toFixed(1)}`;
      parts.push(`${f === 0 ? 'M' : 'L'}${point}`);
      if (f >= tailStart) tail.push(`${f === tailStart ? 'M' : 'L'}${point}`);
    }
    // The whole path stays faint (the noisy start would hide everything else); its end is drawn firmly.
    paths.append(svgEl('path', { d: parts.join(''), class: 'low-rank-mixture-scene-trajectory', fill: 'none', stroke: o.pathColour, 'stroke-opacity': 0.13, 'stroke-width': 0.8 }));
    tails.append(svgEl('path', { d: tail.join(''), class: 'low-rank-mixture-scene-tail', fill: 'none', stroke: o.pathColour, 'stroke-opacity': 0.6, 'stroke-width': 1.2 }));
    const idx = frame * data.m + s;
    const [x, y] = toScreen([coord(traj, idx, 0), coord(traj, idx, 1), coord(traj, idx, 2)]);
    dots.append(svgEl('circle', { cx: x.toFixed(1), cy: y.toFixed(1), r: 3.6, class: 'low-rank-mixture-scene-sample', fill: 'var(--bg)', stroke: o.pathColour, 'stroke-width': 1.8 }));
  }
  svg.append(paths, tails, dots);
}

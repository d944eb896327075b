import * as Plot from '@observablehq/plot';
import { feature } from 'topojson-client';
import { t as msg } from '../../../i18n/messages.ts';
import { el, widthOf } from '../../kit/dom.ts';
import { plot, PLOT_STYLE } from '../../kit/plot-style.ts';

/*
 * An orthographic globe drawn with Observable Plot's geo marks: the sphere, a graticule, the
 * 1:110m land of world-atlas (written to /data/land-110m.json by the site build), and whatever
 * point marks the caller adds. It turns by dragging (mouse, pen or touch) and by the arrow keys
 * when focused. Drawing only: the points come from the worker.
 */

const LAND_PATH = '/data/land-110m.json';
/** Degrees per arrow-key press: a few presses bring any ocean round. */
const KEY_STEP_LON = 15;
const KEY_STEP_LAT = 10;
const MAX_SIZE = 460;

type Topology = Parameters<typeof feature>[0];
type Land = ReturnType<typeof feature>;

let landRequest: Promise<Land> | undefined;
/** Ids for the hint each globe points to with aria-describedby. */
let globeCount = 0;

function isTopology(value: unknown): value is Topology {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { type?: unknown; objects?: unknown; arcs?: unknown };
  return v.type === 'Topology' && typeof v.objects === 'object' && v.objects !== null && Array.isArray(v.arcs);
}

function landOf(topology: unknown): Land {
  if (!isTopology(topology) || !('land' in topology.objects)) throw new Error(`${LAND_PATH} is not the world-atlas land TopoJSON`);
  return feature(topology, 'land');
}

/** The land polygons, fetched and converted once per page (a failed fetch is retried by the next globe). */
export function loadLand(): Promise<Land> {
  if (landRequest === undefined) {
    const request = (async (): Promise<Land> => {
      const response = await fetch(new URL(LAND_PATH, window.location.href));
      if (!response.ok) throw new Error(`HTTP ${response.status} for ${LAND_PATH}`);
      return landOf(await response.json());
    })();
    landRequest = request;
    request.catch(() => {
      landRequest = undefined;
    });
  }
  return landRequest;
}

/** Longitude and latitude of the point at the centre of the view, in degrees. */
export interface GlobeCentre {
  lon: number;
  lat: number;
}

export interface Globe {
  /** The focusable, draggable host; the figure is drawn inside it. */
  element: HTMLElement;
  /**
   * The globe's size in pixels as the page lays it out now: a drawing that replaces other charts
   * too reads it first and hands it to draw or move, since a read after a replacement forces the
   * page's layout again.
   */
  size(): number;
  /** Redraw the whole globe with the caller's marks (called again on every turn); `size` measured by default. */
  draw(size?: number): void;
  /**
   * Redraw the caller's marks only, over the sphere, graticule and coastlines already drawn: the
   * coastlines are most of the globe's drawing, and the walkers move while they stay.
   */
  move(size?: number): void;
  centre(): GlobeCentre;
  /** The drawn SVG, for exports. */
  figure(): Element | null;
}

export interface GlobeOptions {
  className: string;
  /** Accessible name of the figure, given the centre. */
  label(centre: GlobeCentre): string;
  /** Point and line marks over the land, in lon/lat. */
  marks(): Plot.Markish[];
  /** Called after each redraw with the new SVG, for data attributes and readouts. */
  drawn?(svg: Element, centre: GlobeCentre): void;
  initial: GlobeCentre;
  /** The view's ViewContext.staticData: the coastlines without a fetch (build-time posters). */
  staticData?: ((path: string) => unknown) | undefined;
}

function wrapLon(lon: number): number {
  return ((((lon + 180) % 360) + 360) % 360) - 180;
}

function clampLat(lat: number): number {
  return Math.max(-90, Math.min(90, lat));
}

function describeCentre(c: GlobeCentre): string {
  const lat = Math.round(c.lat);
  const lon = Math.round(c.lon);
  return msg('sphere.globe.centre', {
    lat: Math.abs(lat),
    ns: lat >= 0 ? msg('sphere.compass.north') : msg('sphere.compass.south'),
    lon: Math.abs(lon),
    ew: lon >= 0 ? msg('sphere.compass.east') : msg('sphere.compass.west'),
  });
}

export function createGlobe(options: GlobeOptions): Globe {
  const element = el('div', `sphere-globe ${options.className}`);
  element.tabIndex = 0;
  // An application region: screen readers hand the arrow keys to it instead of reading on.
  element.setAttribute('role', 'application');
  element.setAttribute('aria-roledescription', msg('sphere.globe.role'));
  const hint = el('p', 'sphere-globe-hint', msg('sphere.globe.hint'));
  globeCount += 1;
  hint.id = `sphere-globe-hint-${globeCount}`;
  element.setAttribute('aria-describedby', hint.id);
  const host = el('div', 'sphere-globe-plot');
  element.append(host);
  const wrapper = el('div', 'sphere-globe-wrap');
  wrapper.append(element, hint);

  let centre: GlobeCentre = { ...options.initial };
  let land: Land | null = null;
  let landFailed = false;
  let frame = 0;
  let svg: Element | null = null;

  function measure(): number {
    return widthOf(wrapper, MAX_SIZE, MAX_SIZE, 260);
  }

  function projection(size: number): Plot.PlotOptions {
    // Plot's rotate is the rotation applied to the globe: minus the centre.
    return { width: size, height: size, margin: 6, style: PLOT_STYLE, projection: { type: 'orthographic', rotate: [-centre.lon, -centre.lat] } };
  }

  /**
   * The caller's marks as a layer of their own: drawn by Plot on the same frame and projection as
   * the globe under them (the orthographic projection fits the sphere to the frame whatever the
   * marks), and moved into its figure.
   */
  function layer(view: Plot.PlotOptions): Element[] {
    const drawn = plot({ ...view, marks: options.marks() });
    const parts = Array.from(drawn.children).filter((child) => child.localName !== 'style');
    for (const part of parts) part.setAttribute('data-globe-layer', '');
    return parts;
  }

  function finish(figure: Element): void {
    figure.setAttribute('aria-label', options.label(centre));
    element.setAttribute('aria-label', msg('sphere.globe.label', { centre: describeCentre(centre) }));
    options.drawn?.(figure, centre);
  }

  function render(size = measure()): void {
    frame = 0;
    const base: Plot.Markish[] = [
      Plot.sphere({ fill: 'var(--bg)', stroke: 'var(--muted)', strokeWidth: 1, className: 'sphere-globe-sphere' }),
      Plot.graticule({ stroke: 'var(--rule)', strokeOpacity: 0.8, className: 'sphere-globe-graticule' }),
    ];
    if (land !== null) {
      base.push(Plot.geo(land, { fill: 'var(--rule)', fillOpacity: 0.75, stroke: 'var(--muted)', strokeWidth: 0.6, className: 'sphere-globe-land' }));
    }
    const view = projection(size);
    const next = plot({ ...view, className: 'sphere-globe-figure', ariaLabel: options.label(centre), marks: base });
    next.append(...layer(view));
    next.setAttribute('data-centre-lon', String(centre.lon));
    next.setAttribute('data-centre-lat', String(centre.lat));
    next.setAttribute('data-land', land === null ? (landFailed ? 'failed' : 'pending') : 'drawn');
    next.setAttribute('data-size', String(view.width));
    host.replaceChildren(next);
    svg = next;
    finish(next);
  }

  function move(size = measure()): void {
    const view = projection(size);
    // A globe not drawn yet, or drawn at another size or turn waiting to be drawn, is drawn whole.
    if (svg === null || frame !== 0 || svg.getAttribute('data-size') !== String(view.width)) {
      render(size);
      return;
    }
    for (const old of Array.from(svg.children)) if (old.hasAttribute('data-globe-layer')) old.remove();
    svg.append(...layer(view));
    finish(svg);
  }

  /** Coalesce pointer moves into one redraw per animation frame. */
  function schedule(): void {
    if (frame !== 0) return;
    frame = requestAnimationFrame(() => render());
  }

  function turn(next: GlobeCentre): void {
    centre = { lon: wrapLon(next.lon), lat: clampLat(next.lat) };
    schedule();
  }

  let drag: { id: number; x: number; y: number; from: GlobeCentre; perPixel: number } | null = null;
  element.addEventListener('pointerdown', (event) => {
    if (event.button !== 0) return;
    const radius = Math.max(60, element.clientWidth / 2);
    // One radius of drag turns the globe by one radian, so the point under the finger roughly follows it.
    drag = { id: event.pointerId, x: event.clientX, y: event.clientY, from: centre, perPixel: 180 / (Math.PI * radius) };
    element.setPointerCapture(event.pointerId);
    element.classList.add('is-dragging');
  });
  element.addEventListener('pointermove', (event) => {
    if (drag === null || event.pointerId !== drag.id) return;
    const dx = event.clientX - drag.x;
    const dy = event.clientY - drag.y;
    turn({ lon: drag.from.lon - dx * drag.perPixel, lat: drag.from.lat + dy * drag.perPixel });
  });
  const release = (event: PointerEvent): void => {
    if (drag === null || event.pointerId !== drag.id) return;
    drag = null;
    element.classList.remove('is-dragging');
    if (element.hasPointerCapture(event.pointerId)) element.releasePointerCapture(event.pointerId);
  };
  element.addEventListener('pointerup', release);
  element.addEventListener('pointercancel', release);
  element.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const step: Record<string, [number, number]> = {
      ArrowLeft: [-KEY_STEP_LON, 0],
      ArrowRight: [KEY_STEP_LON, 0],
      ArrowUp: [0, KEY_STEP_LAT],
      ArrowDown: [0, -KEY_STEP_LAT],
    };
    const move = Object.hasOwn(step, event.key) ? step[event.key] : undefined;
    if (move !== undefined) {
      // Arrow keys turn the view towards the arrow: the centre moves east, west, north or south.
      turn({ lon: centre.lon + move[0], lat: centre.lat + move[1] });
    } else if (event.key === 'Home') {
      turn(options.initial);
    } else {
      return;
    }
    event.preventDefault();
  });

  // A build-time poster is handed the coastlines (it has no page address to fetch from); a page fetches them.
  const preloaded = options.staticData?.(LAND_PATH);
  if (preloaded !== undefined) {
    try {
      land = landOf(preloaded);
    } catch {
      landFailed = true;
    }
  } else if (typeof fetch === 'function' && typeof (globalThis as { location?: unknown }).location !== 'undefined') {
    loadLand()
      .then((value) => {
        land = value;
        if (svg !== null) schedule();
      })
      .catch(() => {
        landFailed = true;
        hint.textContent = msg('sphere.globe.noLand');
        if (svg !== null) schedule();
      });
  }

  return {
    element: wrapper,
    size: measure,
    draw: render,
    move,
    centre: () => centre,
    figure: () => svg,
  };
}

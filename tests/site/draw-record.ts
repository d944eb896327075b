/*
 * A figure's drawing holds the page's main thread, so the progress bar of a run cannot move while
 * it lasts. Two costs that made drawings long, counted rather than timed:
 * - reading an element's width after a chart was replaced in the same drawing forces the browser to
 *   lay out the page again (10–25 ms each on a chapter page); a view reads its widths first;
 * - collapse redrew all four of its charts in every partial frame, three of them unchanged, and
 *   width-threshold its precomputed fine map, which a run does not change;
 * - curse's heat map painted its ~50 000 cells with one canvas fillRect each; it now writes them
 *   into the canvas's pixels (the same pixels: screenshots before and after are byte-identical).
 * This module records, in the page, what each drawing did; the page tour and
 * draw-reads-first.test.ts judge it.
 */

export interface DomEvent {
  kind: 'read' | 'write' | 'fillRect';
  t: number;
  /** A write that put a chart (or a chart's placeholder) into a figure's plot area. */
  chart?: boolean;
  /** The classes of the figure panel written to, if any. */
  panel?: string;
}

export interface Drawing {
  name: string;
  start: number;
  end: number;
}

/** Installed before any page script (addInitScript): every width read, every child replacement, every fillRect. */
export function recordDom(): void {
  const log: DomEvent[] = [];
  Object.assign(window, { __atlasDom: log });
  const width = Object.getOwnPropertyDescriptor(Element.prototype, 'clientWidth');
  const getter = width?.get;
  if (getter !== undefined) {
    Object.defineProperty(Element.prototype, 'clientWidth', {
      ...width,
      get(this: Element) {
        log.push({ kind: 'read', t: performance.now() });
        return getter.call(this) as number;
      },
    });
  }
  const replace = Element.prototype.replaceChildren;
  Element.prototype.replaceChildren = function (this: Element, ...nodes: (Node | string)[]) {
    const chart = this.classList.contains('figure-plot') && nodes.some((n) => n instanceof Element && (n.localName === 'svg' || n.querySelector('svg') !== null));
    log.push({ kind: 'write', t: performance.now(), chart, panel: this.closest('.figure-panel')?.className });
    replace.apply(this, nodes);
  };
  const fillRect = CanvasRenderingContext2D.prototype.fillRect;
  CanvasRenderingContext2D.prototype.fillRect = function (this: CanvasRenderingContext2D, x: number, y: number, w: number, h: number) {
    log.push({ kind: 'fillRect', t: performance.now() });
    fillRect.call(this, x, y, w, h);
  };
}

/** Run in the page: its `atlas:draw:` measures of these experiments' drawings, partial and final. */
export function drawingsOf(names: readonly string[]): Drawing[] {
  const drawn: Drawing[] = [];
  for (const name of names) {
    for (const what of ['partial', 'final']) {
      for (const entry of performance.getEntriesByName(`atlas:draw:${what}:${name}`)) {
        drawn.push({ name: `${what}:${name}`, start: entry.startTime, end: entry.startTime + entry.duration });
      }
    }
  }
  return drawn;
}

/** Run in the page: what recordDom logged so far. */
export function domLog(): DomEvent[] {
  return (window as unknown as { __atlasDom: DomEvent[] }).__atlasDom;
}

/** How one drawing used the layout; `expectedOutcome` is what the rule asks of it. */
export type DrawOutcome = { drawing: string; readsAfter: number } | { drawing: string; oneLayout: boolean; readsAfterChart: number };

function inside(log: readonly DomEvent[], drawing: Drawing): DomEvent[] {
  return log.filter((e) => e.t >= drawing.start && e.t <= drawing.end);
}

/** Each drawing's width reads after its first write (width-threshold: after its first chart, and one layout). */
export function drawOutcomes(drawings: readonly Drawing[], log: readonly DomEvent[]): DrawOutcome[] {
  return drawings.map((drawing) => {
    const events = inside(log, drawing);
    if (drawing.name.endsWith(':width-threshold')) {
      // its first drawing replaces the placeholder with its panels before it can read their
      // widths: then all its reads come together, one layout, never a read after a chart
      const forced = events.filter((e, i) => e.kind === 'read' && events[i - 1]?.kind === 'write').length;
      const firstChart = events.findIndex((e) => e.kind === 'write' && e.chart === true);
      const readsAfterChart = firstChart < 0 ? 0 : events.slice(firstChart).filter((e) => e.kind === 'read').length;
      return { drawing: drawing.name, oneLayout: forced <= 1, readsAfterChart };
    }
    const firstWrite = events.findIndex((e) => e.kind === 'write');
    return { drawing: drawing.name, readsAfter: firstWrite < 0 ? 0 : events.slice(firstWrite).filter((e) => e.kind === 'read').length };
  });
}

export function expectedOutcome({ drawing }: DrawOutcome): DrawOutcome {
  return drawing.endsWith(':width-threshold') ? { drawing, oneLayout: true, readsAfterChart: 0 } : { drawing, readsAfter: 0 };
}

/** fillRect calls within each drawing of `name`. */
export function fillRectsPerDrawing(drawings: readonly Drawing[], log: readonly DomEvent[], name: string): number[] {
  return drawings.filter((d) => d.name === name).map((d) => inside(log, d).filter((e) => e.kind === 'fillRect').length);
}

/** Charts put into figures within each drawing of `name`, in drawing order. */
export function chartsPerDrawing(drawings: readonly Drawing[], log: readonly DomEvent[], name: string): number[] {
  return drawings
    .filter((d) => d.name === name)
    .sort((a, b) => a.start - b.start)
    .map((d) => inside(log, d).filter((e) => e.kind === 'write' && e.chart === true).length);
}

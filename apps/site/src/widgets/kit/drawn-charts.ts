/**
 * What each chart of a view was last drawn from, as a key (its data's extent, its width, ...), so
 * that a later frame draws again only the charts whose key changed: each chart drawn again costs
 * the page its layout and paint, and a partial frame often changes one chart of several.
 */
export interface DrawnCharts<Chart extends string> {
  /** Whether `chart` must be drawn for `key` (not drawn yet, or drawn for another key); remembers the key. */
  changed(chart: Chart, key: string): boolean;
  /** Every chart must be drawn again: a new theme or width, a new run, or a frame that redraws all. */
  forget(): void;
}

export function drawnCharts<Chart extends string>(): DrawnCharts<Chart> {
  const keys = new Map<Chart, string>();
  return {
    changed(chart, key) {
      if (keys.get(chart) === key) return false;
      keys.set(chart, key);
      return true;
    },
    forget() {
      keys.clear();
    },
  };
}

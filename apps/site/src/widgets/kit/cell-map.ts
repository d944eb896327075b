/** A rectangle of a heat map over two axes, in data units (Plot.rect's x1/x2/y1/y2). */
export interface CellBox {
  x1: number;
  x2: number;
  y1: number;
  y2: number;
}

/** What a heat map over two same-unit axes needs for its frame: the span of its cells and the stretch of x = y inside it. */
export interface CellMapFrame {
  xLo: number;
  xHi: number;
  yLo: number;
  yHi: number;
  /** Where x = y enters and leaves the map: the overlap of the two axes' spans (lo ≥ hi where they do not overlap). */
  diagonalLo: number;
  diagonalHi: number;
  /** The two ends of x = y within the map (empty where the axes' spans do not overlap), drawn as `{ v }` points. */
  diagonal: { v: number }[];
}

export function cellMapFrame(cells: readonly CellBox[]): CellMapFrame {
  const xLo = Math.min(...cells.map((c) => c.x1));
  const xHi = Math.max(...cells.map((c) => c.x2));
  const yLo = Math.min(...cells.map((c) => c.y1));
  const yHi = Math.max(...cells.map((c) => c.y2));
  const a = Math.max(xLo, yLo);
  const b = Math.min(xHi, yHi);
  return { xLo, xHi, yLo, yHi, diagonalLo: a, diagonalHi: b, diagonal: a < b ? [{ v: a }, { v: b }] : [] };
}

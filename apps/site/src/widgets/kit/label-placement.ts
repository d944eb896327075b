/**
 * Which of many point labels a figure can write without two covering each other: the heaviest
 * first, each kept only if its box (beside its point, as the views place it: start-anchored a few
 * pixels right, vertically centred) stays clear of those already kept. The rest still have their
 * marks; only the words are left out.
 */
export interface LabelCandidate<T> {
  /** The point in the figure's pixels. */
  x: number;
  y: number;
  text: string;
  /** Larger is kept first. */
  weight: number;
  item: T;
}

/** Generous box of a digit at 12 px, and the offset the views give labels to their right. */
const CHAR_PX = 7.5;
const LINE_PX = 15;
const OFFSET_PX = 9;

export function nearestLabels<T>(candidates: readonly LabelCandidate<T>[]): T[] {
  const kept: Array<{ x0: number; x1: number; y0: number; y1: number }> = [];
  const chosen: T[] = [];
  for (const c of [...candidates].sort((a, b) => b.weight - a.weight)) {
    const box = { x0: c.x + OFFSET_PX - 2, x1: c.x + OFFSET_PX + CHAR_PX * c.text.length + 2, y0: c.y - LINE_PX / 2, y1: c.y + LINE_PX / 2 };
    if (kept.some((k) => box.x0 < k.x1 && k.x0 < box.x1 && box.y0 < k.y1 && k.y0 < box.y1)) continue;
    kept.push(box);
    chosen.push(c.item);
  }
  return chosen;
}

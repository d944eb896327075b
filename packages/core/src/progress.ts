/**
 * Progress in [0, 1] of a long synchronous stage (an eigendecomposition, a matrix build), for a host
 * to show while the stage runs. Unlike RunContext.checkpoint it does not yield, so it cannot deliver
 * a cancellation: that waits for the experiment's next checkpoint.
 */
export type ProgressReport = (fraction: number) => void;

/** The part [from, to] of a report: a sub-stage's own 0 → 1 mapped onto its share of the whole. */
export function progressPart(report: ProgressReport | undefined, from: number, to: number): ProgressReport | undefined {
  // clamped: rounding must never carry a part past its end, where the next part starts
  return report && ((f) => report(Math.min(to, from + (to - from) * f)));
}

import type { PartialReport, ResultRecord } from '@diffusion-atlas/core';

/**
 * The page's quiet time between two partials, counted from when it has drawn the last one: each
 * redraw holds its main thread (progress, scrolling and the other figures wait), and a figure
 * that changes faster is not read any better. The first one goes at once.
 */
export const PARTIAL_INTERVAL_MS = 250;

export interface PartialStream {
  report: PartialReport;
  /** The run is over: nothing more is built or sent. */
  close(): void;
}

/**
 * The worker's side of streaming partial results: it builds one only when it will send it (the
 * interval has passed and the page has taken the previous one), so an experiment may offer a
 * partial at every step and pay only for those sent. `send` resolves once the page has handled
 * the partial; until then every offer is skipped, which is how a page that is behind sheds load.
 */
export function partialStream(
  send: (fraction: number, result: ResultRecord) => Promise<unknown> | unknown,
  intervalMs: number = PARTIAL_INTERVAL_MS,
): PartialStream {
  let inFlight = false;
  let closed = false;
  let last = -Infinity;
  // A page slow to draw gets as long again as its last drawing took, so it is never drawing more than half the time.
  let quiet = intervalMs;
  return {
    report(fraction, build) {
      if (closed || inFlight) return;
      const sentAt = performance.now();
      if (sentAt - last < quiet) return;
      inFlight = true;
      let sent: unknown;
      try {
        sent = send(fraction, build());
      } catch (error) {
        inFlight = false;
        throw error;
      }
      // A page that went away must not become an unhandled rejection, nor block the stream.
      void Promise.resolve(sent)
        .catch(() => undefined)
        .finally(() => {
          inFlight = false;
          last = performance.now();
          quiet = Math.max(intervalMs, last - sentAt);
        });
    },
    close() {
      closed = true;
    },
  };
}

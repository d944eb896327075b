/*
 * Partial frames are drawn on the main thread, and a heavy one holds it for tens of milliseconds.
 * Drawing one as soon as it arrives would hold back what arrived with it (the status line, the
 * progress bar, scrolling): so a frame waits until the page has painted what is set already, and
 * a frame that is still waiting when a newer one comes is dropped for it.
 */

/** Runs a callback once the page has painted its current state. */
export type AfterPaint = (callback: () => void) => void;

export interface FrameQueue {
  /**
   * Draw after the next paint, unless a newer frame or `drop` comes first. Resolves once the frame
   * is drawn or dropped (the worker sends no next partial before then); rejects with what `draw`
   * threw.
   */
  offer(draw: () => void): Promise<void>;
  /** Forget the frame waiting, if any (the run it belongs to is over). */
  drop(): void;
}

/**
 * The browser's "after the next paint": animation frame callbacks run just before the page is
 * painted, and a task queued from one runs after it. A page that is not shown paints nothing and
 * draws nothing, which is what its frames are worth.
 */
export const afterNextPaint: AfterPaint = (callback) => {
  if (typeof requestAnimationFrame !== 'function') {
    setTimeout(callback, 0);
    return;
  }
  requestAnimationFrame(() => setTimeout(callback, 0));
};

interface Waiting {
  draw: () => void;
  done: () => void;
  failed: (error: unknown) => void;
}

export function frameQueue(afterPaint: AfterPaint = afterNextPaint): FrameQueue {
  let waiting: Waiting | undefined;
  let scheduled = false;

  function flush(): void {
    scheduled = false;
    const frame = waiting;
    waiting = undefined;
    if (frame === undefined) return;
    try {
      frame.draw();
    } catch (error) {
      frame.failed(error);
      return;
    }
    frame.done();
  }

  return {
    offer(draw) {
      waiting?.done();
      return new Promise<void>((resolve, reject) => {
        waiting = { draw, done: resolve, failed: reject };
        if (!scheduled) {
          scheduled = true;
          afterPaint(flush);
        }
      });
    },
    drop() {
      waiting?.done();
      waiting = undefined;
    },
  };
}

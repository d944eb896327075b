import { describe, expect, it } from 'vitest';
import { frameQueue } from '../../apps/site/src/widgets/host/frame-queue.ts';

/*
 * Partial frames wait for the page to paint what is set already (the status line, the progress
 * bar), and a frame still waiting when a newer one arrives is dropped for it. The paint is stood in
 * for by a list of callbacks the test runs by hand.
 */

function paints(): { afterPaint: (callback: () => void) => void; paint: () => void; waiting: () => number } {
  let queued: (() => void)[] = [];
  return {
    afterPaint: (callback) => queued.push(callback),
    paint: () => {
      const now = queued;
      queued = [];
      for (const callback of now) callback();
    },
    waiting: () => queued.length,
  };
}

describe('partial frames drawn after the next paint', () => {
  it('draws nothing before the page has painted, then the frame once', async () => {
    const page = paints();
    const queue = frameQueue(page.afterPaint);
    const drawn: string[] = [];
    const settled = queue.offer(() => drawn.push('first'));
    expect(drawn).toEqual([]);
    page.paint();
    await settled;
    expect(drawn).toEqual(['first']);
    page.paint();
    expect(drawn).toEqual(['first']);
  });

  it('keeps only the newest of the frames that arrive before a paint, and lets the older go at once', async () => {
    const page = paints();
    const queue = frameQueue(page.afterPaint);
    const drawn: string[] = [];
    const older = queue.offer(() => drawn.push('older'));
    const newer = queue.offer(() => drawn.push('newer'));
    // one paint callback for both: a burst of frames does not queue up paints
    expect(page.waiting()).toBe(1);
    // the older is settled (the worker may send on) before anything is drawn
    await older;
    expect(drawn).toEqual([]);
    page.paint();
    await newer;
    expect(drawn).toEqual(['newer']);
  });

  it('draws nothing once dropped, and settles the dropped frame', async () => {
    const page = paints();
    const queue = frameQueue(page.afterPaint);
    const drawn: string[] = [];
    const dropped = queue.offer(() => drawn.push('dropped'));
    queue.drop();
    await dropped;
    page.paint();
    expect(drawn).toEqual([]);
    // the queue goes on after a drop
    const next = queue.offer(() => drawn.push('next'));
    page.paint();
    await next;
    expect(drawn).toEqual(['next']);
  });

  it('rejects with what the drawing threw, and draws the next frame', async () => {
    const page = paints();
    const queue = frameQueue(page.afterPaint);
    const failing = queue.offer(() => {
      throw new Error('no picture');
    });
    page.paint();
    await expect(failing).rejects.toThrow('no picture');
    const drawn: string[] = [];
    const next = queue.offer(() => drawn.push('next'));
    page.paint();
    await next;
    expect(drawn).toEqual(['next']);
  });
});

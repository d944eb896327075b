import { parseHTML } from 'linkedom';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTimeline } from '@diffusion-atlas/site/widgets/kit/timeline.ts';

/*
 * The timeline in a server-side DOM: the frame its reset draws at once gets the context the caller
 * gave (the widths it read before replacing any chart), and no later frame does, whether played,
 * scrubbed or reset without one, so a frame of playback measures for itself.
 */

const saved = new Map<string, PropertyDescriptor | undefined>();
let reducedMotion = true;

beforeAll(() => {
  const dom = parseHTML('<!doctype html><html lang="en"><body><div data-widget></div></body></html>');
  const globals: Record<string, unknown> = {
    document: dom.document,
    Event: dom.Event,
    window: { matchMedia: () => ({ matches: reducedMotion }) },
  };
  for (const [name, value] of Object.entries(globals)) {
    saved.set(name, Object.getOwnPropertyDescriptor(globalThis, name));
    Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
  }
});

afterAll(() => {
  vi.useRealTimers();
  for (const [name, descriptor] of saved) {
    if (descriptor === undefined) Reflect.deleteProperty(globalThis, name);
    else Object.defineProperty(globalThis, name, descriptor);
  }
});

interface Widths {
  panel: number;
}

function timelineLog() {
  const frames: Array<[number, Widths | undefined]> = [];
  const timeline = createTimeline<Widths>({ label: 'frames', describe: (i) => `frame ${i}`, onFrame: (i, widths) => frames.push([i, widths]) });
  document.querySelector('[data-widget]')?.append(timeline.element);
  const scrubber = timeline.element.querySelector('input');
  if (scrubber === null) throw new Error('no scrubber');
  return { frames, timeline, scrubber };
}

describe('timeline', () => {
  it('before its first frames: a disabled Play, the thumb at the start', () => {
    reducedMotion = true;
    const { frames, timeline, scrubber } = timelineLog();
    const play = timeline.element.querySelector('button');
    expect(play?.textContent).toBe('Play');
    expect(play?.disabled).toBe(true);
    expect(scrubber.disabled).toBe(true);
    expect([scrubber.max, scrubber.value]).toEqual(['0', '0']);
    expect(frames).toEqual([]);
  });

  it('lends the reset its context for the frame drawn at once, and none to a scrubbed frame or a reset without one', () => {
    reducedMotion = true;
    const { frames, timeline, scrubber } = timelineLog();
    timeline.reset(5, { panel: 320 });
    // motion off: the last frame, at once, with the widths
    expect(frames).toEqual([[4, { panel: 320 }]]);
    scrubber.value = '2';
    scrubber.dispatchEvent(new Event('input'));
    timeline.reset(3);
    expect(frames).toEqual([
      [4, { panel: 320 }],
      [2, undefined],
      [2, undefined],
    ]);
    expect(timeline.index()).toBe(2);
  });

  it('with motion allowed, plays from the first frame: only that one gets the context', () => {
    reducedMotion = false;
    vi.useFakeTimers();
    const { frames, timeline } = timelineLog();
    timeline.reset(4, { panel: 200 });
    vi.advanceTimersByTime(1000);
    expect(frames).toEqual([
      [0, { panel: 200 }],
      [1, undefined],
      [2, undefined],
      [3, undefined],
    ]);
    expect(timeline.element.dataset['playing']).toBe('false');
    vi.useRealTimers();
  });
});

/** Milliseconds per frame during playback: a full run of ~80 frames plays in about four seconds. */
const FRAME_MS = 50;

export interface Timeline {
  element: HTMLElement;
  /** New frames arrived: start over (playing unless the reader prefers reduced motion). */
  reset(count: number): void;
  pause(): void;
  index(): number;
}

export interface TimelineOptions {
  label: string;
  /** Text for the current frame, e.g. "t = 0.53". */
  describe(index: number): string;
  onFrame(index: number): void;
}

function prefersReducedMotion(): boolean {
  return window.matchMedia('(prefers-reduced-motion: reduce)').matches;
}

/** A play/pause button and a scrubber over the frames of a run. */
export function createTimeline(options: TimelineOptions): Timeline {
  const element = document.createElement('div');
  element.className = 'timeline';
  const play = document.createElement('button');
  play.type = 'button';
  play.className = 'timeline-play';
  play.dataset['play'] = '';
  const scrubber = document.createElement('input');
  scrubber.type = 'range';
  scrubber.min = '0';
  scrubber.step = '1';
  scrubber.dataset['scrubber'] = '';
  scrubber.setAttribute('aria-label', options.label);
  const output = document.createElement('output');
  output.className = 'timeline-time';
  output.dataset['time'] = '';
  element.append(play, scrubber, output);

  let count = 0;
  let current = 0;
  let timer: ReturnType<typeof setInterval> | undefined;

  const playing = (): boolean => timer !== undefined;

  function label(): void {
    const atEnd = current >= count - 1;
    play.textContent = playing() ? 'Pause' : atEnd ? 'Replay' : 'Play';
    play.setAttribute('aria-label', playing() ? 'Pause the animation' : atEnd ? 'Replay the animation from noise' : 'Play the animation');
    element.dataset['playing'] = String(playing());
    play.disabled = count < 2;
    scrubber.disabled = count < 2;
  }

  function go(index: number): void {
    current = Math.min(Math.max(0, index), Math.max(0, count - 1));
    scrubber.value = String(current);
    const text = options.describe(current);
    output.textContent = text;
    scrubber.setAttribute('aria-valuetext', text);
    options.onFrame(current);
    label();
  }

  function stop(): void {
    clearInterval(timer);
    timer = undefined;
    label();
  }

  function start(): void {
    if (count < 2) return;
    if (current >= count - 1) go(0);
    timer = setInterval(() => {
      if (current >= count - 1) stop();
      else go(current + 1);
    }, FRAME_MS);
    label();
  }

  play.addEventListener('click', () => (playing() ? stop() : start()));
  scrubber.addEventListener('input', () => {
    stop();
    go(Number(scrubber.value));
  });
  label();

  return {
    element,
    reset(next) {
      stop();
      count = next;
      scrubber.max = String(Math.max(0, count - 1));
      if (prefersReducedMotion()) {
        go(count - 1);
      } else {
        go(0);
        start();
      }
    },
    pause: stop,
    index: () => current,
  };
}

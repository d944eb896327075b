import { t } from '../../i18n/messages.ts';

/** Milliseconds per frame during playback: a full run of ~80 frames plays in about four seconds. */
const FRAME_MS = 50;

export interface Timeline<Context = undefined> {
  element: HTMLElement;
  /**
   * New frames arrived: start over (playing unless motion is off, see `motionAllowed`). The frame
   * drawn at once gets `context` (say, the widths the caller read before it replaced any chart, so
   * that frame need not read the page's layout again); later frames get none.
   */
  reset(count: number, context?: Context): void;
  pause(): void;
  index(): number;
}

export interface TimelineOptions<Context> {
  label: string;
  /** Text for the current frame, e.g. "t = 0.53". */
  describe(index: number): string;
  /** Draw frame `index`: with the context `reset` was given when reset draws it, without during playback or scrubbing. */
  onFrame(index: number, context: Context | undefined): void;
}

function prefersReducedMotion(): boolean {
  return window.matchMedia('(prefers-reduced-motion: reduce)').matches;
}

/**
 * Whether an animation may start by itself: never under reduced motion, and not in a widget whose
 * page turned autoplay off (embeds do by default). Views that animate without a timeline should ask too.
 */
export function motionAllowed(within: Element): boolean {
  if (prefersReducedMotion()) return false;
  const widget = within.closest<HTMLElement>('[data-widget]');
  return widget?.dataset['autoplay'] !== 'false';
}

/** A play/pause button and a scrubber over the frames of a run; it pauses itself while off screen. */
export function createTimeline<Context = undefined>(options: TimelineOptions<Context>): Timeline<Context> {
  const element = document.createElement('div');
  element.className = 'timeline';
  const play = document.createElement('button');
  play.type = 'button';
  play.className = 'timeline-play';
  play.dataset['play'] = '';
  const scrubber = document.createElement('input');
  scrubber.type = 'range';
  scrubber.min = '0';
  // No frames yet (a first run drawing partial frames): the thumb at the start, not mid-track.
  scrubber.max = '0';
  scrubber.value = '0';
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
  /** Paused because it scrolled away, to resume when it is back. */
  let hiddenWhilePlaying = false;

  const playing = (): boolean => timer !== undefined;

  function label(): void {
    // Replay only once there is something to replay.
    const atEnd = count > 1 && current >= count - 1;
    play.textContent = playing() ? t('timeline.pause') : atEnd ? t('timeline.replay') : t('timeline.play');
    play.setAttribute('aria-label', playing() ? t('timeline.pauseLabel') : atEnd ? t('timeline.replayLabel') : t('timeline.playLabel'));
    element.dataset['playing'] = String(playing());
    play.disabled = count < 2;
    scrubber.disabled = count < 2;
  }

  function go(index: number, context?: Context): void {
    current = Math.min(Math.max(0, index), Math.max(0, count - 1));
    scrubber.value = String(current);
    const text = options.describe(current);
    output.textContent = text;
    scrubber.setAttribute('aria-valuetext', text);
    options.onFrame(current, context);
    label();
  }

  function stop(): void {
    clearInterval(timer);
    timer = undefined;
    hiddenWhilePlaying = false;
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

  // Off screen, frames cost CPU for nobody: pause, and pick up again when the figure is back.
  if (typeof IntersectionObserver !== 'undefined') {
    new IntersectionObserver((entries) => {
      const visible = entries.some((entry) => entry.isIntersecting);
      if (!visible && playing()) {
        stop();
        hiddenWhilePlaying = true;
      } else if (visible && hiddenWhilePlaying) {
        hiddenWhilePlaying = false;
        start();
      }
    }).observe(element);
  }

  return {
    element,
    reset(next, context) {
      stop();
      count = next;
      scrubber.max = String(Math.max(0, count - 1));
      if (!motionAllowed(element)) {
        go(count - 1, context);
      } else {
        go(0, context);
        start();
      }
    },
    pause: stop,
    index: () => current,
  };
}

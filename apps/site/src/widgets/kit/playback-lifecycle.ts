import { placeholderFigure } from './placeholder-figure.ts';

/** The parts of a view's lifecycle that every view with a playback timeline handles alike. */
export interface PlaybackLifecycle {
  pending(): void;
  settled(note: string): void;
  redraw(): void;
}

export interface PlaybackLifecycleOptions {
  timeline: { pause(): void };
  /** Whether a run has been shown: until then the settled note stands in the first chart's place. */
  shown: () => boolean;
  /** Where the note goes, and the size of the figure it stands in for. */
  host: HTMLElement;
  width: number;
  height: number;
  redraw: () => void;
}

/**
 * Playback stops while a new run is computed, so frames of the old run are not played against the
 * new one's controls; a run that ends without a result leaves its note where the first chart goes.
 */
export function playbackLifecycle(options: PlaybackLifecycleOptions): PlaybackLifecycle {
  const { timeline, shown, host, width, height, redraw } = options;
  return {
    pending() {
      timeline.pause();
    },
    settled(note: string) {
      if (!shown()) host.replaceChildren(placeholderFigure(width, height, note, 'figure-placeholder'));
    },
    redraw,
  };
}

/** Runs shorter than this finish before a bar would help; they print nothing. */
const SHOW_AFTER_MS = 1000;
/** Redraw at most this often: a terminal repaint per checkpoint would slow a fast run down. */
const REDRAW_MS = 100;
const WIDTH = 24;

export interface ProgressBar {
  update(fraction: number): void;
  clear(): void;
}

/**
 * A self-overwriting progress bar for stderr at a terminal: `name [########........] 42%  3.1 s`.
 * The caller shows it only when stderr is a terminal, so pipes and logs stay clean.
 */
export function progressBar(write: (text: string) => void, name: string, now: () => number = () => performance.now()): ProgressBar {
  const started = now();
  let drawnAt = -Infinity;
  let shown = false;
  return {
    update(fraction) {
      const t = now();
      if (t - started < SHOW_AFTER_MS || t - drawnAt < REDRAW_MS) return;
      drawnAt = t;
      shown = true;
      write(`\r${formatBar(name, fraction, t - started)}`);
    },
    clear() {
      if (shown) write('\r\x1b[K');
    },
  };
}

export function formatBar(name: string, fraction: number, elapsedMs: number): string {
  const f = Math.min(1, Math.max(0, fraction));
  const filled = Math.round(f * WIDTH);
  return `${name} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${String(Math.floor(f * 100)).padStart(3)}%  ${(elapsedMs / 1000).toFixed(1)} s`;
}

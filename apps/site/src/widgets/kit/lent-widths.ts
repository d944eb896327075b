/**
 * Widths a drawing read before it replaced any chart, lent to the drawing it sets off on the way
 * (a timeline's reset draws its frame at once): that drawing takes them instead of reading the
 * page's layout again after a replacement, which would force another layout.
 */
export interface LentWidths<Widths> {
  /** The widths lent by the drawing under way, or undefined outside one (a frame of playback). */
  current(): Widths | undefined;
  /** Run `draw` with `widths` lent to whatever it draws; they are taken back when it returns or throws. */
  during(widths: Widths, draw: () => void): void;
}

export function lentWidths<Widths>(): LentWidths<Widths> {
  let lent: Widths | undefined;
  return {
    current: () => lent,
    during(widths, draw) {
      lent = widths;
      try {
        draw();
      } finally {
        lent = undefined;
      }
    },
  };
}

import { describe, expect, it } from 'vitest';
import { lentWidths } from '../../apps/site/src/widgets/kit/lent-widths.ts';

/*
 * The widths a drawing measured up front, lent to the drawing it sets off (a timeline's reset
 * draws its frame at once): lent only while that drawing lasts, so a later frame of playback
 * measures for itself.
 */

describe('lent widths', () => {
  it('are lent during the drawing only, and taken back when it throws', () => {
    const lent = lentWidths<{ panel: number }>();
    expect(lent.current()).toBeUndefined();
    const seen: Array<{ panel: number } | undefined> = [];
    lent.during({ panel: 320 }, () => seen.push(lent.current()));
    expect(seen).toEqual([{ panel: 320 }]);
    expect(lent.current()).toBeUndefined();
    expect(() =>
      lent.during({ panel: 200 }, () => {
        throw new Error('drawing failed');
      }),
    ).toThrow('drawing failed');
    expect(lent.current()).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatValue, roundingUnit } from '@diffusion-atlas/site/value-format';

describe('how the chapters quote a run’s numbers', () => {
  it('writes a time that spans decades to two significant digits', () => {
    expect(formatValue(2246.45, 'significant')).toBe('2,200');
    expect(formatValue(636843.2, 'significant')).toBe('640,000');
    expect(formatValue(0.012345, 'significant', 3)).toBe('0.0123');
    expect(formatValue(-0.0706, 'fixed')).toBe('−0.07');
  });

  it('keeps every quote within half a rounding unit of the value, in each format', () => {
    const formats = ['fixed', 'integer', 'percent', 'significant'] as const;
    fc.assert(
      fc.property(fc.double({ min: 1e-3, max: 1e7, noNaN: true }), fc.constantFrom(...formats), fc.integer({ min: 1, max: 4 }), (value, format, digits) => {
        const shown = Number(formatValue(value, format, digits).replaceAll(',', '').replace('%', ''));
        const quoted = format === 'percent' ? shown / 100 : shown;
        // One part in 10⁹ of slack: the decimal text of a binary number is itself rounded.
        expect(Math.abs(quoted - value)).toBeLessThanOrEqual(roundingUnit(value, format, digits) / 2 + 1e-9 * value);
      }),
    );
  });
});

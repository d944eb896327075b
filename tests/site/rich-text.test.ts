import { describe, expect, it } from 'vitest';
import { plainSymbols, splitSymbols } from '../../apps/site/src/widgets/kit/rich-text.ts';
import { nearestLabels } from '../../apps/site/src/widgets/kit/label-placement.ts';

/*
 * The figure kit's text helpers, against strings written out by hand: the subscript parser shared
 * by captions, readouts and plot labels, its plain-text form for tooltips (which cannot hold
 * markup), and the choice of point labels that do not cover one another.
 */

describe('subscripted symbols', () => {
  it('splits Latin and Greek subscripts, braces removed', () => {
    expect(splitSymbols('← relaxation time τ_λ')).toEqual([{ base: '← relaxation time ' }, { base: 'τ', sub: 'λ' }]);
    expect(splitSymbols('L_test − L_train')).toEqual([
      { base: 'L', sub: 'test' },
      { base: ' − ' },
      { base: 'L', sub: 'train' },
    ]);
    expect(splitSymbols('Λ_{data} = 3')).toEqual([{ base: 'Λ', sub: 'data' }, { base: ' = 3' }]);
  });

  it('writes tooltips without raw markup: Unicode subscripts where each letter has one, else a narrow space', () => {
    expect(plainSymbols('ψ_p = 2, ψ_n = 0.5: gap 0.1')).toBe('ψₚ = 2, ψₙ = 0.5: gap 0.1');
    expect(plainSymbols('L_test − L_train')).toBe('Lₜₑₛₜ − Lₜᵣₐᵢₙ');
    expect(plainSymbols('τ_gen and τ_λ')).toBe('τ\u202fgen and τ\u202fλ');
    expect(plainSymbols('no symbol here')).toBe('no symbol here');
    // The reading standard's own raw-markup pattern finds nothing left.
    for (const text of ['ψ_p = p/d', 'τ_gen', 'L_test − L_train', 'x_1']) expect(plainSymbols(text)).not.toMatch(/[\p{L}\p{N})}\]]_[\p{L}\p{N}{]/u);
  });
});

describe('point labels', () => {
  const at = (x: number, y: number, text: string, weight: number) => ({ x, y, text, weight, item: `${text}@${x},${y}` });

  it('keeps the heaviest of two labels that would cover each other, and both when apart', () => {
    // Box of a two-digit label at (x, y): [x + 7, x + 9 + 15 + 2] × [y − 7.5, y + 7.5].
    expect(nearestLabels([at(100, 100, '12', 12), at(105, 104, '30', 30)])).toEqual(['30@105,104']);
    expect(nearestLabels([at(100, 100, '12', 12), at(100, 116, '30', 30)])).toEqual(['30@100,116', '12@100,100']);
    expect(nearestLabels([at(100, 100, '12', 12), at(127, 100, '30', 30)])).toEqual(['30@127,100', '12@100,100']);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allowedTypos, editDistance, nameTokens, sortKey, typosFor } from './tokens.ts';

describe('name tokens', () => {
  it('folds case and accents and splits on punctuation', () => {
    expect(nameTokens('Adaóra  O’Kafor-Bello')).toEqual(['adaora', 'okafor', 'bello']);
    expect(nameTokens('  ')).toEqual([]);
    expect(sortKey('Émile Zola')).toBe('emile zola');
  });
});

describe('edit distance (with transpositions)', () => {
  it('counts typos the way people make them', () => {
    expect(editDistance('jonh', 'john', 2)).toBe(1);
    expect(editDistance('smiht', 'smith', 2)).toBe(1);
    expect(editDistance('okafr', 'okafor', 2)).toBe(1);
    expect(editDistance('kitten', 'sitting', 3)).toBe(3);
    expect(editDistance('abc', 'abc', 0)).toBe(0);
    expect(editDistance('abcdef', 'zz', 1)).toBe(2);
  });

  it('is symmetric, zero only for equal strings, and bounded by the longer length', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        const max = 30;
        const d = editDistance(a, b, max);
        expect(d).toBe(editDistance(b, a, max));
        expect(d === 0).toBe(a === b);
        expect(d).toBeLessThanOrEqual(Math.max(a.length, b.length));
      }),
    );
  });

  it('forgives more typos in longer words', () => {
    expect([3, 4, 6, 7, 12].map(allowedTypos)).toEqual([0, 1, 1, 2, 2]);
    expect(['smiht', 'okonkwo', '424200', 'unit12'].map(typosFor)).toEqual([1, 2, 0, 1]);
  });
});

import { describe, expect, test } from 'vitest';
import { keywordsOf, matchProfiles, normalizeKeyword } from './match.ts';
import { newReferralCode, normalizeReferralCode } from './codes.ts';

describe('passing business: keyword matching', () => {
  test('keywords are normalised: case, punctuation, plural s', () => {
    expect(normalizeKeyword('  Wedding   CAKES! ')).toBe('wedding cake');
    expect(keywordsOf(['Catering, printing;  Catering', 'glass'])).toEqual(['catering', 'printing', 'glass']);
  });

  test('a known pair: exact need/offer 2 points, a partial one 1 point, with the reasons', () => {
    const profiles = [
      { id: 'a', name: 'Ada Events', offers: ['event planning'], needs: ['catering', 'cake'] },
      { id: 'b', name: 'Bola Bakes', offers: ['catering', 'wedding cake'], needs: ['event planning'] },
      { id: 'c', name: 'Chi Prints', offers: ['printing'], needs: ['plumbing'] },
    ];
    const m = matchProfiles(profiles, () => false);
    expect(m).toEqual([
      {
        a: 'a',
        b: 'b',
        score: 5, // catering = catering (2), cake ⊂ wedding cake (1), event planning = event planning (2)
        reasons: [
          'Ada Events needs catering; Bola Bakes offers it',
          'Ada Events needs cake; Bola Bakes offers wedding cake',
          'Bola Bakes needs event planning; Ada Events offers it',
        ],
      },
    ]);
    expect(matchProfiles(profiles, (x, y) => x === 'a' && y === 'b')).toEqual([]);
  });
});

describe('referral codes', () => {
  test('readable aloud: 4+4 from an alphabet without look-alikes, and typed codes are forgiven', () => {
    const c = newReferralCode();
    expect(c).toMatch(/^[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}$/);
    expect(normalizeReferralCode(c.toLowerCase().replace('-', ' '))).toBe(c);
    expect(normalizeReferralCode('ABC')).toBeUndefined();
  });
});

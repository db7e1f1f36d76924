import { describe, expect, it } from 'vitest';
import {
  nextDigits,
  normalizeEmail,
  normalizePhone,
  phoneCandidates,
  phonePrefixes,
  reversedDigits,
  suffixProbe,
} from './phones.ts';

describe('phone normalisation', () => {
  it.each([
    ['0803 123 4567', 'NG', '+2348031234567'],
    ['+234 803 123 4567', 'NG', '+2348031234567'],
    ['2348031234567', 'NG', '+2348031234567'],
    ['(0803) 123-4567', 'NG', '+2348031234567'],
    ['(415) 555-0100', 'US', '+14155550100'],
    ['+1 415-555-0100', 'NG', '+14155550100'],
    ['020 7946 0018', 'GB', '+442079460018'],
  ])('%s in %s → %s', (raw, region, e164) => {
    expect(normalizePhone(raw, region)).toEqual({ e164, valid: true });
  });

  it('keeps an invalid number flagged, with a best-effort E.164 when it parses', () => {
    expect(normalizePhone('12345', 'NG')).toMatchObject({ valid: false });
    expect(normalizePhone('call me', 'NG')).toEqual({ e164: null, valid: false });
    expect(normalizePhone('', 'NG')).toEqual({ e164: null, valid: false });
  });

  it('offers every reading of an ambiguous caller number', () => {
    expect(phoneCandidates('2348031234567', 'NG')).toContain('+2348031234567');
    expect(phoneCandidates('14155550100', 'US')).toContain('+14155550100');
  });

  it('turns a partly typed number into E.164 prefixes', () => {
    expect(phonePrefixes('0803 12', 'NG')).toContain('+23480312');
    expect(phonePrefixes('+1 415', 'US')).toEqual(['+1415']);
    expect(phonePrefixes('080', 'NG')).toEqual([]);
  });

  it('normalises emails for matching only', () => {
    expect(normalizeEmail('  Ada@Example.COM ')).toBe('ada@example.com');
  });
});

describe('search by the last digits', () => {
  it('stores the digits last first and bounds the range by the next digit string', () => {
    expect(reversedDigits('+2348032255373')).toBe('3735522308432');
    expect(reversedDigits(null)).toBeNull();
    expect(suffixProbe('225 5373')).toBe('3735522');
    expect(suffixProbe('537')).toBeNull();
    expect(suffixProbe('Ada 5373')).toBeNull();
    expect(nextDigits('3735')).toBe('3736');
    expect(nextDigits('3799')).toBe('38');
    expect(nextDigits('999')).toBeNull();
  });
});

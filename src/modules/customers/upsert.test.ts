import { describe, expect, it } from 'vitest';
import { betterName } from './upsert.ts';

describe('betterName: the best name seen wins, a real one is never overwritten', () => {
  it('an email or a phone standing in for a name gives way to a real name', () => {
    expect(betterName('ada@example.com', 'Ada Obi')).toBe('Ada Obi');
    expect(betterName('0803 123 4567', 'Ada Obi')).toBe('Ada Obi');
    expect(betterName('+234 803 123 4567', 'Obi Stores Ltd.')).toBe('Obi Stores Ltd.');
  });

  it('a stand-in does not replace a stand-in, and a real name stays', () => {
    expect(betterName('ada@example.com', 'ada.obi@example.com')).toBeUndefined();
    expect(betterName('ada@example.com', '0803 123 4567')).toBeUndefined();
    expect(betterName('Ada Obi', 'Ada N. Obi')).toBeUndefined();
    expect(betterName('Ada Obi', 'ada@example.com')).toBeUndefined();
    expect(betterName('@home', 'Ada')).toBeUndefined(); // "@home" is someone's name, not an email
    expect(betterName('ada@example.com', undefined)).toBeUndefined();
  });

  it('a customer known only by their id in the source takes the name their record gives, whatever it is', () => {
    expect(betterName('Customer 0190a', 'Ada Obi', '0190a')).toBe('Ada Obi');
    expect(betterName('Customer 0190a', '+234', '0190a')).toBe('+234');
    expect(betterName('+234', 'Customer 0190a', '0190a')).toBeUndefined();
    expect(betterName('Customer 0190a', 'Ada Obi', 'other')).toBeUndefined();
  });
});

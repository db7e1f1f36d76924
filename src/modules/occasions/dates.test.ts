import { describe, expect, it } from 'vitest';
import { fallsOn, likePatterns, occasionMonthDay, yearsSince } from './dates.ts';

describe('occasion dates', () => {
  it('greets 29 February on 28 February in common years, on the 29th in leap years', () => {
    expect(occasionMonthDay('2000-02-29', 2027, true)).toBe('02-28');
    expect(occasionMonthDay('2000-02-29', 2028, true)).toBe('02-29');
    expect(occasionMonthDay('--02-29', 2100, true)).toBe('02-28'); // 2100 is not a leap year
    expect(fallsOn('2000-02-29', '2027-02-28', true)).toBe(true);
    expect(fallsOn('2000-02-29', '2028-02-28', true)).toBe(false);
    expect(likePatterns('2027-02-28')).toEqual(['%-02-28', '%-02-29']);
    expect(likePatterns('2028-02-28')).toEqual(['%-02-28']);
  });
  it('a year-less date falls every year; a dated one after its own year; a one-time one on its day', () => {
    expect(fallsOn('--12-31', '2026-12-31', true)).toBe(true);
    expect(fallsOn('2026-12-31', '2026-12-31', true)).toBe(false); // born today: no greeting for day 0
    expect(fallsOn('2026-12-31', '2027-12-31', true)).toBe(true);
    expect(fallsOn('2027-05-05', '2027-05-05', false)).toBe(true);
    expect(fallsOn('2027-05-05', '2028-05-05', false)).toBe(false);
    expect(yearsSince('1990-06-15', '2027-06-15')).toBe(37);
    expect(yearsSince('--06-15', '2027-06-15')).toBeNull();
  });
});

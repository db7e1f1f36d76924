import { describe, expect, it } from 'vitest';
import { calendarDate, instant, isMangledNumber, money, multi, text, ValueError } from './values.ts';

describe('reading messy export values', () => {
  it.each([
    ['$1,149.00 ', 'USD', 114900],
    ['($33.62)', 'USD', -3362],
    ['-12.5', 'USD', -1250],
    ['1.149,00 €', 'EUR', 114900],
    ['1 200', 'NGN', 120000],
    ['₦12,500.50', 'NGN', 1250050],
    ['1500', 'JPY', 1500],
    ['1.250', 'KWD', 1250],
    ['USD 5.00', 'USD', 500],
  ])('money %s (%s) → %d minor units', (raw, currency, minor) => {
    expect(money(raw, currency)).toBe(minor);
  });

  it('refuses what is not money, and keeps empty empty', () => {
    expect(() => money('abc', 'USD')).toThrow(ValueError);
    expect(() => money('1.999', 'USD')).toThrow(/decimals/);
    expect(money('  ', 'USD')).toBeUndefined();
  });

  it('reads the dates exports write', () => {
    expect(instant('12/27/2018')).toBe('2018-12-27T00:00:00.000Z');
    expect(instant('27/12/2018')).toBe('2018-12-27T00:00:00.000Z');
    expect(instant('2018-12-27 10:03:19 -0500')).toBe('2018-12-27T15:03:19.000Z');
    expect(instant('2018-12-27T10:03:19Z')).toBe('2018-12-27T10:03:19.000Z');
    expect(instant('Dec 27, 2018')).toBe('2018-12-27T00:00:00.000Z');
    expect(instant('1/5/2019 3:04 PM')).toBe('2019-01-05T15:04:00.000Z');
    expect(() => instant('2/30/2019')).toThrow(/real date/);
    expect(() => instant('soon')).toThrow(ValueError);
  });

  it('reads birthdays with and without a year, and Outlook’s empty date', () => {
    expect(calendarDate('--12-25')).toBe('--12-25');
    expect(calendarDate('1990-04-17')).toBe('1990-04-17');
    expect(calendarDate('4/17/1990')).toBe('1990-04-17');
    expect(calendarDate('0/0/00')).toBeUndefined();
  });

  it('drops Shopify’s protective apostrophe and splits Google’s multi-values', () => {
    expect(text("'+2348031234567")).toBe('+2348031234567');
    expect(text("'0803")).toBe('0803');
    expect(text("O'Brien")).toBe("O'Brien");
    // Rapport's own export escapes the full-width forms too (escape_formulas): the import restores them
    expect(text("'＝SUM(A1)")).toBe('＝SUM(A1)');
    expect(text("'＠home")).toBe('＠home');
    expect(multi('a@x.com ::: b@y.com')).toEqual(['a@x.com', 'b@y.com']);
    expect(isMangledNumber('7.02255E+12')).toBe(true);
    expect(isMangledNumber('7022550000000')).toBe(false);
  });
});

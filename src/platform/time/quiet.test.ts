import { describe, expect, it } from 'vitest';
import { quietUntil } from './quiet.ts';

const at = (iso: string) => new Date(iso);
const iso = (d: Date) => d.toISOString();

describe('quiet hours', () => {
  it('lets a message go outside quiet hours, and holds it until the end inside them (wrapping midnight)', () => {
    // Lagos is UTC+1 all year
    expect(iso(quietUntil(at('2026-06-10T10:00:00Z'), 'Africa/Lagos', '20:00', '08:00'))).toBe(
      '2026-06-10T10:00:00.000Z',
    );
    expect(iso(quietUntil(at('2026-06-10T19:00:00Z'), 'Africa/Lagos', '20:00', '08:00'))).toBe(
      '2026-06-11T07:00:00.000Z',
    );
    expect(iso(quietUntil(at('2026-06-10T23:30:00Z'), 'Africa/Lagos', '20:00', '08:00'))).toBe(
      '2026-06-11T07:00:00.000Z',
    );
    expect(iso(quietUntil(at('2026-06-11T06:59:00Z'), 'Africa/Lagos', '20:00', '08:00'))).toBe(
      '2026-06-11T07:00:00.000Z',
    );
    expect(iso(quietUntil(at('2026-06-11T07:00:00Z'), 'Africa/Lagos', '20:00', '08:00'))).toBe(
      '2026-06-11T07:00:00.000Z',
    );
  });

  it('a window inside one day (13:00–14:00 lunch) and no window at all (equal times)', () => {
    expect(iso(quietUntil(at('2026-06-10T12:30:00Z'), 'Africa/Lagos', '13:00', '14:00'))).toBe(
      '2026-06-10T13:00:00.000Z',
    );
    expect(iso(quietUntil(at('2026-06-10T12:30:00Z'), 'Africa/Lagos', '13:00', '13:00'))).toBe(
      '2026-06-10T12:30:00.000Z',
    );
  });

  it('ends at 08:00 local time across the spring-forward night (New York, 8 March 2026)', () => {
    // 22:00 EST on 7 March (UTC−5); clocks go forward at 02:00 on 8 March; 08:00 EDT is 12:00 UTC
    expect(iso(quietUntil(at('2026-03-08T03:00:00Z'), 'America/New_York', '20:00', '08:00'))).toBe(
      '2026-03-08T12:00:00.000Z',
    );
    // the night before the change, 08:00 EST is 13:00 UTC
    expect(iso(quietUntil(at('2026-03-07T03:00:00Z'), 'America/New_York', '20:00', '08:00'))).toBe(
      '2026-03-07T13:00:00.000Z',
    );
  });

  it('ends at 08:00 local time across the fall-back night (London, 25 October 2026), and in the repeated hour', () => {
    // 21:00 BST on 24 October (UTC+1); clocks go back at 02:00 BST on 25 October; 08:00 GMT is 08:00 UTC
    expect(iso(quietUntil(at('2026-10-24T20:00:00Z'), 'Europe/London', '20:00', '08:00'))).toBe(
      '2026-10-25T08:00:00.000Z',
    );
    // 01:30 happens twice that night: both times are quiet and end at the same instant
    expect(iso(quietUntil(at('2026-10-25T00:30:00Z'), 'Europe/London', '20:00', '08:00'))).toBe(
      '2026-10-25T08:00:00.000Z',
    );
    expect(iso(quietUntil(at('2026-10-25T01:30:00Z'), 'Europe/London', '20:00', '08:00'))).toBe(
      '2026-10-25T08:00:00.000Z',
    );
  });

  it('a quiet hour that ends inside the skipped hour moves to the first valid instant after it', () => {
    // quiet 00:00–02:30 in New York: 02:30 does not exist on 8 March 2026, so it ends at 03:30 EDT (07:30 UTC)
    expect(iso(quietUntil(at('2026-03-08T06:00:00Z'), 'America/New_York', '00:00', '02:30'))).toBe(
      '2026-03-08T07:30:00.000Z',
    );
  });
});

import { DateTime } from 'luxon';

const offset = (minutes: number) => {
  const a = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}${String(a % 60).padStart(2, '0')}`;
};

/**
 * A VTIMEZONE (RFC 5545 3.6.5) for an IANA zone around a year, from luxon's own rules: one observance per offset
 * change in the year before, of and after the event (fixed onsets, no RRULE), or one STANDARD when the zone has
 * no changes. Calendars that know the zone by name use their own rules; the others use these.
 */
export function vtimezone(zone: string, year: number): string {
  const start = DateTime.fromObject({ year: year - 1, month: 1, day: 1 }, { zone });
  const out: string[] = ['BEGIN:VTIMEZONE', `TZID:${zone}`];
  let prev = start;
  let found = 0;
  for (let d = 1; d <= 366 * 3; d++) {
    const next = start.plus({ days: d });
    if (next.offset === prev.offset) {
      prev = next;
      continue;
    }
    // the change is within this day: find its quarter-hour
    let at = prev;
    while (at.plus({ minutes: 15 }).offset === prev.offset) at = at.plus({ minutes: 15 });
    const after = at.plus({ minutes: 15 });
    const onset = after.toUTC().plus({ minutes: prev.offset }); // local wall time in the old offset
    const kind = after.isInDST ? 'DAYLIGHT' : 'STANDARD';
    out.push(
      `BEGIN:${kind}`,
      `DTSTART:${onset.toFormat("yyyyMMdd'T'HHmmss")}`,
      `TZOFFSETFROM:${offset(prev.offset)}`,
      `TZOFFSETTO:${offset(after.offset)}`,
      `TZNAME:${after.offsetNameShort ?? zone}`,
      `END:${kind}`,
    );
    found++;
    prev = next;
  }
  if (!found)
    out.push(
      'BEGIN:STANDARD',
      'DTSTART:19700101T000000',
      `TZOFFSETFROM:${offset(start.offset)}`,
      `TZOFFSETTO:${offset(start.offset)}`,
      `TZNAME:${start.offsetNameShort ?? zone}`,
      'END:STANDARD',
    );
  out.push('END:VTIMEZONE');
  return out.join('\r\n');
}

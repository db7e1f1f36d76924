import ical, {
  ICalAttendeeRole,
  ICalAttendeeStatus,
  ICalCalendarMethod,
  ICalEventStatus,
} from 'ical-generator';
import type { Selectable } from 'kysely';
import { DateTime } from 'luxon';
import type { EventTable } from '../../platform/db/schema.ts';
import { vtimezone } from './vtimezone.ts';

/**
 * An event as an iCalendar invitation (RFC 5545/5546): METHOD:REQUEST (CANCEL once cancelled), a UID that stays
 * the same across changes and a SEQUENCE that grows with each, the start in the shop's zone (TZID).
 */
export function icsOf(
  e: Selectable<EventTable>,
  o: {
    timezone: string;
    shopName: string;
    organizerEmail: string | null;
    host: string;
    url: string;
    attendee?: { name: string; email: string | null; answer: string } | undefined;
  },
): string {
  const cancelled = e.status === 'cancelled';
  const cal = ical({
    prodId: { company: 'Rapport', product: 'Rapport CRM', language: 'EN' },
    name: o.shopName,
    method: cancelled ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.REQUEST,
  });
  // a luxon time in the shop's zone: written as its local wall-clock time with TZID, the zone's rules beside it
  const start = DateTime.fromISO(e.starts_at, { zone: o.timezone });
  cal.timezone({ name: o.timezone, generator: (tz) => vtimezone(tz, start.year) });
  cal.createEvent({
    id: `event-${e.id}@${o.host}`,
    sequence: Number(e.sequence),
    start,
    end: start.plus({ minutes: Number(e.duration_minutes) }),
    timezone: o.timezone,
    stamp: new Date(e.updated_at),
    summary: e.title,
    description: [e.description, `Answer or change your answer: ${o.url}`].filter(Boolean).join('\n\n'),
    ...(e.location && { location: e.location }),
    url: o.url,
    status: cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    ...(o.organizerEmail && { organizer: { name: o.shopName, email: o.organizerEmail } }),
    ...(o.attendee?.email && {
      attendees: [
        {
          name: o.attendee.name,
          email: o.attendee.email,
          role: ICalAttendeeRole.REQ,
          rsvp: true,
          status:
            o.attendee.answer === 'yes'
              ? ICalAttendeeStatus.ACCEPTED
              : o.attendee.answer === 'no'
                ? ICalAttendeeStatus.DECLINED
                : ICalAttendeeStatus.NEEDSACTION,
        },
      ],
    }),
  });
  return cal.toString();
}

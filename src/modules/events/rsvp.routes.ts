import type { FastifyInstance, FastifyReply } from 'fastify';
import { DateTime } from 'luxon';
import { renderSVG } from 'uqr';
import { publicPage } from '../outreach/index.ts';
import type { EventRow } from './events.repository.ts';
import { MAX_GUESTS, type RsvpService } from './rsvp.service.ts';

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const send = (reply: FastifyReply, status: number, html: string) =>
  reply
    .code(status)
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .type('text/html; charset=utf-8')
    .send(html);
const calendar = (reply: FastifyReply, ics: string, method: string) =>
  reply
    .header('cache-control', 'no-store')
    .header('content-disposition', 'attachment; filename="invite.ics"')
    .type(`text/calendar; charset=utf-8; method=${method}`)
    .send(ics);
const gone = () =>
  publicPage(
    'Link expired',
    '<h1>This link no longer works</h1><p>It may have been mistyped. Reply to the invitation you received, or contact the shop.</p>',
  );
const NOTE: Record<string, string> = {
  saved:
    '<p role="status"><strong>Thank you, your answer is saved.</strong> You can change it here until the event.</p>',
  full: '<p role="alert"><strong>Sorry, there are not enough seats left for that.</strong> Try with fewer guests.</p>',
  over: '<p role="alert"><strong>The event has begun: answers are closed.</strong></p>',
  cancelled: '<p role="alert"><strong>This event is cancelled.</strong></p>',
};

function details(e: EventRow, zone: string) {
  const when = DateTime.fromISO(e.starts_at, { zone });
  return `<h1>${esc(e.title)}</h1>
<p><strong>When:</strong> ${esc(when.toFormat('cccc d LLLL yyyy, HH:mm'))} <span class="muted">(${esc(zone)})</span></p>
${e.location ? `<p><strong>Where:</strong> ${esc(e.location)}</p>` : ''}
${e.description ? `<p>${esc(e.description).replace(/\n/g, '<br>')}</p>` : ''}
${e.status === 'cancelled' ? NOTE.cancelled : ''}`;
}
const seatsText = (left: number | null) =>
  left === null
    ? ''
    : `<p class="muted">${left > 0 ? `${left} ${left === 1 ? 'seat' : 'seats'} left` : 'No seats left'}</p>`;

/**
 * Public event pages (no sign-in, no JavaScript, any phone): the guest's own answer page under /p/r/ (yes with
 * guests, or no; changeable until the event; the entry QR code once they said yes) and the event's page under
 * /p/ev/, each with its calendar file.
 */
export function registerRsvpPages(root: FastifyInstance, deps: { rsvp: RsvpService }) {
  return root.register(async (app) => {
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 10_000 },
      (_r, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    const config = { rateLimit: { max: 60, timeWindow: '1 minute' } };
    const schema = { hide: true };

    app.get<{ Params: { token: string }; Querystring: { r?: string } }>(
      '/p/r/:token',
      { config, schema },
      async (request, reply) => {
        const v = await deps.rsvp.view(request.params.token);
        if (!v) return send(reply, 404, gone());
        const e = v.event;
        const note = NOTE[request.query.r ?? ''] ?? '';
        const open = e.status !== 'cancelled' && !v.over;
        const opt = (n: number) =>
          `<option value="${n}"${n === v.guests ? ' selected' : ''}>${n === 0 ? 'Just me' : `Me and ${n} ${n === 1 ? 'guest' : 'guests'}`}</option>`;
        const form = open
          ? `<form method="post"><fieldset style="border:0;padding:0;margin:0 0 1rem"><legend style="font-weight:600">Will you come${v.name ? `, ${esc(v.name.split(/\s+/)[0] ?? '')}` : ''}?</legend>
<label><input type="radio" name="answer" value="yes" required${v.answer === 'yes' ? ' checked' : ''}> Yes, I will come</label>
<label><input type="radio" name="answer" value="no"${v.answer === 'no' ? ' checked' : ''}> No, I cannot make it</label></fieldset>
<label for="guests" style="display:block;min-height:0;padding:0 0 .25rem;font-weight:600">How many of you?</label>
<select id="guests" name="guests" style="width:100%;font:inherit;padding:.6rem;min-height:48px;border:1px solid #adb5bd;border-radius:8px;margin-bottom:1rem;background:#fff">${Array.from({ length: MAX_GUESTS + 1 }, (_, n) => opt(n)).join('')}</select>
<button type="submit">Send my answer</button></form>${seatsText(v.seatsLeft)}`
          : v.over && e.status !== 'cancelled'
            ? NOTE.over
            : '';
        const pass =
          v.answer === 'yes' && e.status !== 'cancelled'
            ? `<h2 style="font-size:1.15rem;margin:1.5rem 0 .5rem">Your entry pass</h2><p>You said yes${v.guests ? ` for ${v.guests + 1} people` : ''}. Show this code at the door.</p>
<div style="max-width:14rem" role="img" aria-label="Entry QR code">${renderSVG(v.checkinUrl)}</div>`
            : v.answer === 'no'
              ? '<p class="muted">You said you cannot come. Changed your mind? Answer again above.</p>'
              : '';
        return send(
          reply,
          200,
          publicPage(
            e.title,
            `${note}${details(e, v.timezone)}${form}${pass}<p style="margin-top:1rem"><a href="/p/r/${esc(request.params.token)}/invite.ics">Add to my calendar</a></p>`,
            v.shopName,
          ),
        );
      },
    );
    app.post<{ Params: { token: string }; Body: Record<string, string> | undefined }>(
      '/p/r/:token',
      { config, schema },
      async (request, reply) => {
        const b = request.body ?? {};
        const answer = b.answer === 'yes' || b.answer === 'no' ? b.answer : null;
        const guests = /^\d{1,2}$/.test(b.guests ?? '0') ? Number(b.guests ?? 0) : -1;
        const token = encodeURIComponent(request.params.token);
        if (!answer || guests < 0 || guests > MAX_GUESTS) return reply.redirect(`/p/r/${token}`, 303);
        const r = await deps.rsvp.answer(request.params.token, { answer, guests });
        if (r === 'invalid') return send(reply, 404, gone());
        // Post/Redirect/Get: a reload does not answer again
        return reply.redirect(`/p/r/${token}?r=${r}`, 303);
      },
    );
    app.get<{ Params: { token: string } }>(
      '/p/r/:token/invite.ics',
      { config, schema },
      async (request, reply) => {
        const ics = await deps.rsvp.inviteIcs(request.params.token);
        if (!ics) return send(reply, 404, gone());
        return calendar(reply, ics, ics.includes('METHOD:CANCEL') ? 'CANCEL' : 'REQUEST');
      },
    );
    app.get<{ Params: { token: string } }>('/p/ev/:token', { config, schema }, async (request, reply) => {
      const v = await deps.rsvp.publicEvent(request.params.token);
      if (!v) return send(reply, 404, gone());
      return send(
        reply,
        200,
        publicPage(
          v.event.title,
          `${details(v.event, v.timezone)}${seatsText(v.seatsLeft)}<p>Invited? Answer with the personal link in your invitation.</p><p><a href="/p/ev/${esc(request.params.token)}/event.ics">Add to my calendar</a></p>`,
          v.shopName,
        ),
      );
    });
    app.get<{ Params: { token: string } }>(
      '/p/ev/:token/event.ics',
      { config, schema },
      async (request, reply) => {
        const v = await deps.rsvp.publicEvent(request.params.token);
        if (!v) return send(reply, 404, gone());
        const ics = await v.ics();
        return calendar(reply, ics, ics.includes('METHOD:CANCEL') ? 'CANCEL' : 'REQUEST');
      },
    );
  });
}

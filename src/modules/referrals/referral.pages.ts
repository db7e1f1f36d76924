import type { FastifyInstance, FastifyReply } from 'fastify';
import { publicPage } from '../outreach/index.ts';
import type { ReferralService } from './referrals.service.ts';

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const send = (reply: FastifyReply, status: number, html: string) =>
  reply
    .code(status)
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .type('text/html; charset=utf-8')
    .send(html);
const unknown = () =>
  publicPage(
    'Link not found',
    '<h1>This link does not work</h1><p>The code may have been mistyped. Ask the person who sent it to read it out again, or contact the shop.</p>',
  );

const FIELD =
  'display:block;width:100%;box-sizing:border-box;font:inherit;padding:.6rem;border:1px solid #868e96;border-radius:8px;min-height:44px;margin:.25rem 0 1rem';

function form(code: string, firstName: string, values: Record<string, string> = {}, error?: string) {
  const v = (k: string) => esc(values[k] ?? '');
  return `<h1>${esc(firstName)} sent you</h1>
<p>Leave your name and phone number and the shop will be in touch. ${esc(firstName)} will be thanked for sending you.</p>
${error ? `<p role="alert"><strong>${esc(error)}</strong></p>` : ''}
<form method="post" action="/p/ref/${esc(code)}">
<label for="name" style="display:block;padding:0;min-height:0">Your name</label>
<input id="name" name="name" autocomplete="name" required maxlength="200" style="${FIELD}" value="${v('name')}">
<label for="phone" style="display:block;padding:0;min-height:0">Phone number</label>
<input id="phone" name="phone" type="tel" autocomplete="tel" required maxlength="50" style="${FIELD}" value="${v('phone')}">
<label for="email" style="display:block;padding:0;min-height:0">Email (optional)</label>
<input id="email" name="email" type="email" autocomplete="email" maxlength="254" style="${FIELD}" value="${v('email')}">
<button type="submit">Send my details</button>
</form>
<p class="muted" style="margin-top:1rem">Referral code ${esc(code)}. Your details are only used by the shop to contact you.</p>`;
}

/** The public referral link /p/ref/<code>: "X sent you", and a sign-up form (server-rendered, no JavaScript). */
export function registerReferralPages(root: FastifyInstance, deps: { referrals: ReferralService }) {
  return root.register(async (app) => {
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 10_000 },
      (_r, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    const schema = { hide: true };
    app.get<{ Params: { code: string }; Querystring: { done?: string } }>(
      '/p/ref/:code',
      { config: { rateLimit: { max: 30, timeWindow: '1 minute' } }, schema },
      async (request, reply) => {
        const v = await deps.referrals.linkView(request.params.code);
        if (!v) return send(reply, 404, unknown());
        if (request.query.done)
          return send(
            reply,
            200,
            publicPage(
              'Thank you',
              `<h1>Thank you</h1><p role="status">Your details are with ${esc(v.shop)}. They will be in touch soon.</p>`,
              v.shop,
            ),
          );
        return send(reply, 200, publicPage(`${v.firstName} sent you`, form(v.code, v.firstName), v.shop));
      },
    );
    app.post<{ Params: { code: string }; Body: Record<string, string> | undefined }>(
      '/p/ref/:code',
      { config: { rateLimit: { max: 10, timeWindow: '1 minute' } }, schema },
      async (request, reply) => {
        const b = request.body ?? {};
        const name = String(b.name ?? '')
          .trim()
          .slice(0, 200);
        const phone = String(b.phone ?? '')
          .trim()
          .slice(0, 50);
        const email = String(b.email ?? '')
          .trim()
          .slice(0, 254);
        const v = await deps.referrals.linkView(request.params.code);
        if (!v) return send(reply, 404, unknown());
        const again = (error: string) =>
          send(
            reply,
            400,
            publicPage(
              `${v.firstName} sent you`,
              form(v.code, v.firstName, { name, phone, email }, error),
              v.shop,
            ),
          );
        if (!name || !phone) return again('Please enter your name and phone number.');
        if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
          return again('That email address does not look right.');
        try {
          await deps.referrals.signUpByLink(v.code, { name, phone, email: email || undefined });
        } catch (err) {
          if (
            (err as { statusCode?: number; status?: number }).status === 400 ||
            (err as { name?: string }).name === 'ZodError'
          )
            return again('Please check your phone number.');
          throw err;
        }
        // Post/Redirect/Get: a reload does not post again
        return reply.redirect(`/p/ref/${encodeURIComponent(v.code)}?done=1`, 303);
      },
    );
  });
}

import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ChannelName } from './channels/channel.ts';
import type { PublicService } from './public.service.ts';

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The frame of every public page (unsubscribe, preferences; later surveys, RSVPs, reviews): server-rendered,
 * no JavaScript, readable on any phone, nothing of the rest of the app.
 */
export function publicPage(title: string, body: string, shopName?: string) {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${esc(title)}</title>
<style>
body{margin:0;background:#f4f5f7;font:17px/1.5 -apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1a1b1e}
main{max-width:32rem;margin:0 auto;padding:2rem 1.25rem}
.card{background:#fff;border-radius:12px;padding:1.5rem;box-shadow:0 1px 3px rgba(0,0,0,.08)}
h1{font-size:1.4rem;margin:0 0 .75rem}p{margin:0 0 1rem}.shop{color:#495057;font-size:.95rem;margin-bottom:.5rem}
button{font:inherit;font-weight:600;background:#1864ab;color:#fff;border:0;border-radius:8px;padding:.75rem 1.25rem;min-height:48px;cursor:pointer;width:100%}
button:focus-visible,input:focus-visible{outline:3px solid #f08c00;outline-offset:2px}
label{display:flex;gap:.75rem;align-items:center;padding:.6rem 0;min-height:44px}input[type=checkbox]{width:1.4rem;height:1.4rem}
.muted{color:#495057;font-size:.95rem}
</style></head>
<body><main><div class="card">${shopName ? `<div class="shop">${esc(shopName)}</div>` : ''}${body}</div></main></body></html>`;
}

const send = (reply: FastifyReply, status: number, html: string) =>
  reply
    .code(status)
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .type('text/html; charset=utf-8')
    .send(html);

const expired = () =>
  publicPage(
    'Link expired',
    '<h1>This link no longer works</h1><p>It may have expired or been mistyped. Reply to the message you received, or contact the shop, and they will help.</p>',
  );

/**
 * Public pages under /p/ (no sign-in). Tokens sit in the path and are never logged (see loggableUrl).
 * Rate-limited per client address.
 */
export function registerPublicPages(root: FastifyInstance, deps: { pages: PublicService }) {
  return root.register(async (app) => {
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 10_000 },
      (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    const limit = { rateLimit: { max: 30, timeWindow: '1 minute' } };
    const schema = { hide: true };

    app.get<{ Params: { token: string } }>(
      '/p/u/:token',
      { config: limit, schema },
      async (request, reply) => {
        const v = await deps.pages.view(request.params.token);
        if (!v) return send(reply, 404, expired());
        const what =
          v.channel === 'email' ? 'emails' : v.channel === 'sms' ? 'text messages' : 'WhatsApp messages';
        return send(
          reply,
          200,
          publicPage(
            'Unsubscribe',
            `<h1>Stop news and offers?</h1><p>We will stop sending marketing ${what} to <strong>${esc(v.masked)}</strong>. Messages about your own orders or requests still reach you.</p>
<form method="post"><button type="submit" name="confirm" value="1">Unsubscribe</button></form>
<p class="muted" style="margin-top:1rem"><a href="/p/prefs/${esc(request.params.token)}">Choose what you receive instead</a></p>`,
            v.shopName,
          ),
        );
      },
    );
    // RFC 8058: a mail provider POSTs "List-Unsubscribe=One-Click" to the List-Unsubscribe URL; the page's button posts here too
    app.post<{ Params: { token: string }; Body: Record<string, string> | undefined }>(
      '/p/u/:token',
      { config: limit, schema },
      async (request, reply) => {
        const oneClick = request.body?.['List-Unsubscribe'] === 'One-Click';
        const done = await deps.pages.unsubscribe(request.params.token, oneClick ? 'one-click' : 'page');
        if (!done) return send(reply, 404, expired());
        const v = await deps.pages.view(request.params.token);
        return send(
          reply,
          200,
          publicPage(
            'Unsubscribed',
            `<h1>You are unsubscribed</h1><p>No more news and offers will be sent to ${esc(v?.masked ?? 'this address')}.</p><p class="muted"><a href="/p/prefs/${esc(request.params.token)}">Changed your mind?</a></p>`,
            v?.shopName,
          ),
        );
      },
    );

    // a tracked link in an email: only ever to a link of that message (never an open redirect)
    app.get<{ Params: { token: string; n: string } }>(
      '/p/c/:token/:n',
      { config: { rateLimit: { max: 120, timeWindow: '1 minute' } }, schema },
      async (request, reply) => {
        const n = /^\d{1,3}$/.test(request.params.n) ? Number(request.params.n) : -1;
        const url = n >= 0 ? await deps.pages.click(request.params.token, n) : undefined;
        if (!url) return send(reply, 404, expired());
        return reply
          .header('cache-control', 'no-store')
          .header('referrer-policy', 'no-referrer')
          .redirect(url, 302);
      },
    );
    app.get<{ Params: { token: string }; Querystring: { saved?: string } }>(
      '/p/prefs/:token',
      { config: limit, schema },
      async (request, reply) => {
        const v = await deps.pages.view(request.params.token);
        if (!v) return send(reply, 404, expired());
        const boxes = v.choices
          .map(
            (c) =>
              `<label><input type="checkbox" name="${c.channel}" value="1"${c.granted ? ' checked' : ''}> ${esc(c.label)}</label>`,
          )
          .join('\n');
        return send(
          reply,
          200,
          publicPage(
            'Your preferences',
            `<h1>What would you like to receive?</h1>${request.query.saved ? '<p role="status"><strong>Saved.</strong></p>' : ''}
<form method="post">${boxes}<p class="muted">Messages about your own orders, complaints or bookings are always sent.</p><button type="submit">Save</button></form>`,
            v.shopName,
          ),
        );
      },
    );
    app.post<{ Params: { token: string }; Body: Record<string, string> | undefined }>(
      '/p/prefs/:token',
      { config: limit, schema },
      async (request, reply) => {
        const wanted = new Set(
          (['email', 'sms', 'whatsapp'] as ChannelName[]).filter(
            (c) => request.body?.[c] === '1' || request.body?.[c] === 'on',
          ),
        );
        if (!(await deps.pages.savePreferences(request.params.token, wanted)))
          return send(reply, 404, expired());
        // Post/Redirect/Get: a reload does not post again
        return reply.redirect(`/p/prefs/${encodeURIComponent(request.params.token)}?saved=1`, 303);
      },
    );
  });
}

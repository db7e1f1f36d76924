import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/server.ts';
import {
  notContactedSchema,
  npsReportQuery,
  npsReportSchema,
  retentionSettingsSchema,
  reviewInputSchema,
  reviewSchema,
  type NpsService,
} from './nps.service.ts';
import { publicPage } from '../outreach/index.ts';
import {
  DEFECTION_REASONS,
  defectionReportQuery,
  defectionReportSchema,
  type SurveyService,
} from './survey.service.ts';

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const send = (reply: FastifyReply, status: number, html: string) =>
  reply
    .code(status)
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .type('text/html; charset=utf-8')
    .send(html);
const gone = () =>
  publicPage(
    'Link expired',
    '<h1>This link no longer works</h1><p>It may have expired. Thank you all the same — you can always reply to the message you received.</p>',
  );
const thanks = (shop: string | undefined, reviewUrl?: string | null) =>
  publicPage(
    'Thank you',
    `<h1>Thank you</h1><p>Your answer reached us. It helps us do better.</p>${
      reviewUrl
        ? `<p>Glad you like us! Would you say so where others can read it? It takes a minute and means a lot to a small business.</p><p><a href="${esc(reviewUrl)}" rel="noopener">Leave a review</a></p>`
        : ''
    }`,
    shop,
  );
const npsForm = (shop: string, error?: string) =>
  publicPage(
    'How did we do?',
    `<h1>How likely are you to recommend ${esc(shop)} to a friend?</h1>
${error ? `<p role="alert"><strong>${esc(error)}</strong></p>` : ''}
<form method="post"><fieldset style="border:0;padding:0;margin:0 0 1rem"><legend style="margin-bottom:.25rem">0 = not at all likely, 10 = extremely likely</legend>
<div style="display:grid;grid-template-columns:repeat(6,minmax(0,1fr));gap:.25rem">
${Array.from({ length: 11 }, (_, n) => `<label style="justify-content:center;border:1px solid #adb5bd;border-radius:8px"><input type="radio" name="score" value="${n}" required> ${n}</label>`).join('\n')}
</div></fieldset>
<label for="text" style="display:block;min-height:0;padding:0 0 .25rem;font-weight:600">Why? (optional)</label>
<textarea id="text" name="text" rows="4" maxlength="5000" style="width:100%;box-sizing:border-box;font:inherit;padding:.5rem;border:1px solid #adb5bd;border-radius:8px;margin-bottom:1rem"></textarea>
<button type="submit">Send</button></form>`,
    shop,
  );

/** The reports, settings and reviews, for signed-in staff. */
export function registerRetentionRoutes(
  root: FastifyInstance,
  deps: { surveys: SurveyService; nps: NpsService },
) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['retention'];
  const ws = (r: Parameters<typeof actorOf>[0]) => actorOf(r).workspaceId;
  const idParams = z.object({ id: z.string().max(100) });
  app.get(
    '/retention/settings',
    {
      schema: {
        tags,
        summary: 'NPS after purchases and closed complaints, the review link, "not contacted in N days"',
        response: { 200: retentionSettingsSchema },
      },
    },
    async (request) => deps.nps.getSettings(ws(request)),
  );
  app.put(
    '/retention/settings',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: 'Change the retention settings',
        body: retentionSettingsSchema.partial(),
        response: { 200: retentionSettingsSchema },
      },
    },
    async (request) => deps.nps.updateSettings(ws(request), request.body, actorOf(request)),
  );
  app.get(
    '/retention/nps',
    {
      schema: {
        tags,
        summary: 'NPS over time and by the staff member who served them',
        querystring: npsReportQuery,
        response: { 200: npsReportSchema },
      },
    },
    async (request) => deps.nps.report(ws(request), request.query),
  );
  app.get(
    '/retention/not-contacted',
    {
      schema: {
        tags,
        summary:
          'Valuable customers (top fifth by predicted value) not contacted in N days, longest silence first',
        response: { 200: notContactedSchema },
      },
    },
    async (request) => deps.nps.notContacted(ws(request)),
  );
  app.post(
    '/customers/:id/reviews',
    {
      schema: {
        tags,
        summary: 'Record a review the customer left (any platform); on their timeline',
        params: idParams,
        body: reviewInputSchema,
        response: { 201: reviewSchema },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await deps.nps.addReview(ws(request), request.params.id, request.body, actorOf(request))),
  );
  app.get(
    '/customers/:id/reviews',
    {
      schema: {
        tags,
        summary: "The customer's reviews, newest first",
        params: idParams,
        response: { 200: z.object({ items: z.array(reviewSchema), nextCursor: z.string().nullable() }) },
      },
    },
    async (request) => deps.nps.listReviews(ws(request), request.params.id),
  );
  app.get(
    '/retention/defection-reasons',
    {
      schema: {
        tags: ['retention'],
        summary:
          'Why customers stopped buying (survey answers): by reason with the value lost, by month and by segment',
        querystring: defectionReportQuery,
        response: { 200: defectionReportSchema },
      },
    },
    async (request) => deps.surveys.report(actorOf(request).workspaceId, request.query),
  );
}

/**
 * The "why did you stop?" page under /p/s/ (no sign-in, no JavaScript, any phone): the reasons as radio buttons,
 * a free text, "may we contact you?", one answer per link.
 */
export function registerSurveyPages(root: FastifyInstance, deps: { surveys: SurveyService }) {
  return root.register(async (app) => {
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 20_000 },
      (_r, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    const config = { rateLimit: { max: 30, timeWindow: '1 minute' } };
    const schema = { hide: true };
    const form = (shop: string, error?: string) =>
      publicPage(
        'We miss you',
        `<h1>We haven't seen you in a while</h1><p>Could you tell us why? One minute, and it helps ${esc(shop)} do better.</p>
${error ? `<p role="alert"><strong>${esc(error)}</strong></p>` : ''}
<form method="post"><fieldset style="border:0;padding:0;margin:0 0 1rem"><legend style="font-weight:600;margin-bottom:.25rem">Why did you stop buying?</legend>
${Object.entries(DEFECTION_REASONS)
  .map(
    ([k, label]) => `<label><input type="radio" name="reason" value="${k}" required> ${esc(label)}</label>`,
  )
  .join('\n')}
</fieldset>
<label for="text" style="display:block;min-height:0;padding:0 0 .25rem;font-weight:600">Anything you would like to tell us? (optional)</label>
<textarea id="text" name="text" rows="4" maxlength="5000" style="width:100%;box-sizing:border-box;font:inherit;padding:.5rem;border:1px solid #adb5bd;border-radius:8px;margin-bottom:1rem"></textarea>
<fieldset style="border:0;padding:0;margin:0 0 1rem"><legend style="font-weight:600">May we contact you about it?</legend>
<label><input type="radio" name="mayContact" value="yes" required> Yes</label><label><input type="radio" name="mayContact" value="no"> No, thank you</label></fieldset>
<button type="submit">Send</button></form>`,
        shop,
      );
    app.get<{ Params: { token: string } }>('/p/s/:token', { config, schema }, async (request, reply) => {
      const v = await deps.surveys.view(request.params.token);
      if (!v) return send(reply, 404, gone());
      if (v.answered) return send(reply, 200, thanks(v.shopName));
      return send(reply, 200, v.kind === 'nps' ? npsForm(v.shopName) : form(v.shopName));
    });
    app.post<{ Params: { token: string }; Body: Record<string, string> | undefined }>(
      '/p/s/:token',
      { config, schema },
      async (request, reply) => {
        const v = await deps.surveys.view(request.params.token);
        if (!v) return send(reply, 404, gone());
        const b = request.body ?? {};
        if (v.kind === 'nps') {
          const score = /^(10|[0-9])$/.test(b.score ?? '') ? Number(b.score) : -1;
          if (score < 0) return send(reply, 400, npsForm(v.shopName, 'Please choose a number from 0 to 10.'));
          const r = await deps.surveys.answerNps(request.params.token, { score, text: b.text });
          if (r === 'invalid') return send(reply, 404, gone());
          return send(reply, 200, thanks(v.shopName, r === 'saved' && score >= 9 ? v.reviewUrl : null));
        }
        if (!(b.reason && b.reason in DEFECTION_REASONS) || !['yes', 'no'].includes(b.mayContact ?? ''))
          return send(
            reply,
            400,
            form(v.shopName, 'Please choose a reason and say whether we may contact you.'),
          );
        const r = await deps.surveys.answer(request.params.token, {
          reason: b.reason,
          text: b.text,
          mayContact: b.mayContact === 'yes',
        });
        if (r === 'invalid') return send(reply, 404, gone());
        return send(reply, 200, thanks(v.shopName));
      },
    );
  });
}

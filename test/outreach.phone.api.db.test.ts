import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signTwilio, startFakeTwilio } from './fakes/twilio.ts';
import {
  signWhatsApp,
  startFakeWhatsApp,
  whatsAppInboundPayload,
  whatsAppStatusPayload,
} from './fakes/whatsapp.ts';
import { DIALECTS, startTestApp, type TestApp } from './kit.ts';

const PUBLIC = 'https://crm.example.test';

/**
 * Issue 15, SMS and WhatsApp end to end: the real adapters against local servers that answer as Twilio and
 * Meta document, and the webhooks they call back (signed as they sign), through Rapport's routes.
 */
for (const dialect of DIALECTS) {
  describe(`outreach by SMS and WhatsApp (${dialect})`, () => {
    let t: TestApp;
    let twilio: Awaited<ReturnType<typeof startFakeTwilio>>;
    let wa: Awaited<ReturnType<typeof startFakeWhatsApp>>;
    let auth: { authorization: string };
    let ws: string;
    const verifyToken = 'my-verify-token-123';
    beforeAll(async () => {
      twilio = await startFakeTwilio();
      wa = await startFakeWhatsApp();
      t = await startTestApp(dialect, {
        env: {
          RAPPORT_PUBLIC_URL: PUBLIC,
          RAPPORT_TWILIO_API_BASE: twilio.apiBase,
          RAPPORT_WHATSAPP_API_BASE: wa.apiBase,
        },
      });
      ({ auth, workspaceId: ws } = await t.newWorkspace());
      const r = await put('/api/v1/outreach/settings', {
        sms: {
          provider: 'twilio',
          accountSid: twilio.accountSid,
          authToken: twilio.authToken,
          from: '+15005550006',
        },
        whatsapp: {
          phoneNumberId: wa.phoneNumberId,
          accessToken: wa.accessToken,
          appSecret: wa.appSecret,
          verifyToken,
        },
        quietHours: { start: '00:00', end: '00:00' },
      });
      expect(r.statusCode).toBe(200);
    });
    afterAll(async () => {
      await t.closeAll();
      await twilio.close();
      await wa.close();
    });
    const post = (url: string, payload: object) =>
      t.app.inject({ method: 'POST', url, headers: auth, payload });
    const put = (url: string, payload: object) =>
      t.app.inject({ method: 'PUT', url, headers: auth, payload });
    const get = (url: string) => t.app.inject({ method: 'GET', url, headers: auth });
    const drain = () => t.services.outbox.createSender().drain();
    const customer = async (name: string, phone: string) =>
      (await post('/api/v1/customers', { name, phones: [{ number: phone }] })).json().id as string;
    /** A form POST signed as Twilio signs it, for the public URL Twilio would have called. */
    const twilioHook = (path: string, params: Record<string, string>, signature?: string) =>
      t.app.inject({
        method: 'POST',
        url: path,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': signature ?? signTwilio(twilio.authToken, `${PUBLIC}${path}`, params),
        },
        payload: new URLSearchParams(params).toString(),
      });
    const waHook = (payload: object, secret = wa.appSecret) => {
      const raw = JSON.stringify(payload);
      return t.app.inject({
        method: 'POST',
        url: `/hooks/whatsapp/${ws}`,
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWhatsApp(secret, raw) },
        payload: raw,
      });
    };

    it('sends a service SMS through Twilio, and its status callback marks it delivered', async () => {
      const id = await customer('Amaka Eze', '0803 123 4567');
      const m = (
        await post(`/api/v1/customers/${id}/messages`, {
          channel: 'sms',
          purpose: 'service',
          body: 'Your cake is ready, {{ customer.first_name }}.',
        })
      ).json();
      expect(m).toMatchObject({ status: 'queued', to: '+2348031234567', body: 'Your cake is ready, Amaka.' });
      await drain();
      const sent = twilio.messages.find((x) => x.to === '+2348031234567');
      expect(sent).toMatchObject({
        body: 'Your cake is ready, Amaka.',
        from: '+15005550006',
        statusCallback: `${PUBLIC}/hooks/twilio/${ws}/status`,
      });
      const after = (await get(`/api/v1/messages/${m.id}`)).json();
      expect(after).toMatchObject({ status: 'sent' });
      const params = {
        AccountSid: twilio.accountSid,
        MessageSid: sent!.sid,
        MessageStatus: 'delivered',
        To: sent!.to,
      };
      const forged = await twilioHook(`/hooks/twilio/${ws}/status`, params, 'bm90IGEgc2lnbmF0dXJl');
      expect(forged.statusCode).toBe(403);
      expect((await get(`/api/v1/messages/${m.id}`)).json().status).toBe('sent');
      const ok = await twilioHook(`/hooks/twilio/${ws}/status`, params);
      expect(ok.statusCode).toBe(204);
      const d = (await get(`/api/v1/messages/${m.id}`)).json();
      expect(d.status).toBe('delivered');
      expect(d.deliveredAt).not.toBeNull();
    });

    it('a marketing SMS needs SMS consent, says how to stop, and a STOP reply suppresses the number', async () => {
      const id = await customer('Chidi Obi', '0803 555 0101');
      const refused = await post(`/api/v1/customers/${id}/messages`, {
        channel: 'sms',
        purpose: 'marketing',
        body: 'Cake sale!',
      });
      expect(refused.json().code).toBe('NO_CONSENT');
      await put(`/api/v1/customers/${id}/consents`, {
        channel: 'sms',
        purpose: 'marketing',
        granted: true,
        source: 'counter',
        textShown: 'Texts about offers',
      });
      const m = (
        await post(`/api/v1/customers/${id}/messages`, {
          channel: 'sms',
          purpose: 'marketing',
          body: 'Cake sale!',
        })
      ).json();
      expect(m.body).toBe('Cake sale!\nReply STOP to opt out.');
      await drain();
      const stop = await twilioHook(`/hooks/twilio/${ws}/inbound`, {
        MessageSid: 'SMinbound1',
        From: '+2348035550101',
        To: '+15005550006',
        Body: ' stop ',
      });
      expect(stop.statusCode).toBe(200);
      expect(stop.headers['content-type']).toMatch(/xml/);
      expect(stop.body).toContain('<Response></Response>');
      const again = await post(`/api/v1/customers/${id}/messages`, {
        channel: 'sms',
        purpose: 'service',
        body: 'Your order',
      });
      expect(again.json().code).toBe('ADDRESS_SUPPRESSED');
      const tl = (await get(`/api/v1/customers/${id}/timeline`)).json();
      expect(tl.items[0]).toMatchObject({ kind: 'message', direction: 'inbound', body: ' stop ' });
      // START lifts a STOP
      await twilioHook(`/hooks/twilio/${ws}/inbound`, {
        MessageSid: 'SMinbound2',
        From: '+2348035550101',
        To: '+15005550006',
        Body: 'START',
      });
      expect(
        (
          await post(`/api/v1/customers/${id}/messages`, {
            channel: 'sms',
            purpose: 'service',
            body: 'Your order',
          })
        ).statusCode,
      ).toBe(202);
    });

    it('a number Twilio calls invalid is suppressed; a rate limit is retried after Retry-After', async () => {
      const bad = await customer('Bad Number', '+1 500 555 0001'); // Twilio's documented test number: 21211 invalid
      const m = (
        await post(`/api/v1/customers/${bad}/messages`, { channel: 'sms', purpose: 'service', body: 'x' })
      ).json();
      await drain();
      expect((await get(`/api/v1/messages/${m.id}`)).json()).toMatchObject({ status: 'bounced' });
      const sup = (await get('/api/v1/suppressions')).json();
      expect(sup.items).toContainEqual(expect.objectContaining({ channel: 'sms', address: '+15005550001' }));
      const busy = await customer('Busy Time', '0803 555 0202');
      twilio.answerNext({
        status: 429,
        headers: { 'retry-after': '120' },
        body: {
          code: 20429,
          message: 'Too Many Requests',
          more_info: 'https://www.twilio.com/docs/errors/20429',
          status: 429,
        },
      });
      const b = (
        await post(`/api/v1/customers/${busy}/messages`, { channel: 'sms', purpose: 'service', body: 'x' })
      ).json();
      const before = Date.now();
      await drain();
      const bb = (await get(`/api/v1/messages/${b.id}`)).json();
      expect(bb.status).toBe('queued');
      expect(Date.parse(bb.nextAttemptAt) - before).toBeGreaterThanOrEqual(119_000);
    });

    it('WhatsApp: the webhook handshake, a template outside the 24-hour window, text inside it, and statuses', async () => {
      const hs = await t.app.inject({
        method: 'GET',
        url: `/hooks/whatsapp/${ws}?hub.mode=subscribe&hub.verify_token=${verifyToken}&hub.challenge=1158201444`,
      });
      expect(hs.statusCode).toBe(200);
      expect(hs.body).toBe('1158201444');
      expect(
        (
          await t.app.inject({
            method: 'GET',
            url: `/hooks/whatsapp/${ws}?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1`,
          })
        ).statusCode,
      ).toBe(403);

      const id = await customer('Sheena Nelson', '0803 777 1212');
      await put(`/api/v1/customers/${id}/consents`, {
        channel: 'whatsapp',
        purpose: 'marketing',
        granted: true,
        source: 'web form',
      });
      const c = (
        await post('/api/v1/campaigns', {
          name: 'WA news',
          audience: { kind: 'customers', ids: [id] },
          channel: 'whatsapp',
          purpose: 'marketing',
          body: 'Hello {{ customer.first_name }}, new cakes today',
          whatsappTemplate: { name: 'cake_news', language: 'en', parameters: ['{{ customer.first_name }}'] },
        })
      ).json();
      await post(`/api/v1/campaigns/${c.id}/send`, {});
      await t.services.campaigns.queueCampaign(ws, c.id, async () => {});
      await drain();
      const first = wa.messages.at(-1)!;
      expect(first.to).toBe('2348037771212');
      expect(first.body).toMatchObject({
        type: 'template',
        template: { name: 'cake_news', language: { code: 'en' } },
      });
      // the customer writes: inside the 24-hour window a plain text may go
      const inbound = whatsAppInboundPayload({
        phoneNumberId: wa.phoneNumberId,
        from: '+2348037771212',
        text: 'Do you have chin chin?',
      });
      expect((await waHook(inbound, 'wrong-secret')).statusCode).toBe(403);
      expect((await waHook(inbound)).statusCode).toBe(200);
      const reply = (
        await post(`/api/v1/customers/${id}/messages`, {
          channel: 'whatsapp',
          purpose: 'service',
          body: 'Yes, fresh today',
        })
      ).json();
      await drain();
      expect(wa.messages.at(-1)!.body).toMatchObject({ type: 'text', text: { body: 'Yes, fresh today' } });
      const sentId = (await get(`/api/v1/messages/${reply.id}`)).json();
      expect(sentId.status).toBe('sent');
      const wamid = wa.messages.at(-1)!.id;
      expect(
        (
          await waHook(
            whatsAppStatusPayload({
              phoneNumberId: wa.phoneNumberId,
              messageId: wamid,
              recipientId: '2348037771212',
              status: 'delivered',
            }),
          )
        ).statusCode,
      ).toBe(200);
      expect(
        (
          await waHook(
            whatsAppStatusPayload({
              phoneNumberId: wa.phoneNumberId,
              messageId: wamid,
              recipientId: '2348037771212',
              status: 'read',
            }),
          )
        ).statusCode,
      ).toBe(200);
      expect((await get(`/api/v1/messages/${reply.id}`)).json().status).toBe('read');
    });

    it('webhooks of a workspace without the provider, or with a forged signature, change nothing', async () => {
      const other = await t.newWorkspace();
      const params = { MessageSid: 'SMx', MessageStatus: 'delivered' };
      expect((await twilioHook(`/hooks/twilio/${other.workspaceId}/status`, params)).statusCode).toBe(404);
      expect(
        (
          await twilioHook(
            `/hooks/twilio/${ws}/inbound`,
            { From: '+2348031234567', Body: 'STOP', MessageSid: 'SMy' },
            'forged',
          )
        ).statusCode,
      ).toBe(403);
      const sup = (await get('/api/v1/suppressions')).json();
      expect(sup.items.find((s: { address: string }) => s.address === '+2348031234567')).toBeUndefined();
    });
  });
}

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpSink } from './fakes/smtp.ts';
import { DIALECTS, startTestApp, type TestApp } from './kit.ts';

/**
 * Issue 15, outreach by email: settings, consent, suppression, templates, one message, a campaign, the outbox
 * and the public unsubscribe pages — against a real SMTP server in this process.
 */
for (const dialect of DIALECTS) {
  describe(`outreach by email (${dialect})`, () => {
    let t: TestApp;
    let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
    let auth: { authorization: string };
    let ws: string;
    let now = new Date('2026-06-10T10:00:00Z'); // 11:00 in Lagos
    beforeAll(async () => {
      smtp = await startSmtpSink({
        reject: (to) =>
          to.startsWith('gone@')
            ? { code: 550, message: '5.1.1 No such user' }
            : to.startsWith('full@')
              ? { code: 452, message: '4.2.2 Mailbox full' }
              : undefined,
      });
      t = await startTestApp(dialect, {
        env: { RAPPORT_SMTP_URL: smtp.url, RAPPORT_PUBLIC_URL: 'https://crm.example.test' },
        clock: () => now,
      });
      ({ auth, workspaceId: ws } = await t.newWorkspace({ name: 'Mama Put Bakery' }));
      const s = await put('/api/v1/outreach/settings', {
        fromEmail: 'hello@mamaput.example',
        fromName: 'Mama Put Bakery',
        replyTo: 'owner@mamaput.example',
      });
      expect(s.statusCode).toBe(200);
    });
    afterAll(async () => {
      await t.closeAll();
      await smtp.close();
    });
    const post = (url: string, payload: object) =>
      t.app.inject({ method: 'POST', url, headers: auth, payload });
    const put = (url: string, payload: object) =>
      t.app.inject({ method: 'PUT', url, headers: auth, payload });
    const get = (url: string) => t.app.inject({ method: 'GET', url, headers: auth });
    const sender = () => t.services.outbox.createSender();
    const drain = async () => sender().drain();
    const customer = async (name: string, email: string | null, consent = false) =>
      (
        await post('/api/v1/customers', {
          name,
          ...(email && { emails: [{ address: email }] }),
          ...(consent && { consent: { marketing: true, source: 'counter' } }),
        })
      ).json().id as string;
    const mailTo = (addr: string) => smtp.received.filter((r) => r.envelopeTo.includes(addr));
    /** A header as sent (unfolded), from the raw message. */
    const rawHeader = (raw: string, name: string) => {
      const head = raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
      return new RegExp(`^${name}: (.*)$`, 'mi').exec(head)?.[1];
    };

    it('refuses a marketing email without consent, and says why', async () => {
      const id = await customer('Tunde Bakare', 'tunde@example.com');
      const r = await post(`/api/v1/customers/${id}/messages`, {
        channel: 'email',
        purpose: 'marketing',
        subject: 'Fresh bread',
        body: 'Hello',
      });
      expect(r.statusCode).toBe(409);
      expect(r.json().code).toBe('NO_CONSENT');
      const none = await post(`/api/v1/customers/${await customer('No Mail', null)}/messages`, {
        channel: 'email',
        purpose: 'service',
        subject: 'x',
        body: 'y',
      });
      expect(none.json().code).toBe('NO_ADDRESS');
    });

    it('sends a marketing email over SMTP with its headers, text and HTML, and puts it on the timeline', async () => {
      const id = await customer('Ngozi Okafor', 'ngozi@example.com', true);
      const r = await post(`/api/v1/customers/${id}/messages`, {
        channel: 'email',
        purpose: 'marketing',
        subject: 'A treat for you, {{ customer.first_name }}',
        body: 'Hello {{ customer.first_name | default: "there" }},\n\nOur coconut cake is back at {{ shop.name }}.\nSee https://shop.example/cakes?x=1&y=2 today.',
      });
      expect(r.statusCode).toBe(202);
      const m = r.json();
      expect(m).toMatchObject({
        status: 'queued',
        to: 'ngozi@example.com',
        subject: 'A treat for you, Ngozi',
      });
      await drain();
      const [mail] = mailTo('ngozi@example.com');
      expect(mail).toBeDefined();
      const h = mail!.mail.headers;
      expect(mail!.mail.messageId).toBe(`<${m.id}@crm.example.test>`);
      expect(h.get('date')).toBeInstanceOf(Date);
      expect(mail!.mail.from?.value[0]).toMatchObject({
        address: 'hello@mamaput.example',
        name: 'Mama Put Bakery',
      });
      expect(mail!.mail.replyTo?.value[0]?.address).toBe('owner@mamaput.example');
      expect(mail!.mail.subject).toBe('A treat for you, Ngozi');
      const lu = String(rawHeader(mail!.raw, 'List-Unsubscribe'));
      expect(lu).toMatch(
        /^<https:\/\/crm\.example\.test\/p\/u\/[A-Za-z0-9_-]{43}>, <mailto:owner@mamaput\.example\?subject=unsubscribe%20/,
      );
      expect(rawHeader(mail!.raw, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
      expect(mail!.mail.text).toContain('Our coconut cake is back at Mama Put Bakery.');
      expect(mail!.mail.text).toContain('To stop these emails: https://crm.example.test/p/u/');
      expect(mail!.mail.html).toContain('<a href="https://crm.example.test/p/u/');
      expect(mail!.mail.html).toContain('max-width:600px');
      // the HTML's link goes through a click-tracking address that only ever leads to that link
      const tracked = /href="https:\/\/crm\.example\.test(\/p\/c\/[A-Za-z0-9_-]+\/0)"/.exec(
        mail!.mail.html as string,
      )?.[1];
      expect(tracked).toBeDefined();
      expect(mail!.mail.text).toContain('https://shop.example/cakes?x=1&y=2');
      const click = await t.app.inject({ method: 'GET', url: tracked! });
      expect(click.statusCode).toBe(302);
      expect(click.headers.location).toBe('https://shop.example/cakes?x=1&y=2');
      expect((await t.app.inject({ method: 'GET', url: tracked!.replace(/\/0$/, '/7') })).statusCode).toBe(
        404,
      );
      expect((await get(`/api/v1/messages/${m.id}`)).json().clickedAt).not.toBeNull();
      const after = (await get(`/api/v1/messages/${m.id}`)).json();
      expect(after).toMatchObject({ status: 'sent', attempts: 1 });
      const tl = (await get(`/api/v1/customers/${id}/timeline`)).json();
      expect(tl.items[0]).toMatchObject({ kind: 'message', direction: 'outbound' });
      expect(tl.items[0].body).toContain('coconut cake');
      const hist = (await get(`/api/v1/customers/${id}/messages`)).json();
      expect(hist.items.map((x: { id: string }) => x.id)).toEqual([m.id]);
    });

    it('one-click unsubscribe (RFC 8058) withdraws consent, suppresses the address, and nothing more goes', async () => {
      const id = await customer('Kemi Ade', 'kemi@example.com', true);
      const m = (
        await post(`/api/v1/customers/${id}/messages`, {
          channel: 'email',
          purpose: 'marketing',
          subject: 'Hi',
          body: 'News',
        })
      ).json();
      await drain();
      const url = new URL(
        /<(https:[^>]+)>/.exec(
          String(rawHeader(mailTo('kemi@example.com')[0]!.raw, 'List-Unsubscribe')),
        )![1]!,
      );
      const page = await t.app.inject({ method: 'GET', url: url.pathname });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toMatch(/text\/html/);
      expect(page.body).toContain('k•••@example.com');
      expect(page.body).not.toContain('<script');
      // the mail provider's one-click POST: no cookie, no Origin, form-encoded
      const one = await t.app.inject({
        method: 'POST',
        url: url.pathname,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'List-Unsubscribe=One-Click',
      });
      expect(one.statusCode).toBe(200);
      const again = await t.app.inject({
        method: 'POST',
        url: url.pathname,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'List-Unsubscribe=One-Click',
      });
      expect(again.statusCode).toBe(200);
      const c = (await get(`/api/v1/customers/${id}`)).json();
      expect(c.consent).toMatchObject({ marketing: false, source: 'one-click unsubscribe' });
      const sup = (await get('/api/v1/suppressions')).json();
      expect(sup.items).toContainEqual(
        expect.objectContaining({
          channel: 'email',
          address: 'kemi@example.com',
          scope: 'marketing',
          reason: 'unsubscribe',
        }),
      );
      // marketing: refused; a service message (a complaint follow-up) still goes
      const refused = await post(`/api/v1/customers/${id}/messages`, {
        channel: 'email',
        purpose: 'marketing',
        subject: 'x',
        body: 'y',
      });
      expect(refused.json().code).toBe('ADDRESS_SUPPRESSED');
      const service = await post(`/api/v1/customers/${id}/messages`, {
        channel: 'email',
        purpose: 'service',
        subject: 'Your complaint',
        body: 'We fixed it',
      });
      expect(service.statusCode).toBe(202);
      await drain();
      expect(mailTo('kemi@example.com')).toHaveLength(2);
      // the consent change is on the timeline and in the audit
      const tl = (await get(`/api/v1/customers/${id}/timeline`)).json();
      expect(
        tl.items.some(
          (i: { kind: string; body: string }) => i.kind === 'consent' && /Unsubscribed/.test(i.body),
        ),
      ).toBe(true);
      void m;
    });

    it('a message queued before the customer unsubscribed is skipped when its turn comes', async () => {
      const id = await customer('Late Leaver', 'late@example.com', true);
      const m = (
        await post(`/api/v1/customers/${id}/messages`, {
          channel: 'email',
          purpose: 'marketing',
          subject: 'Hi',
          body: 'News',
        })
      ).json();
      const r = await put(`/api/v1/customers/${id}/consents`, {
        channel: 'email',
        purpose: 'marketing',
        granted: false,
        source: 'phone call',
      });
      expect(r.statusCode).toBe(200);
      await drain();
      expect(mailTo('late@example.com')).toHaveLength(0);
      expect((await get(`/api/v1/messages/${m.id}`)).json()).toMatchObject({ status: 'skipped' });
    });

    it('a hard bounce suppresses the address; a temporary failure is retried later', async () => {
      const gone = await customer('Gone Away', 'gone@example.com', true);
      const full = await customer('Full Box', 'full@example.com', true);
      const a = (
        await post(`/api/v1/customers/${gone}/messages`, {
          channel: 'email',
          purpose: 'service',
          subject: 'Hi',
          body: 'x',
        })
      ).json();
      const b = (
        await post(`/api/v1/customers/${full}/messages`, {
          channel: 'email',
          purpose: 'service',
          subject: 'Hi',
          body: 'x',
        })
      ).json();
      await drain();
      expect((await get(`/api/v1/messages/${a.id}`)).json()).toMatchObject({ status: 'bounced' });
      const bb = (await get(`/api/v1/messages/${b.id}`)).json();
      expect(bb.status).toBe('queued');
      expect(bb.reason).toMatch(/Will try again/);
      expect(Date.parse(bb.nextAttemptAt)).toBeGreaterThan(now.getTime());
      const again = await post(`/api/v1/customers/${gone}/messages`, {
        channel: 'email',
        purpose: 'service',
        subject: 'Hi',
        body: 'x',
      });
      expect(again.json().code).toBe('ADDRESS_SUPPRESSED');
    });

    it('quiet hours: a message due at 21:30 in Lagos waits until 08:00', async () => {
      now = new Date('2026-06-10T20:30:00Z'); // 21:30 WAT
      try {
        const id = await customer('Night Owl', 'owl@example.com', true);
        const m = (
          await post(`/api/v1/customers/${id}/messages`, {
            channel: 'email',
            purpose: 'service',
            subject: 'Hi',
            body: 'x',
          })
        ).json();
        expect(m.nextAttemptAt).toBe('2026-06-11T07:00:00.000Z');
        await drain();
        expect(mailTo('owl@example.com')).toHaveLength(0);
        now = new Date('2026-06-11T07:00:01Z');
        await drain();
        expect(mailTo('owl@example.com')).toHaveLength(1);
      } finally {
        now = new Date('2026-06-10T10:00:00Z');
      }
    });

    it('a campaign counts its audience first, skips who it must with the reason, and sends each once', async () => {
      const tag = `cake-${dialect}`;
      const ids = [
        await customer('Camp One', 'one@camp.example', true),
        await customer('Camp Two', 'two@camp.example', true),
        await customer('Camp Three', 'three@camp.example', false),
        await customer('Camp Four', null, true),
        await customer('Camp Five', 'five@camp.example', true),
      ];
      await post('/api/v1/suppressions', {
        channel: 'email',
        address: 'FIVE@camp.example',
        reason: 'complaint',
      });
      for (const id of ids)
        await t.app.inject({
          method: 'PATCH',
          url: `/api/v1/customers/${id}`,
          headers: auth,
          payload: { tags: [tag] },
        });
      const audience = { kind: 'tag', tag };
      const pv = (
        await post('/api/v1/campaigns/preview', { audience, channel: 'email', purpose: 'marketing' })
      ).json();
      expect(pv).toMatchObject({
        total: 5,
        eligible: 2,
        excluded: { no_consent: 1, no_address: 1, suppressed: 1 },
      });
      const c = await post('/api/v1/campaigns', {
        name: 'Cake week',
        audience,
        channel: 'email',
        purpose: 'marketing',
        subject: 'Cake week, {{ customer.first_name }}',
        body: 'Come taste.',
      });
      expect(c.statusCode).toBe(201);
      const id = c.json().id;
      expect((await post(`/api/v1/campaigns/${id}/send`, {})).statusCode).toBe(202);
      expect((await post(`/api/v1/campaigns/${id}/send`, {})).json().code).toBe('CAMPAIGN_NOT_DRAFT');
      await t.services.campaigns.queueCampaign(ws, id, async () => {});
      await t.services.campaigns.queueCampaign(ws, id, async () => {}); // a re-run after a crash adds nothing
      await drain();
      const camp = (await get(`/api/v1/campaigns/${id}`)).json();
      expect(camp.status).toBe('done');
      expect(camp.counts).toMatchObject({
        sent: 2,
        skipped: 3,
        'skipped:no_consent': 1,
        'skipped:no_address': 1,
        'skipped:suppressed': 1,
      });
      expect(mailTo('one@camp.example')).toHaveLength(1);
      expect(mailTo('one@camp.example')[0]!.mail.subject).toBe('Cake week, Camp');
      expect(mailTo('five@camp.example')).toHaveLength(0);
      const skipped = (await get(`/api/v1/campaigns/${id}/messages?status=skipped`)).json();
      expect(skipped.items).toHaveLength(3);
      expect(skipped.items.every((m: { reason: string | null }) => m.reason)).toBe(true);
      // each names its customer, so the list can be acted on
      expect(skipped.items.map((m: { customerName: string }) => m.customerName).sort()).toEqual([
        'Camp Five',
        'Camp Four',
        'Camp Three',
      ]);
    });

    it('a campaign that leaves everyone out is done at once, with every reason', async () => {
      const id = await customer('Nobody Consents', 'nc@example.com', false);
      const c = (
        await post('/api/v1/campaigns', {
          name: 'Empty',
          audience: { kind: 'customers', ids: [id] },
          channel: 'email',
          purpose: 'marketing',
          subject: 'x',
          body: 'y',
        })
      ).json();
      await post(`/api/v1/campaigns/${c.id}/send`, {});
      await t.services.campaigns.queueCampaign(ws, c.id, async () => {});
      expect((await get(`/api/v1/campaigns/${c.id}`)).json()).toMatchObject({
        status: 'done',
        counts: { skipped: 1, 'skipped:no_consent': 1 },
      });
    });

    it('two senders draining one outbox at once send every message exactly once', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 30; i++) ids.push(await customer(`Race ${i}`, `race${i}@example.com`, true));
      for (const id of ids)
        await post(`/api/v1/customers/${id}/messages`, {
          channel: 'email',
          purpose: 'service',
          subject: 'Hi',
          body: 'x',
        });
      await Promise.all([sender().drain(), sender().drain(), sender().drain()]);
      for (let i = 0; i < 30; i++) expect(mailTo(`race${i}@example.com`)).toHaveLength(1);
    });

    it('a campaign message whose address was suppressed after queuing is skipped when its turn comes', async () => {
      const id = await customer('Soon Gone', 'soon@camp.example', true);
      const c = (
        await post('/api/v1/campaigns', {
          name: 'Later',
          audience: { kind: 'customers', ids: [id] },
          channel: 'email',
          purpose: 'marketing',
          subject: 'Hi',
          body: 'News',
        })
      ).json();
      expect((await post(`/api/v1/campaigns/${c.id}/send`, {})).statusCode).toBe(202);
      await t.services.campaigns.queueCampaign(ws, c.id, async () => {});
      const s = await post('/api/v1/suppressions', {
        channel: 'email',
        address: 'Soon@Camp.example',
        reason: 'complaint',
      });
      expect(s.statusCode).toBeLessThan(300);
      await drain();
      expect(mailTo('soon@camp.example')).toHaveLength(0);
      const items = (await get(`/api/v1/campaigns/${c.id}/messages`)).json().items;
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({ status: 'skipped', to: 'soon@camp.example' });
      expect((await get(`/api/v1/campaigns/${c.id}`)).json().counts).toMatchObject({
        'skipped:suppressed': 1,
      });
    });

    it('a workspace sends at most its rate a minute; the rest waits for the next minute', async () => {
      // a workspace of its own: its rate counts only its messages
      const other = await t.newWorkspace({ name: 'Slow Sender' });
      const req = (method: 'POST' | 'PUT' | 'GET', url: string, payload?: object) =>
        t.app.inject({ method, url, headers: other.auth, ...(payload && { payload }) });
      const set = await req('PUT', '/api/v1/outreach/settings', {
        fromEmail: 'hello@slow.example',
        ratePerMinute: 2,
      });
      expect(set.statusCode).toBe(200);
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const c = await req('POST', '/api/v1/customers', {
          name: `Rate ${i}`,
          emails: [{ address: `rate${i}@example.com` }],
        });
        const m = await req('POST', `/api/v1/customers/${c.json().id}/messages`, {
          channel: 'email',
          purpose: 'service',
          subject: 'Hi',
          body: 'x',
        });
        ids.push(m.json().id);
      }
      const status = async () =>
        Promise.all(ids.map(async (id) => (await req('GET', `/api/v1/messages/${id}`)).json()));
      try {
        await drain();
        const after = await status();
        expect(after.filter((m) => m.status === 'sent')).toHaveLength(2);
        const waiting = after.filter((m) => m.status === 'queued');
        expect(waiting).toHaveLength(1);
        expect(waiting[0].nextAttemptAt).toBe('2026-06-10T10:00:05.000Z');
        now = new Date('2026-06-10T10:00:30Z'); // due again, but the minute's two are spent
        await drain();
        expect((await status()).filter((m) => m.status === 'sent')).toHaveLength(2);
        now = new Date('2026-06-10T10:01:01Z');
        await drain();
        expect((await status()).filter((m) => m.status === 'sent')).toHaveLength(3);
        for (let i = 0; i < 3; i++) expect(mailTo(`rate${i}@example.com`)).toHaveLength(1);
      } finally {
        now = new Date('2026-06-10T10:00:00Z');
      }
    });

    it('the same key sends one message; templates check their Liquid; a preview fills in one customer', async () => {
      const id = await customer('Key Holder', 'key@example.com', true);
      const body = { channel: 'email', purpose: 'service', subject: 'Hi', body: 'x', key: `k-${dialect}` };
      const [a, b] = await Promise.all([
        post(`/api/v1/customers/${id}/messages`, body),
        post(`/api/v1/customers/${id}/messages`, body),
      ]);
      expect(a.json().id).toBe(b.json().id);
      const bad = await post('/api/v1/message-templates', {
        name: 'Broken',
        channel: 'email',
        purpose: 'marketing',
        subject: 'x',
        body: 'Hello {{ customer.name ',
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().code).toBe('TEMPLATE_INVALID');
      const code = await post('/api/v1/message-templates', {
        name: 'Sneaky',
        channel: 'email',
        purpose: 'marketing',
        subject: 'x',
        body: "{% include '/etc/passwd' %}",
      });
      const tpl = await post('/api/v1/message-templates', {
        name: 'Hello',
        channel: 'email',
        purpose: 'marketing',
        subject: 'Hi {{ customer.first_name }}',
        body: 'Dear {{ customer.name }}',
      });
      expect(tpl.statusCode).toBe(201);
      const pv = (
        await post('/api/v1/messages/preview', {
          customerId: id,
          channel: 'email',
          purpose: 'marketing',
          subject: 'Hi {{ customer.first_name }}',
          body: 'Dear {{ customer.nickname | default: "friend" }}',
        })
      ).json();
      expect(pv).toMatchObject({ to: 'key@example.com', subject: 'Hi Key', sendable: true });
      expect(pv.text).toContain('Dear friend');
      // an include reads nothing from the disk: refused at save, or rendered to an error, never the file
      if (code.statusCode === 201) {
        const r = await post('/api/v1/messages/preview', {
          customerId: id,
          channel: 'email',
          purpose: 'marketing',
          subject: 'x',
          body: "{% include '/etc/passwd' %}",
        });
        expect(r.body).not.toContain('root:');
      }
    });

    it('keeps provider credentials encrypted and never answers them', async () => {
      const r = await put('/api/v1/outreach/settings', {
        sms: {
          provider: 'twilio',
          accountSid: `AC${'a'.repeat(32)}`,
          authToken: 'secret-token-123456',
          from: '+15005550006',
        },
      });
      expect(r.statusCode).toBe(200);
      expect(r.json().email).toEqual({
        configured: true,
        smtp: true,
        // returned mail is off unless configured
        inbound: { enabled: false, domain: null, listen: null, bounceAddress: null, returnPath: null },
      });
      expect(r.body).not.toContain('secret-token-123456');
      expect(r.json().sms).toMatchObject({
        accountSid: `AC${'a'.repeat(32)}`,
        statusCallbackUrl: `https://crm.example.test/hooks/twilio/${ws}/status`,
      });
      const row = await t.conn.db
        .selectFrom('outreach_settings')
        .selectAll()
        .where('workspace_id', '=', ws)
        .executeTakeFirstOrThrow();
      expect(row.sms_config).not.toContain('secret-token');
      const audit = await sql<{
        data: string | null;
      }>`select data from audit_log where action = 'outreach.settings'`.execute(t.conn.db);
      expect(JSON.stringify(audit.rows)).not.toContain('secret-token');
      expect((await get('/api/v1/outreach/settings')).body).not.toContain('secret-token');
    });

    it('says when the server has no mail server, even with a From address', async () => {
      const bare = await startTestApp(dialect);
      try {
        const { auth: a } = await bare.newWorkspace();
        const r = await bare.app.inject({
          method: 'PUT',
          url: '/api/v1/outreach/settings',
          headers: a,
          payload: { fromEmail: 'hello@shop.example' },
        });
        expect(r.json().email).toEqual({
          configured: false,
          smtp: false,
          inbound: { enabled: false, domain: null, listen: null, bounceAddress: null, returnPath: null },
        });
      } finally {
        await bare.closeAll();
      }
    });

    it("another workspace's messages, campaigns and consents answer 404", async () => {
      const other = await t.newWorkspace();
      const id = await customer('Private Person', 'private@example.com', true);
      const m = (
        await post(`/api/v1/customers/${id}/messages`, {
          channel: 'email',
          purpose: 'service',
          subject: 'Hi',
          body: 'x',
        })
      ).json();
      const h = other.auth;
      expect(
        (await t.app.inject({ method: 'GET', url: `/api/v1/messages/${m.id}`, headers: h })).statusCode,
      ).toBe(404);
      expect(
        (await t.app.inject({ method: 'GET', url: `/api/v1/customers/${id}/consents`, headers: h }))
          .statusCode,
      ).toBe(404);
      expect(
        (await t.app.inject({ method: 'GET', url: `/api/v1/customers/${id}/messages`, headers: h }))
          .statusCode,
      ).toBe(404);
    });
  });
}

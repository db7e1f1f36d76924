import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpSink } from './fakes/smtp.ts';
import { deliver, smtpConversation } from './fakes/smtp-client.ts';
import { DIALECTS, startTestApp, type TestApp } from './kit.ts';

const DOMAIN = 'bounces.mamaput.example';
const fixture = (name: string, v: { messageId: string; rcpt: string; to: string }) =>
  readFileSync(path.join(import.meta.dirname, 'fixtures/mail', name), 'utf8')
    .replaceAll('{{MESSAGE_ID}}', v.messageId)
    .replaceAll('{{RCPT}}', v.rcpt)
    .replaceAll('{{TO}}', v.to);

/** The List-Unsubscribe header as sent (unfolded). */
const listUnsubscribe = (raw: string) =>
  /^List-Unsubscribe: (.*)$/im.exec(raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' '))?.[1] ?? '';

/**
 * Issue 15, returned mail: Rapport's own inbound SMTP listener, spoken to over a real socket as a remote mail
 * server would. Bounces reported later (RFC 3464 DSNs, with and without VERP), delays, spam complaints (ARF) and
 * List-Unsubscribe mailto messages; anything else refused at RCPT time or dropped without effect.
 */
for (const dialect of DIALECTS) {
  describe(`inbound mail (${dialect})`, () => {
    let t: TestApp;
    let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
    let auth: { authorization: string };
    let port: number;
    const now = new Date('2026-06-10T10:00:00Z'); // 11:00 in Lagos
    beforeAll(async () => {
      smtp = await startSmtpSink();
      t = await startTestApp(dialect, {
        env: {
          RAPPORT_SMTP_URL: smtp.url,
          RAPPORT_PUBLIC_URL: 'https://crm.example.test',
          RAPPORT_INBOUND_SMTP: '127.0.0.1:0',
          RAPPORT_INBOUND_DOMAIN: DOMAIN,
        },
        clock: () => now,
      });
      port = t.inboundSmtp!.port;
      ({ auth } = await t.newWorkspace({ name: 'Mama Put Bakery' }));
      await put('/api/v1/outreach/settings', {
        fromEmail: 'hello@mamaput.example',
        fromName: 'Mama Put Bakery',
        replyTo: 'owner@mamaput.example',
      });
    });
    afterAll(async () => {
      await t.closeAll();
      await smtp.close();
    });
    const post = (url: string, payload: object) =>
      t.app.inject({ method: 'POST', url, headers: auth, payload });
    const put = (url: string, payload: object) =>
      t.app.inject({ method: 'PUT', url, headers: auth, payload });
    const get = async (url: string) => (await t.app.inject({ method: 'GET', url, headers: auth })).json();
    const customer = async (name: string, email: string) =>
      (
        await post('/api/v1/customers', {
          name,
          emails: [{ address: email }],
          consent: { marketing: true, source: 'counter' },
        })
      ).json().id as string;
    /** A customer and one marketing email sent to them over SMTP. */
    const sent = async (name: string, email: string) => {
      const id = await customer(name, email);
      const m = (
        await post(`/api/v1/customers/${id}/messages`, {
          channel: 'email',
          purpose: 'marketing',
          subject: 'Fresh bread',
          body: 'Our coconut cake is back.',
        })
      ).json();
      await t.services.outbox.createSender().drain();
      const mail = smtp.received.find((r) => r.envelopeTo.includes(email));
      expect(mail).toBeDefined();
      return { id, messageId: m.id as string, mail: mail! };
    };
    const snapshot = async (customerId: string, messageId: string) => ({
      message: await get(`/api/v1/messages/${messageId}`),
      timeline: (await get(`/api/v1/customers/${customerId}/timeline`)).items.length,
      suppressions: (await get('/api/v1/suppressions')).items,
      consents: await get(`/api/v1/customers/${customerId}/consents`),
      reports: Number(
        (await sql<{ n: number }>`select count(*) as n from inbound_reports`.execute(t.conn.db)).rows[0]?.n,
      ),
    });

    it('sends each email with its own VERP return path and an unsubscribe mailto Rapport reads; Settings says so', async () => {
      const { messageId, mail } = await sent('Ngozi Okafor', 'ngozi@example.com');
      expect(mail.envelopeFrom).toBe(`bounce+${messageId}@${DOMAIN}`);
      expect(mail.mail.messageId).toBe(`<${messageId}@crm.example.test>`);
      expect(listUnsubscribe(mail.raw)).toMatch(
        new RegExp(`unsubscribe\\+[A-Za-z0-9_-]{43}@${DOMAIN.replaceAll('.', '\\.')}`),
      );
      const s = await get('/api/v1/outreach/settings');
      expect(s.email.inbound).toEqual({
        enabled: true,
        domain: DOMAIN,
        listen: '127.0.0.1:0',
        bounceAddress: `bounce@${DOMAIN}`,
        returnPath: `bounce+<message id>@${DOMAIN}`,
      });
    });

    it('a Postfix bounce reported later marks the message bounced, suppresses the address and says so on the timeline — once', async () => {
      const { id, messageId, mail } = await sent('Ade Gone', 'ade.gone@example.com');
      const dsn = fixture('postfix-bounce-5.1.1.eml', {
        messageId: `${messageId}@crm.example.test`,
        rcpt: 'ade.gone@example.com',
        to: mail.envelopeFrom,
      });
      const r = await deliver(port, '', [mail.envelopeFrom], dsn);
      expect(r.rcpt).toEqual([expect.stringMatching(/^250/)]);
      expect(r.message).toMatch(/^250/);
      const after = await snapshot(id, messageId);
      expect(after.message).toMatchObject({
        status: 'bounced',
        reason: 'Reported later by the receiving server: 550 5.1.1 user unknown',
      });
      expect(after.suppressions).toContainEqual(
        expect.objectContaining({
          channel: 'email',
          address: 'ade.gone@example.com',
          scope: 'all',
          reason: 'hard_bounce',
        }),
      );
      const tl = await get(`/api/v1/customers/${id}/timeline`);
      expect(tl.items.map((i: { body: string }) => i.body)).toContainEqual(
        expect.stringContaining('bounced (reported later by the receiving server: 550 5.1.1 user unknown)'),
      );
      // nothing more goes to the address, not even a service message
      const again = await post(`/api/v1/customers/${id}/messages`, {
        channel: 'email',
        purpose: 'service',
        subject: 'x',
        body: 'y',
      });
      expect(again.json().code).toBe('ADDRESS_SUPPRESSED');

      // the same report delivered again (the remote server retried): accepted, and nothing changes
      const twice = await deliver(port, '', [mail.envelopeFrom], dsn);
      expect(twice.message).toMatch(/^250/);
      expect(await snapshot(id, messageId)).toEqual(after);
    });

    it('a Gmail-style bounce without VERP finds the message by the Message-ID in the returned headers', async () => {
      const { id, messageId } = await sent('Bisi Nowhere', 'bisi.nowhere@example.com');
      const dsn = fixture('gmail-bounce-no-verp.eml', {
        messageId: `${messageId}@crm.example.test`,
        rcpt: 'bisi.nowhere@example.com',
        to: `bounce@${DOMAIN}`,
      });
      const r = await deliver(port, '', [`bounce@${DOMAIN}`], dsn);
      expect(r.message).toMatch(/^250/);
      const m = await get(`/api/v1/messages/${messageId}`);
      expect(m.status).toBe('bounced');
      expect(m.reason).toMatch(
        /^Reported later by the receiving server: 550-5\.1\.1 The email account that you tried to reach does not exist/,
      );
      expect((await get('/api/v1/suppressions')).items).toContainEqual(
        expect.objectContaining({ address: 'bisi.nowhere@example.com', reason: 'hard_bounce', scope: 'all' }),
      );
      void id;
    });

    it('the same bounce delivered five times at once counts once; a bounce naming another address counts not at all', async () => {
      const { id, messageId, mail } = await sent('Gbenga Twice', 'gbenga@example.com');
      const other = fixture('postfix-bounce-5.1.1.eml', {
        messageId: `${messageId}@crm.example.test`,
        rcpt: 'somebody.else@example.com',
        to: mail.envelopeFrom,
      });
      expect((await deliver(port, '', [mail.envelopeFrom], other)).message).toMatch(/^250/);
      expect((await get(`/api/v1/messages/${messageId}`)).status).toBe('sent');
      const before = await snapshot(id, messageId);
      const dsn = fixture('postfix-bounce-5.1.1.eml', {
        messageId: `${messageId}@crm.example.test`,
        rcpt: 'gbenga@example.com',
        to: mail.envelopeFrom,
      });
      const all = await Promise.all(
        Array.from({ length: 5 }, () => deliver(port, '', [mail.envelopeFrom], dsn)),
      );
      expect(all.map((r) => r.message?.slice(0, 3))).toEqual(['250', '250', '250', '250', '250']);
      const after = await snapshot(id, messageId);
      expect(after.message.status).toBe('bounced');
      expect(after.timeline).toBe(before.timeline + 1);
      expect(after.reports).toBe(before.reports + 1);
    });

    it('a delayed (4.x.x) report only notes the delay: still sent, nothing suppressed', async () => {
      const { id, messageId, mail } = await sent('Chidi Slow', 'chidi.slow@example.com');
      const before = await snapshot(id, messageId);
      const dsn = fixture('postfix-delayed-4.4.1.eml', {
        messageId: `${messageId}@crm.example.test`,
        rcpt: 'chidi.slow@example.com',
        to: mail.envelopeFrom,
      });
      expect((await deliver(port, '', [mail.envelopeFrom], dsn)).message).toMatch(/^250/);
      const after = await snapshot(id, messageId);
      expect(after.message.status).toBe('sent');
      expect(after.message.reason).toMatch(
        /^Delayed by the receiving server: connect to mail\.receiver\.example/,
      );
      expect(after.suppressions).toEqual(before.suppressions);
      expect(after.timeline).toBe(before.timeline);
      expect(after.reports).toBe(before.reports + 1);
    });

    it('a spam complaint (ARF) stops marketing to the address; service mail still goes', async () => {
      const { id, messageId } = await sent('Dayo Annoyed', 'dayo@example.com');
      const arf = fixture('arf-spam-complaint.eml', {
        messageId: `${messageId}@crm.example.test`,
        rcpt: 'dayo@example.com',
        to: `abuse@${DOMAIN}`,
      });
      expect((await deliver(port, 'staff@hotmail.com', [`abuse@${DOMAIN}`], arf)).message).toMatch(/^250/);
      expect((await get('/api/v1/suppressions')).items).toContainEqual(
        expect.objectContaining({ address: 'dayo@example.com', reason: 'complaint', scope: 'marketing' }),
      );
      const tl = await get(`/api/v1/customers/${id}/timeline`);
      expect(tl.items).toContainEqual(
        expect.objectContaining({ kind: 'consent', body: expect.stringMatching(/Marked an email as spam/) }),
      );
      const marketing = await post(`/api/v1/customers/${id}/messages`, {
        channel: 'email',
        purpose: 'marketing',
        subject: 'x',
        body: 'y',
      });
      expect(marketing.json().code).toBe('ADDRESS_SUPPRESSED');
      const service = await post(`/api/v1/customers/${id}/messages`, {
        channel: 'email',
        purpose: 'service',
        subject: 'Your order',
        body: 'Ready',
      });
      expect(service.statusCode).toBe(202);
      // the message itself was delivered: it stays sent
      expect((await get(`/api/v1/messages/${messageId}`)).status).toBe('sent');
      const before = await snapshot(id, messageId);
      await deliver(port, 'staff@hotmail.com', [`abuse@${DOMAIN}`], arf);
      expect(await snapshot(id, messageId)).toEqual(before);
    });

    it('an email to the List-Unsubscribe mailto unsubscribes like the one-click link', async () => {
      const { id, mail } = await sent('Efe Done', 'efe@example.com');
      const lu = listUnsubscribe(mail.raw);
      const to = new RegExp(`(unsubscribe\\+[A-Za-z0-9_-]+@${DOMAIN.replaceAll('.', '\\.')})`).exec(lu)?.[1];
      expect(to).toBeDefined();
      const r = await deliver(
        port,
        'efe@example.com',
        [to!],
        `From: efe@example.com\r\nTo: ${to}\r\nSubject: unsubscribe\r\n\r\nunsubscribe\r\n`,
      );
      expect(r.message).toMatch(/^250/);
      const c = await get(`/api/v1/customers/${id}`);
      expect(c.consent).toMatchObject({ marketing: false, source: 'unsubscribe email' });
      expect((await get('/api/v1/suppressions')).items).toContainEqual(
        expect.objectContaining({ address: 'efe@example.com', reason: 'unsubscribe', scope: 'marketing' }),
      );
      const tl = await get(`/api/v1/customers/${id}/timeline`);
      expect(tl.items).toContainEqual(
        expect.objectContaining({
          kind: 'consent',
          body: 'Unsubscribed from marketing emails (unsubscribe email)',
        }),
      );
      const audit = await sql<{
        action: string;
      }>`select action from audit_log where entity_id = ${id}`.execute(t.conn.db);
      expect(audit.rows.map((a) => a.action)).toContain('consent.withdrawn');
    });

    it('refuses other recipients at RCPT time, survives garbage, and changes nothing', async () => {
      const { id, messageId, mail } = await sent('Femi Fine', 'femi@example.com');
      const before = await snapshot(id, messageId);
      const refused = await deliver(
        port,
        '',
        ['someone@example.com', `owner@${DOMAIN}`, `unsubscribe+short@${DOMAIN}`, `bounce+x@other.example`],
        'x',
      );
      expect(refused.rcpt.every((r) => r.startsWith('550'))).toBe(true);
      expect(refused.data).toBeUndefined();
      // not a report at all, a report about a message that does not exist, random bytes, a broken MIME tree
      const junk = [
        'Subject: hello\r\n\r\nJust saying hi',
        fixture('postfix-bounce-5.1.1.eml', {
          messageId: 'nothing@crm.example.test',
          rcpt: 'femi@example.com',
          to: 'x',
        }),
        randomBytes(4000).toString('latin1'),
        'Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n--b\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\nFinal-Recipient: ;;;\r\nStatus: 9.9.9.9\r\n--b',
        'Content-Type: multipart/mixed; boundary=""\r\n\r\n',
        ':\r\n:\r\n\r\n\r\n',
      ];
      for (let i = 0; i < 20; i++) {
        const b = randomBytes(600)
          .toString('latin1')
          .replace(/\r?\n\.\r?\n/g, '');
        junk.push(`Content-Type: multipart/report; boundary=x\r\n\r\n--x\r\n${b}\r\n--x--`);
      }
      for (const raw of junk) {
        const r = await deliver(port, '', [`bounce@${DOMAIN}`], raw);
        expect(r.message).toMatch(/^250/);
      }
      // the VERP address of a real message, with a body that is no report: dropped
      expect(
        (await deliver(port, '', [mail.envelopeFrom], 'Subject: out of office\r\n\r\nAway')).message,
      ).toMatch(/^250/);
      // protocol garbage: the listener answers with an error and keeps serving
      const c = await smtpConversation(port);
      expect(c.greeting).toMatch(/^220/);
      expect(await c.send(randomBytes(200).toString('hex'))).toMatch(/^5/);
      expect(await c.send('DATA')).toMatch(/^5/);
      c.close();
      // too big: refused once over the limit
      const big = await deliver(
        port,
        '',
        [`bounce@${DOMAIN}`],
        `Subject: big\r\n\r\n${'x'.repeat(76) + '\r\n'}`.repeat(30_000),
      );
      expect(big.message).toMatch(/^552/);
      expect(await snapshot(id, messageId)).toEqual(before);
      // still alive
      expect((await smtpConversation(port)).greeting).toMatch(/^220/);
    });
  });
}

import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpSink } from './fakes/smtp.ts';
import { DIALECTS, startTestApp, type TestApp } from './kit.ts';

const run = promisify(execFile);
const BIN = path.resolve(import.meta.dirname, '../bin/rapport.js');

/** `rapport messages`: the outbox from a terminal, on the same database as the server. */
for (const dialect of DIALECTS) {
  describe(`rapport messages (${dialect})`, () => {
    let t: TestApp;
    let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
    let env: Record<string, string>;
    beforeAll(async () => {
      smtp = await startSmtpSink();
      t = await startTestApp(dialect, { env: { RAPPORT_SMTP_URL: smtp.url } });
      env = {
        ...(process.env as Record<string, string>),
        RAPPORT_DATA_DIR: t.dataDir ?? '/nonexistent',
        DATABASE_URL: t.conn.url ?? '',
        LOG_LEVEL: 'silent',
        RAPPORT_SMTP_URL: smtp.url,
      };
    });
    afterAll(async () => {
      await t.closeAll();
      await smtp.close();
    });
    const cli = (...args: string[]) => run(process.execPath, [BIN, ...args], { env });

    it('sends what is due, reports the outbox, and suppresses an address', async () => {
      const { workspaceId: ws, auth } = await t.newWorkspace({ name: `Cli Shop ${dialect}` });
      await t.services.outreachSettings.updateSettings(
        ws,
        { fromEmail: 'shop@example.com', quietHours: { start: '00:00', end: '00:00' } },
        'test',
      );
      const c = (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/customers',
          headers: auth,
          payload: { name: 'Ada', emails: [{ address: 'ada@example.com' }] },
        })
      ).json();
      const m = await t.app.inject({
        method: 'POST',
        url: `/api/v1/customers/${c.id}/messages`,
        headers: auth,
        payload: { channel: 'email', purpose: 'service', subject: 'Ready', body: 'Your cake is ready' },
      });
      expect(m.statusCode).toBe(202);
      const sent = await cli('messages', 'send-due');
      expect(sent.stdout).toContain('sent 1 message(s)');
      expect(smtp.received.map((r) => r.envelopeTo).flat()).toContain('ada@example.com');
      expect((await cli('messages', 'status', '--workspace', ws)).stdout).toMatch(/sent\s+1/);
      expect((await cli('messages', 'suppress', 'ADA@example.com', '--workspace', ws)).stdout).toContain(
        'Suppressed email ada@example.com',
      );
      const again = await t.app.inject({
        method: 'POST',
        url: `/api/v1/customers/${c.id}/messages`,
        headers: auth,
        payload: { channel: 'email', purpose: 'service', subject: 'Ready', body: 'x' },
      });
      expect(again.json().code).toBe('ADDRESS_SUPPRESSED');
      const bad = await cli('messages', 'suppress', 'not-an-address', '--workspace', ws).catch(
        (e: { code: number; stderr: string }) => e,
      );
      expect(bad).toMatchObject({ code: 1 });
      expect((bad as { stderr: string }).stderr).toContain('Not an email address');
    });
  });
}

import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startSmtpSink } from '../../test/fakes/smtp.ts';
import { deliver } from '../../test/fakes/smtp-client.ts';
import { launchBrowser, type Browser } from './support/browser.ts';
import { journey } from './support/journey.ts';
import { ensureWebBuilt, startServer, type TestServer } from './support/server.ts';
import { callApi } from './support/api.ts';
import { LoginPage } from './pages/AuthPages.ts';
import { AppShell } from './pages/AppShell.ts';
import { CustomerPage } from './pages/CustomerPages.ts';
import { CustomerMessaging, MessagesSettings } from './pages/MessagePages.ts';

const OWNER = { name: 'Ada Obi', email: 'ada@example.com', password: 'correct horse 1' };
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };
const DOMAIN = 'bounces.mamaput.example';
const SHOTS = path.resolve(import.meta.dirname, '../../.screenshots');

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });

/**
 * Issue 15, returned mail in the web app: Settings → Messages says Rapport reads bounces and where to point them;
 * a bounce reported later by the receiving server shows in the customer's message history with its reason.
 */
journey('returned mail, in chromium', () => {
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let port = 0;
  const api = (method: string, p: string, body?: unknown) => callApi(page, `${server.url}${p}`, method, body);
  const fitsWidth = (px: number) =>
    page.waitForFunction((w) => document.documentElement.scrollWidth <= w, px, { timeout: 5_000 });

  beforeAll(async () => {
    ensureWebBuilt();
    smtp = await startSmtpSink();
    port = await freePort();
    server = await startServer({
      env: {
        RAPPORT_SMTP_URL: smtp.url,
        RAPPORT_PUBLIC_URL: 'https://crm.example.test',
        RAPPORT_INBOUND_SMTP: `127.0.0.1:${port}`,
        RAPPORT_INBOUND_DOMAIN: DOMAIN,
      },
      outbox: true,
    });
    browser = await launchBrowser(DESKTOP);
    page = await browser.context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`${server.url}/login`);
    await api('POST', '/api/v1/setup', {
      workspace: { name: 'Mama Put Bakery', timezone: 'Africa/Lagos', currency: 'NGN', region: 'NG' },
      owner: OWNER,
    });
    await api('POST', '/api/v1/auth/logout');
    await page.goto(`${server.url}/login`);
    await new LoginPage(page).signIn(OWNER.email, OWNER.password);
    await new AppShell(page).greeting().waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await smtp?.close();
  });

  it('Settings → Messages says returned mail is on and where bounces go (1280 px)', async () => {
    await api('PUT', '/api/v1/outreach/settings', {
      fromEmail: 'hello@mamaput.example',
      fromName: 'Mama Put Bakery',
      replyTo: 'owner@mamaput.example',
      quietHours: { start: '00:00', end: '00:00' }, // none: the message goes now, whatever the hour
    });
    const settings = new MessagesSettings(page);
    await settings.open(server.url);
    const returned = settings.sender().getByTestId('returned-mail');
    await returned.getByText('Returned mail is on ✓', { exact: false }).waitFor();
    expect(await returned.innerText()).toContain(`bounce@${DOMAIN}`);
    expect(await returned.innerText()).toContain(`bounce+<message id>@${DOMAIN}`);
    await page.screenshot({ path: path.join(SHOTS, 'inbound-settings-desktop.png'), fullPage: false });
  });

  it('a bounce reported later shows in the message history with the server’s reason (390 px)', async () => {
    const id = String(
      (
        await api('POST', '/api/v1/customers', {
          name: 'Bisi Adeyemi',
          emails: [{ address: 'bisi@example.com' }],
        })
      ).id,
    );
    const m = await api('POST', `/api/v1/customers/${id}/messages`, {
      channel: 'email',
      purpose: 'service',
      subject: 'Your order is ready',
      body: 'Come by any time today.',
    });
    await smtp.waitFor(1);
    const sent = smtp.received.find((r) => r.envelopeTo.includes('bisi@example.com'))!;
    expect(sent.envelopeFrom).toBe(`bounce+${String(m.id)}@${DOMAIN}`);
    const dsn = readFileSync(
      path.resolve(import.meta.dirname, '../../test/fixtures/mail/postfix-bounce-5.1.1.eml'),
      'utf8',
    )
      .replaceAll('{{MESSAGE_ID}}', `${String(m.id)}@crm.example.test`)
      .replaceAll('{{RCPT}}', 'bisi@example.com')
      .replaceAll('{{TO}}', sent.envelopeFrom);
    expect((await deliver(port, '', [sent.envelopeFrom], dsn)).message).toMatch(/^250/);

    await page.setViewportSize(PHONE);
    await page.goto(`${server.url}/customers/${id}`);
    await new CustomerPage(page).name('Bisi Adeyemi').waitFor();
    const history = new CustomerMessaging(page);
    const row = history.rows('bounced');
    await row.waitFor();
    expect(await row.innerText()).toContain('Reported later by the receiving server: 550 5.1.1 user unknown');
    await fitsWidth(PHONE.width);
    await row.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, 'inbound-history-phone.png'), fullPage: false });
    await page.goto(`${server.url}/settings/messages`);
    await new MessagesSettings(page).sender().getByTestId('returned-mail').scrollIntoViewIfNeeded();
    await fitsWidth(PHONE.width);
    await page.screenshot({ path: path.join(SHOTS, 'inbound-settings-phone.png'), fullPage: false });
  });
});

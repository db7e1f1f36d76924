import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { callApi } from './support/api.ts';
import { launchBrowser, type Browser } from './support/browser.ts';
import { journey } from './support/journey.ts';
import { ensureWebBuilt, startServer, type TestServer } from './support/server.ts';
import { LoginPage } from './pages/AuthPages.ts';
import { AppShell } from './pages/AppShell.ts';
import { WebhooksPage } from './pages/WebhookPages.ts';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };
/** Set UX_SHOTS=dir to keep a screenshot of each screen checked. */
const SHOTS = process.env.UX_SHOTS;
const LOGIN = { email: 'ada@hooks.example', password: 'correct horse battery' };

async function axeProblems(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  return r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
}

/**
 * Issue 19 in the web app: the owner adds a webhook for one event, copies the secret shown once, and a real
 * receiver gets the event signed with it; the delivery log shows it; a failed delivery is sent again; the secret
 * is rotated; the webhook is turned off — and the page works on a 390 px phone.
 */
journey('webhooks in Settings, in chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let hooks: WebhooksPage;
  const hits: { headers: Record<string, string>; body: string }[] = [];
  let answer = 200;
  const receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      hits.push({ headers: req.headers as Record<string, string>, body });
      res.writeHead(answer).end();
    });
  });
  let target = '';
  const api = (method: string, p: string, body?: unknown) => callApi(page, `${server.url}${p}`, method, body);
  const shot = async (name: string) => {
    if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `webhooks-${name}.png`), fullPage: true });
  };
  const waitFor = async (check: () => boolean) => {
    for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 100));
    expect(check()).toBe(true);
  };

  beforeAll(async () => {
    ensureWebBuilt();
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    target = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/rapport`;
    server = await startServer({ env: { RAPPORT_WEBHOOK_ALLOW_PRIVATE: 'true' }, outbox: true });
    const s = server.app.services;
    const w = await s.workspaces.createWorkspace({
      name: 'Hook Shop',
      timezone: 'Africa/Lagos',
      currency: 'NGN',
      region: 'NG',
    });
    await s.access.createUser(w.id, { ...LOGIN, name: 'Ada', role: 'owner' }, 'test');
    browser = await launchBrowser(DESKTOP);
    page = await browser.context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${server.url}/login`);
    await new LoginPage(page).signIn(LOGIN.email, LOGIN.password);
    await new AppShell(page).greeting().waitFor();
    hooks = new WebhooksPage(page);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await new Promise((r) => receiver.close(r));
  });

  it('adds a webhook for one event; the receiver verifies the event with the secret shown once (1280 px)', async () => {
    await page.goto(`${server.url}/settings/webhooks`);
    await page.getByRole('heading', { name: 'Add a webhook' }).waitFor();
    const secret = await hooks.add(target, ['Customer created']);
    expect(secret).toMatch(/^whsec_/);
    await hooks.card(target).getByText('Customer created').waitFor();
    expect(await axeProblems(page)).toEqual([]);
    await shot('1280');

    const customer = (await api('POST', '/api/v1/customers', { name: 'Bola Hook' })) as { id: string };
    await api('PATCH', `/api/v1/customers/${customer.id}`, { name: 'Bola Hooked' }); // not asked for
    await waitFor(() => hits.length >= 1);
    const got = new Webhook(secret).verify(hits[0]!.body, hits[0]!.headers) as {
      type: string;
      data: { id: string };
    };
    expect(got).toMatchObject({ type: 'customer.created', data: { id: customer.id } });

    await hooks.card(target).getByRole('button', { name: 'Deliveries' }).click();
    const row = hooks.deliveries(target).getByRole('row', { name: /customer\.created/ });
    await row.getByText('Delivered').waitFor();
    await row.getByRole('cell', { name: '200', exact: true }).waitFor();
    await shot('log-1280');
    expect(hits).toHaveLength(1);
  });

  it('sends a failed delivery again, makes a new secret, and turns the webhook off', async () => {
    answer = 410; // the receiver says Gone: given up at once
    await hooks.card(target).getByRole('button', { name: 'Send a test' }).click();
    await waitFor(() => hits.length === 2);
    await hooks.card(target).getByText('Failed (given up)').click();
    const failed = hooks.deliveries(target).getByRole('row', { name: /webhook\.test/ });
    await failed.getByText('The receiver answered 410 Gone').waitFor();
    answer = 200;
    await failed.getByRole('button', { name: 'Send again' }).click();
    await waitFor(() => hits.length === 3);
    await hooks.card(target).getByText('Nothing has failed.').waitFor();

    await hooks.card(target).getByRole('button', { name: 'New secret' }).click();
    const fresh = await hooks.secret();
    expect(fresh).toMatch(/^whsec_/);
    await hooks
      .card(target)
      .getByText(/The old secret still signs too/)
      .waitFor();
    await hooks.card(target).getByRole('button', { name: 'Turn off' }).click();
    await hooks.card(target).getByText('Off', { exact: true }).waitFor();
    expect(((await api('GET', '/api/v1/webhooks')) as { items: unknown[] }).items[0]).toMatchObject({
      enabled: false,
    });
    await api('POST', '/api/v1/customers', { name: 'Nobody Hears' });
    await new Promise((r) => setTimeout(r, 2500));
    expect(hits).toHaveLength(3);
  });

  it('works on a 390 px phone', async () => {
    await page.setViewportSize(PHONE);
    await page.goto(`${server.url}/settings/webhooks`);
    await hooks.card(target).waitFor();
    await hooks.card(target).getByRole('button', { name: 'Deliveries' }).click();
    await hooks.deliveries(target).waitFor();
    await page.waitForFunction((w) => document.documentElement.scrollWidth <= w, PHONE.width, {
      timeout: 5_000,
    });
    expect(await axeProblems(page)).toEqual([]);
    await shot('390');
  });
});

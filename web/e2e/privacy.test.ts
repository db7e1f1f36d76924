import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { callApi } from './support/api.ts';
import { launchBrowser, type Browser } from './support/browser.ts';
import { journey } from './support/journey.ts';
import { ensureWebBuilt, startServer, type TestServer } from './support/server.ts';
import { LoginPage } from './pages/AuthPages.ts';
import { AppShell } from './pages/AppShell.ts';
import { AccountPage, CustomerPrivacy } from './pages/PrivacyPages.ts';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };
/** Set UX_SHOTS=dir to keep a screenshot of each screen checked. */
const SHOTS = process.env.UX_SHOTS;
const LOGIN = { email: 'ade@privacy.example', password: 'correct horse battery' };

async function axeProblems(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  return r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
}

/**
 * Issue 19 in the web app: a customer's data downloaded and the customer erased from their page (the dialog says
 * what goes and what stays, and wants their name typed); the owner's password changed in Settings → My account.
 */
journey('privacy and my account, in chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const api = (method: string, p: string, body?: unknown) => callApi(page, `${server.url}${p}`, method, body);
  const shot = async (name: string) => {
    if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `privacy-${name}.png`), fullPage: true });
  };

  beforeAll(async () => {
    ensureWebBuilt();
    server = await startServer();
    const s = server.app.services;
    const w = await s.workspaces.createWorkspace({
      name: 'Corner Shop',
      timezone: 'Africa/Lagos',
      currency: 'NGN',
      region: 'NG',
    });
    await s.access.createUser(w.id, { ...LOGIN, name: 'Ade', role: 'owner' }, 'test');
    browser = await launchBrowser(DESKTOP);
    page = await browser.context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${server.url}/login`);
    await new LoginPage(page).signIn(LOGIN.email, LOGIN.password);
    await new AppShell(page).greeting().waitFor();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('erases a customer from their page after the name is typed (1280 px)', async () => {
    const c = await api('POST', '/api/v1/customers', {
      name: 'Funmi Forget',
      phones: [{ number: '0803 444 5555' }],
    });
    await api('POST', '/api/v1/orders', { customerId: c.id, lines: [{ name: 'Cake', unitPrice: 9_000 }] });
    await page.goto(`${server.url}/customers/${String(c.id)}`);
    const p = new CustomerPrivacy(page);
    expect(await p.download().getAttribute('href')).toBe(
      `/api/v1/customers/${String(c.id)}/data-export?format=html`,
    );
    const html = await page.request.get(
      `${server.url}/api/v1/customers/${String(c.id)}/data-export?format=html`,
    );
    expect(await html.text()).toContain('Data held on Funmi Forget');
    await p.eraseButton().click();
    await p.dialog().waitFor();
    await p.dialog().getByText('Their orders and amounts').waitFor();
    expect(await p.confirm().isDisabled()).toBe(true);
    await p.reason().fill('Asked on the phone');
    await p.confirmName().fill('Funmi');
    expect(await p.confirm().isDisabled()).toBe(true);
    await p.confirmName().fill('Funmi Forget');
    expect(await axeProblems(page)).toEqual([]);
    await shot('erase-1280');
    await p.confirm().click();
    await page.waitForURL(`${server.url}/customers`);
    const gone = await page.request.get(`${server.url}/api/v1/customers/${String(c.id)}`);
    expect(gone.status()).toBe(404);
    // the sale stays in the books, without them
    const orders = (await api('GET', '/api/v1/orders')).items as {
      total: number;
      customerId: string | null;
    }[];
    expect(orders).toMatchObject([{ total: 9_000, customerId: null }]);
  });

  it('changes my password and lists my sessions at 390 px', async () => {
    await page.setViewportSize(PHONE);
    await page.goto(`${server.url}/settings/account`);
    const a = new AccountPage(page);
    await page.getByText('This device').waitFor();
    await a.current().fill(LOGIN.password);
    await a.next().fill('a brand new horse');
    await a.change().click();
    await page.getByText('Password changed.').waitFor();
    expect(await axeProblems(page)).toEqual([]);
    await shot('account-390');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    // still signed in here; the new password works for a new sign-in
    const me = await page.request.get(`${server.url}/api/v1/me`);
    expect(me.status()).toBe(200);
  });
});

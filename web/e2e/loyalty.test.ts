import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserAvailability, launchBrowser, type Browser } from './support/browser.ts';
import { ensureWebBuilt, startServer, type TestServer } from './support/server.ts';
import { callApi } from './support/api.ts';
import { LoginPage } from './pages/AuthPages.ts';
import { AppShell } from './pages/AppShell.ts';
import { SaleForm } from './pages/SalePages.ts';
import { CustomerLoyaltyPanel, VouchersPage } from './pages/LoyaltyPages.ts';

const available = browserAvailability();
const OWNER = { name: 'Ada Obi', email: 'ada@example.com', password: 'correct horse 1' };
const PHONE = { width: 390, height: 844 };
/** Set UX_SHOTS=dir to keep screenshots of the sale and the customer's points. */
const SHOTS = process.env.UX_SHOTS;

/**
 * Issue 18 on a phone: a gift voucher issued on the Rewards page, then taken off a sale at the counter together
 * with the customer's points; the customer page shows the points left after the sale earned its own.
 */
describe.skipIf(!available.run)('rewards at the counter, in chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let customerId = '';
  const api = (method: string, path: string, body?: unknown) =>
    callApi(page, `${server.url}${path}`, method, body);
  const fitsWidth = (px: number) =>
    page.waitForFunction((w) => document.documentElement.scrollWidth <= w, px, { timeout: 5_000 });

  beforeAll(async () => {
    ensureWebBuilt();
    server = await startServer();
    browser = await launchBrowser(PHONE);
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
    customerId = String((await api('POST', '/api/v1/customers', { name: 'Bisi Adeyemi' })).id);
    // NGN 500 bought: 500 points by the default rules (1 point per NGN 1, each worth 1 kobo)
    await api('POST', '/api/v1/orders', { customerId, lines: [{ name: 'Cake', unitPrice: 50_000 }] });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('issues a voucher and redeems it with points on a sale; the customer page shows the points', async () => {
    await page.goto(`${server.url}/loyalty/vouchers`);
    const vouchers = new VouchersPage(page);
    const code = await vouchers.issueAmount('20');
    expect(code).toMatch(/^[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}$/);
    await fitsWidth(PHONE.width);

    await page.goto(`${server.url}/`);
    await page.getByRole('button', { name: 'Record a sale' }).click();
    const sale = new SaleForm(page);
    await sale.findCustomer('Bisi', 'Bisi Adeyemi');
    await sale.addNew('Birthday cake', '100');
    // typed as read out: lower case, spaces for dashes
    await sale.dialog().getByLabel('Gift voucher code').fill(code.toLowerCase().replaceAll('-', ' '));
    await sale
      .dialog()
      .getByText(/Takes off .*20\.00/)
      .waitFor();
    await sale.dialog().getByLabel('Redeem points').fill('500');
    await sale
      .dialog()
      .getByText(/500 available; takes off .*5\.00/)
      .waitFor();
    expect(await sale.total().textContent()).toMatch(/75\.00/);
    if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'loyalty-sale-390.png'), fullPage: true });
    await sale.save();
    await sale.saved().waitFor();
    expect(await sale.saved().textContent()).toMatch(/75\.00/);
    await sale.done();

    // the voucher is used; the same code again is refused
    await page.goto(`${server.url}/loyalty/vouchers`);
    await vouchers.list().getByText('Used').waitFor();
    const again = await page.request.fetch(`${server.url}/api/v1/vouchers/redeem`, {
      method: 'POST',
      headers: { origin: server.url, 'content-type': 'application/json' },
      data: JSON.stringify({ code }),
    });
    expect(again.status()).toBe(409);

    // 500 − 500 redeemed + 75 earned by the sale (NGN 75 paid)
    await page.goto(`${server.url}/customers/${customerId}`);
    const panel = new CustomerLoyaltyPanel(page);
    await panel.points().waitFor();
    expect(await panel.points().textContent()).toBe('75');
    await panel.region().getByText('Redeemed').waitFor();
    if (SHOTS) await panel.region().screenshot({ path: path.join(SHOTS, 'loyalty-customer-390.png') });
    await fitsWidth(PHONE.width);
  });
});

import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, type Browser } from './support/browser.ts';
import { journey } from './support/journey.ts';
import { ensureWebBuilt, startServer, type TestServer } from './support/server.ts';
import { callApi } from './support/api.ts';
import { LoginPage } from './pages/AuthPages.ts';
import { AppShell } from './pages/AppShell.ts';
import { CustomerForm, CustomerPage } from './pages/CustomerPages.ts';
import { AttentionTile } from './pages/HomePage.ts';

const OWNER = { name: 'Ada Obi', email: 'ada@example.com', password: 'correct horse 1' };
const DAY = 86_400_000;

/**
 * The customer's own fields edited in the form (kept across a reload, refused values shown on their row), and
 * the home page's "Who needs attention" tile before and after the first prediction refit.
 */
journey('customer fields and who needs attention, in chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let workspaceId = '';
  let customerId = '';

  const api = (method: string, path: string, body?: unknown) =>
    callApi(page, `${server.url}${path}`, method, body);
  const fitsWidth = (px: number) =>
    page.waitForFunction((w) => document.documentElement.scrollWidth <= w, px, { timeout: 5_000 });
  const customFieldsOf = async (id: string) =>
    (await api('GET', `/api/v1/customers/${id}`)).customFields as Record<string, unknown>;

  beforeAll(async () => {
    ensureWebBuilt();
    server = await startServer();
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`${server.url}/login`);
    await api('POST', '/api/v1/setup', {
      workspace: { name: 'Ada Hair', timezone: 'Africa/Lagos', currency: 'NGN', region: 'NG' },
      owner: OWNER,
    });
    await api('POST', '/api/v1/auth/logout');
    await page.goto(`${server.url}/login`);
    await new LoginPage(page).signIn(OWNER.email, OWNER.password);
    await new AppShell(page).greeting().waitFor();
    workspaceId = String(((await api('GET', '/api/v1/me')).workspace as { id: string }).id);
    // a field from an import, stored as a number: saving the form unchanged must not turn it into text
    customerId = String(
      (
        await api('POST', '/api/v1/customers', {
          name: 'Chidi Okafor',
          phones: [{ number: '0803 123 4567' }],
          customFields: { 'Card number': 1234 },
        })
      ).id,
    );
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('says on a fresh workspace that predictions come once customers have sales', async () => {
    const tile = new AttentionTile(page);
    await tile.tile().getByText('Predictions appear once customers have sales').waitFor();
    expect(await tile.atRisk().count()).toBe(0);
    expect(await tile.insightsLink().getAttribute('href')).toBe('/insights');
  });

  it('adds two fields from the keyboard, removes one, and keeps the rest after a reload', async () => {
    await page.goto(`${server.url}/customers/${customerId}`);
    const customer = new CustomerPage(page);
    await customer.name('Chidi Okafor').waitFor();
    await page.getByRole('button', { name: 'Edit' }).click();
    const form = new CustomerForm(page);
    expect(await form.field(1).name.inputValue()).toBe('Card number');
    expect(await form.field(1).value.inputValue()).toBe('1234');
    await form.addField('Stylist', 'Kemi');
    await form.addField('Shoe size', '42');
    expect(await form.field(3).value.inputValue()).toBe('42');
    await form.save(/^Save changes$/);
    await customer.otherDetails().getByText('Shoe size:').waitFor();
    expect(await customer.otherDetails().innerText()).toMatch(
      /Card number:\s*1234\s+Stylist:\s*Kemi\s+Shoe size:\s*42/,
    );

    await page.getByRole('button', { name: 'Edit' }).click();
    await form.field(2).remove.click();
    // the cursor moves to the row that took its place
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.value)).toBe(
      'Shoe size',
    );
    expect(await form.fieldRows().count()).toBe(2);
    await form.save(/^Save changes$/);
    await page.getByRole('button', { name: 'Edit' }).waitFor();

    await page.reload();
    await customer.otherDetails().getByText('Shoe size:').waitFor();
    expect(await customer.otherDetails().innerText()).not.toContain('Stylist');
    expect(await customFieldsOf(customerId)).toStrictEqual({ 'Card number': 1234, 'Shoe size': '42' });
  });

  it("shows the server's refusal on its row, and a cleared value removes its field", async () => {
    await page.getByRole('button', { name: 'Edit' }).click();
    const form = new CustomerForm(page);
    await page.setViewportSize({ width: 390, height: 844 });
    await form.addField('Notes', 'x');
    await form.field(3).value.fill('x'.repeat(2001)); // the API takes at most 2000 characters
    await form.save(/^Save changes$/);
    await page.getByText('Too long: at most 2000 characters').waitFor();
    expect(await form.field(3).value.getAttribute('aria-invalid')).toBe('true');
    expect(await form.field(2).value.getAttribute('aria-invalid')).not.toBe('true');
    // the rows fit a phone: nothing scrolls sideways (once the navigation has slid away)
    await fitsWidth(390);
    await page.setViewportSize({ width: 1280, height: 800 });

    // a value without a name is named as the problem, in the browser
    await form.field(3).name.fill('');
    await form.save(/^Save changes$/);
    await page.getByText('Give this field a name').waitFor();

    await form.field(3).value.fill('');
    await form.field(1).value.fill('');
    await form.save(/^Save changes$/);
    await page.getByRole('button', { name: 'Edit' }).waitFor();
    expect(await customFieldsOf(customerId)).toStrictEqual({ 'Shoe size': '42' });
  });

  it('lists the customers at risk and the rising ones after a refit, with links', async () => {
    const customer = async (name: string, orders: [daysAgo: number, amount: number][]) => {
      const id = String((await api('POST', '/api/v1/customers', { name })).id);
      for (const [daysAgo, amount] of orders)
        await api('POST', '/api/v1/orders', {
          customerId: id,
          placedAt: new Date(Date.now() - daysAgo * DAY).toISOString(),
          lines: [{ name: 'Cut and style', unitPrice: amount }],
        });
      return id;
    };
    // monthly for half a year, silent for two months: late for the usual visit
    const late = await customer(
      'Late Larry',
      [240, 210, 180, 150, 120, 90, 60].map((d) => [d, 1_000_000]),
    );
    // spending more each month, on rhythm
    await customer('Growing Grace', [
      [150, 500_000],
      [100, 1_000_000],
      [40, 2_000_000],
      [5, 4_000_000],
    ]);
    // the e2e server runs no job runner: run the refit the worker would run, in process
    const outcome = await server.app.services.analytics.runRefit(workspaceId, { trigger: 'manual' });
    expect(outcome.customers).toBe(2);

    await page.goto(`${server.url}/`);
    const tile = new AttentionTile(page);
    await tile.atRisk().getByRole('link', { name: 'Late Larry' }).waitFor();
    expect(await tile.atRisk().innerText()).toContain('overdue');
    expect(await tile.rising().getByRole('link').allInnerTexts()).toStrictEqual(['Growing Grace']);
    await page.setViewportSize({ width: 390, height: 844 });
    await fitsWidth(390);
    await page.setViewportSize({ width: 1280, height: 800 });

    await tile.atRisk().getByRole('link', { name: 'Late Larry' }).click();
    await new CustomerPage(page).name('Late Larry').waitFor();
    expect(new URL(page.url()).pathname).toBe(`/customers/${late}`);
    await page.goBack();
    await tile.insightsLink().click();
    await page.getByRole('heading', { name: 'Insights', level: 1 }).waitFor();
  });
});

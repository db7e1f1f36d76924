import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserAvailability, launchBrowser, type Browser } from './support/browser.ts';
import { ensureWebBuilt, startServer, type TestServer } from './support/server.ts';
import { callApi } from './support/api.ts';
import { LoginPage } from './pages/AuthPages.ts';
import { AppShell } from './pages/AppShell.ts';
import { CustomerForm, CustomerPage } from './pages/CustomerPages.ts';
import { CustomerStory, ProductsSettingsPage, SaleForm } from './pages/SalePages.ts';

const available = browserAvailability();
const OWNER = { name: 'Ada Obi', email: 'ada@example.com', password: 'correct horse 1' };
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

/**
 * Issue 14, the counter: products in settings, a sale recorded from the caller pop-up on a phone and from Home
 * (walk-in or found by the last digits), the customer's totals after it, a refund from the order, a corrected
 * and a deleted timeline entry, and the unknown caller's call on the customer created from the pop-up.
 */
describe.skipIf(!available.run)('the counter, in chromium', () => {
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
    customerId = String(
      (
        await api('POST', '/api/v1/customers', {
          name: 'Bisi Adeyemi',
          phones: [{ number: '0803 225 5373' }],
        })
      ).id,
    );
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('keeps the product list in settings: add, import a CSV with a refused line, archive (1280 px)', async () => {
    await page.goto(`${server.url}/settings/products`);
    const products = new ProductsSettingsPage(page);
    await products.add({ name: 'Meat pie', price: '800', category: 'pastry', cost: '300' });
    await products.row('Meat pie').waitFor();
    await products.importCsv(
      'name,price,category,cost\nAgege bread,1500,bread,600\nChin chin,lots,snacks,\nOld cake,900,,\n',
    );
    await page
      .getByRole('status')
      .filter({ hasText: '2 added, 0 updated, 0 unchanged, 1 refused' })
      .waitFor();
    await page.getByText(/Line 3: "lots" is not an amount of money/).waitFor();
    await products.row('Old cake').getByRole('button', { name: 'Archive Old cake' }).click();
    await products.row('Old cake').waitFor({ state: 'detached' });
    expect(await products.list().textContent()).toContain('Agege bread');
    await page.setViewportSize(PHONE);
    await fitsWidth(PHONE.width);
    await page.setViewportSize(DESKTOP);
  });

  it('records a sale from the caller pop-up on a phone (390 px), and the totals show it at once', async () => {
    await page.setViewportSize(PHONE);
    await page.goto(`${server.url}/`);
    const shell = new AppShell(page);
    await shell.waitForLive();
    await api('POST', '/api/v1/calls', { from: '+234 803 225 5373' });
    const popup = shell.callPopup('Bisi Adeyemi');
    await popup.waitFor({ timeout: 5_000 });
    await popup.getByRole('button', { name: 'Sale' }).click();
    const sale = new SaleForm(page);
    await sale.dialog().waitFor();
    await sale.dialog().getByText('For', { exact: false }).getByText('Bisi Adeyemi').waitFor();
    // the price boxes bring up the number keyboard
    await sale.pick('meat', /^Meat pie/);
    await sale.more('Meat pie');
    await sale.addNew('Zobo drink', '500');
    expect(await sale.dialog().getByLabel('Price of Zobo drink').getAttribute('inputmode')).toBe('decimal');
    await sale.total().filter({ hasText: '2,100.00' }).waitFor();
    await sale
      .dialog()
      .getByLabel(/^Discount/)
      .fill('100');
    await sale.total().filter({ hasText: '2,000.00' }).waitFor();
    await sale.pay('Transfer');
    await fitsWidth(PHONE.width);
    await sale.save();
    await sale.saved().waitFor();
    expect(await sale.saved().textContent()).toMatch(/2,000\.00.*2 items.*Transfer.*Bisi Adeyemi/s);
    await sale.dialog().getByRole('link', { name: 'Open Bisi Adeyemi' }).click();
    const story = new CustomerStory(page);
    await new CustomerPage(page).name('Bisi Adeyemi').waitFor();
    await story.figure('Orders').filter({ hasText: /^1$/ }).waitFor();
    expect(await story.figure('Spent to date').textContent()).toMatch(/2,000\.00/);
    expect(await story.figure('Average order').textContent()).toMatch(/2,000\.00/);
    await story
      .timeline()
      .getByText(/Sale at the counter: 2 items/)
      .waitFor();
    // the product typed at the counter joined the list
    const list = await api('GET', '/api/v1/products?q=zobo');
    expect(list.items).toMatchObject([{ name: 'Zobo drink', price: 50_000 }]);
    await fitsWidth(PHONE.width);
  });

  it('refunds part of the order from the customer page; the totals follow', async () => {
    const story = new CustomerStory(page);
    await story.refundFirst('500', 'One pie was cold');
    await story
      .orders()
      .getByText(/Refunded .*500\.00 — One pie was cold/)
      .waitFor();
    await story
      .figure('Spent to date')
      .filter({ hasText: /1,500\.00/ })
      .waitFor();
    await story
      .timeline()
      .getByText(/Refund of .* One pie was cold/)
      .waitFor();
  });

  it('corrects one timeline entry and deletes another (390 px)', async () => {
    const story = new CustomerStory(page);
    const customer = new CustomerPage(page);
    await customer.addNote('Likes the crust well done');
    await story.timeline().getByText('Likes the crust well done').waitFor();
    await customer.addNote('Wrong customer, ignore');
    await story.timeline().getByText('Wrong customer, ignore').waitFor();
    await story.correct('note', 'Likes the crust well done', 'Likes the crust soft');
    await story.timeline().getByText('Likes the crust soft').waitFor();
    await story.remove('note', 'Wrong customer, ignore');
    await story.timeline().getByText('Wrong customer, ignore').waitFor({ state: 'detached' });
    await page.reload();
    await story.timeline().getByText('Likes the crust soft').waitFor();
    expect(await story.timeline().textContent()).not.toContain('well done');
    expect(await story.timeline().textContent()).not.toContain('Wrong customer');
    // an empty note cannot be saved
    await page
      .getByRole('radiogroup', { name: 'Kind of contact' })
      .getByText('Note', { exact: true })
      .click();
    expect(await page.getByRole('button', { name: 'Save note' }).isDisabled()).toBe(true);
  });

  it('records a sale from Home for a customer found by the last digits of their phone (1280 px)', async () => {
    await page.setViewportSize(DESKTOP);
    await page.goto(`${server.url}/`);
    await page.getByRole('button', { name: 'Record a sale' }).click();
    const sale = new SaleForm(page);
    await sale.findCustomer('5373', 'Bisi Adeyemi');
    await sale.pick('agege', /^Agege bread/);
    await sale.save();
    await sale.saved().waitFor();
    await sale.done();
    const totals = await api('GET', `/api/v1/customers/${customerId}/totals`);
    expect(totals).toMatchObject({ orderCount: 2, totalSpent: 300_000 });
  });

  it('records a walk-in sale from Home: nobody on record', async () => {
    const before = ((await api('GET', '/api/v1/orders')).items as unknown[]).length;
    await page.getByRole('button', { name: 'Record a sale' }).click();
    const sale = new SaleForm(page);
    await sale.pick('meat', /^Meat pie/);
    await sale.save();
    await sale
      .saved()
      .getByText(/Walk-in/)
      .waitFor();
    await sale.done();
    const orders = (await api('GET', '/api/v1/orders')).items as { customerId: string | null }[];
    expect(orders.length).toBe(before + 1);
    expect(orders[0]?.customerId).toBeNull();
  });

  it("puts the unknown caller's call on the timeline of the customer created from the pop-up", async () => {
    const shell = new AppShell(page);
    await shell.waitForLive();
    await api('POST', '/api/v1/calls', { from: '0701 234 5678', note: 'Asked about birthday cakes' });
    const popup = shell.callPopup('Unknown number');
    await popup.waitFor({ timeout: 5_000 });
    await popup.getByRole('link', { name: 'Create customer' }).click();
    await page.getByRole('heading', { name: 'New customer' }).waitFor();
    const form = new CustomerForm(page);
    await form.fill({ name: 'Tola Bakare' });
    await form.save(/^Create customer$/);
    await new CustomerPage(page).name('Tola Bakare').waitFor();
    await new CustomerStory(page).timeline().getByText('Asked about birthday cakes').waitFor();
  });
});

/**
 * Screenshots of the counter's screens (issue 14) at desktop (1280×800) and phone (390×844) width, into
 * .screenshots/ (git-ignored): the sale form, the sale saved, the customer's purchases and orders, the refund
 * form, a timeline entry being corrected, Settings → Products with an import report.
 * Run: node --import tsx web/e2e/screenshots-counter.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser } from './support/browser.ts';
import { ensureWebBuilt, startServer } from './support/server.ts';
import { callApi } from './support/api.ts';

const OUT = path.resolve(import.meta.dirname, '../../.screenshots');
const SIZES = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;

ensureWebBuilt();
fs.mkdirSync(OUT, { recursive: true });
const server = await startServer();
const { url } = server;
const api = (page: Page, method: string, p: string, body?: unknown) =>
  callApi(page, `${url}${p}`, method, body);

let first = true;
let customerId = '';
for (const [size, viewport] of Object.entries(SIZES)) {
  const browser = await launchBrowser(viewport);
  const page = await browser.context.newPage();
  page.on('pageerror', (e) => console.error('pageerror', e.message));
  const shot = async (name: string, full = false) => {
    await page.waitForTimeout(350);
    await page.screenshot({ path: path.join(OUT, `c${name}-${size}.png`), fullPage: full });
  };
  await page.goto(`${url}/login`);
  if (first) {
    await api(page, 'POST', '/api/v1/setup', {
      workspace: { name: 'Mama Put Bakery', timezone: 'Africa/Lagos', currency: 'NGN', region: 'NG' },
      owner: { email: 'ada@example.com', name: 'Ada Obi', password: 'password123' },
    });
    await api(page, 'POST', '/api/v1/auth/logout');
  }
  await page.goto(`${url}/login`);
  await page.getByLabel('Email', { exact: true }).fill('ada@example.com');
  await page.getByLabel('Password', { exact: true }).fill('password123');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: /^Hello/ }).waitFor();
  if (first) {
    customerId = String(
      (
        await api(page, 'POST', '/api/v1/customers', {
          name: 'Bisi Adeyemi',
          phones: [{ number: '0803 225 5373' }],
          tags: ['regular'],
        })
      ).id,
    );
    await api(page, 'POST', '/api/v1/products/import', {
      csv: 'name,price,category,cost\nMeat pie,800,pastry,300\nAgege bread,1500,bread,600\nSausage roll,700,pastry,250\nChin chin (small),500,snacks,200\nBirthday cake (8 inch),25000,cakes,12000\n',
    });
    await api(page, 'POST', `/api/v1/customers/${customerId}/interactions`, {
      kind: 'visit',
      body: 'First came in for a birthday cake.',
      occurredAt: '2025-11-02T10:00:00Z',
    });
    await api(page, 'POST', `/api/v1/customers/${customerId}/interactions`, {
      kind: 'note',
      body: 'Likes the crust well done.',
    });
    first = false;
  }

  // Home → Record a sale, filled in
  await page.goto(`${url}/`);
  await page.getByRole('heading', { name: /^Hello/ }).waitFor();
  await shot('01-home');
  await page.getByRole('button', { name: 'Record a sale' }).click();
  const dialog = page.getByRole('dialog', { name: 'New sale' });
  await dialog.waitFor();
  await shot('02-sale-empty');
  await dialog.getByLabel('Customer').fill('5373');
  await dialog.getByRole('button', { name: /^Bisi Adeyemi/ }).waitFor();
  await shot('03-sale-find-customer');
  await dialog.getByRole('button', { name: /^Bisi Adeyemi/ }).click();
  await dialog.getByLabel('Add an item').fill('pie');
  await dialog.getByRole('button', { name: /^Meat pie/ }).click();
  await dialog.getByRole('button', { name: 'One more Meat pie' }).click();
  await dialog.getByLabel('Add an item').fill(size === 'phone' ? 'Kunu drink' : 'Zobo drink');
  await dialog.getByLabel(/^Price \(/).fill('500');
  await shot('04-sale-new-product');
  await dialog.getByRole('button', { name: 'Add', exact: true }).click();
  await dialog.getByLabel(/^Discount/).fill('100');
  await dialog.getByText('Transfer', { exact: true }).click();
  await shot('05-sale-filled');
  await dialog.getByRole('button', { name: 'Save sale' }).click();
  await dialog.getByRole('status', { name: 'Sale saved' }).waitFor();
  await shot('06-sale-saved');
  await dialog.getByRole('button', { name: 'Done' }).click();

  // The customer's page: purchases, outlook, orders, timeline
  await page.goto(`${url}/customers/${customerId}`);
  await page.getByRole('region', { name: 'Purchases' }).getByText('Orders', { exact: true }).waitFor();
  await shot('07-customer');
  await shot('07-customer-full', true);
  await page
    .getByRole('region', { name: 'Orders' })
    .getByRole('button', { name: 'Refund or return' })
    .first()
    .click();
  await page.getByRole('form', { name: 'Refund or return' }).getByLabel(/^Why/).fill('One pie was cold');
  await page.getByRole('form', { name: 'Refund or return' }).scrollIntoViewIfNeeded();
  await shot('08-refund-form');
  await page
    .locator('.mantine-Timeline-item')
    .filter({ hasText: 'Likes the crust' })
    .getByRole('button', { name: 'Correct this note' })
    .click();
  await page.getByRole('form', { name: 'Correct this note' }).scrollIntoViewIfNeeded();
  await shot('09-timeline-correct');

  // Settings → Products, with an import report
  await page.goto(`${url}/settings/products`);
  await page.getByRole('region', { name: 'Product list' }).getByText('Meat pie').waitFor();
  await page.getByLabel('CSV file of products').setInputFiles({
    name: 'products.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('name,price,category,cost\nPuff puff,100,snacks,40\nDoughnut,lots,pastry,\n,300,,\n'),
  });
  await page.getByRole('status').filter({ hasText: 'refused' }).waitFor();
  await shot('10-products', true);

  // The caller pop-up with its Sale button
  await page.goto(`${url}/`);
  await page.locator('[data-live="live"]').waitFor({ state: 'attached' });
  await api(page, 'POST', '/api/v1/calls', { from: '+234 803 225 5373' });
  await page.getByRole('dialog', { name: 'Incoming call: Bisi Adeyemi' }).waitFor();
  await shot('11-caller-popup');
  await browser.close();
}
await server.close();
console.log(`screenshots in ${OUT}`);

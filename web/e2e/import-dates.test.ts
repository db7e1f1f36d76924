import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserAvailability, launchBrowser, type Browser } from './support/browser.ts';
import { ensureWebBuilt, startServer, type TestServer } from './support/server.ts';
import { callApi } from './support/api.ts';
import { ImportPage } from './pages/DataPages.ts';

const available = browserAvailability();

/** Sales with ambiguous dates (03/04/2024), a walk-in sale and a return. */
const SALES = [
  'Order Number,Date,Customer Name,Product,Qty,Price',
  '1001,03/04/2024,Ada Obi,Rice,2,7500',
  '1002,04/04/2024,,Bread,1,800',
  '1003,05/04/2024,Ada Obi,Rice,-1,7500',
  '',
].join('\n');

/** #13 in chromium: the preview says how dates are read and the user switches it; walk-in sales and returns shown. */
describe.skipIf(!available.run)('import preview: date order, walk-in sales, returns (chromium)', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const api = (method: string, p: string, body?: unknown) => callApi(page, `${server.url}${p}`, method, body);

  beforeAll(async () => {
    ensureWebBuilt();
    server = await startServer();
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.setDefaultTimeout(15_000);
    await api('POST', '/api/v1/setup', {
      workspace: { name: 'Obi Stores', timezone: 'Africa/Lagos', currency: 'NGN', region: 'NG' },
      owner: { email: 'owner@example.com', name: 'Olive Owner', password: 'correct horse 1' },
    });
    await api('POST', '/api/v1/auth/login', { email: 'owner@example.com', password: 'correct horse 1' });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('reads 03/04/2024 as 3 April in Nigeria, switches to month first on request, and imports that way', async () => {
    const p = new ImportPage(page);
    await p.open(server.url);
    await p.choose('sales.csv', SALES);
    const dates = p.preview().getByRole('combobox', { name: 'Dates like 12/05' });
    await dates.waitFor();
    expect(await dates.inputValue()).toBe('Day first (12/05 is 12 May)');
    await p.preview().getByText("Nothing in the file settles it: your region's order").waitFor();
    const rows = p.firstRows();
    await rows.getByText(/Order 1001 · 2024-04-03/).waitFor();
    await rows.getByText('Walk-in sale (no customer)').waitFor();
    await rows.getByText(/Return 1003/).waitFor();

    await dates.click();
    await page.getByRole('option', { name: 'Month first (12/05 is 5 December)' }).click();
    await p.preview().getByText('Chosen by you').waitFor();
    await rows.getByText(/Order 1001 · 2024-03-04/).waitFor();

    await p.start();
    await p
      .status()
      .filter({ hasText: /done|finished|imported/i })
      .waitFor();
    expect(await p.countOf('Walk-in sales')).toBe(1);
    const orders = (await api('GET', '/api/v1/orders?limit=10')) as {
      items: { number: string; placedAt: string }[];
    };
    expect(orders.items.find((o) => o.number === '1001')?.placedAt).toBe('2024-03-03T23:00:00.000Z');
  });
});

import fs from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, type Browser } from './support/browser.ts';
import { journey } from './support/journey.ts';
import { ensureWebBuilt, startServer, type TestServer } from './support/server.ts';
import { sendJson } from './support/api.ts';
import { AppShell } from './pages/AppShell.ts';
import { DuplicatesPage, ExportPage, ImportPage } from './pages/DataPages.ts';

// Line 4 has nothing to know a customer by: it must be rejected with its line and reason.
const CUSTOMERS_CSV = [
  'Name,Phone,Email,Tags',
  'Grace Hopper,+1 202 555 0101,grace@example.com,vip',
  'Alan Turing,+44 20 7946 0000,alan@example.com,',
  ',,,',
  'Katherine Johnson,,katherine@example.com,regular',
  '',
].join('\r\n');

/**
 * Import & export in a real chromium against a real server: a CSV through preview, progress and report; the
 * same file again (no duplicates); a bad file; the CSV export; a duplicate pair merged.
 */
journey('import, export and duplicates in chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let imports: ImportPage;

  const api = async (method: string, p: string, body?: unknown) => {
    const res = await sendJson(page, `${server.url}${p}`, method, body);
    return { status: res.status(), json: res.status() === 204 ? null : ((await res.json()) as unknown) };
  };

  beforeAll(async () => {
    ensureWebBuilt();
    server = await startServer();
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.setDefaultTimeout(15_000);
    imports = new ImportPage(page);
    // the browser's request context shares its cookies: set up, and stay signed in
    await api('POST', '/api/v1/setup', {
      workspace: { name: 'Hopper Hardware', timezone: 'America/New_York', currency: 'USD', region: 'US' },
      owner: { email: 'owner@example.com', name: 'Olive Owner', password: 'correct horse 1' },
    });
    await api('POST', '/api/v1/auth/login', { email: 'owner@example.com', password: 'correct horse 1' });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('is in the navigation, and says why a file that is not CSV cannot be imported', async () => {
    await page.goto(`${server.url}/`);
    await new AppShell(page).openNav('Import & export');
    await imports.heading().waitFor();
    expect(new URL(page.url()).pathname).toBe('/import');

    // a workbook is refused before it is sent…
    await imports.choose('customers.xlsx', Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]), 'application/zip');
    await imports.alert().waitFor();
    expect(await imports.alert().textContent()).toContain('save or export it as CSV');
    // …and a binary file named .csv is refused by the server, in words
    const binary = Buffer.from(Array.from({ length: 600 }, (_, i) => (i * 7919) % 256));
    await imports.choose('garbage.csv', binary);
    await imports.preview().getByRole('alert').waitFor();
    expect(await imports.preview().getByRole('alert').textContent()).toContain('not text');
    await page.getByRole('button', { name: 'Choose another file' }).click();
  });

  it('previews a customers CSV, imports it with progress, and reports counts and the rejected line', async () => {
    await imports.choose('customers.csv', CUSTOMERS_CSV);
    await imports.columns().waitFor();
    // detected layout and the column mapping
    expect(await imports.layout().inputValue()).toBe('Generic CSV (columns recognised by name)');
    expect(await imports.columns().textContent()).toMatch(/Columns read \(4\)NamePhoneEmailTags/);
    const rows = await imports.firstRows().textContent();
    expect(rows).toContain('Grace Hopper');
    expect(rows).toContain('Line 4Will be rejected: no name, company, email or phone');

    await imports.start();
    await imports.report().waitFor();
    await imports.status().filter({ hasText: 'Done' }).waitFor({ timeout: 60_000 });
    expect(await imports.progress().getAttribute('aria-valuenow')).toBe('100');
    expect(await imports.countOf('Created')).toBe(3);
    expect(await imports.countOf('Rejected')).toBe(1);
    await imports.rejected().waitFor();
    expect(await imports.rejected().textContent()).toContain('Line 4no name, company, email or phone');
    // the full report downloads with the same session
    const href = await imports.reportLink().getAttribute('href');
    const report = await page.request.get(`${server.url}${href}`);
    expect(report.status()).toBe(200);
    expect(await report.text()).toContain('4,rejected,');

    const customers = (await api('GET', '/api/v1/customers?limit=50')).json as { items: { name: string }[] };
    expect(customers.items.map((c) => c.name).sort()).toEqual([
      'Alan Turing',
      'Grace Hopper',
      'Katherine Johnson',
    ]);
  });

  it('imports the same file again without making duplicates, and lists both imports', async () => {
    await imports.importAnother();
    await imports.choose('customers.csv', CUSTOMERS_CSV);
    await imports.columns().waitFor();
    await imports.start();
    await imports.status().filter({ hasText: 'Done' }).waitFor({ timeout: 60_000 });
    expect(await imports.countOf('Created')).toBe(0);
    expect((await imports.countOf('Updated')) + (await imports.countOf('Unchanged'))).toBe(3);
    expect(await imports.countOf('Rejected')).toBe(1);
    const customers = (await api('GET', '/api/v1/customers?limit=50')).json as { items: unknown[] };
    expect(customers.items).toHaveLength(3);
    const listed = imports.pastImports().getByRole('button', { name: 'customers.csv' });
    await listed.nth(1).waitFor();
    expect(await listed.count()).toBe(2);
  });

  it('downloads the customers as CSV', async () => {
    await page.getByRole('tab', { name: 'Export' }).click();
    const exports = new ExportPage(page);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      exports.download('customers').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^customers-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = fs.readFileSync(await download.path(), 'utf8');
    expect(csv.split('\n')[0]).toContain('Name');
    for (const name of ['Grace Hopper', 'Alan Turing', 'Katherine Johnson']) expect(csv).toContain(name);
  });

  it('shows a duplicate pair with its reason, and merges it', async () => {
    const lin = (
      await api('POST', '/api/v1/customers', {
        name: 'Lin Wei',
        phones: [{ number: '+1 202 555 0199' }],
        tags: ['counter'],
      })
    ).json as { id: string };
    const wei = (
      await api('POST', '/api/v1/customers', {
        name: 'Wei Lin',
        phones: [{ number: '(202) 555-0199' }],
        emails: [{ address: 'wei.lin@example.com' }],
      })
    ).json as { id: string };

    await page.getByRole('tab', { name: 'Duplicates' }).click();
    expect(new URL(page.url()).pathname).toBe('/duplicates');
    const dupes = new DuplicatesPage(page);
    const pair = dupes.pair('Lin Wei', 'Wei Lin');
    await pair.waitFor();
    expect(await pair.textContent()).toContain('Same phone: +12025550199');

    await dupes.merge('Lin Wei', 'Wei Lin', 'Lin Wei');
    await dupes.merged().waitFor();
    await pair.waitFor({ state: 'detached' });
    expect(await page.getByText('No likely duplicates').isVisible()).toBe(true);
    await dupes.merged().getByRole('link', { name: 'Lin Wei' }).click();
    await page.getByRole('heading', { name: 'Lin Wei', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/customers/${lin.id}`);
    // the survivor has the other's email; the other is gone
    const kept = (await api('GET', `/api/v1/customers/${lin.id}`)).json as { emails: { address: string }[] };
    expect(kept.emails.map((e) => e.address)).toEqual(['wei.lin@example.com']);
    expect((await api('GET', `/api/v1/customers/${wei.id}`)).status).toBe(404);
  });
});

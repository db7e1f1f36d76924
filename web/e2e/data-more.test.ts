import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, type Browser } from './support/browser.ts';
import { journey } from './support/journey.ts';
import { ensureWebBuilt, startServer, type TestServer } from './support/server.ts';
import { callApi } from './support/api.ts';
import { ImportPage } from './pages/DataPages.ts';
import { DismissalsPage, MappingEditor } from './pages/MappingPages.ts';

/** A spreadsheet with column names the generic layout does not know (only "Notes" and "E-mail address"). */
const SHEET = [
  'Client;Mobile no.;E-mail address;Notes;Since',
  'Amaka Eze;0803 111 2222;amaka@example.com;Likes mornings;2019',
  'Bola Adeyemi;0805 333 4444;;Pays cash;2021',
  '',
].join('\r\n');
/** Next month's file: the same columns, in another order and case. */
const NEXT_MONTH = [
  'since;CLIENT;e-mail address;Mobile No.;notes',
  '2023;Chidi Okafor;chidi@example.com;0806 555 6666;Wants a call back',
  '',
].join('\r\n');

/**
 * More of import & duplicates in chromium: "not the same person" with undo (from the notice and from the list,
 * after a reload), and a spreadsheet mapped column by column, saved, imported, and recognised next time.
 */
journey('duplicates dismissed and CSV columns mapped, in chromium', () => {
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
      workspace: { name: 'Eze Salon', timezone: 'Africa/Lagos', currency: 'NGN', region: 'NG' },
      owner: { email: 'owner@example.com', name: 'Olive Owner', password: 'correct horse 1' },
    });
    await api('POST', '/api/v1/auth/login', { email: 'owner@example.com', password: 'correct horse 1' });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('dismisses a pair as different people; it stays gone after a reload; undo brings it back', async () => {
    for (const name of ['Tunde Bakare', 'Tunde Bakare Jr'])
      await api('POST', '/api/v1/customers', { name, phones: [{ number: '0803 999 0000' }] });
    const d = new DismissalsPage(page);
    await page.goto(`${server.url}/duplicates`);
    const pair = d.pair('Tunde Bakare', 'Tunde Bakare Jr');
    await pair.waitFor();

    // undo from the notice
    await d.notTheSame('Tunde Bakare', 'Tunde Bakare Jr');
    await d.notice().waitFor();
    await pair.waitFor({ state: 'detached' });
    await d.notice().getByRole('button', { name: 'Undo' }).click();
    await pair.waitFor();
    await d.notice().waitFor({ state: 'detached' });

    // dismissed again: gone after a reload, listed below, and undone from the list
    await d.notTheSame('Tunde Bakare', 'Tunde Bakare Jr');
    await pair.waitFor({ state: 'detached' });
    await page.reload();
    await d.list().waitFor();
    expect(await pair.count()).toBe(0);
    expect(await page.getByText('No likely duplicates').isVisible()).toBe(true);
    const listed = d.listed('Tunde Bakare', 'Tunde Bakare Jr');
    expect(await listed.textContent()).toContain('Marked');
    await listed.getByRole('button', { name: /^Undo/ }).click();
    await pair.waitFor();
    await d.list().waitFor({ state: 'detached' });
    await page.reload();
    await pair.waitFor();
  });

  it('maps the columns of a spreadsheet, saves the mapping, imports with it, and recognises the next file', async () => {
    const imports = new ImportPage(page);
    const m = new MappingEditor(page);
    await imports.open(server.url);
    await imports.choose('clients.csv', SHEET);
    // generic layout with columns it cannot place: the mapping opens at once, with each column's first values
    await m.editor().waitFor();
    expect(await imports.layout().inputValue()).toBe('Generic CSV (columns recognised by name)');
    expect(await m.columnSelect('E-mail address').inputValue()).toBe('email');
    expect(await m.columnSelect('Client').inputValue()).toBe('ignore');
    expect(await m.editor().textContent()).toContain('Amaka Eze · Bola Adeyemi');
    expect(await imports.firstRows().textContent()).toContain('amaka@example.com');

    await m.map('Client', 'Full name');
    await m.map('Mobile no.', 'Mobile phone');
    // the first rows are read again with the mapping
    await imports.firstRows().getByText('0803 111 2222 · amaka@example.com', { exact: true }).waitFor();
    expect(await imports.firstRows().textContent()).toMatch(
      /Line 2Amaka Eze.*Line 3Bola Adeyemi0805 333 4444/,
    );
    expect(await m.layoutDescription().textContent()).toBe('Mapped by you');

    await m.saveAs('Shop sheet');
    await m.saved().filter({ hasText: 'Saved as "Shop sheet"' }).waitFor();
    await m.layoutDescription().filter({ hasText: 'Chosen by you' }).waitFor();
    expect(await imports.layout().inputValue()).toBe('Shop sheet');

    await imports.start();
    await imports.status().filter({ hasText: 'Done' }).waitFor({ timeout: 60_000 });
    expect(await imports.countOf('Created')).toBe(2);
    const people = (await api('GET', '/api/v1/customers?limit=50')) as {
      items: { name: string; phone: string | null }[];
    };
    expect(people.items.find((c) => c.name === 'Amaka Eze')?.phone).toBe('+2348031112222');

    // next month's file, columns reordered: read with the saved mapping without asking
    await imports.importAnother();
    await imports.choose('clients-june.csv', NEXT_MONTH);
    await m
      .layoutDescription()
      .filter({ hasText: 'Your saved mapping, found by the column names' })
      .waitFor();
    expect(await imports.layout().inputValue()).toBe('Shop sheet');
    expect(await imports.firstRows().textContent()).toContain('Chidi Okafor');
    expect(await imports.firstRows().textContent()).toContain('0806 555 6666');
    // the mapping can be looked at and changed from here
    await m.changeMapping().click();
    expect(await m.columnSelect('CLIENT').inputValue()).toBe('name');
    expect(await m.columnSelect('since').inputValue()).toBe('ignore');
    await imports.start();
    await imports.status().filter({ hasText: 'Done' }).waitFor({ timeout: 60_000 });
    expect(await imports.countOf('Created')).toBe(1);
    expect(await imports.report().textContent()).toContain('Saved mapping "Shop sheet"');
    const runs = (await api('GET', '/api/v1/imports')) as { items: { preset: string }[] };
    expect(runs.items.map((r) => r.preset)).toEqual(['mapping:Shop sheet', 'mapping:Shop sheet']);
  });

  it('fits the mapping on a 390 px wide phone', async () => {
    const imports = new ImportPage(page);
    const m = new MappingEditor(page);
    await page.setViewportSize({ width: 390, height: 844 });
    await imports.open(server.url);
    await imports.choose('other.csv', 'Cliente;Telefono;Nota\r\nAna;0803 222 1111;Ciao\r\n');
    await m.editor().waitFor();
    await m.map('Cliente', 'Full name');
    await imports.firstRows().getByText('Ana', { exact: true }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    const box = await m.columnSelect('Telefono').boundingBox();
    expect(box && box.x + box.width).toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});

import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { DateTime } from 'luxon';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { callApi } from './support/api.ts';
import { launchBrowser, type Browser } from './support/browser.ts';
import { journey } from './support/journey.ts';
import { ensureWebBuilt, startServer, type TestServer } from './support/server.ts';
import { LoginPage } from './pages/AuthPages.ts';
import { AppShell } from './pages/AppShell.ts';
import { AgendaList, PromiseForm } from './pages/PromisePages.ts';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };
/** Set UX_SHOTS=dir to keep a screenshot of each screen checked. */
const SHOTS = process.env.UX_SHOTS;
const ZONE = 'Europe/London';
const LOGIN = { email: 'ola@promises.example', password: 'correct horse battery' };

async function axeProblems(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  return r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
}

/**
 * Issue 17 in the web app: a promise made from the caller pop-up in one line ("Call back tomorrow 3 pm"), kept on
 * the customer's page; the agenda on a 390 px phone — the first thing on Home — with done and snooze from the list.
 */
journey('promises and the agenda, in chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let ws = '';
  let caller = '';
  let birthday = '';
  const api = (method: string, p: string, body?: unknown) => callApi(page, `${server.url}${p}`, method, body);
  const shot = async (name: string) => {
    if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `promises-${name}.png`), fullPage: true });
  };

  beforeAll(async () => {
    ensureWebBuilt();
    server = await startServer();
    const s = server.app.services;
    const w = await s.workspaces.createWorkspace({
      name: 'Corner Shop',
      timezone: ZONE,
      currency: 'GBP',
      region: 'GB',
    });
    ws = w.id;
    await s.access.createUser(ws, { ...LOGIN, name: 'Ola', role: 'owner' }, 'test');
    browser = await launchBrowser(DESKTOP);
    page = await browser.context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${server.url}/login`);
    await new LoginPage(page).signIn(LOGIN.email, LOGIN.password);
    await new AppShell(page).greeting().waitFor();
    caller = String(
      (await api('POST', '/api/v1/customers', { name: 'Pat Caller', phones: [{ number: '07700 900123' }] }))
        .id,
    );
    const today = DateTime.now().setZone(ZONE);
    birthday = String(
      (
        await api('POST', '/api/v1/customers', {
          name: 'Bea Birthday',
          birthday: `1990-${today.toFormat('MM-dd')}`,
        })
      ).id,
    );
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('makes a promise from the caller pop-up in one line (1280 px)', async () => {
    const shell = new AppShell(page);
    await shell.waitForLive();
    await api('POST', '/api/v1/calls', { from: '07700 900123' });
    const popup = shell.callPopup('Pat Caller');
    await popup.waitFor();
    await popup.getByRole('button', { name: 'Promise' }).click();
    const form = new PromiseForm(popup);
    await form.text().fill('Call back tomorrow 3 pm');
    const tomorrow = DateTime.now().setZone(ZONE).plus({ days: 1 }).toISODate() as string;
    expect(await form.date().inputValue()).toBe(tomorrow);
    expect(await form.time().inputValue()).toBe('15:00');
    expect(await axeProblems(page)).toEqual([]);
    await shot('popup-1280');
    await form.submit().click();
    await form.done().filter({ hasText: 'Promised: Call back' }).waitFor();
    const list = (await api('GET', `/api/v1/promises?customerId=${caller}`)).items as Record<
      string,
      unknown
    >[];
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      what: 'Call back',
      allDay: false,
      dueAt: DateTime.fromISO(`${tomorrow}T15:00`, { zone: ZONE }).toUTC().toISO(),
      source: { kind: 'call' },
    });
    // on the customer's page: the open promise, kept from there
    await page.goto(`${server.url}/customers/${caller}`);
    const promises = page.getByRole('region', { name: 'Promises' });
    await promises.getByText('Call back', { exact: true }).waitFor();
    // the next call from them says so
    await page.goto(`${server.url}/`);
    await api('POST', '/api/v1/calls', { from: '07700 900123' });
    const again = new AppShell(page).callPopup('Pat Caller').last();
    await again.getByText('One promise to them still open').waitFor();
    await again.getByRole('button', { name: 'Dismiss' }).first().click();
    await page.goto(`${server.url}/customers/${caller}`);
    await promises.getByText('Call back', { exact: true }).waitFor();
    expect(await axeProblems(page)).toEqual([]);
    await shot('customer-1280');
  });

  it('shows the agenda first on a 390 px phone; done and snooze from the list', async () => {
    await api('POST', '/api/v1/promises', {
      customerId: caller,
      what: 'Send the price list',
      dueAt: DateTime.now().setZone(ZONE).toISODate(),
    });
    await api('POST', '/api/v1/enquiries', {
      customerId: caller,
      kind: 'quote',
      channel: 'phone',
      body: 'How much for a wedding cake?',
    });
    await page.setViewportSize(PHONE);
    await page.goto(`${server.url}/`);
    const agenda = new AgendaList(page);
    await agenda.row('Send the price list').waitFor();
    await agenda.row("Bea Birthday's birthday").waitFor();
    // first on the screen: above the buttons, within the first screenful
    const box = await agenda.region().boundingBox();
    const sale = await page.getByRole('button', { name: 'Record a sale' }).boundingBox();
    expect(box && sale && box.y < sale.y && box.y < PHONE.height / 2).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    expect(await axeProblems(page)).toEqual([]);
    await shot('agenda-390');
    // done: the promise is kept and leaves the list
    await agenda.row('Send the price list').getByRole('button', { name: 'Done' }).click();
    await agenda.row('Send the price list').waitFor({ state: 'detached' });
    const kept = (await api('GET', `/api/v1/promises?customerId=${caller}&status=kept`)).items as {
      what: string;
    }[];
    expect(kept.map((p) => p.what)).toEqual(['Send the price list']);
    // an enquiry answered from the list (the enquiry's own "respond")
    const enquiry = agenda.row(/wedding cake/);
    await enquiry.getByRole('button', { name: 'Answered' }).click();
    await enquiry.getByRole('textbox', { name: /^What you told them/ }).fill('Sent the price list');
    await enquiry.getByRole('button', { name: 'Save' }).click();
    await agenda.row(/wedding cake/).waitFor({ state: 'detached' });
    const answered = (await api('GET', `/api/v1/enquiries?customerId=${caller}&state=all`)).items as {
      status: string;
    }[];
    expect(answered.map((e) => e.status)).toEqual(['answered']);
    // snooze, with a reason: hidden until then
    await agenda.snooze("Bea Birthday's birthday", 'Card already posted');
    await agenda.row("Bea Birthday's birthday").waitFor({ state: 'detached' });
    const after = await api('GET', '/api/v1/agenda');
    expect(after.snoozed).toBe(1);
    expect((after.items as { customerId: string }[]).some((i) => i.customerId === birthday)).toBe(false);
    await shot('agenda-after-390');
  });

  it('Settings → Calendar: makes, copies and turns off the feed link (390 px)', async () => {
    await page.goto(`${server.url}/settings/calendar`);
    await page.getByRole('button', { name: 'Make my calendar link' }).click();
    const link = page.getByRole('textbox', { name: 'Your calendar link' });
    await link.waitFor();
    const url = await link.inputValue();
    // no RAPPORT_PUBLIC_URL here: the link names the address the page was opened at
    expect(url).toMatch(new RegExp(`^${server.url}/cal/[A-Za-z0-9_-]+\\.ics$`));
    const ics = await page.request.get(url);
    expect(ics.status()).toBe(200);
    expect(await ics.text()).toContain('TZID:Europe/London');
    expect(await axeProblems(page)).toEqual([]);
    await shot('calendar-390');
    await page.getByRole('button', { name: 'Turn the link off' }).click();
    await page.getByText('You have no calendar link.').waitFor();
    expect((await page.request.get(url)).status()).toBe(404);
    void ws;
  });
});

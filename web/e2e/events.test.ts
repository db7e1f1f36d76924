import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchBrowser, type Browser } from './support/browser.ts';
import { journey } from './support/journey.ts';
import { ensureWebBuilt, startServer, type TestServer } from './support/server.ts';
import { LoginPage } from './pages/AuthPages.ts';
import { AppShell } from './pages/AppShell.ts';
import { EventPage, RsvpPage } from './pages/EventPages.ts';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };
/** Set UX_SHOTS=dir to keep a screenshot of each screen checked. */
const SHOTS = process.env.UX_SHOTS;

async function axeProblems(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  return r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
}

/**
 * Issue 18 in chromium: a guest answers an invitation from a 390 px phone with JavaScript off (yes, with a
 * guest; the seats count; the entry pass), and staff at the door find them and check them in (390 and 1280 px).
 */
journey('events: an RSVP from a phone and check-in at the door, in chromium', () => {
  let server: TestServer;
  let phone: Browser;
  let desk: Browser;
  let ws = '';
  let eventId = '';
  const tokens: Record<string, string> = {};
  let amaraId = '';
  const shot = async (page: Page, name: string) => {
    if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `events-${name}.png`), fullPage: true });
  };

  beforeAll(async () => {
    ensureWebBuilt();
    server = await startServer({ env: { RAPPORT_SMTP_URL: 'smtp://127.0.0.1:1' } });
    const s = server.app.services;
    const w = await s.workspaces.createWorkspace({
      name: 'Corner Bakery',
      timezone: 'Europe/London',
      currency: 'GBP',
      region: 'GB',
    });
    ws = w.id;
    await s.access.createUser(
      ws,
      { email: 'owner@bakery.example', password: 'correct horse', role: 'owner' },
      'test',
    );
    const cli = {
      workspaceId: ws,
      kind: 'cli' as const,
      id: 'test',
      scopes: new Set(['read', 'write', 'admin'] as const),
    };
    await s.outreachSettings.updateSettings(ws, { fromEmail: 'hello@bakery.example' }, 'test');
    const ids: string[] = [];
    for (const name of ['Amara Okafor', 'Ben Carter']) {
      const c = await s.customers.createCustomer(
        ws,
        {
          name,
          emails: [{ address: `${name.split(' ')[0]?.toLowerCase()}@example.com` }],
          phones: [{ number: name.startsWith('A') ? '07700 900123' : '07700 900456' }],
          consent: { marketing: true, source: 'counter' },
        },
        'test',
      );
      ids.push(c.id);
    }
    const e = await s.events.create(
      ws,
      {
        title: 'Bread tasting evening',
        startsAt: '2099-06-20T19:00',
        location: '12 High Street',
        capacity: 3,
      },
      cli,
    );
    eventId = e.id;
    await s.events.invite(ws, eventId, { audience: { kind: 'customers', ids }, channel: 'email' }, cli);
    amaraId = ids[0] ?? '';
    for (const id of ids) {
      const m = await server.app.conn.db
        .selectFrom('messages')
        .select('body')
        .where('dedupe_key', '=', `event:${eventId}:invite:${id}`)
        .executeTakeFirstOrThrow();
      tokens[id === ids[0] ? 'amara' : 'ben'] = /\/p\/r\/[A-Za-z0-9_-]+/.exec(m.body ?? '')?.[0] ?? '';
    }
    phone = await launchBrowser(PHONE, { javaScriptEnabled: false });
    desk = await launchBrowser(DESKTOP);
  }, 180_000);
  afterAll(async () => {
    await phone?.close();
    await desk?.close();
    await server?.close();
  });

  it('a guest answers yes with a guest from a 390 px phone, JavaScript off', async () => {
    const page = await phone.context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`${server.url}${tokens.amara}`);
    const rsvp = new RsvpPage(page);
    await rsvp.heading('Bread tasting evening').waitFor();
    expect(await page.getByText('3 seats left').count()).toBe(1);
    await rsvp.answer(true, 1);
    await rsvp.status().filter({ hasText: 'your answer is saved' }).waitFor();
    await rsvp.entryPass().waitFor();
    expect(await page.getByText('1 seat left').count()).toBe(1);
    await shot(page, 'rsvp-390');
    // the same page with JavaScript on (axe and the width check run scripts in it): fits, and no barrier
    const check = await desk.context.newPage();
    await check.setViewportSize(PHONE);
    await check.goto(`${server.url}${tokens.amara}`);
    await new RsvpPage(check).entryPass().waitFor();
    expect(await check.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    expect(await axeProblems(check)).toEqual([]);
    await check.close();
    // the second guest asks for more seats than are left: refused, nothing overbooked
    await page.goto(`${server.url}${tokens.ben}`);
    await rsvp.answer(true, 2);
    await rsvp.alert().filter({ hasText: 'not enough seats' }).waitFor();
    const e = await server.app.services.events.get(ws, eventId);
    expect(e.seatsTaken).toBe(2);
    await page.close();
  }, 60_000);

  it('staff find the guest by phone and check them in, at 390 and 1280 px', async () => {
    const page = await desk.context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`${server.url}/login`);
    await new LoginPage(page).signIn('owner@bakery.example', 'correct horse');
    await new AppShell(page).greeting().waitFor();
    await page.goto(`${server.url}/events`);
    await page.getByRole('link', { name: 'Bread tasting evening' }).click();
    const ev = new EventPage(page);
    await ev.heading('Bread tasting evening').waitFor();
    await page.getByText('2 of 3 seats taken').first().waitFor();
    await shot(page, 'event-1280');
    await page.setViewportSize(PHONE);
    await ev.search('900123');
    await ev.guests().getByText('Amara Okafor').waitFor();
    expect(await ev.guests().getByText('Ben Carter').count()).toBe(0);
    await ev.checkIn('Amara Okafor').click();
    await ev.guests().getByText('Here').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    expect(await axeProblems(page)).toEqual([]);
    await shot(page, 'event-390');
    const seen = await server.app.conn.db
      .selectFrom('interactions')
      .select('body')
      .where('workspace_id', '=', ws)
      .where('kind', '=', 'event')
      .execute();
    expect(seen.map((i) => i.body)).toEqual(['Came to Bread tasting evening']);
    await page.close();
  }, 60_000);

  it("a date to remember on the customer's page shows in the upcoming occasions", async () => {
    const page = await desk.context.newPage();
    page.setDefaultTimeout(10_000);
    await page.setViewportSize(PHONE);
    await page.goto(`${server.url}/customers/${amaraId}`);
    const card = page.getByRole('region', { name: 'Dates to remember' });
    await card.getByRole('button', { name: 'Add a date' }).click();
    await card.getByRole('textbox', { name: 'What' }).fill('Shop opening');
    const soon = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    await card
      .getByLabel(/^Date\b/)
      .and(page.locator('input'))
      .fill(soon);
    await card.getByRole('checkbox', { name: 'The year does not matter' }).check();
    await card.getByRole('button', { name: 'Save date' }).click();
    await card.getByRole('list', { name: 'Dates' }).getByText('Shop opening').waitFor();
    const list = await server.app.services.occasions.listCustom(ws, amaraId);
    expect(list.items).toEqual([
      expect.objectContaining({ label: 'Shop opening', date: `--${soon.slice(5)}`, yearly: true }),
    ]);
    await page.goto(`${server.url}/`);
    const tile = page.getByRole('region', { name: 'Occasions in the next 30 days' });
    await tile.getByText('Shop opening').waitFor();
    expect(await axeProblems(page)).toEqual([]);
    await shot(page, 'home-upcoming-390');
    await page.close();
  }, 60_000);
});

import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchBrowser, type Browser } from './support/browser.ts';
import { journey } from './support/journey.ts';
import { ensureWebBuilt, startServer, type TestServer } from './support/server.ts';
import { LoginPage } from './pages/AuthPages.ts';
import { BackupsPage } from './pages/BackupsPage.ts';

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
 * Issue 19 (J5) in chromium: the owner turns on the daily backup, backs up now (the job runs in the server),
 * sees it verified in the list and downloads it, at 390 and 1280 px; staff see that backups are the owner's.
 */
journey('backups: Settings → Backups, in chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let ws = '';

  beforeAll(async () => {
    ensureWebBuilt();
    server = await startServer({ outbox: true });
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
    await s.access.createUser(
      ws,
      { email: 'staff@bakery.example', password: 'correct horse', role: 'staff' },
      'test',
    );
    await s.customers.createCustomer(ws, { name: 'Amara Okafor' }, 'test');
    browser = await launchBrowser(DESKTOP);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('the owner schedules, backs up now, sees it verified and downloads it (390 and 1280 px)', async () => {
    const page = await browser.context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${server.url}/login`);
    await new LoginPage(page).signIn('owner@bakery.example', 'correct horse');
    await page.locator('main h1').first().waitFor();
    const backups = new BackupsPage(page);
    await page.setViewportSize(PHONE);
    await backups.open(server.url);
    await backups.turnOnDaily('03:00', 5);
    expect(await server.app.services.backups.getSettings(ws)).toMatchObject({
      enabled: true,
      hour: 3,
      keep: 5,
    });
    await backups.backUpNow();
    await backups.verifiedRows().first().waitFor({ timeout: 30_000 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    expect(await axeProblems(page)).toEqual([]);
    if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'backups-390.png'), fullPage: true });
    await page.setViewportSize(DESKTOP);
    expect(await axeProblems(page)).toEqual([]);
    if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'backups-1280.png'), fullPage: true });
    const href = (await backups.download().getAttribute('href')) as string;
    const res = await page.request.get(`${server.url}${href}`);
    expect(res.status()).toBe(200);
    expect(
      gunzipSync(await res.body())
        .subarray(0, 15)
        .toString(),
    ).toBe('SQLite format 3');
    await page.close();
  }, 90_000);

  it('staff are told backups are the owner’s', async () => {
    const ctx = await launchBrowser(PHONE);
    try {
      const page = await ctx.context.newPage();
      await page.goto(`${server.url}/login`);
      await new LoginPage(page).signIn('staff@bakery.example', 'correct horse');
      await page.locator('main h1').first().waitFor();
      await page.goto(`${server.url}/settings/backups`);
      await page.getByText('Only an owner can see and change backups.').waitFor();
    } finally {
      await ctx.close();
    }
  }, 60_000);
});

import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchBrowser, type Browser } from './support/browser.ts';
import { journey } from './support/journey.ts';
import { ensureWebBuilt, startServer, type TestServer } from './support/server.ts';
import { LoginPage } from './pages/AuthPages.ts';
import { AppShell } from './pages/AppShell.ts';
import {
  CustomerReferralsCard,
  IntroductionsPage,
  ReferralLinkPage,
  ReferralsPage,
} from './pages/ReferralPages.ts';

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
const fits = async (page: Page) =>
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
    page.viewportSize()?.width ?? 0,
  );

/**
 * Issue 20 in chromium: a friend signs up through Ada's referral link on a 390 px phone with JavaScript off;
 * staff see it on Ada's page and the leaderboard, set a referrer by code, and introduce two businesses with
 * both parties' consent (390 and 1280 px).
 */
journey('referrals and introductions, in chromium', () => {
  let server: TestServer;
  let phone: Browser;
  let desk: Browser;
  let ws = '';
  let ada = '';
  let dayo = '';
  let code = '';
  const cli = () => ({
    workspaceId: ws,
    kind: 'cli' as const,
    id: 'test',
    scopes: new Set(['read', 'write', 'admin'] as const),
  });
  const shot = async (page: Page, name: string) => {
    if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `referrals-${name}.png`), fullPage: true });
  };

  beforeAll(async () => {
    ensureWebBuilt();
    server = await startServer({});
    const s = server.app.services;
    const w = await s.workspaces.createWorkspace({
      name: 'Sweet Spot',
      timezone: 'Africa/Lagos',
      currency: 'NGN',
      region: 'NG',
    });
    ws = w.id;
    await s.access.createUser(
      ws,
      { email: 'owner@sweet.example', password: 'correct horse', role: 'owner' },
      'test',
    );
    ada = (await s.customers.createCustomer(ws, { name: 'Ada Obi' }, 'test')).id;
    dayo = (await s.customers.createCustomer(ws, { name: 'Dayo Ola' }, 'test')).id;
    code = await s.referrals.codeFor(ws, ada);
    const bakes = (await s.customers.createCustomer(ws, { name: 'Bola Bakes', kind: 'business' }, 'test')).id;
    const events = (await s.customers.createCustomer(ws, { name: 'Chi Events', kind: 'business' }, 'test'))
      .id;
    await s.introductions.saveBusiness(ws, bakes, { offers: ['catering'], needs: [] }, 'test');
    await s.introductions.saveBusiness(
      ws,
      events,
      { offers: ['event planning'], needs: ['catering'] },
      'test',
    );
    phone = await launchBrowser(PHONE, { javaScriptEnabled: false });
    desk = await launchBrowser(DESKTOP);
  }, 180_000);
  afterAll(async () => {
    await phone?.close();
    await desk?.close();
    await server?.close();
  });

  it('a friend signs up through the referral link on a 390 px phone, JavaScript off', async () => {
    const page = await phone.context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`${server.url}/p/ref/${code}`);
    const link = new ReferralLinkPage(page);
    await link.heading('Ada sent you').waitFor();
    await link.signUp('Tola New', '0803 123 4567');
    await link.status().filter({ hasText: 'Your details are with Sweet Spot' }).waitFor();
    await shot(page, 'link-390');
    const v = await server.app.services.referrals.view(ws, ada);
    expect(v.referred).toEqual([expect.objectContaining({ name: 'Tola New', source: 'link' })]);
    // the friend buys: 5,000.00 (minor units 500000)
    await server.app.services.orders.createOrder(
      ws,
      { customerId: v.referred[0]?.id, lines: [{ name: 'Cake', unitPrice: 500_000 }] },
      cli(),
    );
    // the same page with JavaScript on (axe runs scripts): fits the phone, no barrier
    const check = await desk.context.newPage();
    await check.setViewportSize(PHONE);
    await check.goto(`${server.url}/p/ref/${code}`);
    await new ReferralLinkPage(check).heading('Ada sent you').waitFor();
    await fits(check);
    expect(await axeProblems(check)).toEqual([]);
    await check.close();
    await page.close();
  }, 60_000);

  it("staff see it on Ada's page and the leaderboard, and set a referrer by code (1280 and 390 px)", async () => {
    const page = await desk.context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`${server.url}/login`);
    await new LoginPage(page).signIn('owner@sweet.example', 'correct horse');
    await new AppShell(page).greeting().waitFor();
    const naira = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'NGN' }).format(5000);
    await page.goto(`${server.url}/customers/${ada}`);
    const card = new CustomerReferralsCard(page);
    await card
      .summary()
      .filter({ hasText: `Referred 1 customer bringing ${naira}` })
      .waitFor();
    await card.card().getByText(code, { exact: true }).waitFor();
    expect(await axeProblems(page)).toEqual([]);
    await shot(page, 'customer-1280');

    await page.setViewportSize(PHONE);
    await page.goto(`${server.url}/customers/${dayo}`);
    await card.setReferrer(code.toLowerCase());
    await card.region().getByText('Referred by').waitFor();
    await card.region().getByRole('link', { name: 'Ada Obi' }).waitFor();
    await fits(page);
    await shot(page, 'customer-390');

    await page.goto(`${server.url}/referrals`);
    const board = new ReferralsPage(page);
    await board.heading().waitFor();
    const row = board.rows().filter({ hasText: 'Ada Obi' });
    await row.waitFor();
    expect(await row.innerText()).toMatch(/1\s+Ada Obi[\s\S]*2\s+.*5,000\.00/);
    await fits(page);
    expect(await axeProblems(page)).toEqual([]);
    await shot(page, 'leaderboard-390');
    await page.setViewportSize(DESKTOP);
    await page.reload();
    await board.rows().filter({ hasText: 'Ada Obi' }).waitFor();
    await shot(page, 'leaderboard-1280');
    await page.close();
  }, 60_000);

  it('two businesses are introduced once both say yes, and the ledger shows it (390 px)', async () => {
    const page = await desk.context.newPage();
    page.setDefaultTimeout(10_000);
    await page.setViewportSize(PHONE);
    await page.goto(`${server.url}/introductions`);
    const intro = new IntroductionsPage(page);
    await intro.heading().waitFor();
    const s = intro.suggested().getByRole('listitem').filter({ hasText: 'Chi Events and Bola Bakes' });
    await s.getByText('Chi Events needs catering; Bola Bakes offers it').waitFor();
    expect(await axeProblems(page)).toEqual([]);
    await shot(page, 'introductions-390');
    await s.getByRole('button', { name: 'Ask both' }).click();
    await intro.recorded().getByText('Waiting for answers').waitFor();
    expect(await intro.suggested().count()).toBe(0);
    await intro.said('Chi Events', 'yes').click();
    await intro.recorded().getByText('Chi Events: said yes').waitFor();
    await intro.said('Bola Bakes', 'yes').click();
    await intro.recorded().getByText('Made', { exact: true }).waitFor();
    await intro.recorded().getByRole('textbox', { name: 'Business passed to Bola Bakes' }).fill('25000');
    await intro.recorded().getByRole('button', { name: 'Save' }).click();
    const naira = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'NGN' }).format(25000);
    await intro
      .ledger()
      .getByRole('row')
      .filter({ hasText: 'Bola Bakes' })
      .filter({ hasText: naira })
      .waitFor();
    await fits(page);
    expect(await axeProblems(page)).toEqual([]);
    await shot(page, 'introductions-made-390');
    await page.setViewportSize(DESKTOP);
    await page.reload();
    await intro.ledger().waitFor();
    await shot(page, 'introductions-1280');
    await page.close();
  }, 60_000);
});

import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDemo, DEMO_LOGIN } from '../../src/cli/demo.ts';
import { callApi } from './support/api.ts';
import { launchBrowser, type Browser } from './support/browser.ts';
import { journey } from './support/journey.ts';
import { ensureWebBuilt, startServer, type TestServer } from './support/server.ts';
import { LoginPage } from './pages/AuthPages.ts';
import { AppShell } from './pages/AppShell.ts';
import { ScorecardPage } from './pages/ScorecardPages.ts';

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
 * Issue 17's scorecard in chromium, on the demo bakery: the owner reads the figures (the same numbers the API
 * gives), sets a target and sees it judged, opens the customers behind a figure, and the page works on a phone.
 */
journey('the trust & respect scorecard, in chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let card: ScorecardPage;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers checked by the assertions
  const api = async (method: string, p: string, body?: unknown): Promise<any> =>
    callApi(page, `${server.url}${p}`, method, body);
  const shot = async (name: string) => {
    if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `scorecard-${name}.png`), fullPage: true });
  };

  beforeAll(async () => {
    ensureWebBuilt();
    server = await startServer();
    await createDemo(server.app.services, server.app.conn.db, { customers: 200, log: () => {} });
    browser = await launchBrowser(DESKTOP);
    page = await browser.context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${server.url}/login`);
    await new LoginPage(page).signIn(DEMO_LOGIN.email, DEMO_LOGIN.password);
    await new AppShell(page).greeting().waitFor();
    card = new ScorecardPage(page);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows each figure as the API counts it, and a table by staff member (1280 px)', async () => {
    await new AppShell(page).openNav('Scorecard');
    await page.getByRole('heading', { name: 'Scorecard', level: 1 }).waitFor();
    const s = await api('GET', '/api/v1/scorecard');
    for (const m of s.metrics as {
      metric: string;
      label: string;
      numerator: number;
      denominator: number;
    }[]) {
      await card.card(m.label).waitFor();
      if (m.metric === 'withPhone') {
        const text = await card.card(m.label).innerText();
        expect(text).toContain(
          `${m.numerator.toLocaleString('en')} of ${m.denominator.toLocaleString('en')} active customers`,
        );
      }
    }
    expect(await card.people().getByRole('row').count()).toBe(1 + s.staff.length);
    expect(await axeProblems(page)).toEqual([]);
    await shot('1280');
  });

  it('takes a target from the owner and says whether it is met', async () => {
    await card.setTarget('Active customers with a phone number', '101');
    // refused: a share is at most 100 %; the box keeps it at 100 (the form clamps), then it saves
    const t = await api('GET', '/api/v1/scorecard/targets');
    expect(t.targets.withPhone).toBe(100);
    const phone = card.card('Active customers with a phone number');
    await phone.getByText('Target: at least 100 %').waitFor();
    const s = await api('GET', '/api/v1/scorecard');
    const f = s.metrics.find((m: { metric: string }) => m.metric === 'withPhone');
    await phone.getByText(f.met ? 'On target' : 'Below target').waitFor();
  });

  it('opens the customers behind a figure, page by page', async () => {
    await card.openCustomers('Active customers with needs recorded');
    await page.getByRole('heading', { name: 'Active customers without needs recorded' }).waitFor();
    const first = await api('GET', '/api/v1/scorecard/needsKnown/customers');
    const rows = page.getByRole('table', { name: 'Customers' }).getByRole('row');
    expect(await rows.count()).toBe(1 + first.items.length);
    await page.getByRole('link', { name: first.items[0].name }).first().waitFor();
    if (first.nextCursor) {
      const more = await api('GET', `/api/v1/scorecard/needsKnown/customers?cursor=${first.nextCursor}`);
      await page.getByRole('button', { name: 'Show more' }).click();
      await rows.nth(first.items.length + more.items.length).waitFor();
    }
    expect(await axeProblems(page)).toEqual([]);
    await shot('customers-1280');
  });

  it('works on a 390 px phone', async () => {
    await page.setViewportSize(PHONE);
    await page.goto(`${server.url}/scorecard?period=month`);
    await card.card('Promises kept on time').waitFor();
    await page.waitForFunction((w) => document.documentElement.scrollWidth <= w, PHONE.width, {
      timeout: 5_000,
    });
    expect(await axeProblems(page)).toEqual([]);
    await shot('390');
  });
});

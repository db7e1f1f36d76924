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
import { GrowPages } from './pages/GrowPages.ts';

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
const pct = (p: number) =>
  new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 0 }).format(p);

/**
 * Issue 20 in chromium on the demo bakery after a refit: Insights says how the suggestions did against the most
 * popular items and who brings the profit (the API's numbers, the Pareto curve drawn); a customer's page says
 * what to offer and what they bring; both at 1280 and 390 px.
 */
journey('grow: what to offer, share of wallet, profit, in chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let grow: GrowPages;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers checked by the assertions
  const api = async (method: string, p: string, body?: unknown): Promise<any> =>
    callApi(page, `${server.url}${p}`, method, body);
  const shot = async (name: string) => {
    if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `grow-${name}.png`), fullPage: true });
  };

  beforeAll(async () => {
    ensureWebBuilt();
    server = await startServer();
    await createDemo(server.app.services, server.app.conn.db, { customers: 200, log: () => {} });
    const ws = await server.app.conn.db.selectFrom('workspaces').select('id').executeTakeFirstOrThrow();
    await server.app.services.analytics.runRefit(ws.id, { trigger: 'manual' });
    browser = await launchBrowser(DESKTOP);
    page = await browser.context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${server.url}/login`);
    await new LoginPage(page).signIn(DEMO_LOGIN.email, DEMO_LOGIN.password);
    await new AppShell(page).greeting().waitFor();
    grow = new GrowPages(page);
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('Insights: the hit rate against the popular items and the profit curve, as the API counts them (1280 px)', async () => {
    await new AppShell(page).openNav('Insights');
    const e = await api('GET', '/api/v1/analytics/suggestions/evaluation');
    await grow
      .offerCard()
      .getByText(e.evaluated.beatsBaseline ? 'Suggestions are shown' : e.hidden)
      .waitFor();
    expect(await grow.offerCard().innerText()).toContain(
      `${pct(e.evaluated.hitRate5)} of ${e.evaluated.customers} customers`,
    );
    const p = await api('GET', '/api/v1/analytics/profitability');
    await grow.profitCard().getByText(`of the profit`).first().waitFor();
    expect(await grow.profitCard().innerText()).toContain(
      `20 % of customers bring ${pct(p.topShare.profitShare)}`,
    );
    expect(await grow.profitCard().locator('.recharts-surface').count()).toBeGreaterThan(0);
    expect(await grow.profitCard().innerText()).toContain(
      `${p.linesWithoutCost} of ${p.lines} items sold had no cost`,
    );
    await grow.walletCard().waitFor();
    expect(await axeProblems(page)).toEqual([]);
    await shot('insights-1280');
    if (SHOTS)
      for (const [n, l] of [
        ['offer', grow.offerCard()],
        ['wallet', grow.walletCard()],
        ['profit', grow.profitCard()],
      ] as const)
        await l.screenshot({ path: path.join(SHOTS, `grow-card-${n}-1280.png`) });
  });

  it('the customer page says what they bring and what to offer (1280 px, then 390 px)', async () => {
    const p = await api('GET', '/api/v1/analytics/profitability');
    const top = p.most[0];
    await page.goto(`${server.url}/customers/${top.customerId}`);
    await grow.customerPanel().getByText('Profit in the last year').waitFor();
    const s = await api('GET', `/api/v1/customers/${top.customerId}/suggestions`);
    const text = await grow.customerPanel().innerText();
    if (s.suggestions.length) expect(text).toContain(s.suggestions[0].name);
    else expect(text).toContain(s.hidden ?? 'Nothing to suggest');
    expect(await axeProblems(page)).toEqual([]);
    await shot('customer-1280');
    await page.setViewportSize(PHONE);
    await grow.customerPanel().getByText('Profit in the last year').waitFor();
    expect(await grow.fits(grow.customerPanel())).toBe(true);
    await shot('customer-390');
    if (SHOTS) await grow.customerPanel().screenshot({ path: path.join(SHOTS, 'grow-panel-390.png') });
    await new AppShell(page).openNav('Insights');
    await grow.profitCard().getByText('of the profit').first().waitFor();
    for (const card of [grow.offerCard(), grow.walletCard(), grow.profitCard()])
      expect(await grow.fits(card)).toBe(true);
    expect(await grow.overflowsSideways()).toBe(false);
    expect(await axeProblems(page)).toEqual([]);
    await shot('insights-390');
    if (SHOTS) await grow.profitCard().screenshot({ path: path.join(SHOTS, 'grow-card-profit-390.png') });
  });
});

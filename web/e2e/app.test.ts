import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, type Browser } from './support/browser.ts';
import { journey } from './support/journey.ts';
import { callApi } from './support/api.ts';
import { ensureWebBuilt, startServer, type TestServer } from './support/server.ts';
import { LoginPage, SetupPage } from './pages/AuthPages.ts';
import { AppShell } from './pages/AppShell.ts';
import { CustomerForm, CustomerList, CustomerPage } from './pages/CustomerPages.ts';
import { segmentWords } from '../src/features/analytics/words.ts';
import { SettingsPage } from './pages/SettingsPage.ts';

const OWNER = { name: 'Ada Obi', email: 'ada@example.com', password: 'correct horse 1' };

/**
 * The web app end to end, in a real chromium against a real server: first run, sign-in, a customer with a
 * local number found by its international form, the caller pop-up, the timeline, and sign-out.
 */
journey('web app in chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let shell: AppShell;
  let apiKey = '';
  /** What chromium reports as blocked by the Content-Security-Policy, over the whole run. */
  const cspViolations: string[] = [];

  beforeAll(async () => {
    ensureWebBuilt();
    server = await startServer();
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    shell = new AppShell(page);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const api = (method: string, path: string, body?: unknown) =>
    callApi(page, `${server.url}${path}`, method, body);
  const postCall = (from: string) =>
    fetch(`${server.url}/api/v1/calls`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ from, direction: 'inbound' }),
    });

  it('sends a fresh install to setup, and signs the owner in after it', async () => {
    await page.goto(`${server.url}/customers`);
    const setup = new SetupPage(page);
    await setup.heading().waitFor();
    expect(new URL(page.url()).pathname).toBe('/setup');
    await setup.submit({
      business: "Ada's Hair Studio",
      regionSearch: 'Nigeria',
      region: /^Nigeria \(\+234\)$/,
      ...OWNER,
    });
    await shell.greeting().waitFor();
    expect(await shell.greeting().textContent()).toBe('Hello, Ada');
    expect(await page.getByText("Ada's Hair Studio").first().isVisible()).toBe(true);
  });

  it('signs out, refuses a wrong password, and signs back in', async () => {
    await shell.signOut();
    const login = new LoginPage(page);
    await login.heading().waitFor();
    // Signed out means signed out: the app sends us back to sign in.
    await page.goto(`${server.url}/customers`);
    await login.heading().waitFor();
    await login.signIn(OWNER.email, 'wrong password');
    await login.alert().waitFor();
    expect(await login.alert().textContent()).toContain('do not match');
    await login.signIn(OWNER.email, OWNER.password);
    // …and lands where it was going.
    await page.getByRole('heading', { name: 'Customers', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/customers');
  });

  it('creates a customer with a local number and shows it in international form', async () => {
    await page.getByRole('link', { name: 'New customer' }).first().click();
    const form = new CustomerForm(page);
    await form.fill({
      name: 'Chidi Okafor',
      phone: '0803 123 4567',
      email: 'not-an-email',
      tags: ['vip'],
      needs: 'Low-fade cut, Saturdays',
    });
    await form.save();
    // Wrong input is named next to its field, and nothing is saved.
    await page.getByText('Not a valid email address').waitFor();
    await form.email().fill('chidi@example.com');
    await form.save();
    const customer = new CustomerPage(page);
    await customer.name('Chidi Okafor').waitFor();
    expect(await customer.phones().textContent()).toContain('+234 803 123 4567');
    expect(await page.getByText('Low-fade cut, Saturdays').isVisible()).toBe(true);
  });

  it('finds the customer by the international form of the number, from the keyboard', async () => {
    await shell.openNav('Home');
    await shell.greeting().waitFor();
    await shell.searchFor('+234 803 123 4567');
    const list = new CustomerList(page);
    await list.row('Chidi Okafor').waitFor();
    expect(await list.list().getByRole('listitem').count()).toBe(1);
    await page.keyboard.press('Enter');
    await new CustomerPage(page).name('Chidi Okafor').waitFor();
  });

  it('adds a note to the timeline without leaving the page', async () => {
    const customer = new CustomerPage(page);
    await customer.addNote('Asked for the new beard oil');
    await customer.timeline().getByText('Asked for the new beard oil').waitFor();
    expect(new URL(page.url()).pathname).toMatch(/^\/customers\/[^/]+$/);
  });

  it('keeps an invalid number, flagged, after warning before saving', async () => {
    await page.getByRole('button', { name: 'Edit' }).click();
    const form = new CustomerForm(page);
    await page.getByRole('button', { name: '+ Add phone' }).click();
    await form.phone(2).fill('12345');
    await page.getByText(/Not a valid number for region NG/).waitFor();
    await form.save(/^Save changes$/);
    await page.getByRole('alert').filter({ hasText: 'Check the phone numbers' }).waitFor();
    await form.save(/^Save anyway$/);
    await page.getByText('invalid number').waitFor();
    expect(await new CustomerPage(page).phones().textContent()).toContain('12345');
  });

  // The promise is "within a second"; that latency is measured in bench/lookup (call → SSE). Here a generous
  // limit keeps a busy CI machine from failing the behaviour test on timing alone.
  it('pops the caller card on a call, and opens the customer', async () => {
    await shell.openNav('Settings');
    apiKey = await new SettingsPage(page).createApiKey('Phone system');
    expect(apiKey.length).toBeGreaterThan(20);
    await shell.openNav('Home');
    await shell.waitForLive();

    const res = await postCall('08031234567');
    expect(res.status).toBe(201);
    const popup = shell.callPopup('Chidi Okafor');
    await popup.waitFor({ timeout: 5_000 });
    expect(await popup.textContent()).toContain('vip');
    // The last contact before this call, not the call itself.
    await popup.getByText(/Last: Note .* Asked for the new beard oil/).waitFor();
    await popup.getByRole('link', { name: 'Open' }).click();
    const customer = new CustomerPage(page);
    await customer.name('Chidi Okafor').waitFor();
    await customer.timeline().getByText('Call').first().waitFor();
    expect(await popup.count()).toBe(0);
  });

  it('offers to create a customer for an unknown number, with the number filled in', async () => {
    const res = await postCall('+234 802 555 0101');
    expect(res.status).toBe(201);
    const popup = shell.callPopup('Unknown number');
    await popup.waitFor({ timeout: 5_000 });
    await popup.getByRole('link', { name: 'Create customer' }).click();
    await page.getByRole('heading', { name: 'New customer' }).waitFor();
    expect(await new CustomerForm(page).phone().inputValue()).toBe('+2348025550101');
  });

  it("draws the insights charts from the workspace's orders, with the API's figures", async () => {
    // 30 customers over ten months (named to sort after Chidi in the lists of the steps after this one): a
    // third bought once, a third twice, a third monthly (four times)
    const DAY = 86_400_000;
    for (let i = 0; i < 30; i++) {
      const id = String((await api('POST', '/api/v1/customers', { name: `Yetunde Buyer ${i + 1}` })).id);
      const visits = [1, 2, 4][i % 3] as number;
      for (let v = 0; v < visits; v++)
        await api('POST', '/api/v1/orders', {
          customerId: id,
          placedAt: new Date(Date.now() - (300 - i * 7 - v * 30) * DAY).toISOString(),
          lines: [{ name: 'Cut and style', unitPrice: 500_000 + i * 10_000 }],
        });
    }
    // the e2e server runs no job runner: run the refit the worker would run, in process
    const workspaceId = String(((await api('GET', '/api/v1/me')).workspace as { id: string }).id);
    expect((await server.app.services.analytics.runRefit(workspaceId, { trigger: 'manual' })).customers).toBe(
      30,
    );
    const lifecycle = (await api('GET', '/api/v1/analytics/lifecycle')) as {
      funnel: { customers: number }[];
      winBack: { atRiskOrLapsed: number; returned: number }[];
    };
    const segments = (await api('GET', '/api/v1/analytics/segments')) as {
      segments: { segment: string; customers: number }[];
    };
    const run = (await api('GET', '/api/v1/analytics/runs/latest')) as {
      reason: string | null;
      diagnostics: { holdout?: { groups?: unknown[] } };
    };

    await page.goto(`${server.url}/insights`);
    await page.getByRole('heading', { name: 'Insights', level: 1 }).waitFor();
    const card = (title: string) => page.getByRole('region', { name: title });
    /** How many of the chart's data marks are drawn (visible: a zero-height bar is not). */
    const drawn = async (title: string, marks: string) => {
      const visible = card(title).locator(`svg.recharts-surface ${marks}`).filter({ visible: true });
      await visible.first().waitFor();
      return visible.count();
    };
    // revenue by month, new vs returning: bars and both series named in the legend
    expect(await drawn('Revenue: new vs returning', '.recharts-bar-rectangle path')).toBeGreaterThan(1);
    const legend = await card('Revenue: new vs returning').locator('.recharts-legend-wrapper').innerText();
    expect(legend).toContain('Returning customers');
    expect(legend).toContain('New customers');
    // the funnel: an area with a point per step, and the sentence with the API's numbers (all 30 bought)
    expect(await drawn('From first purchase to loyal', '.recharts-area-area')).toBeGreaterThan(0);
    expect(await drawn('From first purchase to loyal', '.recharts-area-dot')).toBe(lifecycle.funnel.length);
    const top = lifecycle.funnel[0]?.customers ?? 0;
    const loyal = lifecycle.funnel[lifecycle.funnel.length - 1]?.customers ?? 0;
    expect(top).toBe(30);
    await card('From first purchase to loyal')
      .getByText(`of first-time buyers became loyal (${loyal} of ${top})`)
      .waitFor();
    // won back: a bar per 90-day window with customers at risk or lapsed at its start, and the latest in words
    const windows = lifecycle.winBack.filter((w) => w.atRiskOrLapsed > 0);
    const latest = windows[windows.length - 1];
    expect(latest).toBeDefined();
    // (nobody here comes back after going quiet: the bars are empty, the sentence says 0 of N)
    const bars = windows.filter((w) => w.returned > 0).length;
    if (bars > 0) expect(await drawn('Won back', '.recharts-bar-rectangle path')).toBe(bars);
    await card('Won back')
      .getByText(
        `${latest?.returned} of the ${latest?.atRiskOrLapsed} customers who were at risk or lapsed 90 days ago`,
      )
      .waitFor();
    // retention: a line per monthly cohort
    expect(await drawn('Who keeps buying', '.recharts-line-curve')).toBeGreaterThan(0);
    // segments: a bar per segment with customers, the largest first
    const shown = segments.segments.filter((g) => g.customers > 0).sort((a, b) => b.customers - a.customers);
    expect(shown.length).toBeGreaterThan(0);
    expect(await drawn('Customer segments', '.recharts-bar-rectangle path')).toBe(shown.length);
    // …labelled with the API's segments in the shop owner's words, largest first (long labels wrap into lines:
    // compare without spaces)
    const squash = (t: string) => t.replace(/\s+/g, '').toLowerCase();
    const labels = await card('Customer segments')
      .locator('.recharts-yAxis-tick-labels text')
      .allTextContents();
    expect(labels.map(squash)).toEqual(shown.map((g) => squash(segmentWords(g.segment).label)));
    // the model's own check: its bars, or why there is none yet, as the run says
    const holdout = page.getByRole('region', { name: 'Can the predictions be trusted?' });
    if ((run.diagnostics.holdout?.groups ?? []).length > 0)
      await holdout.locator('svg.recharts-surface .recharts-bar-rectangle path').first().waitFor();
    else {
      // a plain sentence; the model's technical reason only behind "Details"
      await holdout.getByText(/^Not enough repeat purchases yet to check the predictions/).waitFor();
      if (run.reason) {
        const reason = holdout.getByText(run.reason, { exact: true });
        expect(await holdout.locator('details').getAttribute('open')).toBeNull();
        expect(await reason.isVisible()).toBe(false);
        await holdout.getByText('Details', { exact: true }).click();
        await reason.waitFor();
      }
    }
  });

  it('works on a 390 px phone: the navigation sits behind a burger', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await page.getByRole('button', { name: 'Menu' }).isVisible()).toBe(true);
    // Closed, the navigation is slid off the screen to the left.
    await page.waitForFunction(() => {
      const r = document.querySelector('nav[aria-label="Main"]')?.getBoundingClientRect();
      return !!r && r.right <= 0;
    });
    expect((await nav.boundingBox())?.x ?? 0).toBeLessThan(0);
    await shell.openNav('Customers');
    await page.getByRole('heading', { name: 'Customers', level: 1 }).waitFor();
    await new CustomerList(page).row('Chidi Okafor').waitFor();
    // The page fits the screen: nothing scrolls sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('signs out', async () => {
    await shell.signOut();
    await new LoginPage(page).heading().waitFor();
    const me = await page.evaluate(async () => (await fetch('/api/v1/me')).status);
    expect(me).toBe(401);
  });

  it('ran every page above under its Content-Security-Policy, with nothing blocked', async () => {
    const res = await page.request.get(`${server.url}/customers`);
    const csp = res.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers()['x-content-type-options']).toBe('nosniff');
    expect(cspViolations).toEqual([]);
  });
});

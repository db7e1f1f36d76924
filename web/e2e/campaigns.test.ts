import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createDemo, DEMO_LOGIN } from '../../src/cli/demo.ts';
import { createAnalyticsService } from '../../src/modules/analytics/index.ts';
import { startSmtpSink } from '../../test/fakes/smtp.ts';
import { launchBrowser, type Browser } from './support/browser.ts';
import { journey } from './support/journey.ts';
import { ensureWebBuilt, startServer, type TestServer } from './support/server.ts';
import { callApi } from './support/api.ts';
import { LoginPage } from './pages/AuthPages.ts';
import { AppShell } from './pages/AppShell.ts';
import { CampaignPages } from './pages/MessagePages.ts';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };
type Preview = {
  total: number;
  eligible: number;
  holdout: number;
  excluded: { no_consent: number; no_address: number; suppressed: number };
  examples: { customerId: string; name: string; excluded: string | null }[];
};

/** The count as the page says it: "57 customers: 31 will get it; 12 no consent, 14 no email." */
const sentence = (p: Preview) => {
  const out = [
    p.excluded.no_consent && `${p.excluded.no_consent} no consent`,
    p.excluded.no_address && `${p.excluded.no_address} no email`,
    p.excluded.suppressed && `${p.excluded.suppressed} unsubscribed or blocked`,
  ].filter(Boolean);
  const kept = p.holdout
    ? ` About ${p.holdout} of them are kept back (holdout), so about ${p.eligible - p.holdout} get it.`
    : '';
  return `${p.total} customer${p.total === 1 ? '' : 's'}: ${p.eligible} will get it${out.length ? `; ${out.join(', ')}` : ''}.${kept}`;
};

/**
 * Issue 15's campaign in the web app, on the demo bakery with its predictions: from Insights' at-risk list in one
 * click, the count before sending (who is left out and why), sent after a last question, every email received by
 * a real SMTP server, and the results with who was left out; then a tag campaign kept as a draft, on a phone.
 */
journey('a win-back campaign from the at-risk list, in chromium, over SMTP', () => {
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let atRisk: Preview;
  let campaignUrl = '';
  let messaged = 0;

  const api = (method: string, path: string, body?: unknown) =>
    callApi(page, `${server.url}${path}`, method, body);
  const fitsWidth = (px: number) =>
    page.waitForFunction((w) => document.documentElement.scrollWidth <= w, px, { timeout: 5_000 });

  beforeAll(async () => {
    ensureWebBuilt();
    smtp = await startSmtpSink();
    server = await startServer({ env: { RAPPORT_SMTP_URL: smtp.url }, outbox: true });
    const s = server.app.services;
    const { workspace } = await createDemo(s, server.app.conn.db, { customers: 300, log: () => {} });
    const analytics = createAnalyticsService({
      db: server.app.conn.db,
      dialect: server.app.conn.dialect,
      workspaces: s.workspaces,
      customers: s.customers,
      queue: s.queue,
    });
    expect((await analytics.runRefit(workspace.id, { trigger: 'manual' })).status).toBe('done');
    browser = await launchBrowser(DESKTOP);
    page = await browser.context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${server.url}/login`);
    await new LoginPage(page).signIn(DEMO_LOGIN.email, DEMO_LOGIN.password);
    await new AppShell(page).greeting().waitFor();
    // the sender (set in the UI by the other journey), no quiet hours (the test runs at any hour), a quick pace
    await api('PUT', '/api/v1/outreach/settings', {
      fromEmail: 'hello@demo-bakery.example',
      fromName: 'Demo Bakery',
      quietHours: { start: '00:00', end: '00:00' },
      ratePerMinute: 6000,
    });
    atRisk = (await api('POST', '/api/v1/campaigns/preview', {
      audience: { kind: 'list', list: 'at_risk' },
      channel: 'email',
      purpose: 'marketing',
      holdoutPercent: 10,
    })) as unknown as Preview;
    // a demo with people on the list, some of them left out: otherwise the journey proves little
    expect(atRisk.eligible).toBeGreaterThan(3);
    expect(atRisk.total - atRisk.eligible).toBeGreaterThan(0);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await smtp?.close();
  });

  it('starts "Win back the at-risk customers" from Insights, and counts before sending (1280 px)', async () => {
    await page.goto(`${server.url}/insights`);
    await page
      .getByRole('region', { name: 'At risk', exact: true })
      .getByRole('link', { name: 'Win back the at-risk customers' })
      .click();
    await page.getByRole('heading', { name: 'New campaign' }).waitFor();
    const c = new CampaignPages(page);
    expect(await c.form().getByLabel('Campaign name').inputValue()).toBe('Win back the at-risk customers');
    expect(await c.form().getByRole('radio', { name: 'At-risk customers' }).isChecked()).toBe(true);
    expect(await c.form().getByRole('radio', { name: 'Marketing' }).isChecked()).toBe(true);
    // a win-back keeps 10 % back to measure the effect, and asks why they stopped
    expect(
      await c
        .form()
        .getByRole('textbox', { name: /Keep back \(holdout\)/ })
        .inputValue(),
    ).toBe('10 %');
    expect(
      await c
        .form()
        .getByRole('checkbox', { name: /Ask why they stopped/ })
        .isChecked(),
    ).toBe(true);
    await c
      .form()
      .getByText(
        `${atRisk.holdout} customer${atRisk.holdout === 1 ? ' gets' : 's get'} nothing, so you can see whether the message`,
        { exact: false },
      )
      .waitFor();
    await c
      .count()
      .filter({ hasText: sentence(atRisk) })
      .waitFor();
    // a few names, the left-out ones with why
    const left = atRisk.examples.find((e) => e.excluded);
    await page
      .getByRole('region', { name: 'Who it reaches' })
      .getByText(left?.name ?? '?')
      .first()
      .waitFor();
    // what one of them gets, filled in
    const first = atRisk.examples.find((e) => !e.excluded)?.name.split(' ')[0] ?? '?';
    await page.getByRole('region', { name: 'What they get' }).getByText(`We miss you, ${first}`).waitFor();
  });

  it('sends it after a last question; every email reaches the mail server; the results say who was left out', async () => {
    const c = new CampaignPages(page);
    const about = `${atRisk.holdout ? 'about ' : ''}${atRisk.eligible - atRisk.holdout} customers`;
    await page.getByRole('button', { name: `Send to ${about}…` }).click();
    await c.confirm().getByText(`to ${about} now?`, { exact: false }).waitFor();
    expect(await c.confirm().innerText()).toContain(sentence(atRisk));
    await c.confirm().getByRole('button', { name: 'Send now' }).click();
    await c.results().waitFor();
    campaignUrl = page.url();
    expect(campaignUrl).toMatch(/\/messages\/campaigns\/[\w-]+$/);
    // the page keeps itself up to date until the last message has gone
    await c
      .status()
      .filter({ hasText: /^Sent$/i })
      .waitFor({ timeout: 60_000 });
    const id = campaignUrl.split('/').pop() ?? '';
    const sent = (await api('GET', `/api/v1/campaigns/${id}`)) as unknown as {
      holdoutPercent: number;
      survey: string | null;
      counts: Record<string, number>;
    };
    expect(sent.holdoutPercent).toBe(10);
    expect(sent.survey).toBe('defection');
    // the holdout is a random draw per customer: kept back + messaged = everyone who could get it
    const keptBack = sent.counts['skipped:holdout'] ?? 0;
    messaged = atRisk.eligible - keptBack;
    await c
      .figure('Sent')
      .filter({ hasText: new RegExp(`^${messaged}$`) })
      .waitFor();
    expect(await c.figure('Left out').textContent()).toBe(String(atRisk.total - atRisk.eligible));
    if (keptBack) expect(await c.figure('Kept back').textContent()).toBe(String(keptBack));
    expect(await c.figure('Failed').textContent()).toBe('0');
    await smtp.waitFor(messaged);
    expect(smtp.received).toHaveLength(messaged);
    expect(smtp.received.every((m) => /^We miss you, /.test(m.mail.subject ?? ''))).toBe(true);
    // each message carries its own link to the "why did you stop?" survey
    expect(smtp.received.every((m) => /\/p\/s\/[\w-]+/.test(m.mail.text ?? ''))).toBe(true);
    // Did it work? the server's verdict, the chart (with a holdout) and the money
    const outcome = (await api('GET', `/api/v1/campaigns/${id}/outcome`)) as unknown as { verdict: string };
    await c.outcome().getByTestId('outcome-verdict').filter({ hasText: outcome.verdict }).waitFor();
    if (keptBack)
      await c
        .outcome()
        .getByRole('img', { name: /^Came back: 30 days: messaged/ })
        .waitFor();
    await c.outcome().getByTestId('outcome-revenue').filter({ hasText: 'Spent per customer' }).waitFor();
    const reasons = await c.leftOutReasons().textContent();
    if (atRisk.excluded.no_consent) expect(reasons).toContain(`${atRisk.excluded.no_consent} no consent`);
    if (atRisk.excluded.no_address) expect(reasons).toContain(`${atRisk.excluded.no_address} no email`);
    // the list of who was left out names each customer with the reason
    const leftOut = c.messages('Left out');
    await leftOut.getByRole('listitem').first().waitFor();
    const left = atRisk.examples.filter((e) => e.excluded).map((e) => e.name);
    const text = await leftOut.innerText();
    expect(left.some((n) => text.includes(n))).toBe(true);
    expect(text).toMatch(/needs the customer's consent|has no email address/);
  });

  it('lists the campaign with its results, and keeps a tag campaign as a draft (390 px)', async () => {
    await page.setViewportSize(PHONE);
    await page.goto(`${server.url}/messages`);
    const list = page.getByRole('list', { name: 'Campaign list' });
    const row = list.getByRole('listitem').filter({ hasText: 'Win back the at-risk customers' });
    await row
      .getByText(`${messaged} sent · ${atRisk.total - atRisk.eligible} left out`, { exact: false })
      .waitFor();
    await fitsWidth(PHONE.width);
    await page.goto(campaignUrl);
    await new CampaignPages(page).results().waitFor();
    await new CampaignPages(page).outcome().getByTestId('outcome-verdict').waitFor();
    await fitsWidth(PHONE.width);

    await page.goto(`${server.url}/messages`);
    await page.getByRole('link', { name: 'New campaign' }).click();
    const c = new CampaignPages(page);
    await c.form().waitFor();
    await c.form().getByLabel('Campaign name').fill('VIP tasting evening');
    await c.form().getByRole('radio', { name: 'Customers with a tag' }).check();
    await c.form().getByRole('textbox', { name: 'Tag' }).fill('VIP');
    const vip = (await api('POST', '/api/v1/campaigns/preview', {
      audience: { kind: 'tag', tag: 'vip' },
      channel: 'email',
      purpose: 'marketing',
    })) as unknown as Preview;
    expect(vip.total).toBeGreaterThan(0);
    await c
      .count()
      .filter({ hasText: sentence(vip) })
      .waitFor();
    await c.form().getByRole('textbox', { name: 'Subject' }).fill('A tasting evening for you');
    await c
      .form()
      .getByRole('textbox', { name: 'Message' })
      .fill('Hello {{ customer.first_name }}, join us on Friday.');
    await fitsWidth(PHONE.width);
    await c.form().getByRole('button', { name: 'Save as draft' }).click();
    await page.getByRole('heading', { level: 1, name: 'VIP tasting evening' }).waitFor();
    await c
      .status()
      .filter({ hasText: /^Draft$/i })
      .waitFor();
    await c
      .count()
      .filter({ hasText: sentence(vip) })
      .waitFor();
    await page
      .getByRole('button', { name: `Send to ${vip.eligible} customer${vip.eligible === 1 ? '' : 's'}…` })
      .waitFor();
    await fitsWidth(PHONE.width);
    await page.getByRole('button', { name: 'Discard draft' }).click();
    await c
      .status()
      .filter({ hasText: /^Stopped$/i })
      .waitFor();
    // nothing more was sent
    expect(smtp.received).toHaveLength(messaged);
  });
});

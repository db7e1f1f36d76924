import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDemo, DEMO_LOGIN } from '../../src/cli/demo.ts';
import { createAnalyticsService } from '../../src/modules/analytics/index.ts';
import { startSmtpSink } from '../../test/fakes/smtp.ts';
import { callApi } from './support/api.ts';
import { launchBrowser, type Browser } from './support/browser.ts';
import { journey } from './support/journey.ts';
import { ensureWebBuilt, startServer, type TestServer } from './support/server.ts';
import { LoginPage } from './pages/AuthPages.ts';
import { AppShell } from './pages/AppShell.ts';

const PHONE = { width: 390, height: 844 };
/** Set UX_SHOTS=dir to keep a screenshot of each screen checked. */
const SHOTS = process.env.UX_SHOTS;
const DESKTOP = { width: 1280, height: 800 };

/** Serious and critical WCAG 2.2 A/AA violations on the page as it is now, one line each. */
async function axeProblems(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  return r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
}

/**
 * Issue 16 in the web app, on the demo bakery: the owner turns the NPS question on and sets the review link and
 * the "not contacted" days (Settings → Keeping customers); Home names the valuable customers gone quiet; a review
 * is recorded on a customer's page; then real emails (over a real SMTP server) carry real links, and the public
 * pages they open work on a phone with no JavaScript: the defection survey (single use), the NPS question,
 * preferences, unsubscribe and its one-click POST; Insights draws the answers.
 */
journey('keeping customers: settings, home, reviews, the public pages and insights, in chromium', () => {
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let ws = '';
  const people: Record<string, { id: string; email: string }> = {};

  const api = (method: string, path: string, body?: unknown) =>
    callApi(page, `${server.url}${path}`, method, body);
  const fitsWidth = (px: number) =>
    page.waitForFunction((w) => document.documentElement.scrollWidth <= w, px, { timeout: 5_000 });
  /** The path of the link of a kind (/p/s/…, /p/u/…, /p/prefs/…) in the last email to this address. */
  const linkIn = (email: string, kind: 's' | 'u' | 'prefs') => {
    const mail = smtp.received.filter((r) => r.envelopeTo.includes(email)).at(-1);
    const m = new RegExp(`/p/${kind}/[A-Za-z0-9_-]+`).exec(mail?.mail.text ?? '');
    if (!m) throw new Error(`no /p/${kind}/ link in the email to ${email}: ${mail?.mail.text ?? '(none)'}`);
    return `${server.url}${m[0]}`;
  };
  const shot = async (name: string) => {
    if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `retention-${name}.png`), fullPage: true });
  };
  const publicPageChecks = async (what: string) => {
    expect(await axeProblems(page), what).toEqual([]);
    await fitsWidth(PHONE.width);
    await shot(what.replace(/\W+/g, '-'));
  };

  beforeAll(async () => {
    ensureWebBuilt();
    smtp = await startSmtpSink();
    server = await startServer({ env: { RAPPORT_SMTP_URL: smtp.url }, outbox: true });
    const s = server.app.services;
    const { workspace } = await createDemo(s, server.app.conn.db, { customers: 300, log: () => {} });
    ws = workspace.id;
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
    await api('PUT', '/api/v1/outreach/settings', {
      fromEmail: 'hello@demo-bakery.example',
      fromName: 'Demo Bakery',
      quietHours: { start: '00:00', end: '00:00' },
      ratePerMinute: 6000,
    });
    for (const [key, name] of [
      ['survey', 'Sade Survey'],
      ['prefs', 'Pat Prefs'],
      ['unsub', 'Uma Unsub'],
      ['oneclick', 'Olu Oneclick'],
      ['nps', 'Nneka Nps'],
    ] as const) {
      const email = `${key}@example.com`;
      const c = await api('POST', '/api/v1/customers', {
        name,
        emails: [{ address: email }],
        consent: { marketing: true, source: 'counter' },
      });
      people[key] = { id: String(c.id), email };
    }
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await smtp?.close();
  });

  it('Settings → Keeping customers: NPS on, review link, "not contacted" days (1280 px)', async () => {
    await page.goto(`${server.url}/settings/keeping-customers`);
    const form = page.getByRole('form', { name: 'Keeping customers' });
    await form.waitFor();
    await form.getByRole('switch', { name: /recommend us/ }).check({ force: true });
    await form.getByRole('textbox', { name: 'Ask after' }).fill('1');
    await form.getByRole('textbox', { name: 'Review link' }).fill('https://g.page/r/demo-bakery/review');
    await form.getByRole('textbox', { name: /not contacted in/ }).fill('30');
    await shot('settings-1280');
    await form.getByRole('button', { name: 'Save' }).click();
    await form
      .getByRole('status')
      .filter({ hasText: 'Saved.' })
      .waitFor()
      .catch(async (e: unknown) => {
        throw new Error(`${String(e)}\n${await form.innerText()}`);
      });
    expect(await api('GET', '/api/v1/retention/settings')).toMatchObject({
      npsEnabled: true,
      npsChannel: 'email',
      npsDelayHours: 1,
      reviewUrl: 'https://g.page/r/demo-bakery/review',
      notContactedDays: 30,
    });
    // kept on reload
    await page.reload();
    expect(await form.getByRole('textbox', { name: 'Review link' }).inputValue()).toBe(
      'https://g.page/r/demo-bakery/review',
    );
  });

  it('Home names the valuable customers not contacted, with why, each a link to the customer', async () => {
    const quiet = (await api('GET', '/api/v1/retention/not-contacted')) as {
      days: number;
      items: { customerId: string; name: string; why: string }[];
    };
    expect(quiet.days).toBe(30);
    expect(quiet.items.length).toBeGreaterThan(0);
    await page.goto(`${server.url}/`);
    const tile = page.getByRole('region', { name: 'Valuable customers not contacted in 30 days' });
    const first = quiet.items[0]!;
    // why, in money a shop owner reads (not minor units)
    expect(first.why).toMatch(
      /^Among your most valuable fifth \(expected to spend about NGN\s[\d,]+\.\d\d in the next 12 months\); last contact \d+ days ago$/,
    );
    await tile.getByText(first.why).first().waitFor();
    await shot('home-1280');
    await tile.getByRole('link', { name: first.name }).first().click();
    await page.waitForURL(`**/customers/${first.customerId}`);
  });

  it("records a review on the customer's page, listed at once (390 px)", async () => {
    await page.setViewportSize(PHONE);
    await page.goto(`${server.url}/customers/${people.survey!.id}`);
    const reviews = page.getByRole('region', { name: 'Reviews' });
    await reviews.getByText('No reviews recorded', { exact: false }).waitFor();
    await reviews.getByRole('button', { name: 'Record a review' }).click();
    const form = reviews.getByRole('form', { name: 'Record a review' });
    await form.getByRole('textbox', { name: 'Where' }).fill('Google');
    await form.getByRole('combobox', { name: 'Stars' }).selectOption('4');
    await form.getByRole('textbox', { name: 'What they wrote' }).fill('Lovely bread, slow at the till.');
    await form.getByRole('textbox', { name: 'Link to the review' }).fill('https://maps.example/r/42');
    await fitsWidth(PHONE.width);
    await shot('review-form-390');
    await form.getByRole('button', { name: 'Save review' }).click();
    await form.waitFor({ state: 'detached' });
    const list = reviews.getByRole('list', { name: 'Review list' });
    await list.getByText('Lovely bread, slow at the till.').waitFor();
    await list.getByRole('img', { name: '4 of 5 stars' }).waitFor();
    if (SHOTS) await reviews.screenshot({ path: path.join(SHOTS, 'retention-reviews-390.png') });
    const saved = (await api('GET', `/api/v1/customers/${people.survey!.id}/reviews`)) as {
      items: { platform: string; stars: number; url: string }[];
    };
    expect(saved.items).toEqual([
      expect.objectContaining({ platform: 'Google', stars: 4, url: 'https://maps.example/r/42' }),
    ]);
  });

  it('the defection survey from a win-back email: answered once, on a phone, accessible', async () => {
    const c = await api('POST', '/api/v1/campaigns', {
      name: 'We miss you',
      audience: {
        kind: 'customers',
        ids: ['survey', 'prefs', 'unsub', 'oneclick'].map((k) => people[k]!.id),
      },
      channel: 'email',
      purpose: 'marketing',
      subject: 'We miss you',
      body: 'Hello {{ customer.first_name }}, it has been a while.\n\nChoose what you receive: {{ preferences_url }}',
      holdoutPercent: 0,
      survey: 'defection',
    });
    await api('POST', `/api/v1/campaigns/${String(c.id)}/send`);
    await smtp.waitFor(4);
    await page.goto(linkIn(people.survey!.email, 's'));
    await page.getByRole('heading', { name: "We haven't seen you in a while" }).waitFor();
    await publicPageChecks('defection survey');
    await page.getByRole('radio', { name: 'The price' }).check();
    await page.getByRole('textbox', { name: /Anything you would like to tell us/ }).fill('Too dear lately.');
    await page.getByRole('group', { name: 'May we contact you about it?' }).getByLabel('Yes').check();
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('heading', { name: 'Thank you' }).waitFor();
    await publicPageChecks('survey thanks');
    // single use: the link opens the thanks again, with no form to answer a second time
    await page.goto(linkIn(people.survey!.email, 's'));
    await page.getByRole('heading', { name: 'Thank you' }).waitFor();
    expect(await page.getByRole('radio').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Send' }).count()).toBe(0);
  });

  it('preferences: the customer turns off email news; unsubscribe by the page and by one click', async () => {
    await page.goto(linkIn(people.prefs!.email, 'prefs'));
    await page.getByRole('heading', { name: 'What would you like to receive?' }).waitFor();
    await publicPageChecks('preferences');
    const box = page.getByRole('checkbox').first();
    expect(await box.isChecked()).toBe(true);
    await box.uncheck();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await publicPageChecks('preferences saved');
    const prefs = (await api('GET', `/api/v1/customers/${people.prefs!.id}/consents`)) as {
      items: { channel: string; purpose: string; granted: boolean }[];
    };
    expect(prefs.items.find((c) => c.channel === 'email' && c.purpose === 'marketing')?.granted).toBe(false);

    await page.goto(linkIn(people.unsub!.email, 'u'));
    await page.getByRole('heading', { name: 'Stop news and offers?' }).waitFor();
    await publicPageChecks('unsubscribe');
    await page.getByRole('button', { name: 'Unsubscribe' }).click();
    await page.getByRole('heading', { name: 'You are unsubscribed' }).waitFor();
    await publicPageChecks('unsubscribed');

    // RFC 8058: the mail provider's one-click POST, no page and no cookie
    const res = await page.request.post(linkIn(people.oneclick!.email, 'u'), {
      form: { 'List-Unsubscribe': 'One-Click' },
    });
    expect(res.status()).toBe(200);
    const audience = (await api('POST', '/api/v1/campaigns/preview', {
      audience: { kind: 'customers', ids: [people.unsub!.id, people.oneclick!.id, people.prefs!.id] },
      channel: 'email',
      purpose: 'marketing',
    })) as { eligible: number };
    expect(audience.eligible).toBe(0);
  });

  it('the NPS question after a purchase: a promoter is offered the review link (390 px)', async () => {
    await api('POST', '/api/v1/orders', {
      customerId: people.nps!.id,
      placedAt: new Date(Date.now() - 2 * 3_600_000).toISOString(),
      lines: [{ name: 'Sourdough', unitPrice: 250_000 }],
    });
    const before = smtp.received.length;
    const queued = await server.app.services.nps.scheduleNps(ws);
    expect(queued.queued).toBeGreaterThan(0);
    await smtp.waitFor(before + queued.queued);
    await page.goto(linkIn(people.nps!.email, 's'));
    await page.getByRole('heading', { name: /How likely are you to recommend/ }).waitFor();
    await publicPageChecks('NPS question');
    await page.getByRole('radio', { name: '9', exact: true }).check();
    await page.getByRole('textbox', { name: 'Why? (optional)' }).fill('Best bread in town');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('heading', { name: 'Thank you' }).waitFor();
    await page.locator('a[href="https://g.page/r/demo-bakery/review"]').waitFor();
    await publicPageChecks('NPS thanks');
  });

  it('Insights draws why customers left and the NPS, at 1280 and 390 px', async () => {
    const nps = (await api('GET', '/api/v1/retention/nps')) as { overall: { n: number; nps: number } };
    expect(nps.overall.n).toBeGreaterThan(0);
    for (const size of [DESKTOP, PHONE]) {
      await page.setViewportSize(size);
      await page.goto(`${server.url}/insights`);
      const why = page.getByRole('region', { name: 'Why customers left' });
      const row = why
        .getByRole('table', { name: 'Reasons' })
        .getByRole('row')
        .filter({ hasText: 'The price' });
      await row.getByRole('cell', { name: '1', exact: true }).waitFor();
      await why.locator('.recharts-surface').first().waitFor();
      await why.getByText('1 said you may contact them', { exact: false }).waitFor();
      const n = page.getByRole('region', { name: 'Would they recommend you? (NPS)' });
      const score = `${nps.overall.nps > 0 ? '+' : ''}${Math.round(nps.overall.nps)}`;
      await n.getByTestId('nps-score').filter({ hasText: score }).waitFor();
      await n.getByRole('table', { name: 'NPS by staff member' }).waitFor();
      await fitsWidth(size.width);
      await shot(`insights-${size.width}`);
    }
  });
});

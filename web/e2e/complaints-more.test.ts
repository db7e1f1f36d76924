import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, type Browser } from './support/browser.ts';
import { journey } from './support/journey.ts';
import { ensureWebBuilt, startServer, type TestServer } from './support/server.ts';
import { callApi } from './support/api.ts';
import { LoginPage } from './pages/AuthPages.ts';
import { AppShell } from './pages/AppShell.ts';
import {
  ComplaintIntake,
  ComplaintQueue,
  ComplaintSettingsTab,
  ComplaintView,
} from './pages/ComplaintPages.ts';

const OWNER = { name: 'Ada Obi', email: 'ada@example.com', password: 'correct horse 1' };
const STAFF = { name: 'Bisi', email: 'bisi@example.com', password: 'correct horse 2' };
const DAY = 86_400_000;

/**
 * More of the complaint workflow in chromium against a real server whose clock the test moves on: "received"
 * typed on a device in another time zone, a refund refused without a reason then accepted with one, a reopen,
 * the follow-up check landing in the owner's queue days later, and the SLA settings tab for the owner and for
 * staff.
 */
journey('complaints in chromium: refunds, reopen, follow-ups, SLA settings', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let customerId = '';
  let complaintId = '';
  let skew = 0; // how far the server's clock is ahead of the real one
  const lagosInput = (ms: number) => {
    // Africa/Lagos is UTC+1 all year: a wall-clock value for <input type="datetime-local">.
    const d = new Date(ms + 3_600_000);
    return d.toISOString().slice(0, 16);
  };

  const api = (method: string, path: string, body?: unknown, p: Page = page) =>
    callApi(p, `${server.url}${path}`, method, body);

  beforeAll(async () => {
    ensureWebBuilt();
    server = await startServer({ clock: () => new Date(Date.now() + skew) });
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.setDefaultTimeout(10_000);
    // This device is in New York; the shop is in Lagos.
    const cdp = await browser.context.newCDPSession(page);
    await cdp.send('Emulation.setTimezoneOverride', { timezoneId: 'America/New_York' });
    await page.goto(`${server.url}/login`);
    await api('POST', '/api/v1/setup', {
      workspace: { name: 'Demo Bakery', timezone: 'Africa/Lagos', currency: 'NGN', region: 'NG' },
      owner: OWNER,
    });
    await api('POST', '/api/v1/auth/logout');
    await page.goto(`${server.url}/login`);
    await new LoginPage(page).signIn(OWNER.email, OWNER.password);
    await new AppShell(page).greeting().waitFor();
    customerId = String(
      (
        await api('POST', '/api/v1/customers', {
          name: 'Chiamaka Obi',
          phones: [{ number: '0803 111 2222' }],
        })
      ).id,
    );
    await api('POST', '/api/v1/orders', {
      customerId,
      placedAt: '2025-01-10T10:00:00Z',
      lines: [{ name: 'Birthday cake', unitPrice: 4_500_000 }],
    });
    await api('POST', '/api/v1/users', { ...STAFF, role: 'staff' });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('takes "received" as shop time (Lagos), not the device’s time (New York)', async () => {
    await page.goto(`${server.url}/complaints/new?customer=${customerId}`);
    const intake = new ComplaintIntake(page);
    await intake.heading().waitFor();
    const received = intake.received();
    expect(await page.getByText('Received (Lagos time)').count()).toBe(1);
    // Yesterday, 10:00 in Lagos = 09:00 UTC (05:00 in New York).
    const yesterday = lagosInput(Date.now() - DAY).slice(0, 10);
    await received.fill(`${yesterday}T10:00`);
    await intake.fill({
      words: 'The cake collapsed before the party and the icing was sour.',
      severity: 'High',
    });
    await intake.submit();
    const c = new ComplaintView(page);
    await c.heading('Chiamaka Obi').waitFor();
    complaintId = page.url().split('/').at(-1) ?? '';
    const saved = await api('GET', `/api/v1/complaints/${complaintId}`);
    expect(saved.receivedAt).toBe(`${yesterday}T09:00:00.000Z`);
  });

  it('refuses a refund without a reason, saying the rule, then records it with one', async () => {
    const c = new ComplaintView(page);
    await c.respond('Called her back within the hour, listened to the whole story');
    await c.paraphrase('The birthday cake collapsed and the icing tasted sour');
    await c.step('Offer options').waitFor();
    const offers = [
      { kind: 'Replace', detail: 'New cake tomorrow morning' },
      { kind: 'Refund (last resort)', detail: 'Full price back', amount: 45_000 },
    ];
    await c.offer(offers, 2);
    await c
      .refusal()
      .getByText(/A refund is the last resort/)
      .waitFor();
    // a sentence for the shop, never the API's code
    expect(await c.refusal().textContent()).not.toContain('COMPLAINT_');
    expect(await c.offers().count()).toBe(0);

    await page
      .getByLabel('Why a refund? (the last resort)')
      .fill('The party is over: a new cake is no use to her, and she will not order again soon');
    await c.step('Offer options').getByRole('button', { name: 'Record offer' }).click();
    await c.step('Confirm').waitFor();
    await c
      .step('Confirm')
      .getByText(/Refund reason: The party is over/)
      .waitFor();
    await c.resolve('Refunded the full price to her card', true);
    await c.step('Confirm').getByRole('button', { name: 'Close complaint' }).waitFor();
    const details = page.getByRole('region', { name: 'Details' });
    await details.getByText('Refund reason').waitFor();
    const learn = await api('GET', '/api/v1/complaints/learn');
    expect(learn.refunds).toBe(1);
  });

  it('reopens a closed complaint with a reason', async () => {
    const c = new ComplaintView(page);
    await c.close(true);
    await expect.poll(() => c.status().getAttribute('data-status')).toBe('closed');
    await c.reopen('She rang again: the refund has not reached her card');
    await expect.poll(() => c.status().getAttribute('data-status')).toBe('in_progress');
    await c.history().getByText('Reopened').waitFor();
    await c.history().getByText('She rang again: the refund has not reached her card').waitFor();
    // Back on the ladder: a fresh offer is the next step.
    expect(await c.currentStep().textContent()).toContain('Offer options');
  });

  it('lands the follow-up check in the owner’s queue days after resolving, and clears it when done', async () => {
    const c = new ComplaintView(page);
    await c.offer(
      [
        { kind: 'Credit', detail: 'On her next order', amount: 5_000 },
        { kind: 'Apology', detail: 'A call from the owner' },
      ],
      1,
    );
    await c.resolve('Refund traced with the bank and a credit added', true);
    await c.step('Confirm').getByRole('button', { name: 'Close complaint' }).waitFor();

    const queue = new ComplaintQueue(page);
    await page.goto(`${server.url}/complaints?mine=1&followUps=1`);
    await queue.heading().waitFor();
    await page.getByText('Nothing matches these filters').waitFor();

    skew = 4 * DAY; // the follow-up check is due 3 days after resolving
    await page.reload();
    const item = queue.item('Chiamaka Obi');
    await item.getByText('Follow-up due').first().waitFor();
    expect(await page.locator('[data-complaint]').count()).toBe(1);

    await item.click();
    await c.heading('Chiamaka Obi').waitFor();
    await c.followUp('Satisfied');
    await c.history().getByText('Follow-up: satisfied').waitFor();
    await page.goto(`${server.url}/complaints?mine=1&followUps=1`);
    await page.getByText('Nothing matches these filters').waitFor();
  });

  it('lets the owner change a target, see what it means, save it and find it kept', async () => {
    skew = 0;
    await page.goto(`${server.url}/settings/complaints`);
    const s = new ComplaintSettingsTab(page);
    await s.form().waitFor();
    await page.getByText(/Times are in Africa\/Lagos/).waitFor();
    // Defaults: high = first answer within 4 business hours. Example: received Friday 16:00 (1 h before
    // closing), so the answer is due Monday 12:00.
    expect(await s.target('High', 'first answer').inputValue()).toBe('4 h');
    await expect.poll(() => s.meaning('high').textContent()).toMatch(/first answer by Monday 12:00/);

    await s.setTarget('High', 'first answer', 2);
    await expect.poll(() => s.meaning('high').textContent()).toMatch(/first answer by Monday 10:00/);
    await s.saveButton().click();
    await s.saved().waitFor();
    const stored = await api('GET', '/api/v1/complaints/settings');
    expect((stored.targets as { high: { firstResponseMinutes: number } }).high.firstResponseMinutes).toBe(
      120,
    );

    await page.reload();
    await s.form().waitFor();
    expect(await s.target('High', 'first answer').inputValue()).toBe('2 h');
  });

  it('shows the API’s refusals on the fields they concern', async () => {
    const s = new ComplaintSettingsTab(page);
    await s.setTarget('Low', 'resolved', 1); // before its 16 h first answer
    await s.dayOpen('Saturday').check();
    await s.opens('Saturday').fill('14:00');
    await s.closes('Saturday').fill('10:00');
    await s.saveButton().click();
    await page
      .getByRole('alert')
      .filter({ hasText: 'Not saved: correct the settings marked in red.' })
      .waitFor();
    expect(await s.errorOf(s.target('Low', 'resolved'))).toBe(
      'Resolution cannot be due before the first response',
    );
    expect(await s.errorOf(s.closes('Saturday'))).toBe('Closing time must be after opening time');
    // The example waits for valid settings too.
    await page
      .getByRole('region', { name: 'What this means' })
      .getByText(/No example until the settings are valid/)
      .waitFor();
    expect(await page.getByRole('region', { name: 'What this means' }).textContent()).toContain(
      'Low, resolved: Resolution cannot be due before the first response',
    );
    // Nothing was stored.
    const stored = await api('GET', '/api/v1/complaints/settings');
    expect(stored.businessHours).toMatchObject({ sat: null });
    await page.reload();
    await s.form().waitFor();
    expect(await s.target('Low', 'resolved').inputValue()).toBe('80 h');
  });

  it('shows staff the settings read-only, and the API refuses them a change', async () => {
    // A browser of their own: the owner stays signed in in the first one.
    const staff = await launchBrowser();
    const other = await staff.context.newPage();
    other.setDefaultTimeout(10_000);
    await other.goto(`${server.url}/login`);
    await new LoginPage(other).signIn(STAFF.email, STAFF.password);
    await new AppShell(other).greeting().waitFor();
    await other.goto(`${server.url}/settings/complaints`);
    const s = new ComplaintSettingsTab(other);
    await s.form().waitFor();
    await other.getByText('Only the owner can change these settings.').waitFor();
    expect(await s.target('High', 'first answer').isDisabled()).toBe(true);
    expect(await s.saveButton().count()).toBe(0);
    // Staff still see what the saved settings mean.
    await expect.poll(() => s.meaning('high').textContent()).toMatch(/first answer by Monday 10:00/);
    const denied = await other.request.fetch(`${server.url}/api/v1/complaints/settings`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      data: JSON.stringify({ followUpDays: 9 }),
    });
    expect(denied.status()).toBe(403);
    expect(((await denied.json()) as { code: string }).code).toBe('FORBIDDEN_SCOPE');
    await staff.close();
  });

  it('fits the settings tab on a 390 px phone', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.url}/settings/complaints`);
    await new ComplaintSettingsTab(page).form().waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});

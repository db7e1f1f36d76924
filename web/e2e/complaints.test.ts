import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, type Browser } from './support/browser.ts';
import { journey } from './support/journey.ts';
import { ensureWebBuilt, startServer, type TestServer } from './support/server.ts';
import { callApi } from './support/api.ts';
import { LoginPage } from './pages/AuthPages.ts';
import { AppShell } from './pages/AppShell.ts';
import { CustomerPage } from './pages/CustomerPages.ts';
import { ComplaintIntake, ComplaintQueue, ComplaintView, EnquiriesInbox } from './pages/ComplaintPages.ts';

const OWNER = { name: 'Ada Obi', email: 'ada@example.com', password: 'correct horse 1' };

/**
 * A complaint from intake to confirmed close through the web app, in a real chromium against a real server:
 * logged from the customer's page, followed step by step through the guided flow, with the rules' refusals
 * shown next to the action that broke them; then the queue on a 390 px phone.
 */
journey('complaints in chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let customerId = '';

  const api = (method: string, path: string, body?: unknown) =>
    callApi(page, `${server.url}${path}`, method, body);

  beforeAll(async () => {
    ensureWebBuilt();
    server = await startServer();
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`${server.url}/login`);
    await api('POST', '/api/v1/setup', {
      workspace: { name: 'Demo Bakery', timezone: 'Africa/Lagos', currency: 'NGN', region: 'NG' },
      owner: OWNER,
    });
    await api('POST', '/api/v1/auth/logout');
    const login = new LoginPage(page);
    await page.goto(`${server.url}/login`);
    await login.signIn(OWNER.email, OWNER.password);
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
    await api('POST', '/api/v1/users', {
      email: 'bisi@example.com',
      name: 'Bisi',
      password: 'correct horse 2',
      role: 'staff',
    });
    // Another customer's complaint, so the queue has more than one line.
    const other = await api('POST', '/api/v1/customers', { name: 'Emeka Eze' });
    await api('POST', '/api/v1/complaints', {
      customerId: other.id,
      channel: 'email',
      words: 'The bread was stale',
      severity: 'low',
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('logs a complaint from the customer page, with the playbook beside the form', async () => {
    await page.goto(`${server.url}/customers/${customerId}`);
    await new CustomerPage(page).name('Chiamaka Obi').waitFor();
    await page.getByRole('link', { name: 'Log complaint' }).click();
    const intake = new ComplaintIntake(page);
    await intake.heading().waitFor();
    await intake
      .playbook()
      .getByText(/last resort/)
      .waitFor();
    // The customer is filled in from the page the complaint was logged on.
    await expect
      .poll(() => page.getByRole('combobox', { name: 'Customer', exact: true }).inputValue())
      .toBe('Chiamaka Obi');
    await intake.fill({
      words: 'The cake was the wrong flavour and the party was ruined!',
      severity: 'High',
      category: 'quality',
    });
    await intake.submit();
    const c = new ComplaintView(page);
    await c.heading('Chiamaka Obi').waitFor();
    // The money at stake: her spend to date.
    expect(await c.valueAtStake().textContent()).toMatch(/45,000/);
    expect(await c.currentStep().textContent()).toContain('Greet');
  });

  it('follows the guided flow: respond, paraphrase, options refused, alternatives chosen', async () => {
    const c = new ComplaintView(page);
    await c.respond('Greeted her by name, listened without interrupting');
    await c.step('Paraphrase').waitFor();
    // Passing it on needs a reason ("don't refer him elsewhere without listening").
    await c.transfer('Bisi', '');
    await page
      .getByRole('form', { name: 'Transfer' })
      .getByRole('alert')
      .getByText('Say why you are passing this complaint on.')
      .waitFor();
    await page.getByRole('form', { name: 'Transfer' }).getByRole('button', { name: 'Cancel' }).click();
    await c.paraphrase('Wrong flavour on the birthday cake collected Saturday');
    await c.step('Offer options').waitFor();
    await c.offer(
      [
        { kind: 'Redo', detail: 'New cake tomorrow' },
        { kind: 'Credit', detail: 'On the next order' },
      ],
      'refused',
    );
    await c.offers().getByText('Refused', { exact: true }).waitFor();
    await c.offer(
      [
        { kind: 'Replace', detail: 'Any cake from the counter today' },
        { kind: 'Discount', detail: 'Half off the next order' },
      ],
      1,
    );
    await c.step('Confirm').waitFor();
    await c
      .step('Confirm')
      .getByText(/The customer chose/)
      .waitFor();
  });

  it('refuses to resolve without an apology and to close without confirmation, in a sentence', async () => {
    const c = new ComplaintView(page);
    await c.resolve('She took a chocolate cake from the counter', false);
    await c
      .refusal()
      .getByText(/Apologise to the customer for the trouble/)
      .waitFor();
    expect(await c.refusal().textContent()).not.toContain('COMPLAINT_');
    await c.resolve('She took a chocolate cake from the counter', true);
    await c.step('Confirm').getByRole('button', { name: 'Close complaint' }).waitFor();
    expect(await c.status().getAttribute('data-status')).toBe('resolved');

    await c.close(false);
    await c
      .refusal()
      .getByText(/once the customer confirms it is sorted/)
      .waitFor();
    expect(await c.refusal().textContent()).not.toContain('COMPLAINT_');
    expect(await c.status().getAttribute('data-status')).toBe('resolved');

    await c.close(true);
    await c
      .step('Confirm')
      .getByText(/Closed with the customer’s confirmation/)
      .waitFor();
    expect(await c.status().getAttribute('data-status')).toBe('closed');
    const history = await c.history().textContent();
    expect(history).toContain('Offered alternatives');
    expect(history).toContain('Closed: the customer confirmed');
  });

  it('orders the queue by value at stake, without the closed complaint, and flags the surge', async () => {
    await api('POST', '/api/v1/complaints', {
      customerId,
      channel: 'phone',
      words: 'Nobody told me the shop closes early on Sundays',
      severity: 'low',
    });
    await new AppShell(page).openNav('Complaints');
    const q = new ComplaintQueue(page);
    await q.heading().waitFor();
    await q.item('Emeka Eze').waitFor();
    // Most urgent first by default (deadlines already passed, then the soonest due); here: by value
    await q.orderBy('Value at stake');
    await page.waitForURL(/order=valueAtStake/);
    await page
      .locator('[data-complaint]')
      .first()
      .getByText(/closes early/)
      .waitFor();
    // Her lifetime value comes first; the closed complaint has left the queue.
    const rows = await page.locator('[data-complaint]').allTextContents();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain('Chiamaka Obi');
    expect(rows[0]).toContain('closes early');
    expect(rows[1]).toContain('The bread was stale');
    // Three complaints in a day where a usual day has none.
    await page.getByRole('status').filter({ hasText: 'Complaints are surging' }).waitFor();
  });

  it('counts the open complaints on the home tile, which links to the queue', async () => {
    await new AppShell(page).openNav('Home');
    const tile = page.getByRole('region', { name: 'Complaints today' });
    await tile.getByLabel('Open: 2').waitFor();
    await tile.getByText(/3 complaints in 24 h/).waitFor();
    await tile.getByRole('link', { name: 'Open the queue' }).click();
    await new ComplaintQueue(page).heading().waitFor();
  });

  it('logs an enquiry from a new contact, refuses an outcome before an answer, then records it won', async () => {
    await new AppShell(page).openNav('Enquiries');
    const inbox = new EnquiriesInbox(page);
    await inbox.heading().waitFor();
    await inbox.create({
      name: 'Halima Bello',
      phone: '0802 777 8888',
      kind: 'Booking',
      body: 'Can I book a cake tasting for Saturday?',
    });
    const card = inbox.card('Halima Bello');
    await card.getByText('Waiting for an answer').waitFor();
    await inbox.outcome('Halima Bello', 'Won');
    await card
      .getByRole('alert')
      .getByText(/Answer the enquiry/)
      .waitFor();
    await inbox.answer('Halima Bello', 'Yes: Saturday at 11');
    await card.getByText('Answered', { exact: true }).waitFor();
    await inbox.outcome('Halima Bello', 'Won');
    // Done: it leaves the open list.
    await card.waitFor({ state: 'detached' });
    await page.getByRole('radiogroup', { name: 'Show' }).getByText('Done', { exact: true }).click();
    await inbox.card('Halima Bello').getByText('Won', { exact: true }).waitFor();
  });

  it('fits a 390 px phone: cards instead of a table, nothing scrolls sideways', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.url}/complaints`);
    const q = new ComplaintQueue(page);
    await q.item('Emeka Eze').waitFor();
    expect(await page.getByRole('table').count()).toBe(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});

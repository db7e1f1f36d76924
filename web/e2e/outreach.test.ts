import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startSmtpSink } from '../../test/fakes/smtp.ts';
import { launchBrowser, type Browser } from './support/browser.ts';
import { journey } from './support/journey.ts';
import { ensureWebBuilt, startServer, type TestServer } from './support/server.ts';
import { callApi } from './support/api.ts';
import { LoginPage } from './pages/AuthPages.ts';
import { AppShell } from './pages/AppShell.ts';
import { CustomerPage } from './pages/CustomerPages.ts';
import { CustomerMessaging, MessagesSettings } from './pages/MessagePages.ts';

const OWNER = { name: 'Ada Obi', email: 'ada@example.com', password: 'correct horse 1' };
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

/**
 * Issue 15 in the web app: the owner sets the email sender in Settings → Messages, records a customer's consent
 * from the refusal that asked for it, sends them an email that a real SMTP server receives, and sees it in their
 * history as sent; the suppression list stops the next one. The server runs its outbox, as in production.
 */
journey('a message to one customer, in chromium, over SMTP', () => {
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let customerId = '';

  const api = (method: string, path: string, body?: unknown) =>
    callApi(page, `${server.url}${path}`, method, body);
  const fitsWidth = (px: number) =>
    page.waitForFunction((w) => document.documentElement.scrollWidth <= w, px, { timeout: 5_000 });

  beforeAll(async () => {
    ensureWebBuilt();
    smtp = await startSmtpSink();
    server = await startServer({ env: { RAPPORT_SMTP_URL: smtp.url }, outbox: true });
    browser = await launchBrowser(DESKTOP);
    page = await browser.context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`${server.url}/login`);
    await api('POST', '/api/v1/setup', {
      workspace: { name: 'Mama Put Bakery', timezone: 'Africa/Lagos', currency: 'NGN', region: 'NG' },
      owner: OWNER,
    });
    await api('POST', '/api/v1/auth/logout');
    await page.goto(`${server.url}/login`);
    await new LoginPage(page).signIn(OWNER.email, OWNER.password);
    await new AppShell(page).greeting().waitFor();
    customerId = String(
      (
        await api('POST', '/api/v1/customers', {
          name: 'Bisi Adeyemi',
          emails: [{ address: 'bisi@example.com' }],
        })
      ).id,
    );
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await smtp?.close();
  });

  it('sets the sender and the quiet hours in Settings → Messages (1280 px)', async () => {
    const settings = new MessagesSettings(page);
    await settings.open(server.url);
    // the server has a mail server; what is missing is the From address
    await settings.sender().getByText('Add the address your emails come from').waitFor();
    expect(await settings.quietWords().textContent()).toBe(
      'Messages due between 20:00 and 08:00 wait until 08:00 (Africa/Lagos time).',
    );
    await settings.setSender({
      fromName: 'Mama Put Bakery',
      fromEmail: 'hello@mamaput.example',
      replyTo: 'ada@mamaput.example',
    });
    await settings.sender().getByText('Email is set up ✓').waitFor();
    // the test runs at any hour: no quiet hours, said in words
    await settings.setQuietHours(false);
    expect(await settings.quietWords().textContent()).toBe('No quiet hours: messages go out at any hour.');
    const saved = await api('GET', '/api/v1/outreach/settings');
    expect(saved).toMatchObject({
      fromEmail: 'hello@mamaput.example',
      fromName: 'Mama Put Bakery',
      replyTo: 'ada@mamaput.example',
      quietHours: { start: '00:00', end: '00:00' },
      email: { configured: true, smtp: true },
    });
    await page.reload();
    await settings.sender().getByText('Email is set up ✓').waitFor();
    expect(await settings.sender().getByLabel('From email').inputValue()).toBe('hello@mamaput.example');
  });

  it('sets up SMS: the token is never shown again, the webhook addresses are there to copy (1280 px)', async () => {
    const settings = new MessagesSettings(page);
    // a wrong SID is refused on its field
    await settings.sms().getByRole('button', { name: 'Set up SMS' }).click();
    const form = settings.sms().getByRole('form', { name: 'SMS credentials' });
    await form.getByLabel('Account SID').fill('12345');
    await form.getByLabel('Auth token').fill('a-secret-token-1');
    await form.getByLabel('From number').fill('+2348030000000');
    await form.getByRole('button', { name: 'Save SMS' }).click();
    await form.getByText('A Twilio Account SID: AC and 32 hex digits').waitFor();
    await page.reload();
    await settings.setUpSms({
      accountSid: `AC${'0123456789abcdef'.repeat(2)}`,
      authToken: 'a-secret-token-1',
      from: '+234 803 000 0000',
    });
    await settings.sms().getByText('Configured ✓').waitFor();
    expect(await settings.sms().innerText()).toContain('Sends from +2348030000000');
    expect(await page.content()).not.toContain('a-secret-token-1');
    const ws = ((await api('GET', '/api/v1/me')).workspace as { id: string }).id;
    expect(await settings.sms().getByText(`/hooks/twilio/${ws}/status`, { exact: false }).count()).toBe(1);
    await settings.sms().getByRole('button', { name: 'Copy Status callback URL' }).waitFor();
  });

  it('a marketing email without consent is refused in words, and leads to the consent editor (390 px)', async () => {
    await page.setViewportSize(PHONE);
    await page.goto(`${server.url}/customers/${customerId}`);
    await new CustomerPage(page).name('Bisi Adeyemi').waitFor();
    const m = new CustomerMessaging(page);
    await m.section().getByText('No messages sent yet.').waitFor();
    expect(await m.consentBadge('email').textContent()).toBe('Marketing: no');
    const d = await m.openDialog('Bisi Adeyemi');
    await m.write(d, { purpose: 'Marketing', subject: 'Coconut cake is back', body: 'Hello {first name}!' });
    expect(await d.getByRole('textbox', { name: 'Message' }).inputValue()).toBe(
      'Hello {{ customer.first_name }}!',
    );
    await m.send(d);
    const refusal = d.getByRole('alert');
    await refusal.getByText('Bisi Adeyemi has not agreed to marketing by email').waitFor();
    expect(await refusal.getAttribute('data-code')).toBe('NO_CONSENT');
    await fitsWidth(PHONE.width);
    await refusal.getByRole('button', { name: 'Record their consent' }).click();
    await d.waitFor({ state: 'detached' });
    await m.recordConsent('Email', { granted: true, source: 'At the counter' });
    await m.consentBadge('email').filter({ hasText: 'Marketing: yes' }).waitFor();
    await m
      .consent()
      .getByText(/At the counter/)
      .waitFor();
    await m
      .consent()
      .getByText('“Yes, Mama Put Bakery may send me news and offers by email.', { exact: false })
      .waitFor();
    // recorded with the words shown, on the timeline, and as the customer's marketing consent
    const consents = (await api('GET', `/api/v1/customers/${customerId}/consents`)).items as {
      channel: string;
      purpose: string;
      granted: boolean;
      source: string;
      textShown: string;
    }[];
    expect(consents.find((c) => c.channel === 'email' && c.purpose === 'marketing')).toMatchObject({
      granted: true,
      source: 'At the counter',
      textShown: 'Yes, Mama Put Bakery may send me news and offers by email. I can stop at any time.',
    });
    expect(
      ((await api('GET', `/api/v1/customers/${customerId}`)).consent as { marketing: boolean }).marketing,
    ).toBe(true);
    await new CustomerPage(page)
      .timeline()
      .getByText('Agreed to marketing emails (At the counter)')
      .waitFor();
    await fitsWidth(PHONE.width);
  });

  it('sends the email, which the mail server receives, and shows it in the history as sent (390 px)', async () => {
    const m = new CustomerMessaging(page);
    const d = await m.openDialog('Bisi Adeyemi');
    await m.write(d, {
      purpose: 'Marketing',
      subject: 'Coconut cake is back',
      body: 'Hello {first name}, our coconut cake is back this week.',
    });
    await m.send(d);
    await d.waitFor({ state: 'detached' });
    const sent = m.rows('sent').first();
    await sent.waitFor({ timeout: 20_000 });
    expect(await sent.innerText()).toMatch(/Sent\s+Email\s+Marketing/i);
    expect(await sent.innerText()).toContain('Hello Bisi, our coconut cake is back this week.');
    expect(await sent.innerText()).toContain('To bisi@example.com');
    await smtp.waitFor(1);
    const [mail] = smtp.received;
    expect(mail?.envelopeTo).toEqual(['bisi@example.com']);
    expect(mail?.mail.subject).toBe('Coconut cake is back');
    expect(mail?.mail.from?.value[0]).toMatchObject({
      address: 'hello@mamaput.example',
      name: 'Mama Put Bakery',
    });
    expect(mail?.mail.replyTo?.value[0]?.address).toBe('ada@mamaput.example');
    expect(mail?.mail.text).toContain('Hello Bisi, our coconut cake is back this week.');
    // what was said is on the timeline too
    await new CustomerPage(page)
      .timeline()
      .getByText(/our coconut cake is back this week/)
      .waitFor();
    await fitsWidth(PHONE.width);
  });

  it('after a reload the history keeps it; a service message without an address is refused (1280 px)', async () => {
    await page.setViewportSize(DESKTOP);
    await page.reload();
    const m = new CustomerMessaging(page);
    await m.rows('sent').first().waitFor();
    expect(await m.rows('sent').count()).toBe(1);
    const d = await m.openDialog('Bisi Adeyemi');
    await m.write(d, { channel: 'SMS', purpose: 'Service', body: 'Your cake is ready.' });
    await m.send(d);
    await d.getByRole('alert').getByText('No mobile number for Bisi Adeyemi').waitFor();
    expect(await d.getByRole('alert').getAttribute('data-code')).toBe('NO_ADDRESS');
    await page.keyboard.press('Escape');
    await d.waitFor({ state: 'detached' });
  });

  it('an address on the suppression list gets nothing, until the owner takes it off (1280 px)', async () => {
    const settings = new MessagesSettings(page);
    await settings.open(server.url);
    await settings.suppress('Bisi@Example.com', 'They complained (spam)');
    expect(await settings.suppressed('bisi@example.com').innerText()).toMatch(
      /Complained \(marked as spam\)/,
    );
    await page.goto(`${server.url}/customers/${customerId}`);
    const m = new CustomerMessaging(page);
    const d = await m.openDialog('Bisi Adeyemi');
    await m.write(d, { purpose: 'Service', subject: 'Your order', body: 'Your order is ready.' });
    await m.send(d);
    await d.getByRole('alert').getByText('Their address is on the suppression list').waitFor();
    expect(await d.getByRole('alert').getAttribute('data-code')).toBe('ADDRESS_SUPPRESSED');
    await page.keyboard.press('Escape');
    await settings.open(server.url);
    await settings.unsuppress('bisi@example.com');
    expect((await api('GET', '/api/v1/suppressions')).items).toEqual([]);
    expect(smtp.received).toHaveLength(1);
  });
});

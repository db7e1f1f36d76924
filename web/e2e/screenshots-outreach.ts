/**
 * Screenshots of the messaging screens (issue 15) at desktop (1280×800) and phone (390×844) width, into
 * .screenshots/ (git-ignored): Settings → Messages before and after set-up, the templates list and editor with
 * its preview, a new campaign with its count and the last question, a campaign's results, and on the customer's
 * page the send dialog, a refusal, the consent editor and the message history.
 * Run: node --import tsx web/e2e/screenshots-outreach.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { startSmtpSink } from '../../test/fakes/smtp.ts';
import { launchBrowser } from './support/browser.ts';
import { ensureWebBuilt, startServer } from './support/server.ts';
import { callApi } from './support/api.ts';

const OUT = path.resolve(import.meta.dirname, '../../.screenshots');
const SIZES = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;

ensureWebBuilt();
fs.mkdirSync(OUT, { recursive: true });
const smtp = await startSmtpSink();
const server = await startServer({ env: { RAPPORT_SMTP_URL: smtp.url }, outbox: true });
const { url } = server;
const api = (page: Page, method: string, p: string, body?: unknown) =>
  callApi(page, `${url}${p}`, method, body);

let first = true;
const ids: Record<string, string> = {};
for (const [size, viewport] of Object.entries(SIZES)) {
  const browser = await launchBrowser(viewport);
  const page = await browser.context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (e) => console.error('pageerror', e.message));
  /** A screenshot; a full page taller than 1,400 px comes in parts (-1, -2…) so each can be read. */
  const shot = async (name: string, full = true) => {
    await page.waitForTimeout(400);
    const file = (part = '') => path.join(OUT, `m${name}-${size}${part}.png`);
    const height = full ? await page.evaluate(() => document.documentElement.scrollHeight) : 0;
    if (height <= 1400) return void (await page.screenshot({ path: file(), fullPage: full }));
    for (let y = 0, i = 1; y < height; y += 1400, i++)
      await page.screenshot({
        path: file(`-${i}`),
        fullPage: true,
        clip: { x: 0, y, width: viewport.width, height: Math.min(1400, height - y) },
      });
  };
  await page.goto(`${url}/login`);
  if (first) {
    await api(page, 'POST', '/api/v1/setup', {
      workspace: { name: 'Mama Put Bakery', timezone: 'Africa/Lagos', currency: 'NGN', region: 'NG' },
      owner: { email: 'ada@example.com', name: 'Ada Obi', password: 'correct horse 1' },
    });
    await api(page, 'POST', '/api/v1/auth/logout');
  }
  await page.goto(`${url}/login`);
  await page.getByLabel('Email', { exact: true }).fill('ada@example.com');
  await page.getByLabel('Password', { exact: true }).fill('correct horse 1');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: /^Hello/ }).waitFor();

  if (first) {
    await page.goto(`${url}/settings/messages`);
    await page.getByRole('region', { name: 'Email sender' }).waitFor();
    await shot('01-settings-empty');
    const people = [
      ['Bisi Adeyemi', 'bisi@example.com', '0803 225 5373', true],
      ['Tunde Bakare', 'tunde@example.com', '0803 111 2222', false],
      ['Ngozi Okafor', null, '0805 333 4444', true],
      ['Chidi Eze', 'chidi@example.com', null, true],
      ['Amaka Nwosu', 'amaka@example.com', null, true],
      ['Kemi Ade', 'kemi@example.com', '0806 555 6666', false],
    ] as const;
    for (const [name, email, phone, consent] of people)
      ids[name] = String(
        (
          await api(page, 'POST', '/api/v1/customers', {
            name,
            ...(email && { emails: [{ address: email }] }),
            ...(phone && { phones: [{ number: phone }] }),
            tags: ['regular'],
            ...(consent && { consent: { marketing: true, source: 'At the counter' } }),
          })
        ).id,
      );
    await api(page, 'PUT', '/api/v1/outreach/settings', {
      fromEmail: 'hello@mamaput.example',
      fromName: 'Mama Put Bakery',
      replyTo: 'ada@mamaput.example',
      quietHours: { start: '00:00', end: '00:00' },
      sms: {
        provider: 'twilio',
        accountSid: `AC${'0123456789abcdef'.repeat(2)}`,
        authToken: 'a-secret-token',
        from: '+2348030000000',
      },
    });
    await api(page, 'POST', '/api/v1/suppressions', {
      channel: 'email',
      address: 'chidi@example.com',
      reason: 'complaint',
    });
    await api(page, 'POST', '/api/v1/message-templates', {
      name: 'Order ready',
      channel: 'sms',
      purpose: 'service',
      body: 'Hello {{ customer.first_name }}, your order is ready at {{ shop.name }}.',
    });
    ids.template = String(
      (
        await api(page, 'POST', '/api/v1/message-templates', {
          name: 'Coconut cake is back',
          channel: 'email',
          purpose: 'marketing',
          subject: 'Coconut cake is back, {{ customer.first_name }}',
          body: 'Hello {{ customer.first_name | default: "there" }},\n\nOur coconut cake is back at {{ shop.name }} this week. Come early: it goes fast!',
        })
      ).id,
    );
    first = false;
  }

  // Settings → Messages, set up
  await page.goto(`${url}/settings/messages`);
  await page.getByRole('region', { name: 'SMS (Twilio)' }).getByText('Configured ✓').waitFor();
  await shot('02-settings');
  await page.getByRole('button', { name: 'Set up WhatsApp' }).click();
  await page.getByRole('region', { name: 'WhatsApp (Cloud API)' }).scrollIntoViewIfNeeded();
  await shot('03-settings-whatsapp-form', false);

  // Templates
  await page.goto(`${url}/messages/templates`);
  await page.getByRole('link', { name: 'Coconut cake is back' }).waitFor();
  await shot('04-templates');
  await page.goto(`${url}/messages/templates/${ids.template}`);
  await page.getByTestId('rendered-message').waitFor();
  await shot('05-template-edit');
  await page.getByRole('button', { name: 'Send a test to me' }).click();
  await page
    .getByRole('status', { name: 'Test message' })
    .getByText(/Test sent/)
    .waitFor();
  await shot('06-template-test-sent', false);

  // A new campaign to a tag, with its count, and the last question
  await page.goto(`${url}/messages/campaigns/new?audience=tag:regular`);
  await page.getByTestId('count-sentence').waitFor();
  await page.getByLabel('Campaign name').fill(`Coconut cake week (${size})`);
  await page.getByRole('combobox', { name: 'Start from a template' }).click();
  await page.getByRole('option', { name: 'Coconut cake is back' }).click();
  await page.getByTestId('rendered-message').waitFor();
  await shot('07-campaign-new');
  await page.getByRole('button', { name: /^Send to \d+ customers/ }).click();
  await page.getByRole('dialog', { name: 'Send this campaign?' }).waitFor();
  await shot('08-campaign-confirm', false);
  await page.getByRole('button', { name: 'Send now' }).click();
  await page.getByRole('region', { name: 'Results' }).waitFor();
  await page
    .getByRole('region', { name: 'Results' })
    .getByText(/Left out: /)
    .waitFor();
  await page
    .getByRole('heading', { name: /Coconut cake week/ })
    .locator('..')
    .getByText('Sent')
    .waitFor();
  await shot('09-campaign-results');
  await page.goto(`${url}/messages`);
  await page.getByRole('list', { name: 'Campaign list' }).waitFor();
  await shot('10-campaigns');

  // The customer's page: a refusal, the consent editor, a message sent, the history
  const who = size === 'desktop' ? 'Tunde Bakare' : 'Kemi Ade';
  await page.goto(`${url}/customers/${ids[who]}`);
  await page.getByRole('region', { name: 'Messages' }).waitFor();
  await shot('11-customer');
  await page
    .getByRole('region', { name: 'Messages' })
    .getByRole('button', { name: 'Send a message' })
    .click();
  const dialog = page.getByRole('dialog', { name: `Message to ${who}` });
  await dialog.waitFor();
  await dialog.getByRole('radio', { name: 'Marketing' }).check();
  await dialog.getByRole('textbox', { name: 'Subject' }).fill('Cake week');
  await dialog
    .getByRole('textbox', { name: 'Message' })
    .fill('Hello {{ customer.first_name }}, our cake week starts Monday.');
  await shot('12-send-dialog', false);
  await dialog.getByRole('button', { name: 'Send', exact: true }).click();
  await dialog.getByRole('alert').waitFor();
  await shot('13-send-refused', false);
  await dialog.getByRole('button', { name: 'Record their consent' }).click();
  await page.getByRole('form', { name: 'Email consent' }).waitFor();
  await page
    .getByRole('form', { name: 'Email consent' })
    .getByLabel(/Where did they agree/)
    .fill('On the phone');
  await page.getByRole('form', { name: 'Email consent' }).scrollIntoViewIfNeeded();
  await shot('14-consent-form', false);
  await page.getByRole('button', { name: 'Save consent' }).click();
  await page.getByTestId('consent-email').filter({ hasText: 'Marketing: yes' }).waitFor();
  await page.getByRole('button', { name: 'Message', exact: true }).click();
  await dialog.waitFor();
  await dialog.getByRole('textbox', { name: 'Subject' }).fill('Your cake is ready');
  await dialog
    .getByRole('textbox', { name: 'Message' })
    .fill('Hello {{ customer.first_name }}, your cake is ready. See you soon!');
  await dialog.getByRole('button', { name: 'Send', exact: true }).click();
  await page
    .getByRole('list', { name: 'Message history' })
    .locator('li[data-status="sent"]')
    .first()
    .waitFor();
  await page.getByRole('region', { name: 'Messages' }).scrollIntoViewIfNeeded();
  await shot('15-customer-history', false);
  await shot('16-customer-full');
  await browser.close();
}
await server.close();
await smtp.close();
console.log(`screenshots in ${OUT}, ${smtp.received.length} emails received`);

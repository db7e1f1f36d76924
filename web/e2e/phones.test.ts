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
import { PhoneSettingsPage } from './pages/PhonePages.ts';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };
const SHOTS = process.env.UX_SHOTS;

async function axeProblems(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  return r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
}

/** Issue 19's phone systems in chromium: the owner finds the URLs and the test call pops the caller's card. */
journey('phone systems, in chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let phones: PhoneSettingsPage;
  let shell: AppShell;
  const shot = async (name: string) => {
    if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `phones-${name}.png`), fullPage: true });
  };

  beforeAll(async () => {
    ensureWebBuilt();
    server = await startServer();
    await createDemo(server.app.services, server.app.conn.db, { customers: 30, log: () => {} });
    browser = await launchBrowser(DESKTOP);
    page = await browser.context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${server.url}/login`);
    await new LoginPage(page).signIn(DEMO_LOGIN.email, DEMO_LOGIN.password);
    shell = new AppShell(page);
    await shell.greeting().waitFor();
    phones = new PhoneSettingsPage(page);
    await callApi(page, `${server.url}/api/v1/customers`, 'POST', {
      name: 'Ngozi Phonetest',
      phones: [{ number: '+2348039990001' }],
    });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows a panel per system with the URLs to paste (1280 px)', async () => {
    await page.goto(`${server.url}/settings/phones`);
    for (const h of ['Twilio (a cloud phone number)', '3CX (an office phone system)', 'Asterisk or FreePBX'])
      await phones.heading(h).waitFor();
    const s = await callApi(page, `${server.url}/api/v1/phone/settings`, 'GET');
    const urls = s.urls as Record<string, string>;
    expect(await phones.field('A call comes in (webhook, HTTP POST)').inputValue()).toBe(urls.twilioVoice);
    expect(
      await phones.field('Caller name lookup (CallerID Superfecta or Lookup Sources)').inputValue(),
    ).toBe(urls.asteriskLookup);
    expect(await axeProblems(page)).toEqual([]);
    await shot('1280');
  });

  it('the test-call button pops the caller card', async () => {
    await shell.waitForLive();
    await phones.sendTestCall('Asterisk', '0803 999 0001');
    await shell.callPopup('Ngozi Phonetest').waitFor({ timeout: 5_000 });
    await phones.status().waitFor();
    const calls = await callApi(page, `${server.url}/api/v1/phone/calls`, 'GET');
    expect((calls.items as { source: string; customerName: string }[])[0]).toMatchObject({
      source: 'asterisk',
      customerName: 'Ngozi Phonetest',
    });
  });

  it('works on a phone (390 px)', async () => {
    await page.setViewportSize(PHONE);
    await page.goto(`${server.url}/settings/phones`);
    await phones.heading('Send a test call').waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    expect(overflow).toBe(false);
    expect(await axeProblems(page)).toEqual([]);
    await shot('390');
  });
});

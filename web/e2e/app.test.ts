import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserAvailability, launchBrowser, type Browser } from './support/browser.ts';
import { ensureWebBuilt, startServer, type TestServer } from './support/server.ts';
import { LoginPage, SetupPage } from './pages/AuthPages.ts';
import { AppShell } from './pages/AppShell.ts';
import { CustomerForm, CustomerList, CustomerPage } from './pages/CustomerPages.ts';
import { SettingsPage } from './pages/SettingsPage.ts';

const available = browserAvailability();
const OWNER = { name: 'Ada Obi', email: 'ada@example.com', password: 'correct horse 1' };

/**
 * The web app end to end, in a real chromium against a real server: first run, sign-in, a customer with a
 * local number found by its international form, the caller pop-up, the timeline, and sign-out.
 */
describe.skipIf(!available.run)('web app in chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let shell: AppShell;
  let apiKey = '';

  beforeAll(async () => {
    ensureWebBuilt();
    server = await startServer();
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.setDefaultTimeout(10_000);
    shell = new AppShell(page);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

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

  it('opens the insights page', async () => {
    await page.goto(`${server.url}/insights`);
    await page.getByRole('heading', { name: 'Insights', level: 1 }).waitFor();
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
});

/**
 * Screenshots of every page at desktop (1280×800) and phone (390×844) width, into .screenshots/ (git-ignored).
 * Run: node --import tsx web/e2e/screenshots.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser } from './support/browser.ts';
import { ensureWebBuilt, startServer } from './support/server.ts';
import { callApi } from './support/api.ts';

const OUT = path.resolve(import.meta.dirname, '../../.screenshots');
const SIZES = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;

ensureWebBuilt();
fs.mkdirSync(OUT, { recursive: true });
const server = await startServer();
const { url } = server;

const api = (page: Page, method: string, p: string, body?: unknown) =>
  callApi(page, `${url}${p}`, method, body);

let first = true;
for (const [size, viewport] of Object.entries(SIZES)) {
  const browser = await launchBrowser(viewport);
  const page = await browser.context.newPage();
  page.on('pageerror', (e) => console.error('pageerror', e.message));
  const shot = async (name: string, full = false) => {
    await page.waitForTimeout(350);
    await page.screenshot({ path: path.join(OUT, `${name}-${size}.png`), fullPage: full });
  };

  await page.goto(`${url}/`);
  if (first) {
    await page.getByRole('heading', { name: 'Set up Rapport' }).waitFor();
    await shot('01-setup', true);
    await page.setViewportSize(SIZES.phone);
    await page.screenshot({ path: path.join(OUT, '01-setup-phone.png'), fullPage: true });
    await page.setViewportSize(viewport);
    await api(page, 'POST', '/api/v1/setup', {
      workspace: { name: "Ada's Hair Studio", timezone: 'Africa/Lagos', currency: 'NGN', region: 'NG' },
      owner: { email: 'ada@example.com', name: 'Ada Obi', password: 'plum-velvet-42' },
    });
    await api(page, 'POST', '/api/v1/auth/logout');
  }
  await page.goto(`${url}/login`);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await shot('02-login');
  await page.getByLabel('Email', { exact: true }).fill('ada@example.com');
  await page.getByLabel('Password', { exact: true }).fill('plum-velvet-42');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: /^Hello/ }).waitFor();

  if (first) {
    const biz = await api(page, 'POST', '/api/v1/customers', {
      kind: 'business',
      name: 'Lekki Salon Supplies Ltd',
      phones: [{ number: '01 270 0000', label: 'office' }],
      emails: [{ address: 'orders@lekkisupplies.ng' }],
      tags: ['supplier', 'wholesale'],
      needs: 'Orders monthly; pays on 30 days.',
    });
    const chidi = await api(page, 'POST', '/api/v1/customers', {
      name: 'Chidi Okafor',
      businessId: biz?.id,
      jobTitle: 'Purchasing manager',
      phones: [
        { number: '0803 123 4567', label: 'mobile' },
        { number: '12345', label: 'old' },
      ],
      emails: [{ address: 'chidi.okafor@example.com', label: 'work' }],
      address: { line1: '12 Admiralty Way', city: 'Lekki', region: 'Lagos', country: 'Nigeria' },
      birthday: '--04-17',
      preferredChannel: 'whatsapp',
      needs: 'Low-fade cut every second Saturday, morning slots only.\nAllergic to lavender oil.',
      tags: ['vip', 'regular'],
      consent: { marketing: true, source: 'in store' },
      customFields: { Stylist: 'Kemi', 'Loyalty card': 1042 },
    });
    for (const n of [
      'Amaka Eze',
      'Bola Adeyemi',
      'Funmi Johnson',
      'Ibrahim Musa',
      'Ngozi Nwosu',
      'Tunde Bakare',
    ]) {
      await api(page, 'POST', '/api/v1/customers', {
        name: n,
        phones: [{ number: `080${Math.floor(10000000 + Math.random() * 89999999)}` }],
        tags: n.startsWith('N') ? ['vip'] : [],
      });
    }
    const id = String(chidi?.id);
    const log = (kind: string, body: string, daysAgo: number, direction?: string) =>
      api(page, 'POST', `/api/v1/customers/${id}/interactions`, {
        kind,
        body,
        ...(direction && { direction }),
        occurredAt: new Date(Date.now() - daysAgo * 86400_000).toISOString(),
      });
    await log('visit', 'Cut and beard trim. Happy with the result.', 30);
    await log('call', 'Asked whether we stock the new beard oil.', 12, 'inbound');
    await log('whatsapp', 'Sent photos of the new range.', 11, 'outbound');
    await log('note', 'Prefers Kemi as his barber.', 2);
    fs.writeFileSync(path.join(OUT, '.ids.json'), JSON.stringify({ chidi: id, biz: biz?.id }));
  }
  const ids = JSON.parse(fs.readFileSync(path.join(OUT, '.ids.json'), 'utf8')) as {
    chidi: string;
    biz: string;
  };

  await page.goto(`${url}/customers/${ids.chidi}`);
  await page.getByRole('heading', { name: 'Chidi Okafor' }).waitFor();
  await page.getByText('Prefers Kemi').waitFor();
  await page.goto(`${url}/`);
  await page.getByRole('heading', { name: /^Hello/ }).waitFor();
  await shot('03-home');

  await page.goto(`${url}/customers`);
  await page.getByRole('list', { name: 'Customers' }).waitFor();
  await shot('04-customers');
  await page.keyboard.press('/');
  await page.keyboard.type('chidi okafr');
  await page.getByRole('list', { name: 'Customers' }).getByRole('listitem').first().waitFor();
  await page.waitForTimeout(400);
  await shot('05-search');

  await page.goto(`${url}/customers/${ids.chidi}`);
  await page.getByText('Prefers Kemi').waitFor();
  await shot('06-customer');
  await shot('06-customer-full', true);
  await page.getByRole('button', { name: 'Edit' }).click();
  await page.getByRole('button', { name: 'Save changes' }).waitFor();
  await page.getByLabel('Email 1', { exact: true }).fill('chidi@bad');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await shot('07-customer-edit-errors', true);

  await page.goto(`${url}/customers/${ids.biz}`);
  await page.getByRole('heading', { name: 'Lekki Salon Supplies Ltd' }).waitFor();
  await shot('08-business');

  await page.goto(`${url}/customers/new?phone=%2B2348025550101`);
  await page.getByRole('heading', { name: 'New customer' }).waitFor();
  await page.getByLabel('Phone 1', { exact: true }).fill('0803 12');
  await shot('09-new-customer', true);

  for (const tab of ['workspace', 'users', 'api-keys']) {
    await page.goto(`${url}/settings/${tab}`);
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    await page.waitForTimeout(300);
    if (tab === 'api-keys') {
      await page.getByLabel('Name', { exact: true }).fill('Phone system');
      await page.getByRole('button', { name: 'Create key' }).click();
      await page.getByTestId('new-api-key').waitFor();
    }
    await shot(`10-settings-${tab}`, true);
  }

  await page.goto(`${url}/`);
  await page.locator('[data-live="live"]').waitFor({ state: 'attached' });
  await api(page, 'POST', '/api/v1/calls', { from: '+234 803 123 4567' });
  await api(page, 'POST', '/api/v1/calls', { from: '0802 555 0199' });
  await page.getByRole('dialog', { name: 'Incoming call: Unknown number' }).waitFor();
  await page.getByText(/Last: /).waitFor();
  await shot('11-caller-popups');

  if (size === 'phone') {
    await page.getByRole('button', { name: 'Dismiss' }).first().click();
    await page.getByRole('button', { name: 'Dismiss' }).first().click();
    await page.getByRole('button', { name: 'Menu' }).click();
    await shot('12-burger-nav');
  }
  // Import & export: a CSV through preview and report, the downloads, a duplicate pair
  if (first) {
    for (const [name, phone] of [
      ['Amaka Eze', '0803 555 0142'],
      ['Amaka Eze-Obi', '+234 803 555 0142'],
    ])
      await api(page, 'POST', '/api/v1/customers', { name, phones: [{ number: phone }] });
  }
  await page.goto(`${url}/import`);
  await page.getByRole('heading', { name: 'Import & export' }).waitFor();
  await shot('14-import');
  await page.getByLabel('File to import').setInputFiles({
    name: 'salon-clients-export.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(
      [
        'First name,Last name,Mobile,Email,Birthday,Tags,Notes,Stylist,Last visit',
        'Yetunde,Bello,0802 555 0101,yetunde@example.com,1990-06-02,vip,Braids,Kemi,2024-05-01',
        'Emeka,Nnadi,0803 555 0102,,,,"Fade, every 2 weeks",Tunde,2024-05-03',
        ',,,,,,,,',
        'Zainab,Sule,0805 555 0103,zainab@example.com,--12-25,regular,,Kemi,2024-04-28',
      ].join('\n'),
    ),
  });
  await page.getByLabel('Column mapping').waitFor();
  await shot('15-import-preview', true);
  await page.getByRole('button', { name: 'Start import' }).click();
  await page.getByTestId('import-status').filter({ hasText: 'Done' }).waitFor({ timeout: 60_000 });
  await page.getByLabel('Rejected rows').waitFor();
  await shot('16-import-report', true);
  await page.goto(`${url}/export`);
  await page.getByRole('link', { name: 'Download customers CSV' }).waitFor();
  await shot('17-export');
  await page.goto(`${url}/duplicates`);
  await page
    .getByRole('button', { name: /^Merge into .*…$/ })
    .first()
    .waitFor();
  await shot('18-duplicates', true);
  await page
    .getByRole('button', { name: /^Merge into .*…$/ })
    .first()
    .click();
  await page.getByRole('dialog').waitFor();
  await shot('19-merge-confirm');
  await page.keyboard.press('Escape');

  // Complaints and enquiries: the queue, one complaint mid-ladder, intake, learn, the inbox, the home tile
  if (first) {
    const cid = (name: string, phone: string) =>
      api(page, 'POST', '/api/v1/customers', { name, phones: [{ number: phone }] }).then((c) =>
        String(c?.id),
      );
    const order = (customerId: string, amount: number, daysAgo: number) =>
      api(page, 'POST', '/api/v1/orders', {
        customerId,
        placedAt: new Date(Date.now() - daysAgo * 86400_000).toISOString(),
        lines: [{ name: 'Cut and style', unitPrice: amount }],
      });
    const ngozi = await cid('Ngozi Adeyemi', '0809 123 4567');
    const musa = await cid('Musa Danjuma', '0806 222 3333');
    for (const [who, amount, days] of [
      [ids.chidi, 2_500_000, 700],
      [ids.chidi, 1_800_000, 90],
      [ngozi, 900_000, 400],
      [ngozi, 650_000, 20],
      [musa, 300_000, 10],
    ] as const)
      await order(who, amount, days);
    const complaint = (body: Record<string, unknown>) =>
      api(page, 'POST', '/api/v1/complaints', body).then((c) => String(c?.id));
    const main = await complaint({
      customerId: ids.chidi,
      channel: 'phone',
      words:
        'I waited 40 minutes past my booking and then the fade was uneven. I have been coming here for two years!',
      paraphrase: 'Kept waiting 40 minutes on Saturday, and the fade came out uneven',
      severity: 'high',
      category: 'service',
      product: 'Low-fade cut',
    });
    await api(page, 'POST', `/api/v1/complaints/${main}/respond`, {
      note: 'Called him back, apologised for the wait',
      channel: 'phone',
    });
    await api(page, 'POST', `/api/v1/complaints/${main}/offer`, {
      options: [{ kind: 'redo', detail: 'Free touch-up this week' }],
      refused: true,
    });
    await api(page, 'POST', `/api/v1/complaints/${main}/offer`, {
      options: [
        { kind: 'redo', detail: 'Touch-up with Kemi, Saturday 9 am, first slot' },
        { kind: 'credit', amount: 500_000, detail: 'On his next visit' },
      ],
    });
    await complaint({
      customerId: ngozi,
      channel: 'whatsapp',
      words: 'The braids you did on Tuesday are already coming loose.',
      severity: 'medium',
      category: 'quality',
      receivedAt: new Date(Date.now() - 3 * 86400_000).toISOString(),
    });
    await complaint({
      customerId: musa,
      channel: 'review',
      words: 'Rude receptionist, will not be back.',
      severity: 'critical',
      category: 'staff',
    });
    await complaint({
      customerId: ids.biz,
      channel: 'email',
      words: 'Your invoice for March charged us twice. Please fix it before our next order.',
      severity: 'medium',
      category: 'billing',
    });
    await api(page, 'POST', '/api/v1/enquiries', {
      customerId: ngozi,
      kind: 'booking',
      channel: 'whatsapp',
      body: 'Can I book knotless braids for Saturday morning? Two of us.',
      value: 3_000_000,
    });
    await api(page, 'POST', '/api/v1/enquiries', {
      contact: { name: 'Halima Bello', phone: '0802 777 8888' },
      kind: 'quote',
      channel: 'phone',
      body: 'How much for bridal hair and make-up for 6 people on 14 March?',
      receivedAt: new Date(Date.now() - 2 * 86400_000).toISOString(),
    });
    fs.writeFileSync(path.join(OUT, '.complaint.json'), JSON.stringify({ main }));
  }
  const { main } = JSON.parse(fs.readFileSync(path.join(OUT, '.complaint.json'), 'utf8')) as { main: string };
  await page.goto(`${url}/complaints`);
  await page.locator('[data-complaint]').first().waitFor();
  await shot('20-complaints-queue', true);
  await page.goto(`${url}/complaints/${main}`);
  await page.getByRole('region', { name: 'History' }).waitFor();
  await shot('21-complaint');
  await shot('21-complaint-full', true);
  await page.goto(`${url}/complaints/new?customer=${ids.chidi}`);
  await page.getByRole('complementary', { name: 'Playbook' }).waitFor();
  await shot('22-complaint-intake', true);
  await page.goto(`${url}/complaints?view=learn`);
  await page.getByRole('region', { name: 'How fast' }).waitFor();
  await shot('23-complaints-learn', true);
  await page.goto(`${url}/enquiries`);
  await page.getByRole('list', { name: 'Enquiries' }).waitFor();
  await shot('24-enquiries', true);
  await page.goto(`${url}/`);
  await page.getByLabel('Breached:', { exact: false }).waitFor();
  await shot('25-home-complaints');
  // Settings → Complaints: SLA targets, opening hours, closed days, what they mean; then a refused save
  if (first)
    await api(page, 'PATCH', '/api/v1/complaints/settings', { holidays: ['2026-12-25', '2027-01-01'] });
  await page.goto(`${url}/settings/complaints`);
  await page.getByRole('region', { name: 'What this means' }).locator('[data-severity="high"]').waitFor();
  await shot('26-settings-complaints', true);
  await page.getByRole('textbox', { name: 'Low: resolved within (hours)' }).fill('1');
  await page.getByRole('checkbox', { name: 'Saturday' }).check();
  await page.getByLabel('Saturday closes').fill('08:00');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByText('Not saved: correct the settings marked in red.').waitFor();
  await shot('27-settings-complaints-refused', true);

  // Who needs attention, after a refit (this server runs no job runner: the refit runs in process); then the
  // customer's own fields in the edit form, one being added from the keyboard
  if (first) {
    const { items } = (await api(page, 'GET', '/api/v1/customers?limit=100')) as unknown as {
      items: { id: string; name: string }[];
    };
    const idOf = (name: string) => items.find((c) => c.name === name)?.id;
    for (const [name, orders] of [
      ['Bola Adeyemi', [240, 210, 180, 150, 120, 90, 60].map((d) => [d, 1_200_000])],
      ['Ibrahim Musa', [90, 70, 50].map((d) => [d, 2_500_000])],
      [
        'Funmi Johnson',
        [
          [150, 500_000],
          [100, 1_000_000],
          [40, 2_000_000],
          [5, 4_000_000],
        ],
      ],
      [
        'Tunde Bakare',
        [
          [120, 300_000],
          [60, 600_000],
          [30, 900_000],
          [3, 1_500_000],
        ],
      ],
    ] as const)
      for (const [daysAgo, amount] of orders)
        await api(page, 'POST', '/api/v1/orders', {
          customerId: idOf(name),
          placedAt: new Date(Date.now() - daysAgo * 86400_000).toISOString(),
          lines: [{ name: 'Cut and style', unitPrice: amount }],
        });
    const me = await api(page, 'GET', '/api/v1/me');
    await server.app.services.analytics.runRefit((me?.workspace as { id: string }).id, { trigger: 'manual' });
  }
  await page.goto(`${url}/`);
  await page.getByRole('region', { name: 'At risk' }).getByRole('link').first().waitFor();
  await shot('28-home-attention', true);
  await page.goto(`${url}/customers/${ids.chidi}`);
  await page.getByRole('button', { name: 'Edit' }).click();
  await page.getByRole('button', { name: '+ Add field' }).click();
  await page.keyboard.type('Hair type');
  await page.keyboard.press('Escape');
  await page.keyboard.press('Tab');
  await page.keyboard.type('4C, natural');
  await page
    .getByRole('group', { name: 'Other details' })
    .evaluate((e) => e.scrollIntoView({ block: 'center' }));
  await shot('29-customer-fields');

  // Import: a spreadsheet with its own column names mapped by hand (30) and saved; next time it is recognised
  // by its columns (31). The phone pass finds the mapping the desktop pass saved, and opens it to change it.
  const clientsCsv = [
    'Client;Mobile no.;E-mail address;Notes;Since;Loyalty card no.',
    'Amaka Eze;0803 111 2222;amaka@example.com;Likes mornings, allergic to lavender oil;2019;1042',
    'Bola Adeyemi;0805 333 4444;;Pays cash;2021;',
    'Chidi Okafor;0806 555 6666;chidi.okafor@example.com;;2020;1077',
    '',
  ].join('\r\n');
  const chooseClients = async () => {
    await page.goto(`${url}/import`);
    await page.getByLabel('File to import').setInputFiles({
      name: 'clients.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(clientsCsv),
    });
  };
  const mapping = page.getByRole('region', { name: 'Column mapping' });
  await chooseClients();
  if (first) {
    await mapping
      .getByRole('combobox', { name: 'Read column "Client" as' })
      .selectOption({ label: 'Full name' });
    await mapping
      .getByRole('combobox', { name: 'Read column "Mobile no." as' })
      .selectOption({ label: 'Mobile phone' });
    await page.getByLabel('First rows').getByText('Amaka Eze', { exact: true }).waitFor();
    await mapping.getByRole('textbox', { name: /Save this mapping as/ }).fill('Salon clients');
    await shot('30-import-mapping', true);
    await mapping.getByRole('textbox', { name: /Save this mapping as/ }).press('Enter');
    await mapping.getByRole('status').waitFor();
    await chooseClients();
  }
  await page.getByRole('button', { name: 'Change mapping' }).waitFor();
  await shot('31-import-mapping-recognised', true);
  if (!first) {
    await page.getByRole('button', { name: 'Change mapping' }).click();
    await mapping.waitFor();
    await shot('30-import-mapping', true);
  }

  await page.goto(`${url}/customers/does-not-exist`);
  await page.getByRole('heading', { name: 'Customer not found' }).waitFor();
  await shot('13-not-found');

  await browser.close();
  first = false;
}
await server.close();
console.log(`screenshots in ${OUT}`);

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startTestApp, tmpDir, type TestApp } from './kit.ts';

const FIX = path.resolve(import.meta.dirname, 'fixtures/imports');
const fixture = (name: string) => path.join(FIX, name);

for (const dialect of DIALECTS) {
  describe(`imports (${dialect})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp(dialect);
    });
    afterAll(() => t.closeAll());

    const run = (
      workspaceId: string,
      file: string,
      extra: { preset?: string; currency?: string; dryRun?: boolean } = {},
    ) => t.services.imports.runImport({ workspaceId, file, ...extra });
    const customers = async (auth: { authorization: string }) => {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/customers?limit=1000', headers: auth });
      return res.json().items as {
        id: string;
        name: string;
        phone: string | null;
        email: string | null;
        tags: string[];
      }[];
    };
    const full = async (auth: { authorization: string }, id: string) =>
      (await t.app.inject({ method: 'GET', url: `/api/v1/customers/${id}`, headers: auth })).json();

    it('imports Shopify orders (one row per line item, messy money and dates) and never duplicates on re-import', async () => {
      const w = await t.newWorkspace({ region: 'US' });
      const first = await run(w.workspaceId, fixture('shopify-orders.csv'), { currency: 'USD' });
      expect(first.preset).toBe('shopify-orders');
      expect(first.counts).toMatchObject({ customers: { created: 2 }, orders: { created: 2 }, rejected: 1 });
      expect(first.rejections).toEqual([
        { line: 6, reason: expect.stringContaining('"not a date" is not a date') },
      ]);
      const orders = (await t.app.inject({ method: 'GET', url: '/api/v1/orders', headers: w.auth })).json()
        .items;
      const o1001 = orders.find((o: { number: string }) => o.number === '#1001');
      expect(o1001).toMatchObject({
        currency: 'USD',
        subtotal: 114900,
        shipping: 1000,
        total: 115900,
        status: 'fulfilled',
        note: 'Leave at the\nback door',
      });
      expect(o1001.lines.map((l: { name: string; quantity: number }) => [l.name, l.quantity])).toEqual([
        ['Espresso machine', 1],
        ['Coffee beans 250g', 2],
      ]);
      const o1002 = orders.find((o: { number: string }) => o.number === '#1002');
      expect(o1002).toMatchObject({
        total: 4320,
        refunded: 4320,
        status: 'refunded',
        // a date without a time is midnight in the workspace's zone (the kit's: Africa/Lagos, UTC+1)
        placedAt: '2018-12-26T23:00:00.000Z',
      });
      const ada = (await customers(w.auth)).find((c) => c.name === 'Ada Okafor');
      expect(ada?.phone).toBe('+2348031234567'); // Shopify's protective apostrophe removed

      const again = await run(w.workspaceId, fixture('shopify-orders.csv'), { currency: 'USD' });
      expect(again.counts).toMatchObject({
        customers: { created: 0, unchanged: 2 },
        orders: { created: 0, unchanged: 2 },
      });
      expect(await customers(w.auth)).toHaveLength(2);
      expect(
        (await t.app.inject({ method: 'GET', url: '/api/v1/orders', headers: w.auth })).json().items,
      ).toHaveLength(2);
    });

    it('reads the customer from a Shopify order: billing address, tags, marketing consent; Paid at settles the status', async () => {
      const w = await t.newWorkspace({ region: 'US' });
      const r = await run(w.workspaceId, fixture('shopify-orders-customer.csv'), { currency: 'USD' });
      expect(r.counts).toMatchObject({ customers: { created: 2 }, orders: { created: 3 }, rejected: 0 });
      const list = await customers(w.auth);
      const kemi = await full(w.auth, list.find((c) => c.name === 'Kemi Balogun')?.id ?? '');
      expect(kemi).toMatchObject({
        address: {
          line1: '14 Marina Rd',
          line2: 'Flat 2',
          city: 'Lagos',
          region: 'LA',
          postalCode: '101241',
          country: 'NG',
        },
        tags: expect.arrayContaining(['vip', 'wholesale']),
        consent: { marketing: true, source: 'import:shopify' },
        customFields: { company: 'Balogun Foods' },
        // the newest of her orders, though an older one came later in the file
        lastInteractionAt: '2024-03-01T10:00:00.000Z',
      });
      const tunde = await full(w.auth, list.find((c) => c.name === 'Tunde Eze')?.id ?? '');
      expect(tunde.consent.marketing).toBe(false);
      expect(tunde.address).toBeNull();
      const orders = (await t.app.inject({ method: 'GET', url: '/api/v1/orders', headers: w.auth })).json()
        .items as { number: string; status: string; placedAt: string }[];
      const by = new Map(orders.map((o) => [o.number, o]));
      expect(by.get('#2001')?.status).toBe('placed'); // pending, not paid yet
      // pending in Shopify's column, but paid: Paid at is set, and dates it without a Created at
      expect(by.get('#2002')).toMatchObject({ status: 'paid', placedAt: '2024-02-10T09:30:00.000Z' });
      expect(by.get('#2003')?.status).toBe('paid');
    });

    it('detects each preset from its header row and maps by column name', async () => {
      const cases: [string, string][] = [
        ['shopify-customers-2023.csv', 'shopify-customers'],
        ['shopify-customers-old.csv', 'shopify-customers'],
        ['google-contacts.csv', 'google-contacts'],
        ['outlook-contacts.csv', 'outlook-contacts'],
        ['square-customers.csv', 'square-customers'],
        ['stripe-customers.csv', 'stripe-customers'],
        ['stripe-payments.csv', 'stripe-payments'],
        ['woocommerce-orders.csv', 'woocommerce-orders'],
        ['square-items.csv', 'square-items'],
        ['hubspot-contacts.csv', 'hubspot-contacts'],
        ['generic.csv', 'generic'],
        ['contacts.vcf', 'vcard'],
      ];
      const w = await t.newWorkspace({ region: 'NG' });
      for (const [file, preset] of cases) {
        const r = await run(w.workspaceId, fixture(file));
        expect(r.preset, file).toBe(preset);
        expect(r.counts.rejected, `${file}: ${JSON.stringify(r.rejections)}`).toBe(
          file === 'stripe-payments.csv' ? 1 : 0,
        );
      }
      const all = await customers(w.auth);
      const byName = (n: string) => all.find((c) => c.name === n);

      // Shopify: both layouts merge into one Ada (email matched case-insensitively); the rounded id is not used as a key
      expect(all.filter((c) => c.name === 'Ada Okafor')).toHaveLength(1);
      const ada = await full(w.auth, byName('Ada Okafor')?.id ?? '');
      expect(ada.tags).toEqual(['regular', 'vip', 'wholesale']);
      expect(ada.needs).toBe('Prefers mornings');
      expect(ada.consent.marketing).toBe(true);

      // Google: " ::: " multi-values and a birthday without a year
      const ngozi = await full(w.auth, byName('Ngozi Eze')?.id ?? '');
      expect(ngozi.birthday).toBe('--12-25');
      expect(ngozi.emails.map((e: { address: string }) => e.address)).toEqual([
        'ngozi@example.com',
        'ngozi.work@example.com',
      ]);
      expect(ngozi.phones.map((p: { e164: string }) => p.e164)).toEqual([
        '+2348032223333',
        '+2348064445555',
        '+23412345678',
      ]);
      expect(ngozi.jobTitle).toBe('Manager');

      // Outlook: 0/0/00 is no birthday; the anniversary is read (6/12/2010: nothing in the file settles the
      // order, so the workspace's region does: Nigeria writes the day first)
      const tunde = await full(w.auth, byName('Tunde Bello')?.id ?? '');
      expect(tunde).toMatchObject({ birthday: null, anniversary: '2010-12-06', jobTitle: 'Buyer' });

      // Square customers + item sales: the order joins the same Kemi through Square's customer id
      const kemi = byName('Kemi Lawal');
      const kemiOrders = (
        await t.app.inject({ method: 'GET', url: `/api/v1/customers/${kemi?.id}/orders`, headers: w.auth })
      ).json().items;
      expect(kemiOrders).toHaveLength(1);
      expect(kemiOrders[0]).toMatchObject({
        total: 1400,
        lines: [
          { name: 'Sourdough', quantity: 2, unitPrice: 500 },
          { name: 'Latte', discount: 50 },
        ],
      });

      // Stripe: customer and payment meet; the failed payment is rejected with a reason; refunds carried
      const femiOrders = (
        await t.app.inject({
          method: 'GET',
          url: `/api/v1/customers/${byName('Femi Johnson')?.id}/orders`,
          headers: w.auth,
        })
      ).json().items;
      expect(femiOrders).toEqual([expect.objectContaining({ currency: 'USD', total: 4500, refunded: 500 })]);

      // WooCommerce: two rows, one order
      const grace = (
        await t.app.inject({
          method: 'GET',
          url: `/api/v1/customers/${byName('Grace Mensah')?.id}/orders`,
          headers: w.auth,
        })
      ).json().items;
      expect(grace[0]).toMatchObject({
        total: 3500,
        lines: [{ name: 'Bread', quantity: 2 }, { name: 'Cookies' }],
      });

      // vCard 2.1 (bare params, quoted-printable), 3.0 and 4.0 (tel: URI, --MMDD birthday)
      expect((await full(w.auth, byName('Kofi Asante')?.id ?? '')).needs).toBe('Café lover');
      expect((await full(w.auth, byName('Ama Boateng')?.id ?? '')).birthday).toBe('1985-07-09');
      const lindiwe = await full(w.auth, byName('Lindiwe Dlamini')?.id ?? '');
      expect(lindiwe).toMatchObject({ birthday: '--03-15', phones: [{ e164: '+27825551234' }] });
      expect(byName('Omar Haddad')).toBeDefined();
    });

    it('reads UTF-16 and Windows-1252 files, and semicolon-delimited ones, the same way', async () => {
      const dir = tmpDir();
      const csv = 'Name;Phone;Email;Notes\r\nJosé Émile;0803 100 2000;jose@example.com;"Two\r\nlines"\r\n';
      fs.writeFileSync(
        path.join(dir, 'utf16.csv'),
        Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(csv, 'utf16le')]),
      );
      fs.writeFileSync(path.join(dir, 'cp1252.csv'), Buffer.from(csv, 'latin1'));
      fs.writeFileSync(
        path.join(dir, 'utf8bom.csv'),
        Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv, 'utf8')]),
      );
      for (const f of ['utf16.csv', 'cp1252.csv', 'utf8bom.csv']) {
        const w = await t.newWorkspace();
        const r = await run(w.workspaceId, path.join(dir, f));
        expect(r.counts.customers.created, f).toBe(1);
        const [c] = await customers(w.auth);
        expect(c?.name, f).toBe('José Émile');
        expect((await full(w.auth, c?.id ?? '')).needs, f).toBe('Two\r\nlines');
      }
    });

    it('matches an overlapping file to what is there, and a dry run changes nothing', async () => {
      const w = await t.newWorkspace();
      const dir = tmpDir();
      fs.writeFileSync(
        path.join(dir, 'a.csv'),
        'Name,Phone,Email\nA One,0803 000 0001,a1@x.ng\nB Two,0803 000 0002,b2@x.ng\n',
      );
      fs.writeFileSync(
        path.join(dir, 'b.csv'),
        'Name,Phone,Email,Tags\nB Two,+234 803 000 0002,,friend\nC Three,,c3@x.ng,\n',
      );
      const dry = await run(w.workspaceId, path.join(dir, 'a.csv'), { dryRun: true });
      expect(dry.counts.customers.created).toBe(2);
      expect(await customers(w.auth)).toHaveLength(0);
      await run(w.workspaceId, path.join(dir, 'a.csv'));
      const b = await run(w.workspaceId, path.join(dir, 'b.csv'));
      expect(b.counts.customers).toEqual({ created: 1, updated: 1, unchanged: 0 });
      const all = await customers(w.auth);
      expect(all.map((c) => c.name).sort()).toEqual(['A One', 'B Two', 'C Three']);
      expect(all.find((c) => c.name === 'B Two')?.tags).toEqual(['friend']);
    });

    it('round-trips its own export: formula-like cells are escaped in the CSV and restored on import', async () => {
      const w = await t.newWorkspace();
      const created = await t.app.inject({
        method: 'POST',
        url: '/api/v1/customers',
        headers: w.auth,
        payload: {
          name: '=HYPERLINK("http://evil.example")',
          phones: [{ number: '+234 803 123 4567' }],
          needs: '-5 degrees please',
          jobTitle: '＝SUM(A1)',
          tags: ['@home'],
          emails: [{ address: 'x@y.ng' }],
        },
      });
      expect(created.statusCode).toBe(201);
      const dir = tmpDir();
      await t.services.exports.exportCsv(w.workspaceId, dir);
      const text = fs.readFileSync(path.join(dir, 'customers.csv'), 'utf8');
      expect(text).toContain(`"'=HYPERLINK(""http://evil.example"")"`);
      expect(text).toContain("'-5 degrees please");
      expect(text).toContain("'+234 803 123 4567");
      expect(text).toContain("'＝SUM(A1)"); // the full-width form a spreadsheet also runs
      expect(text).not.toMatch(/(^|,)=HYPERLINK/m);

      const fresh = await t.newWorkspace();
      const r = await run(fresh.workspaceId, path.join(dir, 'customers.csv'));
      expect(r.preset).toBe('rapport-customers');
      const [c] = await customers(fresh.auth);
      const back = await full(fresh.auth, c?.id ?? '');
      expect(back).toMatchObject({
        name: '=HYPERLINK("http://evil.example")',
        needs: '-5 degrees please',
        jobTitle: '＝SUM(A1)',
        tags: ['@home'],
      });
      expect(back.phones[0].number).toBe('+234 803 123 4567');
      // and re-importing into the workspace it came from changes nothing
      const same = await run(w.workspaceId, path.join(dir, 'customers.csv'));
      expect(same.counts.customers).toEqual({ created: 0, updated: 0, unchanged: 1 });
    });
  });
}

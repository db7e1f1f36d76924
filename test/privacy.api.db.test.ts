import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIRECT_TABLES, INDIRECT_TABLES, NOT_EXPORTED } from '../src/modules/privacy/index.ts';
import { DIALECTS, startTestApp, type TestApp } from './kit.ts';

/**
 * Privacy (issue 19, J4): a subject access export holds the customer's rows from every table and nothing of
 * anyone else; an erasure removes their personal data everywhere, keeps the orders (and the revenue) without
 * them, is audited without the personal data, and a later import row, call or API create with their phone or
 * email is noticed.
 */
for (const dialect of DIALECTS) {
  describe(`privacy (${dialect})`, () => {
    let t: TestApp;
    let auth: { authorization: string };
    let ws: string;
    beforeAll(async () => {
      t = await startTestApp(dialect, { env: { RAPPORT_SMTP_URL: 'smtp://127.0.0.1:1' } });
      ({ auth, workspaceId: ws } = await t.newWorkspace({ name: 'Sweet Spot' }));
      await ok('PUT', '/api/v1/outreach/settings', { fromEmail: 'hi@sweet.example' });
    });
    afterAll(() => t.closeAll());
    const req = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
      t.app.inject({ method, url, headers: auth, ...(payload && { payload }) });
    const ok = async (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) => {
      const r = await req(method, url, payload);
      expect(r.statusCode, r.body).toBeLessThan(300);
      return r.json();
    };
    const db = () => t.conn.db;

    /** A customer with a row in every table that can refer to one. */
    async function seed(name: string, phone: string, email: string) {
      const c = await ok('POST', '/api/v1/customers', {
        name,
        phones: [{ number: phone }],
        emails: [{ address: email }],
        tags: ['vip'],
        needs: `${name} likes lemon`,
        consent: { marketing: true, source: 'counter' },
      });
      const id = c.id as string;
      await ok('PUT', `/api/v1/customers/${id}/consents`, {
        channel: 'email',
        purpose: 'marketing',
        granted: true,
        source: 'counter',
      });
      await ok('POST', `/api/v1/customers/${id}/interactions`, {
        kind: 'note',
        body: `${name} called about cake`,
      });
      const order = await ok('POST', '/api/v1/orders', {
        customerId: id,
        lines: [{ name: 'Cake', unitPrice: 12_500 }],
      });
      await ok('POST', `/api/v1/orders/${order.id}/refunds`, { amount: 500, reason: 'Late' });
      await ok('POST', '/api/v1/complaints', {
        customerId: id,
        channel: 'phone',
        words: 'Late',
        severity: 'high',
      });
      await ok('POST', '/api/v1/enquiries', {
        customerId: id,
        kind: 'quote',
        channel: 'email',
        body: 'Price?',
      });
      await ok('POST', `/api/v1/customers/${id}/messages`, {
        channel: 'email',
        purpose: 'service',
        subject: 'Your cake',
        body: 'Hi',
      });
      await ok('POST', `/api/v1/customers/${id}/reviews`, {
        platform: 'Google',
        stars: 5,
        reviewedOn: '2026-04-20',
      });
      await ok('POST', '/api/v1/promises', { customerId: id, what: 'Call back', dueAt: '2099-01-02' });
      await ok('POST', `/api/v1/customers/${id}/occasions`, { label: 'Name day', date: '--09-29' });
      const ev = await ok('POST', '/api/v1/events', {
        title: 'Tasting',
        startsAt: '2099-03-01T18:00',
      });
      const now = new Date().toISOString();
      const base = { workspace_id: ws, customer_id: id };
      await db()
        .insertInto('event_invitations')
        .values({
          ...base,
          id: `inv-${id}`,
          event_id: ev.id,
          token_hash: `ih-${id}`,
          answer: 'pending',
          guests: 0,
          seats: 0,
          channel: 'email',
          created_at: now,
        })
        .execute();
      await db()
        .insertInto('customer_external_ids')
        .values({ ...base, source: 'shopify', external_id: `x-${id}` })
        .execute();
      await db()
        .insertInto('survey_answers')
        .values({
          ...base,
          id: `sa-${id}`,
          token_hash: `sh-${id}`,
          kind: 'nps',
          score: 9,
          text: `${name} loves it`,
          created_at: now,
        })
        .execute();
      await db()
        .insertInto('public_tokens')
        .values({
          ...base,
          token_hash: `ph-${id}`,
          purpose: 'message',
          expires_at: '2099-01-01',
          created_at: now,
        })
        .execute();
      await db()
        .insertInto('customer_predictions')
        .values({
          ...base,
          run_id: 'run-1',
          purchases: 1,
          total_spent: 12_500,
          first_purchase_on: '2026-01-01',
          last_purchase_on: '2026-01-01',
          p_alive: 0.5,
          expected_30: null,
          expected_90: null,
          expected_365: null,
          p_buy_30: null,
          p_buy_90: null,
          expected_next_purchase_on: null,
          expected_spend: null,
          clv_12m: null,
          value_at_stake: 0,
          rfm_r: 1,
          rfm_f: 1,
          rfm_m: 1,
          segment: 'new',
          lifecycle_stage: 'new',
          trend: 'flat',
          trend_slope: 0,
          overdue_days: 0,
          explanation: '',
        })
        .execute();
      await db()
        .insertInto('prediction_lists')
        .values({ ...base, run_id: 'run-1', list: 'at_risk', position: Math.floor(Math.random() * 1e6) })
        .execute();
      await db()
        .insertInto('suppressions')
        .values({
          workspace_id: ws,
          channel: 'email',
          address: email,
          scope: 'marketing',
          reason: 'unsubscribe',
          source: null,
          created_at: now,
        })
        .execute();
      return { id, orderId: order.id as string };
    }

    it('covers every table with a customer column, read from the schema', async () => {
      const tables =
        dialect === 'sqlite'
          ? (
              await sql<{ name: string; col: string }>`select m.name as name, p.name as col
                from sqlite_master m join pragma_table_info(m.name) p where m.type = 'table'`.execute(db())
            ).rows
          : (
              await sql<{ name: string; col: string }>`select table_name as name, column_name as col
                from information_schema.columns where table_schema = current_schema()`.execute(db())
            ).rows;
      const withCustomer = new Set(
        tables.filter((r) => ['customer_id', 'customer_a', 'customer_b'].includes(r.col)).map((r) => r.name),
      );
      expect(withCustomer.size).toBeGreaterThan(15);
      const covered = new Set([
        ...Object.keys(DIRECT_TABLES),
        ...Object.keys(INDIRECT_TABLES),
        ...Object.keys(NOT_EXPORTED),
      ]);
      expect([...withCustomer].filter((name) => !covered.has(name))).toEqual([]);
    });

    // tables merged in after this test's seed was written (loyalty, phone systems, referrals): exported, not seeded yet
    const NOT_SEEDED = new Set([
      'loyalty_accounts',
      'loyalty_entries',
      'vouchers',
      'voucher_redemptions',
      'valued_customers',
      'phone_calls',
      'referral_codes',
      'business_profiles',
    ]);
    it('exports one customer from every table, and nothing of another', async () => {
      const a = await seed('Amara Export', '0803 100 0001', 'amara@example.com');
      await seed('Bola Other', '0803 100 0002', 'bola@example.com');
      const res = await req('GET', `/api/v1/customers/${a.id}/data-export`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('application/json');
      expect(res.headers['content-disposition']).toContain('attachment');
      const x = res.json();
      expect(x.customer).toMatchObject({ id: a.id, name: 'Amara Export' });
      const empty = Object.keys({ ...DIRECT_TABLES, ...INDIRECT_TABLES }).filter(
        (tb) => tb !== 'duplicate_dismissals' && !NOT_SEEDED.has(tb) && !x.tables[tb]?.length,
      );
      expect(empty).toEqual([]);
      expect(res.body).not.toContain('Bola');
      expect(res.body).not.toContain('bola@example.com');
      expect(res.body).not.toContain('token_hash');
      const html = await req('GET', `/api/v1/customers/${a.id}/data-export?format=html`);
      expect(html.headers['content-type']).toContain('text/html');
      expect(html.body).toContain('Data held on Amara Export');
      expect(html.body).toContain('amara@example.com');
      expect(html.body).not.toContain('<script');
      // escaped: a name with markup is shown as text
      const evil = await ok('POST', '/api/v1/customers', { name: '<img src=x onerror=alert(1)>' });
      const page = await req('GET', `/api/v1/customers/${evil.id}/data-export?format=html`);
      expect(page.body).not.toContain('<img src=x');
      expect(page.body).toContain('&lt;img src=x');
      const other = await t.newWorkspace();
      const hidden = await t.app.inject({
        method: 'GET',
        url: `/api/v1/customers/${a.id}/data-export`,
        headers: other.auth,
      });
      expect(hidden.statusCode).toBe(404);
    });

    it('erases a customer everywhere, keeps the revenue, and notices them coming back', async () => {
      const e = await seed('Zainab Erase', '0803 200 0001', 'zainab@example.com');
      const keep = await seed('Kemi Keep', '0803 200 0002', 'kemi@example.com');
      const revenue = async () =>
        (
          await db()
            .selectFrom('orders')
            .select(['total', 'refunded'])
            .where('workspace_id', '=', ws)
            .execute()
        )
          .map((o) => Number(o.total) - Number(o.refunded))
          .reduce((s, v) => s + v, 0);
      const before = await revenue();
      const staff = await ok('POST', '/api/v1/users', {
        email: 'staff@example.com',
        password: 'correct horse',
        role: 'staff',
      });
      expect(staff.id).toBeTruthy();
      // a call the phone system reported from her number, and a gift voucher issued to her
      await t.services.phones.pbxEvent(ws, {
        event: 'missed',
        uniqueid: 'erase-1',
        caller: '+2348032000001',
      });
      const voucher = await ok('POST', '/api/v1/vouchers', { value: 5000, customerId: e.id });
      const noReason = await req('POST', `/api/v1/customers/${e.id}/erase`, { reason: '' });
      expect(noReason.statusCode).toBe(400);
      const r = await ok('POST', `/api/v1/customers/${e.id}/erase`, { reason: 'Asked by email' });
      expect(r).toMatchObject({ customerId: e.id, counts: { orders: 1 } });
      expect((await req('POST', `/api/v1/customers/${e.id}/erase`, { reason: 'again' })).statusCode).toBe(
        404,
      );

      // nothing personal is left anywhere in the database
      const dump = JSON.stringify(
        await Promise.all(
          [
            'customers',
            'customer_phones',
            'customer_emails',
            'customer_tokens',
            'customer_vocab',
            'interactions',
            'messages',
            'survey_answers',
            'public_tokens',
            'suppressions',
            'audit_log',
            'orders',
            'complaints',
            'enquiries',
            'promises',
            'reviews',
            'customer_occasions',
            'event_invitations',
            'consents',
            'customer_predictions',
            'prediction_lists',
            'customer_external_ids',
            'phone_calls',
            'erasures',
            'erased_identities',
          ].map((tb) => sql`select * from ${sql.table(tb)}`.execute(db()).then((x) => x.rows)),
        ),
      );
      const left = ['Zainab', 'zainab', '0803 200 0001', '+2348032000001'].filter((w) => dump.includes(w));
      expect(left).toEqual([]);
      expect(dump).toContain('Kemi'); // the other customer is untouched
      // the voucher keeps its value (whoever holds the code may spend it), no longer hers
      const v = await db()
        .selectFrom('vouchers')
        .select(['customer_id', 'value'])
        .where('workspace_id', '=', ws)
        .where('id', '=', voucher.id)
        .executeTakeFirstOrThrow();
      expect(v).toMatchObject({ customer_id: null });
      expect(Number(v.value)).toBe(5000);
      expect((await ok('GET', '/api/v1/customers?q=Zainab')).items).toEqual([]);
      expect((await ok('GET', '/api/v1/customers?q=08032000001')).items).toEqual([]);
      // the order stays for the books, without them; revenue unchanged
      const order = await db()
        .selectFrom('orders')
        .selectAll()
        .where('id', '=', e.orderId)
        .executeTakeFirstOrThrow();
      expect(order).toMatchObject({ customer_id: null, customer_erased: 1 });
      expect(await revenue()).toBe(before);
      expect((await ok('GET', `/api/v1/customers/${keep.id}`)).name).toBe('Kemi Keep');

      // audited: the erasure with its reason, earlier entries about them without their data
      const audit = await db().selectFrom('audit_log').selectAll().where('entity_id', '=', e.id).execute();
      const erase = audit.find((a) => a.action === 'erase');
      expect(erase?.data).toContain('Asked by email');
      expect(audit.filter((a) => a.action !== 'erase').every((a) => a.data === null)).toBe(true);

      // coming back: an API create, an import row and a call are noticed
      const create = await req('POST', '/api/v1/customers', {
        name: 'Z',
        emails: [{ address: 'Zainab@Example.com' }],
      });
      expect(create.statusCode).toBe(409);
      expect(create.json()).toMatchObject({ code: 'CUSTOMER_ERASED' });
      expect(create.json().detail ?? create.json().title ?? create.body).toMatch(/erased/);
      const back = await req('POST', '/api/v1/customers', {
        name: 'Zainab Again',
        phones: [{ number: '0803 200 0001' }],
        recreateErased: true,
      });
      expect(back.statusCode).toBe(201);
      await ok('POST', `/api/v1/customers/${back.json().id}/erase`, { reason: 'Asked again' });
      const call = await ok('POST', '/api/v1/calls', { from: '0803 200 0001' });
      expect(call.customer).toBeNull();
      expect(call.erased).toMatch(/erased on/);
      const imp = await t.app.inject({
        method: 'POST',
        url: '/api/v1/imports',
        headers: { ...auth, 'content-type': 'text/csv' },
        payload: 'Name,Email,Phone\nZee Import,zainab@example.com,\nNew Person,new@example.com,\n',
      });
      expect(imp.statusCode, imp.body).toBeLessThan(300);
      let run = imp.json();
      while (run.status === 'running') {
        await new Promise((r) => setTimeout(r, 50));
        run = await ok('GET', `/api/v1/imports/${run.id}`);
      }
      expect(run.counts).toMatchObject({ customers: { created: 1 }, rejected: 1 });
      const notes = await ok('GET', `/api/v1/imports/${run.id}/notes?kind=rejected`);
      expect(notes.items).toEqual([{ line: 2, kind: 'rejected', reason: expect.stringMatching(/erased/) }]);
      expect((await ok('GET', '/api/v1/customers?q=Zee')).items).toEqual([]);
      expect((await ok('GET', '/api/v1/customers?q=New Person')).items).toHaveLength(1);
    });

    it('lets only an owner or an admin key erase', async () => {
      const c = await ok('POST', '/api/v1/customers', { name: 'Protected Person' });
      const key = await ok('POST', '/api/v1/api-keys', { name: 'writer', scopes: ['read', 'write'] });
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/v1/customers/${c.id}/erase`,
        headers: { authorization: `Bearer ${key.key ?? key.secret}` },
        payload: { reason: 'no' },
      });
      expect(res.statusCode).toBe(403);
    });
  });
}

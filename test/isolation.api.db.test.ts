import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startTestApp, type TestApp } from './kit.ts';

/**
 * Every route that takes an id, called with another workspace's key, must answer 404 — never the data,
 * never 403 — and must change nothing. The route list comes from the OpenAPI document, so a new route
 * is swept without editing this test.
 */
/** A body that passes validation, so the sweep reaches the lookup by id. */
const VALID_BODIES: Record<string, object> = {
  'patch /api/v1/customers/{id}': { name: 'Hijack' },
  'post /api/v1/customers/{id}/interactions': { kind: 'note', body: 'hijack' },
  'post /api/v1/orders/{id}/refunds': { amount: 1, reason: 'hijack' },
  'post /api/v1/customers/{id}/merge': { otherId: 'someone-of-mine' },
  // complaints and enquiries
  'patch /api/v1/complaints/{id}': { paraphrase: 'hijack' },
  'post /api/v1/complaints/{id}/transfer': { toUserId: 'someone', reason: 'hijack' },
  'post /api/v1/complaints/{id}/respond': { note: 'hijack' },
  'post /api/v1/complaints/{id}/offer': { options: [{ kind: 'apology' }] },
  'post /api/v1/complaints/{id}/resolve': { summary: 'hijack', apologized: true },
  'post /api/v1/complaints/{id}/close': { customerConfirmed: true },
  'post /api/v1/complaints/{id}/reopen': { reason: 'hijack' },
  'post /api/v1/complaints/{id}/follow-up': { outcome: 'unhappy' },
  'post /api/v1/enquiries/{id}/respond': { note: 'hijack' },
  'post /api/v1/enquiries/{id}/outcome': { outcome: 'won' },
  'post /api/v1/phone-calls/{id}/call-back': { note: 'hijack' },
  'post /api/v1/enquiries/{id}/transfer': { toUserId: 'someone' },
  'put /api/v1/imports/mappings/{id}': { name: 'Hijack', columns: { Name: 'name' } },
  'patch /api/v1/products/{id}': { name: 'Hijack' },
  'patch /api/v1/interactions/{id}': { body: 'hijack' },
  'post /api/v1/calls/{id}/claim': { customerId: 'someone-of-mine' },
  // outreach
  'put /api/v1/customers/{id}/consents': {
    channel: 'email',
    purpose: 'marketing',
    granted: true,
    source: 'hijack',
  },
  'post /api/v1/customers/{id}/messages': { channel: 'sms', purpose: 'service', body: 'hijack' },
  'patch /api/v1/message-templates/{id}': { name: 'Hijack' },
  'post /api/v1/customers/{id}/reviews': { platform: 'Hijack', stars: 1, reviewedOn: '2026-01-01' },
  // promises (issue 17)
  'post /api/v1/promises/{id}/reschedule': { dueAt: '2099-01-01' },
  // occasions and events
  'post /api/v1/customers/{id}/occasions': { label: 'Hijack', date: '--01-01' },
  'patch /api/v1/events/{id}': { title: 'Hijack' },
  'post /api/v1/events/{id}/invite': { audience: { kind: 'all' } },
  'post /api/v1/events/{id}/checkin': { invitationId: 'someone' },
  // loyalty (issue 18)
  'post /api/v1/customers/{id}/loyalty/redeem': { points: 1 },
  'put /api/v1/valued/{id}': { perks: 'hijack' },
  // webhooks
  'patch /api/v1/webhooks/{id}': { url: 'https://203.0.113.10/hijack', enabled: false },
  // privacy (issue 19)
  'post /api/v1/customers/{id}/erase': { reason: 'hijack' },
  // referrals and introductions (issue 20)
  'post /api/v1/customers/{id}/referrer': { referrer: 'someone-of-mine' },
  'put /api/v1/customers/{id}/business': { offers: ['hijack'] },
  'post /api/v1/introductions/{id}/consent': { customerId: 'someone', answer: 'yes' },
  'put /api/v1/introductions/{id}/value': { value: 1 },
};

for (const dialect of DIALECTS) {
  describe(`workspace isolation sweep (${dialect})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp(dialect);
    });
    afterAll(() => t.closeAll());

    it('answers 404 for every id of another workspace, on every route', async () => {
      const a = await t.newWorkspace();
      const b = await t.newWorkspace();
      const customer = (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/customers',
          headers: a.auth,
          payload: { name: 'Private Person', phones: [{ number: '0803 999 8888' }] },
        })
      ).json();
      const note = (
        await t.app.inject({
          method: 'POST',
          url: `/api/v1/customers/${customer.id}/interactions`,
          headers: a.auth,
          payload: { kind: 'note', body: 'secret' },
        })
      ).json();
      const keyId = (await t.app.inject({ method: 'GET', url: '/api/v1/api-keys', headers: a.auth })).json()
        .items[0].id;
      const order = (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/orders',
          headers: a.auth,
          payload: { customerId: customer.id, lines: [{ name: 'Bread', unitPrice: 100 }] },
        })
      ).json();
      // complaints and enquiries sit on another customer of A, so A's first timeline stays as asserted below
      const complainer = (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/customers',
          headers: a.auth,
          payload: { name: 'Complainer' },
        })
      ).json().id;
      const complaint = (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/complaints',
          headers: a.auth,
          payload: { customerId: complainer, channel: 'phone', words: 'secret words', severity: 'high' },
        })
      ).json();
      const enquiry = (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/enquiries',
          headers: a.auth,
          payload: { customerId: complainer, kind: 'quote', channel: 'email', body: 'secret quote' },
        })
      ).json();
      await t.app.inject({
        method: 'PUT',
        url: '/api/v1/outreach/settings',
        headers: a.auth,
        payload: {
          sms: {
            provider: 'twilio',
            accountSid: `AC${'0'.repeat(32)}`,
            authToken: 'iso-token-123',
            from: '+15005550006',
          },
        },
      });
      const ids: Record<string, string> = {
        promises: (
          await t.app.inject({
            method: 'POST',
            url: '/api/v1/promises',
            headers: a.auth,
            payload: { customerId: complainer, what: 'Private Person promise', dueAt: '2099-01-01' },
          })
        ).json().id,
        complaints: complaint.id,
        enquiries: enquiry.id,
        customers: customer.id,
        'api-keys': keyId,
        users: a.ownerId,
        orders: order.id,
        vouchers: (
          await t.app.inject({
            method: 'POST',
            url: '/api/v1/vouchers',
            headers: a.auth,
            payload: { value: 100 },
          })
        ).json().id,
        valued: (
          await t.app.inject({
            method: 'PUT',
            url: `/api/v1/valued/${customer.id}`,
            headers: a.auth,
            payload: { perks: 'Private perks' },
          })
        ).json().customerId,
        interactions: note.id,
        products: (
          await t.app.inject({
            method: 'POST',
            url: '/api/v1/products',
            headers: a.auth,
            payload: { name: 'Private product', price: 100 },
          })
        ).json().id,
        calls: (
          await t.app.inject({
            method: 'POST',
            url: '/api/v1/calls',
            headers: a.auth,
            payload: { from: '0701 555 0000' },
          })
        ).json().interaction.id,
        imports: (
          await t.app.inject({
            method: 'POST',
            url: '/api/v1/imports',
            headers: { ...a.auth, 'content-type': 'text/csv' },
            payload: 'Name,Phone\nImported Person,0803 777 0000\n',
          })
        ).json().id,
        'message-templates': (
          await t.app.inject({
            method: 'POST',
            url: '/api/v1/message-templates',
            headers: a.auth,
            payload: { name: 'Private template', channel: 'sms', purpose: 'service', body: 'Private Person' },
          })
        ).json().id,
        campaigns: (
          await t.app.inject({
            method: 'POST',
            url: '/api/v1/campaigns',
            headers: a.auth,
            payload: {
              name: 'Private campaign',
              audience: { kind: 'all' },
              channel: 'sms',
              purpose: 'service',
              body: 'Private Person',
            },
          })
        ).json().id,
        messages: (
          await t.app.inject({
            method: 'POST',
            url: '/api/v1/messages/test',
            headers: a.auth,
            payload: { channel: 'sms', purpose: 'service', body: 'Private Person', to: '+2348031234567' },
          })
        ).json().id,
        events: (
          await t.app.inject({
            method: 'POST',
            url: '/api/v1/events',
            headers: a.auth,
            payload: { title: 'Private Person party', startsAt: '2099-01-01T19:00' },
          })
        ).json().id,
        webhooks: (
          await t.app.inject({
            method: 'POST',
            url: '/api/v1/webhooks',
            headers: a.auth,
            payload: { url: 'https://203.0.113.10/private', description: 'Private Person hook' },
          })
        ).json().id,
        'phone-calls': (
          await (async () => {
            await t.app.inject({
              method: 'POST',
              url: '/api/v1/customers',
              headers: a.auth,
              payload: { name: 'Private Person', phones: [{ number: '+2348031119999' }] },
            });
            return t.services.phones.pbxEvent(a.workspaceId, {
              event: 'missed',
              uniqueid: 'isolation-1',
              caller: '+2348031119999',
            });
          })()
        ).id,
        introductions: await (async () => {
          const biz = async (name: string) =>
            (
              await t.app.inject({
                method: 'POST',
                url: '/api/v1/customers',
                headers: a.auth,
                payload: { name },
              })
            ).json().id as string;
          return (
            await t.app.inject({
              method: 'POST',
              url: '/api/v1/introductions',
              headers: a.auth,
              payload: {
                needsId: await biz('Biz One'),
                offersId: await biz('Biz Two'),
                reason: 'Private Person',
              },
            })
          ).json().id as string;
        })(),
        'imports/mappings': (
          await t.app.inject({
            method: 'POST',
            url: '/api/v1/imports/mappings',
            headers: a.auth,
            payload: { name: 'Private mapping', columns: { Name: 'name' } },
          })
        ).json().id,
      };

      const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
        paths: Record<string, Record<string, unknown>>;
      };
      const swept: string[] = [];
      for (const [path, ops] of Object.entries(doc.paths)) {
        if (!path.includes('{id}')) continue;
        const resource = path.split('/')[3] ?? '';
        // a sub-resource's own ids where it has them (e.g. imports/mappings/{id})
        const id = ids[path.split('/').slice(3, 5).join('/')] ?? ids[resource];
        expect(id, `the sweep needs an id for /${resource}: add one above`).toBeDefined();
        for (const method of Object.keys(ops)) {
          const url = path.replace('{id}', id as string);
          const payload =
            method === 'get' || method === 'delete' ? undefined : (VALID_BODIES[`${method} ${path}`] ?? {});
          const res = await t.app.inject({
            method: method.toUpperCase() as 'GET',
            url,
            headers: b.auth,
            ...(payload && { payload }),
          });
          expect(res.statusCode, `${method.toUpperCase()} ${path}`).toBe(404);
          expect(res.body).not.toContain('Private Person');
          swept.push(`${method} ${path}`);
        }
      }
      expect(swept.length).toBeGreaterThanOrEqual(8);

      // lists and lookups never show the other workspace's data
      expect(
        (await t.app.inject({ method: 'GET', url: '/api/v1/customers?q=private', headers: b.auth })).json()
          .items,
      ).toEqual([]);
      expect(
        (await t.app.inject({ method: 'GET', url: '/api/v1/lookup?phone=08039998888', headers: b.auth }))
          .statusCode,
      ).toBe(404);
      const call = (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/calls',
          headers: b.auth,
          payload: { from: '0803 999 8888' },
        })
      ).json();
      expect(call.customer).toBeNull();

      // and nothing of A changed
      const after = (
        await t.app.inject({ method: 'GET', url: `/api/v1/customers/${customer.id}`, headers: a.auth })
      ).json();
      expect(after.name).toBe('Private Person');
      expect(
        (await t.app.inject({ method: 'GET', url: '/api/v1/valued', headers: a.auth })).json().items,
      ).toMatchObject([{ customerId: customer.id, perks: 'Private perks' }]);
      expect(
        (await t.app.inject({ method: 'GET', url: '/api/v1/vouchers', headers: a.auth })).json().items,
      ).toMatchObject([{ status: 'active' }]);
      expect(
        (await t.app.inject({ method: 'GET', url: '/api/v1/webhooks', headers: a.auth })).json().items,
      ).toMatchObject([{ url: 'https://203.0.113.10/private', enabled: true }]);
      expect(
        (await t.app.inject({ method: 'GET', url: '/api/v1/imports/mappings', headers: a.auth })).json()
          .items,
      ).toMatchObject([{ name: 'Private mapping', columns: { Name: 'name' } }]);
      const timeline = (
        await t.app.inject({
          method: 'GET',
          url: `/api/v1/customers/${customer.id}/timeline`,
          headers: a.auth,
        })
      ).json();
      expect(timeline.items.map((i: { kind: string }) => i.kind).sort()).toEqual(['note', 'order']);
      expect(JSON.stringify(timeline)).not.toContain('hijack');
      const c = (
        await t.app.inject({ method: 'GET', url: `/api/v1/complaints/${complaint.id}`, headers: a.auth })
      ).json();
      expect(c).toMatchObject({ status: 'open', paraphrase: null, ownerId: a.ownerId });
      expect(c.history).toHaveLength(1);
      const e = (
        await t.app.inject({ method: 'GET', url: `/api/v1/enquiries/${enquiry.id}`, headers: a.auth })
      ).json();
      expect(e).toMatchObject({ status: 'waiting', ownerId: a.ownerId });
      // the scorecard: B's targets never touch A's, and A's customers never stand behind B's figures
      await t.app.inject({
        method: 'PUT',
        url: '/api/v1/scorecard/targets',
        headers: a.auth,
        payload: { targets: { nps: 40 } },
      });
      await t.app.inject({
        method: 'PUT',
        url: '/api/v1/scorecard/targets',
        headers: b.auth,
        payload: { targets: { nps: 10 } },
      });
      expect(
        (await t.app.inject({ method: 'GET', url: '/api/v1/scorecard/targets', headers: a.auth })).json(),
      ).toEqual({ targets: { nps: 40 } });
      for (const m of ['firstResponse', 'resolveTime', 'withEmail'])
        expect(
          (
            await t.app.inject({ method: 'GET', url: `/api/v1/scorecard/${m}/customers`, headers: b.auth })
          ).json().items,
        ).toEqual([]);
      // grow: B's profitability rates never touch A's; A's customers are not in B's figures
      await t.app.inject({
        method: 'PUT',
        url: '/api/v1/analytics/profitability/settings',
        headers: b.auth,
        payload: { hourlyRate: 999 },
      });
      expect(
        (
          await t.app.inject({
            method: 'GET',
            url: '/api/v1/analytics/profitability/settings',
            headers: a.auth,
          })
        ).json().hourlyRate,
      ).toBe(0);
      expect(
        (
          await t.app.inject({ method: 'GET', url: '/api/v1/analytics/profitability', headers: b.auth })
        ).json().most,
      ).toEqual([]);
      for (const list of ['/api/v1/complaints?status=all', '/api/v1/enquiries?state=all'])
        expect((await t.app.inject({ method: 'GET', url: list, headers: b.auth })).json().items).toEqual([]);
    });
  });
}

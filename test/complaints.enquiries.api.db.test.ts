import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startTestApp, type TestApp } from './kit.ts';

for (const dialect of DIALECTS) {
  describe(`enquiries API (${dialect})`, () => {
    let t: TestApp;
    let auth: { authorization: string };
    let ownerId: string;
    const post = (url: string, payload: object = {}) =>
      t.app.inject({ method: 'POST', url, headers: auth, payload });
    const get = (url: string) => t.app.inject({ method: 'GET', url, headers: auth });

    beforeAll(async () => {
      t = await startTestApp(dialect);
      ({ auth, ownerId } = await t.newWorkspace());
    });
    afterAll(() => t.closeAll());

    it('logs an enquiry from a new contact, answers it, records the outcome', async () => {
      const created = await post('/api/v1/enquiries', {
        contact: { name: 'Ngozi Adeyemi', phone: '0809 123 4567' },
        kind: 'booking',
        channel: 'whatsapp',
        body: 'Can I book a fitting on Saturday?',
      });
      expect(created.statusCode, created.body).toBe(201);
      const e = created.json();
      expect(e).toMatchObject({ status: 'waiting', ownerId, customerName: 'Ngozi Adeyemi', slaState: 'ok' });
      expect(e.firstResponse.dueAt > e.receivedAt).toBe(true);
      const customer = (await get(`/api/v1/customers/${e.customerId}`)).json();
      expect(customer.phones[0].e164).toBe('+2348091234567');
      expect((await get(`/api/v1/customers/${e.customerId}/card`)).json().openItems.enquiries).toBe(1);

      const early = await post(`/api/v1/enquiries/${e.id}/outcome`, { outcome: 'won' });
      expect(early.statusCode).toBe(409);
      expect(early.json().code).toBe('ENQUIRY_NOT_ANSWERED');
      const answered = await post(`/api/v1/enquiries/${e.id}/respond`, {
        note: 'Yes, 11am',
        channel: 'whatsapp',
      });
      expect(answered.json()).toMatchObject({ status: 'answered', firstResponse: { state: 'met' } });
      const won = await post(`/api/v1/enquiries/${e.id}/outcome`, { outcome: 'won', value: 1_500_000 });
      expect(won.json()).toMatchObject({ status: 'won', value: 1_500_000 });
      expect((await post(`/api/v1/enquiries/${e.id}/outcome`, { outcome: 'lost' })).json().code).toBe(
        'ENQUIRY_CLOSED',
      );

      const timeline = (await get(`/api/v1/customers/${e.customerId}/timeline`)).json();
      expect(timeline.items.map((i: { kind: string }) => i.kind)).toEqual(['enquiry', 'enquiry', 'enquiry']);
    });

    it('validates, filters the inbox and pages it', async () => {
      const none = await post('/api/v1/enquiries', {
        kind: 'question',
        channel: 'phone',
        body: 'Open on Sunday?',
      });
      expect(none.statusCode).toBe(400);
      expect(none.json()).toMatchObject({ code: 'ENQUIRY_NO_CUSTOMER', pointer: '/body/customerId' });
      expect(
        (await post('/api/v1/enquiries', { kind: 'gossip', channel: 'phone', body: 'x' })).statusCode,
      ).toBe(400);
      const customerId = (await post('/api/v1/customers', { name: 'Tunde' })).json().id;
      const ids: string[] = [];
      for (const [i, kind] of ['question', 'quote', 'booking'].entries())
        ids.push(
          (
            await post('/api/v1/enquiries', {
              customerId,
              kind,
              channel: 'email',
              body: `enquiry ${i}`,
              receivedAt: new Date(Date.now() - (3 - i) * 60_000).toISOString(),
            })
          ).json().id,
        );
      const quotes = (await get(`/api/v1/enquiries?kind=quote&customerId=${customerId}`)).json();
      expect(quotes.items.map((e: { id: string }) => e.id)).toEqual([ids[1]]);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { items: { id: string }[]; nextCursor: string | null } = (
          await get(
            `/api/v1/enquiries?state=waiting&customerId=${customerId}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
          )
        ).json();
        seen.push(...page.items.map((e) => e.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(ids); // soonest deadline first
      const staff = (
        await post('/api/v1/users', { email: 'bisi@example.com', name: 'Bisi', password: 'correct horse' })
      ).json();
      const moved = await post(`/api/v1/enquiries/${ids[0]}/transfer`, {
        toUserId: staff.id,
        reason: 'She quotes',
      });
      expect(moved.json()).toMatchObject({ ownerId: staff.id, ownerName: 'Bisi' });
      expect((await post(`/api/v1/enquiries/${ids[0]}/transfer`, { toUserId: staff.id })).json().code).toBe(
        'ENQUIRY_TRANSFER_SAME_OWNER',
      );
      expect((await get(`/api/v1/enquiries?ownerId=${staff.id}`)).json().items).toHaveLength(1);
    });
  });
}

import { afterAll, describe, expect, it } from 'vitest';
import { createServices } from '../src/app.ts';
import { createMemoryBus } from '../src/platform/events/bus.ts';
import type { Actor } from '../src/platform/http/actor.ts';
import { DIALECTS, freshDb } from './kit.ts';

/** The app's clock (buildApp/createServices `clock`) is the one complaints and enquiries run on. */
for (const dialect of DIALECTS) {
  describe(`the composed services' clock (${dialect})`, () => {
    const closers: (() => Promise<void>)[] = [];
    afterAll(async () => {
      for (const c of closers) await c();
    });

    it('starts complaint and enquiry timers at the injected time, and lands follow-ups by it', async () => {
      const conn = await freshDb(dialect);
      closers.push(() => conn.close());
      let now = new Date('2026-03-06T15:00:00Z'); // Friday 16:00 in Lagos
      const s = createServices(conn, createMemoryBus(), { sessionDays: 30 }, { clock: () => now });
      const ws = (
        await s.workspaces.createWorkspace({
          name: 'Lagos Bakery',
          timezone: 'Africa/Lagos',
          currency: 'NGN',
          region: 'NG',
        })
      ).id;
      const user = await s.access.createUser(
        ws,
        { email: 'ada@example.com', name: 'Ada', password: 'correct horse', role: 'owner' },
        'test',
      );
      const actor: Actor = {
        workspaceId: ws,
        kind: 'user',
        id: user.id,
        scopes: new Set(['read', 'write', 'admin']),
        role: 'owner',
      };
      const customerId = (await s.customers.createCustomer(ws, { name: 'Mrs Bello' }, 'test')).id;
      const c = await s.complaints.createComplaint(
        ws,
        { customerId, channel: 'phone', words: 'Stale bread', severity: 'high', paraphrase: 'Stale bread' },
        actor,
      );
      expect(c.receivedAt).toBe('2026-03-06T15:00:00.000Z');
      expect(c.sla.firstResponse.dueAt).toBe('2026-03-09T11:00:00.000Z'); // Monday 12:00 Lagos
      const e = await s.enquiries.createEnquiry(
        ws,
        { customerId, kind: 'question', channel: 'phone', body: 'Open on Sunday?' },
        actor,
      );
      expect(e.receivedAt).toBe('2026-03-06T15:00:00.000Z');

      await s.complaints.offerOnComplaint(
        ws,
        c.id,
        { options: [{ kind: 'replace', detail: 'Fresh loaf' }], choice: 0 },
        actor,
      );
      await s.complaints.resolveComplaint(ws, c.id, { summary: 'Fresh loaf given', apologized: true }, actor);
      const queue = () => s.complaints.listComplaints(ws, { followUpDue: 'true' });
      expect((await queue()).items).toHaveLength(0);
      now = new Date('2026-03-10T15:00:00Z'); // four days on: past the 3-day follow-up
      expect((await queue()).items.map((x) => x.id)).toEqual([c.id]);
    });
  });
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../src/app.ts';
import { createComplaintService, spendToDate } from '../src/modules/complaints/index.ts';
import { createEnquiryService } from '../src/modules/enquiries/index.ts';
import { createMemoryBus } from '../src/platform/events/bus.ts';
import type { Actor } from '../src/platform/http/actor.ts';
import { DIALECTS, freshDb } from './kit.ts';

/**
 * SLA timers against a clock the test moves: deadlines in business time of the workspace's zone, warnings
 * before a breach, breaches, the follow-up landing in the owner's queue, the surge indicator, enquiry timers.
 */
for (const dialect of DIALECTS) {
  describe(`complaint and enquiry timers with an injected clock (${dialect})`, () => {
    let conn: Awaited<ReturnType<typeof freshDb>>;
    let now = new Date('2026-03-06T16:30:00Z');
    const clock = () => now;
    const at = (iso: string) => {
      now = new Date(iso);
    };
    let complaints: ReturnType<typeof createComplaintService>;
    let enquiries: ReturnType<typeof createEnquiryService>;
    let services: ReturnType<typeof createServices>;
    let actor: Actor;
    let ws: string;
    let customerId: string;

    beforeAll(async () => {
      conn = await freshDb(dialect);
      services = createServices(conn, createMemoryBus(), { sessionDays: 30 });
      const s = services;
      complaints = createComplaintService({
        db: conn.db,
        workspaces: s.workspaces,
        customers: s.customers,
        timeline: s.timeline,
        valueOf: async (w, id) => spendToDate(await s.orders.getPurchaseSummary(w, id)),
        clock,
      });
      enquiries = createEnquiryService({
        db: conn.db,
        customers: s.customers,
        timeline: s.timeline,
        sla: (w) => complaints.slaContext(w),
        clock,
      });
      ws = (
        await s.workspaces.createWorkspace({
          name: 'London Bakery',
          timezone: 'Europe/London',
          currency: 'GBP',
          region: 'GB',
        })
      ).id;
      const user = await s.access.createUser(
        ws,
        { email: 'amy@example.com', name: 'Amy', password: 'correct horse', role: 'owner' },
        'test',
      );
      actor = {
        workspaceId: ws,
        kind: 'user',
        id: user.id,
        scopes: new Set(['read', 'write', 'admin']),
        role: 'owner',
      };
      customerId = (
        await s.customers.createCustomer(
          ws,
          { name: 'Mrs Patel', phones: [{ number: '020 7946 0018' }] },
          'test',
        )
      ).id;
    });
    afterAll(() => conn.close());

    it('computes deadlines over the weekend in the workspace time zone, warns, then breaches', async () => {
      at('2026-03-06T16:30:00Z'); // Friday 16:30 GMT
      const c = await complaints.createComplaint(
        ws,
        { customerId, channel: 'phone', words: 'Burnt', severity: 'critical' },
        actor,
      );
      expect(c.ownerId).toBe(actor.id); // the signed-in user takes it
      // critical: 60 business minutes → 30 on Friday, 30 on Monday → Monday 09:30; warning at 75 % → 09:15
      expect(c.sla.firstResponse.dueAt).toBe('2026-03-09T09:30:00.000Z');
      // 8 business hours: 30 min Friday + 7.5 h Monday → Monday 16:30
      expect(c.sla.resolution.dueAt).toBe('2026-03-09T16:30:00.000Z');
      expect(c.sla.firstResponse).toMatchObject({ state: 'ok', remainingBusinessMinutes: 60 });

      at('2026-03-08T12:00:00Z'); // Sunday: the clock does not run
      expect(
        (await complaints.getComplaintOrThrow(ws, c.id)).sla.firstResponse.remainingBusinessMinutes,
      ).toBe(30);
      at('2026-03-09T09:20:00Z');
      const warned = await complaints.getComplaintOrThrow(ws, c.id);
      expect(warned.slaState).toBe('due_soon');
      expect((await complaints.listComplaints(ws, { sla: 'due_soon' })).items.map((x) => x.id)).toContain(
        c.id,
      );
      expect(await complaints.complaintSummary(ws)).toMatchObject({ dueSoon: 1, dueToday: 1, breached: 0 });

      at('2026-03-09T09:31:00Z');
      const late = await complaints.getComplaintOrThrow(ws, c.id);
      expect(late.slaState).toBe('breached');
      expect(late.sla.firstResponse.remainingBusinessMinutes).toBe(-1);
      expect((await complaints.listComplaints(ws, { sla: 'breached' })).items.map((x) => x.id)).toEqual([
        c.id,
      ]);
      const tile = await complaints.complaintSummary(ws);
      expect(tile).toMatchObject({ breached: 1, dueSoon: 0, dueToday: 0 }); // already breached: not “due today”

      // a late response keeps the breach flag; the resolution timer runs on
      const answered = await complaints.respondToComplaint(
        ws,
        c.id,
        { note: 'So sorry, looking into it' },
        actor,
      );
      expect(answered.sla.firstResponse).toMatchObject({
        state: 'breached',
        doneAt: '2026-03-09T09:31:00.000Z',
      });
      expect(answered.sla.resolution.state).toBe('ok');
    });

    it('meets both targets, schedules the follow-up in the owner’s queue, and an unhappy follow-up reopens', async () => {
      at('2026-03-10T10:00:00Z'); // Tuesday
      const c = await complaints.createComplaint(
        ws,
        {
          customerId,
          channel: 'visit',
          words: 'Wrong name on the cake',
          paraphrase: 'Misspelt name',
          severity: 'medium',
        },
        actor,
      );
      at('2026-03-10T10:05:00Z');
      await complaints.offerOnComplaint(ws, c.id, { options: [{ kind: 'redo' }], choice: 0 }, actor);
      at('2026-03-10T15:00:00Z');
      const r = await complaints.resolveComplaint(
        ws,
        c.id,
        { summary: 'New cake made', apologized: true },
        actor,
      );
      expect(r.slaState).toBe('met');
      expect(r.followUp).toEqual({
        dueAt: '2026-03-13T15:00:00.000Z',
        doneAt: null,
        outcome: null,
        due: false,
      });
      expect(
        (await complaints.listComplaints(ws, { followUpDue: 'true' })).items.map((x) => x.id),
      ).not.toContain(c.id);
      await complaints.closeComplaint(ws, c.id, { customerConfirmed: true }, actor);

      at('2026-03-13T15:01:00Z');
      const queue = await complaints.listComplaints(ws, { followUpDue: 'true', ownerId: actor.id });
      expect(queue.items.map((x) => x.id)).toEqual([c.id]);
      expect(queue.items[0]?.followUp.due).toBe(true);
      expect((await complaints.complaintSummary(ws)).followUpsDue).toBe(1);

      const reopened = await complaints.followUpComplaint(
        ws,
        c.id,
        { outcome: 'unhappy', note: 'Icing cracked' },
        actor,
      );
      expect(reopened).toMatchObject({ status: 'in_progress', reopenCount: 1, closedAt: null });
      expect(reopened.history.slice(-2).map((h) => h.kind)).toEqual(['follow_up', 'reopen']);
      // a new resolution clock from now: medium = 40 business hours = 5 days → Friday 13 15:01 + 5 days of 8 h
      expect(reopened.sla.resolution.dueAt).toBe('2026-03-20T15:01:00.000Z');
      await expect(
        complaints.followUpComplaint(ws, c.id, { outcome: 'satisfied' }, actor),
      ).rejects.toMatchObject({
        code: 'COMPLAINT_FOLLOW_UP_NOT_PENDING',
        status: 409,
      });
    });

    it('keeps local opening hours across the DST change', async () => {
      at('2026-03-27T16:00:00Z'); // Friday 16:00 GMT; clocks go forward on Sunday 29 March
      const c = await complaints.createComplaint(
        ws,
        { customerId, channel: 'email', words: 'Where is my order?', severity: 'high' },
        actor,
      );
      // 4 business hours: 1 h Friday, then 3 h from Monday 09:00 BST (08:00Z) → 12:00 BST = 11:00Z
      expect(c.sla.firstResponse.dueAt).toBe('2026-03-30T11:00:00.000Z');
    });

    it('uses changed settings for new complaints: hours, holidays and targets', async () => {
      await complaints.updateSettings(
        ws,
        {
          holidays: ['2026-04-03', '2026-04-06'], // Good Friday, Easter Monday
          targets: {
            ...(await complaints.getSettings(ws)).targets,
            low: { firstResponseMinutes: 120, resolutionMinutes: 480 },
          },
        },
        actor,
      );
      at('2026-04-02T16:00:00Z'); // Thursday 17:00 BST: closing time
      const c = await complaints.createComplaint(
        ws,
        { customerId, channel: 'review', words: 'Meh', severity: 'low' },
        actor,
      );
      expect(c.sla.firstResponse.dueAt).toBe('2026-04-07T10:00:00.000Z'); // Tuesday 11:00 BST
    });

    it('signals a surge when the last 24 hours far exceed the usual day', async () => {
      const w2 = (
        await services.workspaces.createWorkspace({
          name: 'Surge',
          timezone: 'Europe/London',
          currency: 'GBP',
          region: 'GB',
        })
      ).id;
      await services.access.createUser(
        w2,
        { email: 'o@example.com', password: 'correct horse', role: 'owner' },
        'test',
      );
      const who: Actor = { ...actor, workspaceId: w2, kind: 'apikey', id: 'k' };
      const cid = (await services.customers.createCustomer(w2, { name: 'Someone' }, 'test')).id;
      at('2026-05-01T12:00:00Z');
      for (let d = 1; d <= 28; d++)
        await complaints.createComplaint(
          w2,
          {
            customerId: cid,
            channel: 'web_form',
            words: `day ${d}`,
            severity: 'low',
            receivedAt: new Date(now.getTime() - d * 86_400_000 - 3_600_000).toISOString(),
          },
          who,
        );
      expect((await complaints.complaintSummary(w2)).surge).toMatchObject({
        last24h: 0,
        dailyMedian: 1,
        surging: false,
      });
      for (let i = 0; i < 4; i++)
        await complaints.createComplaint(
          w2,
          { customerId: cid, channel: 'phone', words: `now ${i}`, severity: 'high' },
          who,
        );
      expect((await complaints.complaintSummary(w2)).surge).toMatchObject({
        last24h: 4,
        dailyMedian: 1,
        ratio: 4,
        surging: true,
      });
    });

    it('times enquiries: first response in business time, outcome only once answered, new contacts matched by phone', async () => {
      at('2026-05-08T16:45:00Z'); // Friday 17:45 BST: after hours
      const e = await enquiries.createEnquiry(
        ws,
        {
          contact: { name: 'Tom Baker', phone: '07700 900123' },
          kind: 'quote',
          channel: 'phone',
          body: 'Price for 200 cupcakes?',
          value: 50_000,
        },
        actor,
      );
      // 60 business minutes from Monday 09:00 BST
      expect(e.firstResponse).toMatchObject({ dueAt: '2026-05-11T09:00:00.000Z', state: 'ok' });
      expect(e).toMatchObject({ status: 'waiting', customerName: 'Tom Baker', ownerId: actor.id });
      const again = await enquiries.createEnquiry(
        ws,
        {
          contact: { name: 'Tom', phone: '+44 7700 900123' },
          kind: 'booking',
          channel: 'sms',
          body: 'And a tasting?',
        },
        actor,
      );
      expect(again.customerId).toBe(e.customerId);
      await expect(
        enquiries.createEnquiry(ws, { kind: 'question', channel: 'phone', body: '?' }, actor),
      ).rejects.toMatchObject({
        code: 'ENQUIRY_NO_CUSTOMER',
      });

      at('2026-05-11T08:50:00Z');
      expect((await enquiries.getEnquiryOrThrow(ws, e.id)).slaState).toBe('due_soon');
      at('2026-05-11T09:10:00Z');
      expect(
        (await enquiries.listEnquiries(ws, { state: 'waiting' })).items.map((x) => [x.id, x.slaState]),
      ).toContainEqual([e.id, 'breached']);
      await expect(
        enquiries.recordEnquiryOutcome(ws, e.id, { outcome: 'lost' }, actor),
      ).rejects.toMatchObject({
        code: 'ENQUIRY_NOT_ANSWERED',
        status: 409,
      });
      const answered = await enquiries.respondToEnquiry(
        ws,
        e.id,
        { note: '£250, delivered', channel: 'phone' },
        actor,
      );
      expect(answered).toMatchObject({
        status: 'answered',
        firstResponse: { state: 'breached', doneAt: '2026-05-11T09:10:00.000Z' },
      });
      const won = await enquiries.recordEnquiryOutcome(ws, e.id, { outcome: 'won', value: 25_000 }, actor);
      expect(won).toMatchObject({ status: 'won', outcome: 'won', value: 25_000 });
      await expect(enquiries.respondToEnquiry(ws, e.id, { note: 'x' }, actor)).rejects.toMatchObject({
        code: 'ENQUIRY_CLOSED',
      });
      expect((await enquiries.listEnquiries(ws, {})).items.map((x) => x.id)).toEqual([again.id]);
      const card = await services.timeline.getCallerCard(ws, e.customerId);
      expect(card.lastInteraction?.body).toMatch(/^Enquiry won/);
    });
  });
}

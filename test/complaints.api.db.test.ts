import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startTestApp, type TestApp } from './kit.ts';

type Json = Record<string, unknown> & { id: string };

for (const dialect of DIALECTS) {
  describe(`complaints API (${dialect})`, () => {
    let t: TestApp;
    let auth: { authorization: string };
    let ownerId: string;
    let staffId: string;
    let customerId: string;
    let otherCustomerId: string;
    let orderId: string;

    const post = (url: string, payload: object = {}) =>
      t.app.inject({ method: 'POST', url, headers: auth, payload });
    const patch = (url: string, payload: object) =>
      t.app.inject({ method: 'PATCH', url, headers: auth, payload });
    const get = (url: string) => t.app.inject({ method: 'GET', url, headers: auth });
    const newCustomer = async (name: string, phone: string) =>
      (await post('/api/v1/customers', { name, phones: [{ number: phone }] })).json().id as string;
    /** A complaint with a problem statement, ready for offers. */
    const intake = async (extra: object = {}) => {
      const res = await post('/api/v1/complaints', {
        customerId,
        channel: 'phone',
        words: 'The cake was the wrong flavour and the party was ruined!',
        paraphrase: 'Wrong flavour on the birthday cake collected Saturday',
        severity: 'high',
        category: 'quality',
        product: 'Birthday cake',
        ...extra,
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json() as Json;
    };
    const expectRule = (res: { statusCode: number; json: () => { code: string } }, code: string) => {
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe(code);
    };

    beforeAll(async () => {
      t = await startTestApp(dialect);
      ({ auth, ownerId } = await t.newWorkspace());
      staffId = (
        await post('/api/v1/users', {
          email: 'ada@example.com',
          name: 'Ada',
          password: 'correct horse',
          role: 'staff',
        })
      ).json().id;
      customerId = await newCustomer('Chiamaka Obi', '0803 111 2222');
      otherCustomerId = await newCustomer('Emeka Eze', '0803 333 4444');
      orderId = (
        await post('/api/v1/orders', {
          customerId,
          placedAt: '2025-01-10T10:00:00Z',
          lines: [{ name: 'Birthday cake', unitPrice: 4_500_000 }],
        })
      ).json().id;
    });
    afterAll(() => t.closeAll());

    it('serves the playbook: do’s, don’ts, refund as last resort, the guided steps', async () => {
      const p = (await get('/api/v1/complaints/playbook')).json();
      expect(p.steps.map((s: { key: string }) => s.key)).toEqual([
        'greet',
        'listen',
        'paraphrase',
        'empathise',
        'offer',
        'confirm',
      ]);
      expect(p.dos.join(' ')).toMatch(/choice of options/);
      expect(p.donts.join(' ')).toMatch(/without listening/);
      expect(p.refund).toMatch(/last resort/);
    });

    it('takes a complaint with the minimum fields: one owner, SLA clocks, value at stake, on the timeline', async () => {
      const res = await post('/api/v1/complaints', {
        customerId,
        channel: 'phone',
        words: 'Nobody called me back!',
        severity: 'low',
      });
      expect(res.statusCode, res.body).toBe(201);
      const c = res.json();
      expect(c).toMatchObject({
        status: 'open',
        ownerId, // an API key has no user: the workspace owner takes it
        customerName: 'Chiamaka Obi',
        words: 'Nobody called me back!',
        paraphrase: null,
        slaState: 'ok',
        valueAtStake: 4_500_000,
        currency: 'NGN',
        value: { source: 'spend_to_date', orderCount: 1, customerSince: '2025-01-10T10:00:00.000Z' },
      });
      expect(c.value.tenureDays).toBeGreaterThan(300);
      expect(c.sla.firstResponse.dueAt > c.receivedAt).toBe(true);
      expect(c.sla.resolution.dueAt >= c.sla.firstResponse.dueAt).toBe(true);
      expect(c.history.map((h: { kind: string }) => h.kind)).toEqual(['created']);

      const timeline = (await get(`/api/v1/customers/${customerId}/timeline`)).json();
      expect(
        timeline.items.some(
          (i: { kind: string; body: string }) =>
            i.kind === 'complaint' && i.body.includes('Nobody called me back!'),
        ),
      ).toBe(true);
      const card = (await get(`/api/v1/customers/${customerId}/card`)).json();
      expect(card.openItems.complaints).toBeGreaterThanOrEqual(1);
    });

    it('validates intake', async () => {
      const bad = await post('/api/v1/complaints', { customerId, channel: 'phone', severity: 'low' });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().pointer).toBe('/body/words');
      expect(
        (await post('/api/v1/complaints', { customerId, channel: 'pigeon', words: 'x', severity: 'low' }))
          .statusCode,
      ).toBe(400);
      expect(
        (
          await post('/api/v1/complaints', {
            customerId: 'nobody',
            channel: 'phone',
            words: 'x',
            severity: 'low',
          })
        ).statusCode,
      ).toBe(404);
      const wrongOrder = await post('/api/v1/complaints', {
        customerId: otherCustomerId,
        orderId,
        channel: 'phone',
        words: 'x',
        severity: 'low',
      });
      expect(wrongOrder.statusCode).toBe(400);
      expect(wrongOrder.json().code).toBe('COMPLAINT_ORDER_NOT_FOUND');
      const future = await post('/api/v1/complaints', {
        customerId,
        channel: 'phone',
        words: 'x',
        severity: 'low',
        receivedAt: new Date(Date.now() + 86_400_000).toISOString(),
      });
      expect(future.json().code).toBe('COMPLAINT_RECEIVED_IN_FUTURE');
      expect(
        (
          await post('/api/v1/complaints', {
            customerId,
            orderId,
            channel: 'email',
            words: 'x',
            severity: 'low',
          })
        ).json().orderId,
      ).toBe(orderId);
    });

    it('refuses a transfer without a reason, and before the problem statement exists', async () => {
      const c = (
        await post('/api/v1/complaints', {
          customerId,
          channel: 'visit',
          words: 'This is unacceptable',
          severity: 'medium',
        })
      ).json();
      expectRule(
        await post(`/api/v1/complaints/${c.id}/transfer`, { toUserId: staffId }),
        'COMPLAINT_TRANSFER_NO_REASON',
      );
      expectRule(
        await post(`/api/v1/complaints/${c.id}/transfer`, { toUserId: staffId, reason: '  ' }),
        'COMPLAINT_TRANSFER_NO_REASON',
      );
      expectRule(
        await post(`/api/v1/complaints/${c.id}/transfer`, {
          toUserId: staffId,
          reason: 'Ada runs the bakery',
        }),
        'COMPLAINT_NO_PROBLEM_STATEMENT',
      );
      const updated = await patch(`/api/v1/complaints/${c.id}`, {
        paraphrase: 'Bread was stale on delivery',
      });
      expect(updated.json().paraphrase).toBe('Bread was stale on delivery');
      const unknown = await post(`/api/v1/complaints/${c.id}/transfer`, { toUserId: 'nobody', reason: 'x' });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().pointer).toBe('/body/toUserId');
      const moved = await post(`/api/v1/complaints/${c.id}/transfer`, {
        toUserId: staffId,
        reason: 'Ada runs the bakery',
      });
      expect(moved.statusCode, moved.body).toBe(200);
      expect(moved.json()).toMatchObject({ ownerId: staffId, ownerName: 'Ada' });
      expect(moved.json().history.at(-1)).toMatchObject({
        kind: 'transfer',
        data: { fromUserId: ownerId, toUserId: staffId, reason: 'Ada runs the bakery' },
      });
      expectRule(
        await post(`/api/v1/complaints/${c.id}/transfer`, { toUserId: staffId, reason: 'again' }),
        'COMPLAINT_TRANSFER_SAME_OWNER',
      );
      const mine = (await get(`/api/v1/complaints?ownerId=${staffId}`)).json();
      expect(mine.items.map((i: Json) => i.id)).toEqual([c.id]);
    });

    it('walks the resolution ladder: options, refusal, alternatives, choice, apology, follow-up', async () => {
      const plain = (
        await post('/api/v1/complaints', {
          customerId,
          channel: 'email',
          words: 'Late again',
          severity: 'low',
        })
      ).json();
      expectRule(
        await post(`/api/v1/complaints/${plain.id}/offer`, { options: [{ kind: 'discount' }] }),
        'COMPLAINT_NO_PROBLEM_STATEMENT',
      );

      const c = await intake();
      expectRule(
        await post(`/api/v1/complaints/${c.id}/resolve`, { summary: 'Sorted', apologized: true }),
        'COMPLAINT_RESOLVE_NO_OFFER',
      );
      expectRule(
        await post(`/api/v1/complaints/${c.id}/offer`, { options: [{ kind: 'refund', amount: 4_500_000 }] }),
        'COMPLAINT_REFUND_NO_REASON',
      );
      const refused = await post(`/api/v1/complaints/${c.id}/offer`, {
        options: [
          { kind: 'redo', detail: 'New cake tomorrow' },
          { kind: 'credit', amount: 1_000_000 },
        ],
        refused: true,
      });
      expect(refused.statusCode, refused.body).toBe(200);
      expect(refused.json()).toMatchObject({ status: 'in_progress' });
      expect(refused.json().sla.firstResponse.state).toBe('met');
      expectRule(
        await post(`/api/v1/complaints/${c.id}/offer`, {
          options: [{ kind: 'redo', detail: 'new cake tomorrow' }],
        }),
        'COMPLAINT_OFFER_NOT_ALTERNATIVE',
      );
      const alt = await post(`/api/v1/complaints/${c.id}/offer`, {
        options: [
          { kind: 'replace', detail: 'Any cake from the counter today' },
          { kind: 'discount', detail: '50% off the next order' },
        ],
      });
      const offers = alt.json().offers;
      expect(offers).toHaveLength(2);
      expect(offers[1]).toMatchObject({ response: 'pending', alternativeTo: offers[0].id });
      expect(offers[0].response).toBe('refused');

      expectRule(
        await post(`/api/v1/complaints/${c.id}/resolve`, { summary: 'Done', apologized: true }),
        'COMPLAINT_RESOLVE_NO_CHOICE',
      );
      expectRule(
        await post(`/api/v1/complaints/${c.id}/resolve`, {
          offerId: offers[0].id,
          choice: 0,
          summary: 'x',
          apologized: true,
        }),
        'COMPLAINT_OFFER_REFUSED',
      );
      expectRule(
        await post(`/api/v1/complaints/${c.id}/resolve`, {
          offerId: offers[1].id,
          choice: 0,
          summary: 'Took a cake',
        }),
        'COMPLAINT_RESOLVE_NO_APOLOGY',
      );
      expectRule(
        await post(`/api/v1/complaints/${c.id}/close`, { customerConfirmed: true }),
        'COMPLAINT_NOT_RESOLVED',
      );
      const done = await post(`/api/v1/complaints/${c.id}/resolve`, {
        offerId: offers[1].id,
        choice: 0,
        summary: 'She took a chocolate cake from the counter',
        apologized: true,
        rootCause: 'order ticket misread',
      });
      expect(done.statusCode, done.body).toBe(200);
      const r = done.json();
      expect(r).toMatchObject({
        status: 'resolved',
        resolution: 'replace',
        apologized: true,
        refunded: false,
        rootCause: 'order ticket misread',
        followUp: { doneAt: null, due: false },
      });
      const days = (Date.parse(r.followUp.dueAt) - Date.parse(r.resolvedAt)) / 86_400_000;
      expect(days).toBeCloseTo(3, 1);
      expect(r.offers[1]).toMatchObject({ response: 'accepted', choice: 0 });
      expectRule(
        await post(`/api/v1/complaints/${c.id}/offer`, { options: [{ kind: 'credit' }] }),
        'COMPLAINT_NOT_OPEN',
      );

      // Closing: confirmation, or two documented attempts since resolution
      expectRule(await post(`/api/v1/complaints/${c.id}/close`, {}), 'COMPLAINT_CLOSE_UNCONFIRMED');
      await post(`/api/v1/complaints/${c.id}/respond`, {
        note: 'Rang, no answer',
        channel: 'phone',
        reached: false,
      });
      expectRule(await post(`/api/v1/complaints/${c.id}/close`, {}), 'COMPLAINT_CLOSE_UNCONFIRMED');
      const second = await post(`/api/v1/complaints/${c.id}/respond`, {
        note: 'Left a voicemail',
        reached: false,
      });
      expect(second.json().contactAttemptsSinceResolved).toBe(2);
      const closed = await post(`/api/v1/complaints/${c.id}/close`, { note: 'Two calls, no answer' });
      expect(closed.statusCode, closed.body).toBe(200);
      expect(closed.json()).toMatchObject({ status: 'closed', closedHow: 'unreachable' });
      expectRule(await post(`/api/v1/complaints/${c.id}/respond`, { note: 'hello' }), 'COMPLAINT_CLOSED');
      expectRule(
        await post(`/api/v1/complaints/${c.id}/close`, { customerConfirmed: true }),
        'COMPLAINT_CLOSED',
      );

      // Reopen: a new resolution clock, and the ladder starts again
      expectRule(
        await post(`/api/v1/complaints/${plain.id}/reopen`, { reason: 'x' }),
        'COMPLAINT_NOT_RESOLVED',
      );
      expect((await post(`/api/v1/complaints/${c.id}/reopen`, {})).statusCode).toBe(400);
      const reopened = await post(`/api/v1/complaints/${c.id}/reopen`, {
        reason: 'She called back: the cake was stale',
      });
      expect(reopened.json()).toMatchObject({
        status: 'in_progress',
        reopenCount: 1,
        resolvedAt: null,
        closedAt: null,
      });
      expectRule(
        await post(`/api/v1/complaints/${c.id}/resolve`, { summary: 'x', apologized: true }),
        'COMPLAINT_RESOLVE_NO_OFFER',
      );
      await post(`/api/v1/complaints/${c.id}/offer`, {
        options: [{ kind: 'apology' }, { kind: 'credit', amount: 500_000 }],
        choice: 1,
      });
      await post(`/api/v1/complaints/${c.id}/resolve`, { summary: 'Credit given', apologized: true });
      const confirmed = await post(`/api/v1/complaints/${c.id}/close`, {
        customerConfirmed: true,
        note: 'Happy on the phone',
      });
      expect(confirmed.json()).toMatchObject({
        status: 'closed',
        closedHow: 'confirmed',
        resolution: 'credit',
      });
      const kinds = confirmed.json().history.map((h: { kind: string }) => h.kind);
      expect(kinds).toEqual([
        'created',
        'offer',
        'offer',
        'resolve',
        'respond',
        'respond',
        'close',
        'reopen',
        'offer',
        'resolve',
        'close',
      ]);
      const timeline = (await get(`/api/v1/customers/${customerId}/timeline?limit=200`)).json();
      const steps = timeline.items.filter((i: { body: string }) => i.body?.startsWith('Complaint')).length;
      expect(steps).toBeGreaterThanOrEqual(11);
    });

    it('allows a refund only with a recorded reason, and counts it', async () => {
      const c = await intake({ category: 'delivery', product: 'Wedding cake' });
      const offered = await post(`/api/v1/complaints/${c.id}/offer`, {
        options: [{ kind: 'redo' }, { kind: 'refund', amount: 4_500_000 }],
        choice: 1,
        refundReason: 'The wedding is over: nothing else can make it right',
      });
      expect(offered.statusCode, offered.body).toBe(200);
      const r = (
        await post(`/api/v1/complaints/${c.id}/resolve`, { summary: 'Refunded in full', apologized: true })
      ).json();
      expect(r).toMatchObject({
        resolution: 'refund',
        refunded: true,
        refundReason: 'The wedding is over: nothing else can make it right',
      });
      const learn = (await get('/api/v1/complaints/learn')).json();
      expect(learn.refunds).toBeGreaterThanOrEqual(1);
      expect(learn.refundRate).toBeGreaterThan(0);
      expect(learn.resolutions.map((x: { kind: string }) => x.kind)).toContain('refund');
    });

    it('orders the queue by value at stake, severity or due time, a page at a time', async () => {
      const { auth: a2 } = await t.newWorkspace();
      const p2 = (url: string, payload: object) =>
        t.app.inject({ method: 'POST', url, headers: a2, payload });
      const g2 = (url: string) => t.app.inject({ method: 'GET', url, headers: a2 });
      const spend = [100, 5_000, 50, 900];
      const severities = ['low', 'critical', 'medium', 'high'];
      const ids: string[] = [];
      for (const [i, amount] of spend.entries()) {
        const cid = (await p2('/api/v1/customers', { name: `Customer ${i}` })).json().id;
        await p2('/api/v1/orders', { customerId: cid, lines: [{ name: 'x', unitPrice: amount }] });
        ids.push(
          (
            await p2('/api/v1/complaints', {
              customerId: cid,
              channel: 'review',
              words: `w${i}`,
              severity: severities[i],
            })
          ).json().id,
        );
      }
      const byValue = (await g2('/api/v1/complaints?order=valueAtStake')).json().items;
      expect(byValue.map((c: { valueAtStake: number }) => c.valueAtStake)).toEqual([5_000, 900, 100, 50]);
      const bySeverity = (await g2('/api/v1/complaints?order=severity')).json().items;
      expect(bySeverity.map((c: { severity: string }) => c.severity)).toEqual([
        'critical',
        'high',
        'medium',
        'low',
      ]);
      const byDue = (await g2('/api/v1/complaints?order=due')).json().items;
      const due = byDue.map((c: { sla: { firstResponse: { dueAt: string } } }) => c.sla.firstResponse.dueAt);
      expect(due).toEqual([...due].sort());

      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const page: { items: { valueAtStake: number }[]; nextCursor: string | null } = (
          await g2(`/api/v1/complaints?order=valueAtStake&limit=1${cursor ? `&cursor=${cursor}` : ''}`)
        ).json();
        seen.push(...page.items.map((c) => c.valueAtStake));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual([5_000, 900, 100, 50]);
      expect((await g2('/api/v1/complaints?order=due&cursor=nonsense')).json().code).toBe('BAD_CURSOR');
      expect((await g2('/api/v1/complaints?order=sideways')).statusCode).toBe(400);
    });

    it('flags breaches for complaints logged after the fact, and counts them on the dashboard tile', async () => {
      const late = await intake({ severity: 'critical', receivedAt: '2025-06-02T09:00:00Z' });
      expect(late.slaState).toBe('breached');
      expect(
        (late.sla as { firstResponse: { remainingBusinessMinutes: number } }).firstResponse
          .remainingBusinessMinutes,
      ).toBeLessThan(0);
      const breached = (await get('/api/v1/complaints?sla=breached&limit=200'))
        .json()
        .items.map((c: Json) => c.id);
      expect(breached).toContain(late.id);
      const summary = (await get('/api/v1/complaints/summary')).json();
      expect(summary.breached).toBeGreaterThanOrEqual(1);
      expect(summary.active).toBeGreaterThanOrEqual(1);
      expect(summary.surge).toMatchObject({ surging: expect.any(Boolean), last24h: expect.any(Number) });
    });

    it('learns: speed, breaches, recurrence per customer and product, root causes by category', async () => {
      const l = (await get('/api/v1/complaints/learn?from=2025-01-01T00:00:00Z')).json();
      expect(l.received).toBeGreaterThanOrEqual(5);
      expect(l.firstResponseMinutes.count).toBeGreaterThanOrEqual(2);
      expect(l.firstResponseMinutes.median).not.toBeNull();
      expect(l.resolutionMinutes.p90).not.toBeNull();
      expect(l.recurrence.customers[0]).toMatchObject({ customerId, name: 'Chiamaka Obi' });
      expect(l.recurrence.products.map((p: { product: string }) => p.product)).toContain('Birthday cake');
      const quality = l.categories.find((c: { category: string }) => c.category === 'quality');
      expect(quality.rootCauses).toContainEqual({ rootCause: 'order ticket misread', count: 1 });
      expect(l.recurrence.reopened).toBeGreaterThanOrEqual(1);
      expect(
        (await get('/api/v1/complaints/learn?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z')).statusCode,
      ).toBe(400);
    });

    it('keeps SLA targets and business hours as workspace settings (admin only)', async () => {
      const s = (await get('/api/v1/complaints/settings')).json();
      expect(s).toMatchObject({
        timezone: 'Africa/Lagos',
        targets: { critical: { firstResponseMinutes: 60, resolutionMinutes: 480 } },
        businessHours: { mon: { open: '09:00', close: '17:00' }, sun: null },
        dueSoonPercent: 75,
        followUpDays: 3,
      });
      const changed = await patch('/api/v1/complaints/settings', {
        businessHours: { ...s.businessHours, sat: { open: '10:00', close: '14:00' } },
        holidays: ['2026-12-25'],
      });
      expect(changed.statusCode, changed.body).toBe(200);
      expect(changed.json().businessHours.sat).toEqual({ open: '10:00', close: '14:00' });
      expect(changed.json().targets.low.resolutionMinutes).toBe(s.targets.low.resolutionMinutes);
      const bad = await patch('/api/v1/complaints/settings', {
        targets: { ...s.targets, low: { firstResponseMinutes: 100, resolutionMinutes: 10 } },
      });
      expect(bad.statusCode).toBe(400);
      const closedWeek = Object.fromEntries(
        ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, null]),
      );
      expect((await patch('/api/v1/complaints/settings', { businessHours: closedWeek })).statusCode).toBe(
        400,
      );
      const staff = await t.newWorkspace({ scopes: ['read', 'write'] });
      const denied = await t.app.inject({
        method: 'PATCH',
        url: '/api/v1/complaints/settings',
        headers: staff.auth,
        payload: { followUpDays: 5 },
      });
      expect(denied.statusCode).toBe(403);
    });

    it('moves complaints with the customer on a merge', async () => {
      const dupe = await newCustomer('Chiamaka O.', '0803 555 6666');
      const c = (
        await post('/api/v1/complaints', {
          customerId: dupe,
          channel: 'sms',
          words: 'Hello?',
          severity: 'low',
        })
      ).json();
      const merged = await post(`/api/v1/customers/${customerId}/merge`, { otherId: dupe });
      expect(merged.statusCode, merged.body).toBe(200);
      expect((await get(`/api/v1/complaints/${c.id}`)).json().customerId).toBe(customerId);
    });

    it('exposes every route in the OpenAPI document', async () => {
      const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
      for (const p of ['transfer', 'respond', 'offer', 'resolve', 'close', 'reopen', 'follow-up'])
        expect(doc.paths[`/api/v1/complaints/{id}/${p}`]?.post).toBeDefined();
      expect(doc.paths['/api/v1/complaints'].get.parameters.map((p: { name: string }) => p.name)).toContain(
        'order',
      );
      const list = doc.paths['/api/v1/complaints'].get.responses['200'].content['application/json'].schema;
      expect(JSON.stringify(list)).toContain('Complaint');
      const create = doc.paths['/api/v1/complaints'].post.requestBody.content['application/json'].schema;
      expect(create.required).toEqual(expect.arrayContaining(['customerId', 'channel', 'words', 'severity']));
    });
  });
}

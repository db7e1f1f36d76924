import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findAll, parseXml, type XmlNode } from './fakes/xml.ts';
import { DIALECTS, startTestApp, type TestApp } from './kit.ts';

const PUBLIC = 'https://crm.example.com';
const TOKEN = 'twilio-auth-token-1234';
const SID = `AC${'a1'.repeat(16)}`;

/** Twilio's signature, computed the documented way: the full URL, then each POST param name+value sorted by name; HMAC-SHA1 with the auth token; base64. */
function twilioSign(url: string, params: Record<string, string>, token = TOKEN) {
  const data = Object.keys(params)
    .sort()
    .reduce((s, k) => s + k + params[k], url);
  return createHmac('sha1', token).update(data, 'utf8').digest('base64');
}

/** Collect SSE events over real HTTP. */
async function openStream(baseUrl: string, headers: Record<string, string>) {
  const controller = new AbortController();
  const res = await fetch(`${baseUrl}/api/v1/events`, { headers, signal: controller.signal });
  const events: { event: string; data: Record<string, unknown> }[] = [];
  const reader = res.body!.getReader();
  void (async () => {
    let buf = '';
    const dec = new TextDecoder();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buf += dec.decode(value, { stream: true });
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) as Record<string, unknown> });
        }
      }
    } catch {
      /* aborted */
    }
  })();
  const next = async (type: string) => {
    for (let n = 0; n < 300; n++) {
      const e = events.find((x) => x.event === type);
      if (e) {
        events.splice(events.indexOf(e), 1);
        return e;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`no "${type}" event`);
  };
  return { next, close: () => controller.abort() };
}

const child = (n: XmlNode, name: string) => n.children.find((c) => c.name === name);

for (const dialect of DIALECTS) {
  describe(`phone systems pop the caller (${dialect})`, () => {
    let t: TestApp;
    let base: string;
    let w: Awaited<ReturnType<TestApp['newWorkspace']>>;
    let customerId: string;
    const api = (method: string, url: string, payload?: unknown, headers = w.auth) =>
      t.app.inject({
        method: method as 'GET',
        url,
        headers,
        ...(payload !== undefined && { payload: payload as object }),
      });
    const calls = async () =>
      (await api('GET', '/api/v1/phone/calls')).json().items as Record<string, unknown>[];
    const agenda = async () =>
      ((await api('GET', '/api/v1/agenda')).json().items as { kind: string; ref: { id: string } }[]).filter(
        (i) => i.kind === 'missed_call',
      );
    const twilioPost = (path: string, params: Record<string, string>, signature?: string) =>
      t.app.inject({
        method: 'POST',
        url: path,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': signature ?? twilioSign(`${PUBLIC}${path}`, params),
        },
        payload: new URLSearchParams(params).toString(),
      });
    const incoming = (callSid: string, from: string) => ({
      CallSid: callSid,
      AccountSid: SID,
      From: from,
      To: '+2348000000001',
      Called: '+2348000000001',
      Caller: from,
      CallStatus: 'ringing',
      Direction: 'inbound',
      ApiVersion: '2010-04-01',
    });

    beforeAll(async () => {
      t = await startTestApp(dialect, { env: { RAPPORT_PUBLIC_URL: PUBLIC } });
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const addr = t.app.server.address();
      base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
      w = await t.newWorkspace({ name: 'Bola & Sons' });
      customerId = (
        await api('POST', '/api/v1/customers', {
          name: 'Ada Obi',
          phones: [{ number: '0803 123 4567' }],
          emails: [{ address: 'ada@example.com' }],
        })
      ).json().id;
    });
    afterAll(() => t.closeAll());

    it('Twilio Voice: a signed incoming call is logged once, pops the card and is forwarded by TwiML', async () => {
      const settings = await api('PUT', '/api/v1/phone/settings', {
        twilio: { accountSid: SID, authToken: TOKEN },
        forwardTo: '+2348099999999',
      });
      expect(settings.statusCode).toBe(200);
      expect(settings.body).not.toContain(TOKEN);
      expect(settings.json().urls.twilioVoice).toBe(`${PUBLIC}/hooks/twilio/${w.workspaceId}/voice`);

      const screen = await openStream(base, w.auth);
      const path = `/hooks/twilio/${w.workspaceId}/voice`;
      const res = await twilioPost(path, incoming('CA001', '+2348031234567'));
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/xml');
      const twiml = parseXml(res.body);
      expect(twiml.name).toBe('Response');
      expect(child(twiml, 'Dial')?.text).toBe('+2348099999999');
      const popped = await screen.next('call');
      expect((popped.data.customer as { id: string }).id).toBe(customerId);
      screen.close();

      // Twilio retries a webhook it thinks failed: still one call
      expect((await twilioPost(path, incoming('CA001', '+2348031234567'))).statusCode).toBe(200);
      expect((await calls()).filter((c) => c.from === '+2348031234567')).toHaveLength(1);
    });

    it('Twilio Voice: 30 copies of one webhook at once (Twilio retrying) are one call, over real HTTP', async () => {
      const path = `/hooks/twilio/${w.workspaceId}/voice`;
      const params = incoming('CA-PARALLEL', '+2348031234567');
      const body = new URLSearchParams(params).toString();
      const signature = twilioSign(`${PUBLIC}${path}`, params);
      const answers = await Promise.all(
        Array.from({ length: 30 }, () =>
          fetch(`${base}${path}`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
            body,
          }),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(30).fill(200));
      expect((await calls()).filter((c) => c.source === 'twilio')).toHaveLength(2);
      const timeline = (await api('GET', `/api/v1/customers/${customerId}/timeline?limit=100`)).json()
        .items as {
        kind: string;
      }[];
      // the first test's call and this one: two calls on the timeline, not 31
      expect(timeline.filter((i) => i.kind === 'call')).toHaveLength(2);
    });

    it('Twilio Voice: a tampered request is refused and logs nothing', async () => {
      const path = `/hooks/twilio/${w.workspaceId}/voice`;
      const params = incoming('CA002', '+2348031234567');
      const signature = twilioSign(`${PUBLIC}${path}`, params);
      const before = (await calls()).length;
      // the signature of the real request, the caller's number changed on the way
      const forged = await twilioPost(path, { ...params, From: '+2348030000000' }, signature);
      expect(forged.statusCode).toBe(403);
      const wrongKey = await twilioPost(
        path,
        params,
        twilioSign(`${PUBLIC}${path}`, params, 'not-the-token'),
      );
      expect(wrongKey.statusCode).toBe(403);
      const unsigned = await t.app.inject({
        method: 'POST',
        url: path,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(params).toString(),
      });
      expect(unsigned.statusCode).toBe(403);
      expect((await calls()).length).toBe(before);
    });

    it('Twilio Voice: the status callback records the duration; a missed call goes on the owner’s agenda', async () => {
      const status = `/hooks/twilio/${w.workspaceId}/voice-status`;
      const done = await twilioPost(status, {
        ...incoming('CA001', '+2348031234567'),
        CallStatus: 'completed',
        CallDuration: '42',
      });
      expect(done.statusCode).toBe(200);
      parseXml(done.body);
      const answered = (await calls()).find((c) => c.status === 'answered');
      expect(answered?.durationSeconds).toBe(42);

      // nobody to forward to: the caller hears a message and the call is missed
      await api('PUT', '/api/v1/phone/settings', { forwardTo: null });
      const res = await twilioPost(
        `/hooks/twilio/${w.workspaceId}/voice`,
        incoming('CA003', '+2348031234567'),
      );
      const twiml = parseXml(res.body);
      expect(child(twiml, 'Say')?.text).toContain('Bola & Sons');
      expect(child(twiml, 'Hangup')).toBeDefined();
      await twilioPost(status, {
        ...incoming('CA003', '+2348031234567'),
        CallStatus: 'no-answer',
        CallDuration: '0',
      });
      const missed = (await calls()).find((c) => c.status === 'missed');
      expect(missed).toMatchObject({ customerId, followUp: 'open' });
      const items = await agenda();
      expect(items.map((i) => i.ref.id)).toContain(missed!.id);

      // called back: logged on the timeline, off the agenda; a second answer is 409
      const back = await api('POST', `/api/v1/phone-calls/${missed!.id as string}/call-back`, {
        note: 'Rang back',
      });
      expect(back.statusCode).toBe(200);
      expect(back.json().followUp).toBe('called_back');
      expect((await api('POST', `/api/v1/phone-calls/${missed!.id as string}/dismiss`)).statusCode).toBe(409);
      expect((await agenda()).map((i) => i.ref.id)).not.toContain(missed!.id);
      const timeline = (await api('GET', `/api/v1/customers/${customerId}/timeline`)).json().items as {
        kind: string;
        direction: string;
        body: string;
      }[];
      expect(
        timeline.some((i) => i.kind === 'call' && i.direction === 'outbound' && i.body === 'Rang back'),
      ).toBe(true);
    });

    it('3CX: the template is well-formed and its scenarios work as 3CX calls them', async () => {
      const res = await api('GET', '/api/v1/phone/3cx/template');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('application/xml');
      const crm = parseXml(res.body);
      expect(crm.name).toBe('Crm');
      for (const el of ['Number', 'Connection', 'Parameters', 'Authentication', 'Scenarios'])
        expect(child(crm, el), el).toBeDefined();
      const auth = child(crm, 'Authentication')!;
      expect(auth.attrs.Type).toBe('Basic');
      const scenarios = findAll(crm, 'Scenario');
      expect(scenarios.map((s) => s.attrs.Id)).toEqual(['', 'CreateContactRecord', 'ReportCall']);
      expect(scenarios.every((s) => s.attrs.Type === 'REST')).toBe(true);

      // 3CX's side: parameters filled in, [Variables] substituted, Basic auth from the template's <Value>
      const params: Record<string, string> = {
        ApiKey: w.key,
        CreateContactFirstName: 'Caller',
        CreateContactLastName: '+2348057654321',
      };
      const sub = (s: string, vars: Record<string, string>) =>
        s
          .replace(/\[\[Number\]\.Replace\("\+","%2B"\)\]/g, (vars.Number ?? '').replace(/\+/g, '%2B'))
          .replace(/\[(\w+)\]/g, (_m, k: string) => vars[k] ?? params[k] ?? '');
      const basic = `Basic ${Buffer.from(sub(child(auth, 'Value')!.text, {})).toString('base64')}`;
      const call3cx = async (scenario: XmlNode, vars: Record<string, string>) => {
        const req = child(scenario, 'Request')!;
        const url = new URL(sub(req.attrs.Url!, vars));
        expect(url.origin).toBe(PUBLIC);
        const post = child(req, 'PostValues');
        const body = post
          ? Object.fromEntries(post.children.map((v) => [v.attrs.Key!, sub(v.text, vars)]))
          : undefined;
        expect(req.attrs.RequestType).toBe(post ? 'Post' : 'Get');
        return t.app.inject({
          method: post ? 'POST' : 'GET',
          url: url.pathname + url.search,
          headers: { authorization: basic },
          ...(body && { payload: body }),
        });
      };
      const [lookup, create, report] = scenarios as [XmlNode, XmlNode, XmlNode];
      const outputs = (s: XmlNode, json: unknown) => {
        // the Variables' Paths read from the answer, as 3CX does
        const at = (p: string) =>
          p.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], json);
        return Object.fromEntries(findAll(s, 'Variable').map((v) => [v.attrs.Name!, at(v.attrs.Path!)]));
      };

      const screen = await openStream(base, w.auth);
      const found = await call3cx(lookup, { Number: '+2348031234567', CallDirection: 'Inbound' });
      expect(found.statusCode).toBe(200);
      expect(outputs(lookup, found.json())).toMatchObject({
        ContactId: customerId,
        FirstName: 'Ada',
        LastName: 'Obi',
        Email: 'ada@example.com',
        Phone: '+2348031234567',
        ContactUrl: `${PUBLIC}/customers/${customerId}`,
      });
      expect(((await screen.next('call')).data.customer as { id: string }).id).toBe(customerId);
      screen.close();
      // the journal closes the call the lookup opened, with its duration
      const journal = await call3cx(report, {
        Number: '+2348031234567',
        CallType: 'Inbound',
        CallDirection: 'Inbound',
        Duration: '00:01:05',
        EntityId: customerId,
        Agent: '101',
        DateTime: '2026-12-05 10:00:00',
      });
      expect(journal.statusCode).toBe(201);
      expect(journal.json()).toMatchObject({
        source: '3cx',
        status: 'answered',
        durationSeconds: 65,
        customerId,
      });

      // an unknown number: nobody (no match for the Rule), then the contact 3CX creates, then found
      const none = await call3cx(lookup, { Number: '+2348057654321', CallDirection: 'Outbound' });
      expect(none.json()).toEqual({});
      const made = await call3cx(create, { Number: '+2348057654321' });
      expect(made.statusCode).toBe(201);
      const madeId = outputs(create, made.json()).ContactId as string;
      expect(madeId).toBeTruthy();
      const again = await call3cx(lookup, { Number: '+2348057654321', CallDirection: 'Outbound' });
      expect(outputs(lookup, again.json()).ContactId).toBe(madeId);

      // a missed call journaled by 3CX waits on the agenda
      const missed = await call3cx(report, {
        Number: '+2348057654321',
        CallType: 'Missed',
        CallDirection: 'Inbound',
        Duration: '00:00:00',
      });
      expect(missed.json()).toMatchObject({ status: 'missed', followUp: 'open', customerId: madeId });
      expect((await agenda()).map((i) => i.ref.id)).toContain(missed.json().id);

      // without the key: refused
      const anon = await t.app.inject({
        method: 'GET',
        url: `/api/v1/phone/3cx/contacts?number=%2B2348031234567`,
      });
      expect(anon.statusCode).toBe(401);
    });

    it('Asterisk / FreePBX: the caller-name lookup and the call events', async () => {
      const { urls } = (await api('GET', '/api/v1/phone/settings')).json() as {
        urls: Record<string, string>;
      };
      const path = (u: string) => u.replace(PUBLIC, '');
      // CallerID Superfecta puts the number at the end of the URL
      const name = await t.app.inject({ method: 'GET', url: `${path(urls.asteriskLookup!)}08031234567` });
      expect(name.statusCode).toBe(200);
      expect(name.headers['content-type']).toContain('text/plain');
      expect(name.body).toBe('Ada Obi');
      expect(
        (await t.app.inject({ method: 'GET', url: `${path(urls.asteriskLookup!)}%2B2347000000000` })).body,
      ).toBe('');
      const wrong = path(urls.asteriskLookup!).replace(/\/[^/]+\/lookup/, '/not-the-secret/lookup');
      expect((await t.app.inject({ method: 'GET', url: `${wrong}08031234567` })).statusCode).toBe(404);

      const events = path(urls.asteriskEvents!);
      const screen = await openStream(base, w.auth);
      const start = await t.app.inject({
        method: 'POST',
        url: events,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'event=start&uniqueid=1733390000.42&caller=08031234567&called=200',
      });
      expect(start.statusCode).toBe(200);
      expect(((await screen.next('call')).data.customer as { id: string }).id).toBe(customerId);
      screen.close();
      const end = await t.app.inject({
        method: 'POST',
        url: events,
        payload: { event: 'end', uniqueid: '1733390000.42', duration: 30 },
      });
      expect(end.json()).toMatchObject({ status: 'answered', customerId });
      expect((await calls()).find((c) => c.id === end.json().id)?.durationSeconds).toBe(30);

      const missed = await t.app.inject({
        method: 'POST',
        url: events,
        payload: { event: 'missed', uniqueid: '1733390001.7', caller: '+2348031234567' },
      });
      expect(missed.json()).toMatchObject({ status: 'missed', customerId });
      expect((await agenda()).map((i) => i.ref.id)).toContain(missed.json().id);
      expect(
        (await api('POST', `/api/v1/phone-calls/${missed.json().id as string}/dismiss`)).statusCode,
      ).toBe(200);
      expect((await agenda()).map((i) => i.ref.id)).not.toContain(missed.json().id);

      const bad = await t.app.inject({
        method: 'POST',
        url: events,
        payload: { event: 'start', uniqueid: 'x' },
      });
      expect(bad.statusCode).toBe(400);
    });

    it('the test-call button drives each system’s path and pops the card', async () => {
      for (const system of ['twilio', '3cx', 'asterisk']) {
        const screen = await openStream(base, w.auth);
        const res = await api('POST', '/api/v1/phone/test-call', { system, from: '+2348031234567' });
        expect(res.statusCode, system).toBe(201);
        expect(res.json()).toMatchObject({ source: system, customerId });
        expect(((await screen.next('call')).data.customer as { id: string }).id).toBe(customerId);
        screen.close();
      }
    });

    it('another workspace sees none of it', async () => {
      const other = await t.newWorkspace();
      const mine = (await calls())[0]!;
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/v1/phone-calls/${mine.id as string}/dismiss`,
        headers: other.auth,
      });
      expect(res.statusCode).toBe(404);
      expect(
        (await t.app.inject({ method: 'GET', url: '/api/v1/phone/calls', headers: other.auth })).json().items,
      ).toEqual([]);
      // the other workspace has no Twilio: its hook answers 404
      const path = `/hooks/twilio/${other.workspaceId}/voice`;
      expect((await twilioPost(path, incoming('CA009', '+2348031234567'))).statusCode).toBe(404);
    });
  });
}

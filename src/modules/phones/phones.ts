import { newId } from '../../platform/db/ids.ts';
import { badInput } from '../../platform/errors.ts';
import type { Actor } from '../../platform/http/actor.ts';
import type { Customer, CustomerService } from '../customers/index.ts';
import type { WorkspaceService } from '../workspaces/index.ts';
import type { PhoneService } from './phones.service.ts';
import {
  pbxEventSchema,
  testCallSchema,
  threecxCreateSchema,
  threecxJournalSchema,
  type PhoneCall,
  type ThreeCxContact,
} from './phones.schema.ts';
import { parseDuration, threecxTemplate } from './threecx.ts';

type Deps = {
  service: PhoneService;
  customers: Pick<CustomerService, 'findIdByPhone' | 'getCustomerOrThrow' | 'createCustomer'>;
  workspaces: Pick<WorkspaceService, 'getWorkspaceCached'>;
};

/** The three phone systems over the one call path: Twilio Voice, 3CX (CRM template) and Asterisk/FreePBX. */
export function createPhoneSystems(deps: Deps) {
  const { service, customers } = deps;

  const contactOf = (c: Customer, number: string, base: string): ThreeCxContact => {
    const [first = '', ...rest] = c.name.split(/\s+/);
    return {
      contact: {
        id: c.id,
        firstName: first,
        lastName: rest.join(' '),
        name: c.name,
        email: c.emails[0]?.address ?? '',
        phone: c.phones[0]?.e164 ?? c.phones[0]?.number ?? number,
        url: `${base}/customers/${c.id}`,
      },
    };
  };

  const systems = {
    service,

    /** Asterisk / FreePBX caller-name lookup: the customer's name, or '' for a number nobody has. */
    async callerName(ws: string, number: string): Promise<string> {
      const { id } = await customers.findIdByPhone(ws, number);
      return id ? (await customers.getCustomerOrThrow(ws, id)).name : '';
    },

    /** An Asterisk / FreePBX call event (start, end, missed), keyed by the channel's unique id. */
    async pbxEvent(ws: string, input: unknown): Promise<PhoneCall> {
      const v = pbxEventSchema.parse(input);
      if (v.event === 'start') {
        if (!v.caller) throw badInput('VALIDATION_FAILED', 'A call start needs "caller"', '/body/caller');
        return (
          await service.callStarted(ws, {
            source: 'asterisk',
            externalId: v.uniqueid,
            from: v.caller,
            to: v.called,
            direction: v.direction ?? 'inbound',
          })
        ).call;
      }
      return service.callEnded(ws, {
        source: 'asterisk',
        externalId: v.uniqueid,
        outcome: v.event === 'missed' ? 'missed' : 'answered',
        durationS: v.event === 'missed' ? (v.duration ?? 0) : (v.duration ?? null),
        from: v.caller,
        to: v.called,
      });
    },

    async threecxTemplate(ws: string, base: string) {
      const w = await deps.workspaces.getWorkspaceCached(ws);
      return threecxTemplate({ baseUrl: base, country: w.region, workspaceName: w.name });
    },

    /** 3CX's lookup: the contact for a number; an inbound call's lookup also logs it and pops the card. */
    async threecxLookup(ws: string, q: { number: string; direction?: string | undefined }, base: string) {
      let customerId: string | undefined;
      if (q.direction?.toLowerCase() === 'inbound') {
        const { event } = await service.callStarted(ws, {
          source: '3cx',
          externalId: `3cx-${newId()}`,
          from: q.number,
        });
        customerId = event?.customer?.id;
      } else customerId = (await customers.findIdByPhone(ws, q.number)).id;
      if (!customerId) return {};
      return contactOf(await customers.getCustomerOrThrow(ws, customerId), q.number, base);
    },

    async threecxCreate(ws: string, input: unknown, actor: Actor, base: string) {
      const v = threecxCreateSchema.parse(input);
      const name = [v.firstName, v.lastName].filter(Boolean).join(' ').trim() || v.number;
      const c = await customers.createCustomer(
        ws,
        { name, phones: [{ number: v.number }] },
        actor.kind === 'cli' ? 'cli' : `${actor.kind}:${actor.id}`,
      );
      return contactOf(c, v.number, base);
    },

    /** 3CX's call journal: closes the call its lookup opened (or logs it now) with duration and outcome. */
    async threecxJournal(ws: string, input: unknown): Promise<PhoneCall> {
      const v = threecxJournalSchema.parse(input);
      const type = v.callType.toLowerCase();
      const outbound =
        (v.direction ?? '').toLowerCase() === 'outbound' || type === 'outbound' || type === 'notanswered';
      const durationS = parseDuration(v.duration);
      const outcome = type === 'missed' ? ('missed' as const) : ('answered' as const);
      const open = outbound ? undefined : await service.ringingFrom(ws, '3cx', v.number);
      if (open)
        return service.callEnded(ws, { source: '3cx', externalId: open.externalId, outcome, durationS });
      const externalId = `3cx-${newId()}`;
      await service.callStarted(ws, {
        source: '3cx',
        externalId,
        ...(outbound ? { from: v.agent || '3CX', to: v.number } : { from: v.number }),
        direction: outbound ? 'outbound' : 'inbound',
      });
      return service.callEnded(ws, { source: '3cx', externalId, outcome, durationS });
    },

    /** "Send a test call": the chosen system's own path, so the card pops as it will for a real call. */
    async testCall(ws: string, input: unknown): Promise<PhoneCall> {
      const v = testCallSchema.parse(input);
      const externalId = `test-${newId()}`;
      if (v.system === 'asterisk')
        return systems.pbxEvent(ws, { event: 'start', uniqueid: externalId, caller: v.from });
      if (v.system === '3cx') {
        await systems.threecxLookup(ws, { number: v.from, direction: 'Inbound' }, '');
        const open = await service.ringingFrom(ws, '3cx', v.from);
        if (!open) throw badInput('VALIDATION_FAILED', 'The test call was not logged', '/body/from');
        return open.call;
      }
      const s = await service.settings(ws);
      return (
        await service.callStarted(ws, {
          source: 'twilio',
          externalId,
          from: v.from,
          ...(s.forwardTo && { to: s.forwardTo }),
        })
      ).call;
    },
  };
  return systems;
}
export type PhoneSystems = ReturnType<typeof createPhoneSystems>;

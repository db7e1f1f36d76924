import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { SecretBox } from '../../platform/crypto/secrets.ts';
import type { Database } from '../../platform/db/schema.ts';
import { newId } from '../../platform/db/ids.ts';
import { writeTransaction } from '../../platform/db/transaction.ts';
import { conflict, notFound } from '../../platform/errors.ts';
import type { Actor } from '../../platform/http/actor.ts';
import { recordAudit } from '../audit/index.ts';
import type { CallEvent } from '../timeline/index.ts';
import {
  updatePhoneSettingsSchema,
  type PhoneCall,
  type PhoneSettings,
  type PhoneSource,
} from './phones.schema.ts';
import { phoneUrls, present } from './present.ts';

export type TwilioVoice = { accountSid: string; authToken: string };
/** A workspace's phone settings with the credentials opened (server side only). */
export type OpenPhoneSettings = { twilio: TwilioVoice | null; forwardTo: string | null; pbxSecret: string };

export type PhoneDeps = {
  db: Kysely<Database>;
  box: SecretBox;
  /** The call event path of the timeline: logs the call and pops the card on every staff screen. */
  recordCall: (
    ws: string,
    call: { from: string; to?: string; direction: 'inbound' | 'outbound' },
    actor: Actor,
  ) => Promise<CallEvent>;
  /** Log the call-back on the customer's timeline. */
  logCallBack: (ws: string, customerId: string, body: string, actor: Actor) => Promise<unknown>;
  clock?: () => Date;
};

export type CallStart = {
  source: PhoneSource;
  externalId: string;
  from: string;
  to?: string | undefined;
  direction?: 'inbound' | 'outbound';
};
export type CallEnd = {
  source: PhoneSource;
  externalId: string;
  outcome: 'answered' | 'missed';
  durationS: number | null;
  /** To log the call when the end is the first we hear of it. */
  from?: string | undefined;
  to?: string | undefined;
};

export const systemActor = (ws: string, source: string): Actor => ({
  workspaceId: ws,
  kind: 'cli',
  id: source,
  scopes: new Set(),
});

/** Calls from Twilio Voice, 3CX and Asterisk: one row per call of the system, the card popped once. */
export function createPhoneService(deps: PhoneDeps) {
  const { db, box } = deps;
  const clock = deps.clock ?? (() => new Date());

  const calls = (ws: string) =>
    db
      .selectFrom('phone_calls as c')
      .leftJoin('customers as cu', (j) =>
        j.onRef('cu.workspace_id', '=', 'c.workspace_id').onRef('cu.id', '=', 'c.customer_id'),
      )
      .selectAll('c')
      .select('cu.name as customer_name')
      .where('c.workspace_id', '=', ws);

  async function settings(ws: string): Promise<OpenPhoneSettings> {
    let r = await db
      .selectFrom('phone_settings')
      .selectAll()
      .where('workspace_id', '=', ws)
      .executeTakeFirst();
    if (!r) {
      await db
        .insertInto('phone_settings')
        .values({
          workspace_id: ws,
          pbx_secret: box.seal(randomBytes(18).toString('base64url')),
          updated_at: clock().toISOString(),
        })
        .onConflict((oc) => oc.column('workspace_id').doNothing())
        .execute();
      r = await db
        .selectFrom('phone_settings')
        .selectAll()
        .where('workspace_id', '=', ws)
        .executeTakeFirstOrThrow();
    }
    return {
      twilio: r.twilio_config ? (JSON.parse(box.open(r.twilio_config)) as TwilioVoice) : null,
      forwardTo: r.forward_to,
      pbxSecret: box.open(r.pbx_secret),
    };
  }

  const presentSettings = (ws: string, s: OpenPhoneSettings, base: string): PhoneSettings => ({
    twilio: s.twilio ? { accountSid: s.twilio.accountSid } : null,
    forwardTo: s.forwardTo,
    urls: phoneUrls(base, ws, s.pbxSecret),
  });

  async function findExternal(ws: string, source: string, externalId: string) {
    return calls(ws)
      .where('c.source', '=', source)
      .where('c.external_id', '=', externalId)
      .executeTakeFirst();
  }

  const service = {
    settings,
    async getSettings(ws: string, base: string) {
      return presentSettings(ws, await settings(ws), base);
    },
    async updateSettings(ws: string, input: unknown, actor: Actor, base: string) {
      const v = updatePhoneSettingsSchema.parse(input);
      await settings(ws); // the row (and its PBX secret) exists
      await writeTransaction(db, async (trx) => {
        await trx
          .updateTable('phone_settings')
          .set({
            ...(v.twilio !== undefined && {
              twilio_config: v.twilio ? box.seal(JSON.stringify(v.twilio)) : null,
            }),
            ...(v.forwardTo !== undefined && { forward_to: v.forwardTo || null }),
            updated_at: clock().toISOString(),
          })
          .where('workspace_id', '=', ws)
          .execute();
        // never a credential in the audit
        await recordAudit(trx, {
          workspaceId: ws,
          actor: actor.kind === 'cli' ? 'cli' : `${actor.kind}:${actor.id}`,
          action: 'phone.settings',
          entity: 'workspace',
          entityId: ws,
          data: {
            changed: Object.keys(v),
            ...(v.twilio !== undefined && { twilio: v.twilio ? { accountSid: v.twilio.accountSid } : null }),
          },
        });
      });
      return presentSettings(ws, await settings(ws), base);
    },

    /**
     * A call starts ringing: logged once per call of the system (a retried webhook finds the row), the card popped.
     */
    async callStarted(ws: string, c: CallStart): Promise<{ call: PhoneCall; event: CallEvent | null }> {
      const id = newId();
      const direction = c.direction ?? 'inbound';
      const ins = await db
        .insertInto('phone_calls')
        .values({
          workspace_id: ws,
          id,
          source: c.source,
          external_id: c.externalId,
          from_number: c.from,
          to_number: c.to ?? null,
          direction,
          status: 'ringing',
          started_at: clock().toISOString(),
        })
        .onConflict((oc) => oc.columns(['workspace_id', 'source', 'external_id']).doNothing())
        .executeTakeFirst();
      if (Number(ins.numInsertedOrUpdatedRows ?? 0n) === 0) {
        const existing = await findExternal(ws, c.source, c.externalId);
        if (existing) return { call: present(existing), event: null };
      }
      const event = await deps.recordCall(
        ws,
        { from: c.from, ...(c.to && { to: c.to }), direction },
        systemActor(ws, c.source),
      );
      await db
        .updateTable('phone_calls')
        .set({ interaction_id: event.interaction.id, customer_id: event.customer?.id ?? null })
        .where('workspace_id', '=', ws)
        .where('id', '=', id)
        .execute();
      const row = await calls(ws).where('c.id', '=', id).executeTakeFirstOrThrow();
      return { call: present(row), event };
    },

    /** A call ends: its duration, or missed (a missed call from a known customer waits for a call-back). */
    async callEnded(ws: string, e: CallEnd): Promise<PhoneCall> {
      let row = await findExternal(ws, e.source, e.externalId);
      if (!row && e.from) {
        await service.callStarted(ws, { source: e.source, externalId: e.externalId, from: e.from, to: e.to });
        row = await findExternal(ws, e.source, e.externalId);
      }
      if (!row) throw notFound('CALL_NOT_FOUND', 'Call');
      const missed = e.outcome === 'missed' && row.direction === 'inbound';
      await db
        .updateTable('phone_calls')
        .set({
          status: missed ? 'missed' : 'answered',
          duration_s: e.durationS,
          ended_at: clock().toISOString(),
          follow_up: missed && row.customer_id ? 'open' : null,
        })
        .where('workspace_id', '=', ws)
        .where('id', '=', row.id)
        .where('ended_at', 'is', null)
        .execute();
      return present(await calls(ws).where('c.id', '=', row.id).executeTakeFirstOrThrow());
    },

    /** The latest call from this number still ringing (3CX journals a call without its id). */
    async ringingFrom(ws: string, source: PhoneSource, from: string) {
      const r = await calls(ws)
        .where('c.source', '=', source)
        .where('c.from_number', '=', from)
        .where('c.ended_at', 'is', null)
        .orderBy('c.started_at', 'desc')
        .executeTakeFirst();
      return r ? { call: present(r), externalId: r.external_id } : undefined;
    },

    async getCall(ws: string, id: string) {
      const r = await calls(ws).where('c.id', '=', id).executeTakeFirst();
      if (!r) throw notFound('CALL_NOT_FOUND', 'Call');
      return present(r);
    },
    async listCalls(ws: string, limit = 50) {
      return (
        await calls(ws).orderBy('c.started_at', 'desc').orderBy('c.id', 'desc').limit(limit).execute()
      ).map(present);
    },
    /** Missed calls from customers nobody has called back yet (the owner's agenda). */
    async openMissed(ws: string) {
      return (
        await calls(ws).where('c.follow_up', '=', 'open').orderBy('c.started_at').limit(100).execute()
      ).map(present);
    },

    /** Called back (logged on the timeline) or dismissed: once; a second answer is 409. */
    async followUp(
      ws: string,
      id: string,
      outcome: 'called_back' | 'dismissed',
      note: string | undefined,
      actor: Actor,
    ) {
      const cur = await service.getCall(ws, id);
      const done = await db
        .updateTable('phone_calls')
        .set({
          follow_up: outcome,
          follow_up_at: clock().toISOString(),
          follow_up_by: actor.kind === 'cli' ? 'cli' : `${actor.kind}:${actor.id}`,
        })
        .where('workspace_id', '=', ws)
        .where('id', '=', id)
        .where('follow_up', '=', 'open')
        .executeTakeFirst();
      if (Number(done.numUpdatedRows) === 0)
        throw conflict('CALL_FOLLOW_UP_DONE', 'This missed call is not waiting for a call-back');
      if (outcome === 'called_back' && cur.customerId)
        await deps.logCallBack(
          ws,
          cur.customerId,
          note || `Called back after a missed call (${cur.from})`,
          actor,
        );
      return service.getCall(ws, id);
    },
  };
  return service;
}
export type PhoneService = ReturnType<typeof createPhoneService>;

import type { Kysely } from 'kysely';
import { newId } from '../../platform/db/ids.ts';
import type { Database } from '../../platform/db/schema.ts';
import { writeTransaction } from '../../platform/db/transaction.ts';
import { badInput, conflict, notFound } from '../../platform/errors.ts';
import { recordAudit } from '../audit/index.ts';
import type { CustomerService } from '../customers/index.ts';
import type { TimelineService } from '../timeline/index.ts';
import type { WorkspaceService } from '../workspaces/index.ts';
import { createIntroductionsRepository, type IntroductionRow } from './introductions.repository.ts';
import {
  businessInput,
  consentInput,
  createIntroductionInput,
  listIntroductionsQuery,
  valueInput,
  type Business,
  type Introduction,
} from './introductions.schema.ts';
import { keywordsOf, matchProfiles } from './match.ts';

export type IntroductionDeps = {
  db: Kysely<Database>;
  workspaces: WorkspaceService;
  customers: CustomerService;
  timeline: TimelineService;
  clock?: () => Date;
};

const pairKey = (x: string, y: string) => (x < y ? `${x}|${y}` : `${y}|${x}`);
const authorOf = (actor: string) => (actor.startsWith('user:') ? actor.slice(5) : null);
const list = (json: string): string[] => {
  const v: unknown = JSON.parse(json);
  return Array.isArray(v) ? v.map(String) : [];
};
/** At most this many business profiles are matched against each other (n² pairs). */
const MATCH_PROFILES = 2000;

export function createIntroductionService(deps: IntroductionDeps) {
  const { db, customers, timeline } = deps;
  const clock = deps.clock ?? (() => new Date());
  const repo = createIntroductionsRepository(db);

  const present = (r: IntroductionRow, currency: string): Introduction => ({
    id: r.id,
    a: { id: r.a_id, name: r.a_name, consent: r.a_consent },
    b: { id: r.b_id, name: r.b_name, consent: r.b_consent },
    providerId: r.provider_id,
    reason: r.reason,
    status: r.status,
    value: r.value === null ? null : Number(r.value),
    currency,
    madeAt: r.made_at,
    createdAt: r.created_at,
  });
  const currencyOf = async (ws: string) => (await deps.workspaces.getWorkspaceCached(ws)).currency;

  async function getOrThrow(ws: string, id: string, trx: Kysely<Database> = db) {
    const r = await repo.get(ws, id, trx);
    if (!r) throw notFound('INTRODUCTION_NOT_FOUND', 'Introduction');
    return r;
  }

  async function note(
    trx: Kysely<Database>,
    ws: string,
    r: IntroductionRow,
    body: (other: string) => string,
    actor: string,
    at: string,
  ) {
    for (const [me, other] of [
      [r.a_id, r.b_name],
      [r.b_id, r.a_name],
    ] as const)
      await timeline.insertInteraction(trx, ws, {
        customerId: me,
        kind: 'introduction',
        body: body(other),
        authorId: authorOf(actor),
        occurredAt: at,
        meta: { introductionId: r.id },
      });
  }

  return {
    async getBusiness(ws: string, customerId: string): Promise<Business> {
      await customers.getCustomerOrThrow(ws, customerId);
      const currency = await currencyOf(ws);
      const p = await repo.profile(ws, customerId);
      const items = (await repo.list(ws, { customerId, limit: 500 })).map((r) => present(r, currency));
      const made = items.filter((i) => i.status === 'made');
      return {
        customerId,
        offers: p ? list(p.offers) : [],
        needs: p ? list(p.needs) : [],
        note: p?.note ?? null,
        updatedAt: p?.updated_at ?? null,
        ledger: {
          introductionsMade: made.length,
          valuePassed: made
            .filter((i) => i.providerId === customerId)
            .reduce((s, i) => s + (i.value ?? 0), 0),
          currency,
          items,
        },
      };
    },

    async saveBusiness(ws: string, customerId: string, input: unknown, actor: string): Promise<Business> {
      const v = businessInput.parse(input);
      await customers.getCustomerOrThrow(ws, customerId);
      const row = {
        workspace_id: ws,
        customer_id: customerId,
        offers: JSON.stringify(keywordsOf(v.offers)),
        needs: JSON.stringify(keywordsOf(v.needs)),
        note: v.note ?? null,
        updated_at: clock().toISOString(),
      };
      await writeTransaction(db, async (trx) => {
        await repo.saveProfile(trx, row);
        await recordAudit(trx, {
          workspaceId: ws,
          actor,
          action: 'business_profile',
          entity: 'customer',
          entityId: customerId,
          data: v,
        });
      });
      return this.getBusiness(ws, customerId);
    },

    /** Pairs of business customers whose needs and offers match, best first; pairs already introduced left out. */
    async suggestions(ws: string, limit = 50) {
      const rows = await repo.profiles(ws, MATCH_PROFILES);
      const done = new Set(await repo.pairKeys(ws));
      const profiles = rows.map((r) => ({
        id: r.customer_id,
        name: r.name,
        offers: list(r.offers),
        needs: list(r.needs),
      }));
      const name = new Map(profiles.map((p) => [p.id, p.name]));
      return {
        items: matchProfiles(profiles, (x, y) => done.has(pairKey(x, y)), limit).map((m) => ({
          a: { id: m.a, name: name.get(m.a) ?? '' },
          b: { id: m.b, name: name.get(m.b) ?? '' },
          score: m.score,
          reasons: m.reasons,
        })),
      };
    },

    async list(ws: string, query: unknown) {
      const q = listIntroductionsQuery.parse(query ?? {});
      const currency = await currencyOf(ws);
      return { items: (await repo.list(ws, q)).map((r) => present(r, currency)) };
    },

    /** Propose an introduction: both parties are asked; one per pair, ever. */
    async create(ws: string, input: unknown, actor: string): Promise<Introduction> {
      const v = createIntroductionInput.parse(input);
      if (v.needsId === v.offersId)
        throw badInput(
          'INTRODUCTION_SAME_CUSTOMER',
          'An introduction needs two different customers',
          '/body/offersId',
        );
      await customers.getCustomerOrThrow(ws, v.needsId);
      await customers.getCustomerOrThrow(ws, v.offersId);
      const id = newId();
      const at = clock().toISOString();
      await writeTransaction(db, async (trx) => {
        const inserted = await repo.insert(trx, {
          workspace_id: ws,
          id,
          pair_key: pairKey(v.needsId, v.offersId),
          a_id: v.needsId,
          b_id: v.offersId,
          provider_id: v.offersId,
          reason: v.reason,
          a_consent: 'asked',
          b_consent: 'asked',
          status: 'asked',
          value: null,
          made_at: null,
          created_by: actor,
          created_at: at,
          updated_at: at,
        });
        if (!inserted)
          throw conflict(
            'INTRODUCTION_EXISTS',
            'These two customers have already been proposed an introduction',
          );
        const r = await getOrThrow(ws, id, trx);
        await note(trx, ws, r, (other) => `Asked about an introduction to ${other}: ${v.reason}`, actor, at);
        await recordAudit(trx, {
          workspaceId: ws,
          actor,
          action: 'create',
          entity: 'introduction',
          entityId: id,
          data: v,
        });
      });
      return present(await getOrThrow(ws, id), await currencyOf(ws));
    },

    /** One party's answer, once; the introduction is made when both said yes, declined when one said no. */
    async answer(ws: string, id: string, input: unknown, actor: string): Promise<Introduction> {
      const v = consentInput.parse(input);
      const at = clock().toISOString();
      await writeTransaction(db, async (trx) => {
        const r = await getOrThrow(ws, id, trx);
        const side = r.a_id === v.customerId ? 'a' : r.b_id === v.customerId ? 'b' : undefined;
        if (!side)
          throw badInput(
            'NOT_A_PARTY',
            'That customer is not one of the two in this introduction',
            '/body/customerId',
          );
        if (!(await repo.answer(trx, ws, id, side, v.answer, at)))
          throw conflict('CONSENT_ALREADY_GIVEN', 'This customer has already answered');
        const now = await getOrThrow(ws, id, trx);
        const settled =
          now.a_consent === 'yes' && now.b_consent === 'yes'
            ? 'made'
            : now.a_consent === 'no' || now.b_consent === 'no'
              ? 'declined'
              : undefined;
        if (settled && (await repo.settle(trx, ws, id, settled, at)))
          await note(
            trx,
            ws,
            now,
            (other) =>
              settled === 'made'
                ? `Introduced to ${other} (both agreed)`
                : `Introduction to ${other} not made (declined)`,
            actor,
            at,
          );
        await recordAudit(trx, {
          workspaceId: ws,
          actor,
          action: 'consent',
          entity: 'introduction',
          entityId: id,
          data: v,
        });
      });
      return present(await getOrThrow(ws, id), await currencyOf(ws));
    },

    /** The value of the business passed (to the offering party), for an introduction that was made. */
    async setValue(ws: string, id: string, input: unknown, actor: string): Promise<Introduction> {
      const v = valueInput.parse(input);
      await writeTransaction(db, async (trx) => {
        const r = await getOrThrow(ws, id, trx);
        if (r.status !== 'made')
          throw conflict(
            'INTRODUCTION_NOT_MADE',
            'Only an introduction both parties agreed to can carry business passed',
          );
        await repo.setValue(trx, ws, id, v.value, clock().toISOString());
        await recordAudit(trx, {
          workspaceId: ws,
          actor,
          action: 'value',
          entity: 'introduction',
          entityId: id,
          data: v,
        });
      });
      return present(await getOrThrow(ws, id), await currencyOf(ws));
    },

    /** What the shop has done for each business customer: introductions made and value passed. */
    async ledger(ws: string) {
      const currency = await currencyOf(ws);
      const profiles = await repo.profiles(ws, MATCH_PROFILES);
      const rows = await repo.ledger(ws);
      return {
        currency,
        items: profiles
          .map((p) => {
            const mine = rows.filter((r) => r.a_id === p.customer_id || r.b_id === p.customer_id);
            return {
              customerId: p.customer_id,
              name: p.name,
              offers: list(p.offers),
              needs: list(p.needs),
              introductionsMade: mine.length,
              valuePassed: mine
                .filter((r) => r.provider_id === p.customer_id)
                .reduce((s, r) => s + Number(r.value ?? 0), 0),
            };
          })
          .sort(
            (x, y) =>
              y.introductionsMade - x.introductionsMade ||
              y.valuePassed - x.valuePassed ||
              x.name.localeCompare(y.name),
          ),
      };
    },

    async moveOnMerge(trx: Kysely<Database>, ws: string, from: { id: string }, into: { id: string }) {
      // keep the kept customer's own profile; introductions of the merged one are dropped with it (pair keys)
      if (
        !(await trx
          .selectFrom('business_profiles')
          .select('customer_id')
          .where('workspace_id', '=', ws)
          .where('customer_id', '=', into.id)
          .executeTakeFirst())
      )
        await trx
          .updateTable('business_profiles')
          .set({ customer_id: into.id })
          .where('workspace_id', '=', ws)
          .where('customer_id', '=', from.id)
          .execute();
    },
  };
}

export type IntroductionService = ReturnType<typeof createIntroductionService>;

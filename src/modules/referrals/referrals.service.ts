import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import type { Database } from '../../platform/db/schema.ts';
import { isPostgres, isUniqueViolation, writeTransaction } from '../../platform/db/transaction.ts';
import { badInput, conflict, notFound } from '../../platform/errors.ts';
import { recordAudit } from '../audit/index.ts';
import type { CreateHook, CustomerService } from '../customers/index.ts';
import type { TimelineService } from '../timeline/index.ts';
import type { WorkspaceService } from '../workspaces/index.ts';
import { newReferralCode, normalizeReferralCode } from './codes.ts';
import { createReferralsRepository } from './referrals.repository.ts';
import {
  leaderboardQuery,
  referralSettingsInput,
  setReferrerInput,
  type CustomerReferrals,
  type Leaderboard,
} from './referrals.schema.ts';

/** The actor of a sign-up through the public referral link (its referral's source is 'link'). */
export const LINK_ACTOR = 'public:referral-link';

/**
 * Give the referrer `points` for the referred customer's first purchase, under a unique key (the loyalty ledger's
 * source), so it is given once whatever calls it; returns what was given (e.g. the ledger entry) or null.
 */
export type GrantReward = (
  trx: Kysely<Database>,
  ws: string,
  referrerId: string,
  referredId: string,
  points: number,
  key: string,
) => Promise<string | null>;

export type ReferralDeps = {
  db: Kysely<Database>;
  workspaces: WorkspaceService;
  customers: CustomerService;
  timeline: TimelineService;
  publicUrl: () => string;
  clock?: () => Date;
};

const authorOf = (actor: string) => (actor.startsWith('user:') ? actor.slice(5) : null);

export function createReferralService(deps: ReferralDeps) {
  const { db, customers, timeline } = deps;
  const clock = deps.clock ?? (() => new Date());
  const repo = createReferralsRepository(db);
  let grant: GrantReward | undefined;

  async function codeFor(ws: string, customerId: string): Promise<string> {
    const have = await repo.codeOf(ws, customerId);
    if (have) return have;
    for (let attempt = 0; ; attempt++) {
      try {
        await writeTransaction(db, (trx) =>
          repo.insertCode(trx, ws, customerId, newReferralCode(), clock().toISOString()),
        );
        break;
      } catch (err) {
        if (!isUniqueViolation(err) || attempt >= 5) throw err; // another customer drew the same code: draw again
      }
    }
    return (await repo.codeOf(ws, customerId)) as string;
  }

  /** The referrer named by a customer id or a referral code, in this workspace. */
  async function resolveReferrer(trx: Kysely<Database>, ws: string, ref: string, pointer: string) {
    const byId = await trx
      .selectFrom('customers')
      .select(['id', 'name'])
      .where('workspace_id', '=', ws)
      .where('id', '=', ref)
      .executeTakeFirst();
    if (byId) return byId;
    const code = normalizeReferralCode(ref);
    const byCode = code
      ? await trx
          .selectFrom('referral_codes as r')
          .innerJoin('customers as c', (j) =>
            j.onRef('c.workspace_id', '=', 'r.workspace_id').onRef('c.id', '=', 'r.customer_id'),
          )
          .select(['c.id', 'c.name'])
          .where('r.workspace_id', '=', ws)
          .where('r.code', '=', code)
          .executeTakeFirst()
      : undefined;
    if (byCode) return byCode;
    throw Object.assign(notFound('REFERRER_NOT_FOUND', 'Referrer (customer or referral code)'), { pointer });
  }

  /** Record who referred a customer, once; no self-referral, no cycle. Runs inside the caller's transaction. */
  async function record(
    trx: Kysely<Database>,
    ws: string,
    referredId: string,
    ref: string,
    actor: string,
    source: 'created' | 'link' | 'later',
    pointer: string,
  ) {
    const referrer = await resolveReferrer(trx, ws, ref, pointer);
    if (referrer.id === referredId)
      throw badInput('SELF_REFERRAL', 'A customer cannot be their own referrer', pointer);
    // one referral write at a time per workspace, so two crossing referrals cannot both pass the cycle check
    if (isPostgres(trx))
      await trx.selectFrom('workspaces').select('id').where('id', '=', ws).forUpdate().executeTakeFirst();
    const existing = await repo.get(ws, referredId, trx);
    if (existing)
      throw conflict('REFERRER_ALREADY_SET', 'This customer already has a referrer; it is set only once');
    if ((await repo.ancestors(trx, ws, referrer.id)).includes(referredId))
      throw conflict(
        'REFERRAL_CYCLE',
        `${referrer.name} was referred (directly or through others) by this customer, so cannot be their referrer`,
      );
    const at = clock().toISOString();
    const inserted = await repo.insert(trx, {
      workspace_id: ws,
      referred_id: referredId,
      referrer_id: referrer.id,
      source,
      created_by: actor,
      created_at: at,
      rewarded_at: null,
      reward_ref: null,
    });
    if (!inserted)
      throw conflict('REFERRER_ALREADY_SET', 'This customer already has a referrer; it is set only once');
    const referred = await trx
      .selectFrom('customers')
      .select('name')
      .where('workspace_id', '=', ws)
      .where('id', '=', referredId)
      .executeTakeFirstOrThrow();
    const meta = { referrerId: referrer.id, referredId, source };
    await timeline.insertInteraction(trx, ws, {
      customerId: referredId,
      kind: 'referral',
      body: `Referred by ${referrer.name}`,
      authorId: authorOf(actor),
      occurredAt: at,
      meta,
    });
    await timeline.insertInteraction(trx, ws, {
      customerId: referrer.id,
      kind: 'referral',
      body: `Referred ${referred.name}`,
      authorId: authorOf(actor),
      occurredAt: at,
      meta,
    });
    await recordAudit(trx, {
      workspaceId: ws,
      actor,
      action: 'refer',
      entity: 'customer',
      entityId: referredId,
      data: meta,
    });
    // a referral set after the first purchase earns its reward at once
    await reward(trx, ws, referredId);
  }

  const rewardPoints = async (ws: string, trx: Kysely<Database> = db) =>
    Number(
      (
        await trx
          .selectFrom('referral_settings')
          .select('reward_points')
          .where('workspace_id', '=', ws)
          .executeTakeFirst()
      )?.reward_points ?? 0,
    );

  /** Give the referrer their reward for the referred customer's first purchase, exactly once. */
  async function reward(trx: Kysely<Database>, ws: string, referredId: string): Promise<boolean> {
    if (!grant) return false;
    const r = await repo.get(ws, referredId, trx);
    if (!r || r.rewarded_at) return false;
    const points = await rewardPoints(ws, trx);
    if (points <= 0) return false;
    if ((await repo.orderCount(trx, ws, referredId)) === 0) return false;
    const key = `referral:${referredId}`;
    if (!(await repo.markRewarded(trx, ws, referredId, clock().toISOString(), key))) return false;
    const given = await grant(trx, ws, r.referrer_id, referredId, points, key);
    if (given) {
      await trx
        .updateTable('referrals')
        .set({ reward_ref: given })
        .where('workspace_id', '=', ws)
        .where('referred_id', '=', referredId)
        .execute();
    }
    return true;
  }

  const onCreate: CreateHook = async (trx, ws, customerId, input, actor) => {
    if (input.referredBy)
      await record(
        trx,
        ws,
        customerId,
        input.referredBy,
        actor,
        actor === LINK_ACTOR ? 'link' : 'created',
        '/body/referredBy',
      );
  };

  return {
    onCreate,
    codeFor,
    /** The reward: loyalty points per referred customer's first purchase (0: none), and whether loyalty is there. */
    settings: async (ws: string) => ({ rewardPoints: await rewardPoints(ws), rewardsAvailable: !!grant }),
    async updateSettings(ws: string, input: unknown, actor: string) {
      const v = referralSettingsInput.parse(input);
      const at = clock().toISOString();
      await writeTransaction(db, async (trx) => {
        await trx
          .insertInto('referral_settings')
          .values({ workspace_id: ws, reward_points: v.rewardPoints, updated_at: at })
          .onConflict((oc) =>
            oc.column('workspace_id').doUpdateSet({ reward_points: v.rewardPoints, updated_at: at }),
          )
          .execute();
        await recordAudit(trx, {
          workspaceId: ws,
          actor,
          action: 'settings',
          entity: 'referrals',
          entityId: ws,
          data: v,
        });
      });
      return this.settings(ws);
    },
    /** Plug the reward in (loyalty points or a voucher); without it referrals are recorded but not rewarded. */
    setRewarder: (g: GrantReward) => void (grant = g),
    /** Reward every referrer whose referred customer bought without a reward yet (after imports; nightly). */
    async rewardDue(ws: string): Promise<number> {
      if (!grant || (await rewardPoints(ws)) <= 0) return 0;
      let n = 0;
      for (const id of await repo.unrewarded(ws, 5000))
        if (await writeTransaction(db, (trx) => reward(trx, ws, id))) n++;
      return n;
    },
    /** After an order of a referred customer: reward the referrer once (call inside the order's transaction). */
    rewardIfReferred: (trx: Kysely<Database>, ws: string, customerId: string) => reward(trx, ws, customerId),

    async setReferrer(
      ws: string,
      customerId: string,
      input: unknown,
      actor: string,
    ): Promise<CustomerReferrals> {
      const v = setReferrerInput.parse(input);
      await customers.getCustomerOrThrow(ws, customerId);
      await writeTransaction(db, (trx) =>
        record(trx, ws, customerId, v.referrer, actor, 'later', '/body/referrer'),
      );
      return this.view(ws, customerId);
    },

    async view(ws: string, customerId: string): Promise<CustomerReferrals> {
      await customers.getCustomerOrThrow(ws, customerId);
      const { currency } = await deps.workspaces.getWorkspaceCached(ws);
      const code = await codeFor(ws, customerId);
      const mine = await repo.get(ws, customerId);
      const referrer = mine ? await customers.getCustomerOrThrow(ws, mine.referrer_id) : undefined;
      const rows = await repo.referredBy(ws, customerId, currency);
      const referred = rows.map((r) => ({
        id: r.referred_id,
        name: r.name,
        source: r.source,
        at: r.created_at,
        orders: Number(r.orders),
        revenue: Number(r.revenue),
        rewardedAt: r.rewarded_at,
      }));
      return {
        customerId,
        code,
        link: `${deps.publicUrl()}/p/ref/${code}`,
        referredBy:
          mine && referrer
            ? { id: referrer.id, name: referrer.name, source: mine.source, at: mine.created_at }
            : null,
        referred,
        revenue: { amount: referred.reduce((s, r) => s + r.revenue, 0), currency },
      };
    },

    async leaderboard(ws: string, query: unknown): Promise<Leaderboard> {
      const q = leaderboardQuery.parse(query ?? {});
      const w = await deps.workspaces.getWorkspaceCached(ws);
      const utc = (d: string) =>
        DateTime.fromISO(d, { zone: w.timezone }).startOf('day').toUTC().toISO() as string;
      const from = q.from ? utc(q.from) : undefined;
      const to = q.to ? (DateTime.fromISO(utc(q.to)).plus({ days: 1 }).toUTC().toISO() as string) : undefined;
      if (from && to && from >= to)
        throw badInput('BAD_PERIOD', 'The period ends before it starts', '/query/to');
      const rows = await repo.leaderboard(ws, w.currency, { from, to }, q.limit);
      return {
        currency: w.currency,
        items: rows.map((r, i) => ({
          rank: i + 1,
          customerId: r.referrer_id,
          name: r.name,
          code: r.code,
          referred: Number(r.referred),
          revenue: Number(r.revenue),
        })),
      };
    },

    /** The public link's landing page: who sent them and to which shop, or undefined for an unknown code. */
    async linkView(rawCode: string) {
      const code = normalizeReferralCode(rawCode);
      const r = code ? await repo.byCode(code) : undefined;
      return (
        r && {
          code: code as string,
          firstName: r.name.split(/\s+/)[0] ?? r.name,
          shop: r.shop,
          ws: r.workspace_id,
          referrerId: r.customer_id,
        }
      );
    },

    /** A sign-up through the link: a new customer referred by the code's owner; a known phone or email is left alone. */
    async signUpByLink(rawCode: string, form: { name: string; phone: string; email?: string | undefined }) {
      const v = await this.linkView(rawCode);
      if (!v) return undefined;
      const known = await customers.findIdByPhone(v.ws, form.phone);
      if (known.id) return { ...v, created: false };
      await customers.createCustomer(
        v.ws,
        {
          name: form.name,
          phones: [{ number: form.phone }],
          emails: form.email ? [{ address: form.email }] : [],
          referredBy: v.referrerId,
        },
        LINK_ACTOR,
      );
      return { ...v, created: true };
    },

    async moveOnMerge(trx: Kysely<Database>, ws: string, from: { id: string }, into: { id: string }) {
      // the kept customer keeps its own referrer; the merged one's referrer moves only when it has none
      const kept = await repo.get(ws, into.id, trx);
      if (kept)
        await trx
          .deleteFrom('referrals')
          .where('workspace_id', '=', ws)
          .where('referred_id', '=', from.id)
          .execute();
      else
        await trx
          .updateTable('referrals')
          .set({ referred_id: into.id })
          .where('workspace_id', '=', ws)
          .where('referred_id', '=', from.id)
          .where('referrer_id', '!=', into.id)
          .execute();
      await trx
        .updateTable('referrals')
        .set({ referrer_id: into.id })
        .where('workspace_id', '=', ws)
        .where('referrer_id', '=', from.id)
        .where('referred_id', '!=', into.id)
        .execute();
      await trx
        .deleteFrom('referrals')
        .where('workspace_id', '=', ws)
        .where('referrer_id', '=', from.id)
        .execute();
      await trx
        .deleteFrom('referrals')
        .where('workspace_id', '=', ws)
        .where('referred_id', '=', from.id)
        .execute();
    },
  };
}

export type ReferralService = ReturnType<typeof createReferralService>;

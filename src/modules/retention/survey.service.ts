import type { Kysely } from 'kysely';
import { z } from 'zod';
import { newId, nowIso } from '../../platform/db/ids.ts';
import type { Database } from '../../platform/db/schema.ts';
import { isUniqueViolation, writeTransaction } from '../../platform/db/transaction.ts';
import { recordAudit } from '../audit/index.ts';
import { findPublicToken } from '../outreach/index.ts';
import type { TimelineService } from '../timeline/index.ts';
import type { WorkspaceService } from '../workspaces/index.ts';

/** Why a customer stopped buying: the survey's choices, in the order the page shows them. */
export const DEFECTION_REASONS = {
  needs_changed: 'My needs changed',
  price: 'The price',
  quality: 'The quality',
  service: 'How I was treated (service)',
  moved_away: 'I moved away',
  found_another: 'I found another shop',
  other: 'Something else',
} as const;
export type DefectionReason = keyof typeof DEFECTION_REASONS;
/** Reasons that name a problem the shop can fix: the answer opens a complaint with the customer's words. */
const PROBLEMS: DefectionReason[] = ['price', 'quality', 'service'];

export const surveyAnswerInput = z.object({
  reason: z.enum(Object.keys(DEFECTION_REASONS) as [DefectionReason, ...DefectionReason[]]),
  text: z.string().trim().max(5000).optional(),
  mayContact: z.boolean(),
});

export const defectionReportQuery = z.object({
  from: z.iso.date().optional().describe('First day (YYYY-MM-DD), default: a year ago'),
  to: z.iso.date().optional().describe('Last day, default: today'),
});
export const defectionReportSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    total: z.number(),
    reasons: z.array(
      z.object({
        reason: z.string(),
        label: z.string(),
        count: z.number(),
        valueLost: z
          .number()
          .describe('Sum of what these customers were expected to spend (value at stake), minor units'),
      }),
    ),
    months: z.array(z.object({ month: z.string(), counts: z.record(z.string(), z.number()) })),
    segments: z.array(z.object({ segment: z.string(), counts: z.record(z.string(), z.number()) })),
    mayContact: z.number().describe('Answers that said "you may contact me"'),
    complaints: z.number().describe('Answers that opened a complaint'),
  })
  .meta({ id: 'DefectionReport' });

const SURVEY = 'survey:defection';
const NPS = 'survey:nps';

export const npsAnswerInput = z.object({
  score: z.number().int().min(0).max(10),
  text: z.string().trim().max(5000).optional(),
});

/**
 * "Why did you stop?" — the survey a win-back campaign links to: one answer per link, the answer on the customer's
 * timeline, a complaint opened with the customer's own words when it names a problem, and a report of reasons over
 * time, by segment and by value lost.
 */
export function createSurveyService(deps: {
  db: Kysely<Database>;
  workspaces: WorkspaceService;
  timeline: TimelineService;
  /** Open a complaint (after the answer is saved); answers its id. */
  openComplaint: (
    ws: string,
    customerId: string,
    words: string,
    category: string,
    ownerId?: string,
  ) => Promise<string>;
  /** The staff member behind an NPS message (from its key: the sale's recorder, the complaint's owner). */
  staffOf: (trx: Kysely<Database>, ws: string, dedupeKey: string) => Promise<string | null>;
  /** A promoter answered: ask for a review. */
  onPromoter?: (ws: string, customerId: string, answerId: string) => Promise<unknown>;
  stakes: (
    ws: string,
    ids: string[],
  ) => Promise<{ customer_id: string; value_at_stake: number; segment: string }[]>;
  clock?: () => Date;
  onError?: (err: unknown) => void;
}) {
  const { db } = deps;
  const clock = deps.clock ?? (() => new Date());

  return {
    /** What the survey page needs: the shop's name, and whether this link was answered already. */
    async view(token: string) {
      const t =
        (await findPublicToken(db, token, SURVEY, clock())) ??
        (await findPublicToken(db, token, NPS, clock()));
      if (!t) return undefined;
      const w = await deps.workspaces.getWorkspaceCached(t.workspace_id);
      const settings = await db
        .selectFrom('retention_settings')
        .select('review_url')
        .where('workspace_id', '=', t.workspace_id)
        .executeTakeFirst();
      return {
        kind: t.purpose === NPS ? ('nps' as const) : ('defection' as const),
        shopName: w.name,
        answered: t.used_at !== null,
        reviewUrl: settings?.review_url ?? null,
      };
    },

    /**
     * An NPS answer (0–10 and why): once per link, on the timeline, credited to the staff member who served them;
     * a detractor (0–6) opens a follow-up (a complaint with their words, owned by that staff member when known);
     * a promoter (9–10) is asked for a review when the shop has a review link.
     */
    async answerNps(token: string, input: unknown): Promise<'saved' | 'used' | 'invalid'> {
      const v = npsAnswerInput.parse(input);
      const done = await writeTransaction(db, async (trx) => {
        const t = await findPublicToken(trx, token, NPS, clock());
        if (!t) return 'invalid' as const;
        if (t.used_at) return 'used' as const;
        const ws = t.workspace_id;
        const m = t.message_id
          ? await trx
              .selectFrom('messages')
              .select(['campaign_id', 'dedupe_key'])
              .where('workspace_id', '=', ws)
              .where('id', '=', t.message_id)
              .executeTakeFirst()
          : undefined;
        const staffId = m ? await deps.staffOf(trx, ws, m.dedupe_key) : null;
        const id = newId();
        try {
          await trx
            .insertInto('survey_answers')
            .values({
              workspace_id: ws,
              id,
              token_hash: t.token_hash,
              kind: 'nps',
              customer_id: t.customer_id,
              campaign_id: m?.campaign_id ?? null,
              message_id: t.message_id,
              reason: null,
              score: v.score,
              staff_id: staffId,
              text: v.text || null,
              may_contact: null,
              complaint_id: null,
              created_at: clock().toISOString(),
            })
            .execute();
        } catch (err) {
          if (isUniqueViolation(err)) return 'used' as const;
          throw err;
        }
        await trx
          .updateTable('public_tokens')
          .set({ used_at: nowIso() })
          .where('token_hash', '=', t.token_hash)
          .execute();
        if (t.customer_id)
          await deps.timeline.insertInteraction(trx, ws, {
            customerId: t.customer_id,
            kind: 'survey',
            direction: 'inbound',
            body: `Would recommend us: ${v.score}/10${v.text ? ` — “${v.text}”` : ''}`,
            authorId: null,
            occurredAt: nowIso(),
            meta: { surveyAnswerId: id, nps: v.score },
          });
        await recordAudit(trx, {
          workspaceId: ws,
          actor: 'customer',
          action: 'nps.answered',
          entity: 'survey_answer',
          entityId: id,
          data: { score: v.score },
        });
        return { ws, id, customerId: t.customer_id, staffId };
      });
      if (typeof done === 'string') return done;
      if (done.customerId && v.score <= 6)
        try {
          const words =
            v.text || `Scored us ${v.score} out of 10 when asked whether they would recommend us (NPS)`;
          const complaintId = await deps.openComplaint(
            done.ws,
            done.customerId,
            words,
            'nps detractor',
            done.staffId ?? undefined,
          );
          await db
            .updateTable('survey_answers')
            .set({ complaint_id: complaintId })
            .where('workspace_id', '=', done.ws)
            .where('id', '=', done.id)
            .execute();
        } catch (err) {
          deps.onError?.(err);
        }
      if (done.customerId && v.score >= 9)
        await deps
          .onPromoter?.(done.ws, done.customerId, done.id)
          .catch((err: unknown) => deps.onError?.(err));
      return 'saved';
    },

    /** Save an answer: once per link ('used' after that), then a complaint when it names a problem. */
    async answer(token: string, input: unknown): Promise<'saved' | 'used' | 'invalid'> {
      const v = surveyAnswerInput.parse(input);
      const done = await writeTransaction(db, async (trx) => {
        const t = await findPublicToken(trx, token, SURVEY, clock());
        if (!t) return 'invalid' as const;
        if (t.used_at) return 'used' as const;
        const ws = t.workspace_id;
        const campaign = t.message_id
          ? await trx
              .selectFrom('messages')
              .select('campaign_id')
              .where('workspace_id', '=', ws)
              .where('id', '=', t.message_id)
              .executeTakeFirst()
          : undefined;
        const id = newId();
        try {
          await trx
            .insertInto('survey_answers')
            .values({
              workspace_id: ws,
              id,
              token_hash: t.token_hash,
              kind: 'defection',
              customer_id: t.customer_id,
              campaign_id: campaign?.campaign_id ?? null,
              message_id: t.message_id,
              reason: v.reason,
              text: v.text || null,
              may_contact: v.mayContact ? 1 : 0,
              complaint_id: null,
              created_at: nowIso(),
            })
            .execute();
        } catch (err) {
          if (isUniqueViolation(err)) return 'used' as const;
          throw err;
        }
        await trx
          .updateTable('public_tokens')
          .set({ used_at: nowIso() })
          .where('token_hash', '=', t.token_hash)
          .execute();
        if (t.customer_id)
          await deps.timeline.insertInteraction(trx, ws, {
            customerId: t.customer_id,
            kind: 'survey',
            direction: 'inbound',
            body: `Why they stopped: ${DEFECTION_REASONS[v.reason]}${v.text ? ` — “${v.text}”` : ''}${v.mayContact ? ' (may contact them)' : ' (asked not to be contacted about it)'}`,
            authorId: null,
            occurredAt: nowIso(),
            meta: { surveyAnswerId: id, reason: v.reason, mayContact: v.mayContact },
          });
        await recordAudit(trx, {
          workspaceId: ws,
          actor: 'customer',
          action: 'survey.answered',
          entity: 'survey_answer',
          entityId: id,
          data: { reason: v.reason },
        });
        return { ws, id, customerId: t.customer_id };
      });
      if (typeof done === 'string') return done;
      // only the request that saved the answer opens the complaint
      if (done.customerId && PROBLEMS.includes(v.reason)) {
        try {
          const words =
            v.text ||
            `Stopped buying because of ${DEFECTION_REASONS[v.reason].toLowerCase()} (survey answer)`;
          const complaintId = await deps.openComplaint(done.ws, done.customerId, words, v.reason);
          await db
            .updateTable('survey_answers')
            .set({ complaint_id: complaintId })
            .where('workspace_id', '=', done.ws)
            .where('id', '=', done.id)
            .execute();
        } catch (err) {
          deps.onError?.(err);
        }
      }
      return 'saved';
    },

    async report(ws: string, query: unknown) {
      const q = defectionReportQuery.parse(query ?? {});
      const now = clock();
      const to = q.to ?? now.toISOString().slice(0, 10);
      const from =
        q.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - 365 * 86_400_000).toISOString().slice(0, 10);
      const rows = await db
        .selectFrom('survey_answers')
        .select(['customer_id', 'reason', 'created_at', 'may_contact', 'complaint_id'])
        .where('workspace_id', '=', ws)
        .where('kind', '=', 'defection')
        .where('reason', 'is not', null)
        .where('created_at', '>=', `${from}T00:00:00.000Z`)
        .where('created_at', '<=', `${to}T23:59:59.999Z`)
        .execute();
      const ids = [...new Set(rows.map((r) => r.customer_id).filter((x): x is string => !!x))];
      const stake = new Map((await deps.stakes(ws, ids)).map((s) => [s.customer_id, s]));
      const reasons = (Object.keys(DEFECTION_REASONS) as DefectionReason[]).map((reason) => {
        const of = rows.filter((r) => r.reason === reason);
        return {
          reason,
          label: DEFECTION_REASONS[reason],
          count: of.length,
          valueLost: of.reduce(
            (s, r) => s + (r.customer_id ? (stake.get(r.customer_id)?.value_at_stake ?? 0) : 0),
            0,
          ),
        };
      });
      const bucket = (key: (r: (typeof rows)[number]) => string) => {
        const m = new Map<string, Record<string, number>>();
        for (const r of rows) {
          const k = key(r);
          const c = m.get(k) ?? {};
          const reason = r.reason ?? 'other';
          c[reason] = (c[reason] ?? 0) + 1;
          m.set(k, c);
        }
        return m;
      };
      return {
        from,
        to,
        total: rows.length,
        reasons,
        months: [...bucket((r) => r.created_at.slice(0, 7))]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([month, counts]) => ({ month, counts })),
        segments: [...bucket((r) => (r.customer_id && stake.get(r.customer_id)?.segment) || 'unknown')].map(
          ([segment, counts]) => ({ segment, counts }),
        ),
        mayContact: rows.filter((r) => Number(r.may_contact) === 1).length,
        complaints: rows.filter((r) => r.complaint_id).length,
      };
    },
  };
}
export type SurveyService = ReturnType<typeof createSurveyService>;

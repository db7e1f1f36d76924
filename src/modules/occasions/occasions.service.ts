import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import { newId, nowIso } from '../../platform/db/ids.ts';
import type { Database } from '../../platform/db/schema.ts';
import { writeTransaction } from '../../platform/db/transaction.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { actorRef, type Actor } from '../../platform/http/actor.ts';
import { recordAudit } from '../audit/index.ts';
import type { CustomerService } from '../customers/index.ts';
import type { OutreachService } from '../outreach/index.ts';
import type { WorkspaceService } from '../workspaces/index.ts';
import { occurrencesOn, type Occurrence } from './occasions.repository.ts';
import {
  OCCASION_KINDS,
  customOccasionInput,
  occasionSettingsInput,
  upcomingQuery,
  type CustomOccasion,
  type OccasionKind,
  type OccasionSettings,
  type Upcoming,
} from './occasions.schema.ts';

export const OCCASIONS_JOB = 'occasions.greet';

const DEFAULT = { enabled: false, templateId: null, channel: 'email' as const, hour: 9 };
const GREETING: Record<OccasionKind, { subject: string; body: string }> = {
  birthday: {
    subject: 'Happy birthday, {{ customer.first_name }}!',
    body: 'Happy birthday, {{ customer.first_name | default: "friend" }}! Everyone at {{ shop.name }} wishes you a wonderful day.',
  },
  anniversary: {
    subject: 'Happy anniversary, {{ customer.first_name }}!',
    body: 'Happy anniversary, {{ customer.first_name | default: "friend" }}! Warm wishes from all of us at {{ shop.name }}.',
  },
  custom: {
    subject: '{{ occasion.label }}: best wishes, {{ customer.first_name }}!',
    body: 'Hello {{ customer.first_name | default: "friend" }}, thinking of you on your {{ occasion.label }}. Best wishes from {{ shop.name }}.',
  },
};

/** `{{ occasion.label }}` and `{{ occasion.years }}` filled in before the message's own merge (text only, no Liquid). */
const fillOccasion = (text: string, o: Occurrence) =>
  text
    .replace(/\{\{\s*occasion\.label\s*\}\}/g, o.label.replace(/[{}%]/g, ''))
    .replace(/\{\{\s*occasion\.years\s*\}\}/g, o.years === null ? '' : String(o.years));

const toCustom = (r: {
  id: string;
  customer_id: string;
  label: string;
  date: string;
  yearly: number;
  created_at: string;
}): CustomOccasion => ({
  id: r.id,
  customerId: r.customer_id,
  label: r.label,
  date: r.date,
  yearly: Number(r.yearly) === 1,
  createdAt: r.created_at,
});

/**
 * Birthdays, anniversaries and custom dates (E3): the greeting per kind, queued once per customer, kind and year
 * (the message's dedupe key) on the occasion's local date in the workspace zone, from the chosen hour — a
 * scheduler that was down at that hour still greets later the same day, never the next day for yesterday.
 */
export function createOccasionService(deps: {
  db: Kysely<Database>;
  workspaces: WorkspaceService;
  customers: CustomerService;
  outreach: OutreachService;
  clock?: () => Date;
}) {
  const { db } = deps;
  const clock = deps.clock ?? (() => new Date());

  async function getSettings(ws: string, trx: Kysely<Database> = db): Promise<OccasionSettings> {
    const rows = await trx
      .selectFrom('occasion_settings')
      .selectAll()
      .where('workspace_id', '=', ws)
      .execute();
    const of = (k: OccasionKind) => {
      const r = rows.find((x) => x.kind === k);
      return r
        ? {
            enabled: Number(r.enabled) === 1,
            templateId: r.template_id,
            channel: r.channel as OccasionSettings[OccasionKind]['channel'],
            hour: Number(r.hour),
          }
        : { ...DEFAULT };
    };
    return { birthday: of('birthday'), anniversary: of('anniversary'), custom: of('custom') };
  }
  const today = async (ws: string) =>
    DateTime.fromJSDate(clock(), { zone: (await deps.workspaces.getWorkspaceCached(ws)).timezone });

  return {
    getSettings,
    async updateSettings(ws: string, input: unknown, actor: Actor): Promise<OccasionSettings> {
      const v = occasionSettingsInput.parse(input);
      for (const k of OCCASION_KINDS) {
        const t = v[k]?.templateId;
        if (t) {
          const tpl = await deps.outreach.getTemplate(ws, t).catch(() => undefined);
          if (!tpl) throw new AppError('TEMPLATE_NOT_FOUND', 'Template not found', 400, `/${k}/templateId`);
        }
      }
      return writeTransaction(db, async (trx) => {
        const cur = await getSettings(ws, trx);
        for (const k of OCCASION_KINDS) {
          const p = v[k];
          if (!p) continue;
          const s = {
            enabled: p.enabled ?? cur[k].enabled,
            templateId: p.templateId !== undefined ? p.templateId : cur[k].templateId,
            channel: p.channel ?? cur[k].channel,
            hour: p.hour ?? cur[k].hour,
          };
          cur[k] = s;
          const row = {
            enabled: s.enabled ? 1 : 0,
            template_id: s.templateId,
            channel: s.channel,
            hour: s.hour,
            updated_at: nowIso(),
          };
          await trx
            .insertInto('occasion_settings')
            .values({ workspace_id: ws, kind: k, ...row })
            .onConflict((oc) => oc.columns(['workspace_id', 'kind']).doUpdateSet(row))
            .execute();
        }
        await recordAudit(trx, {
          workspaceId: ws,
          actor: actorRef(actor),
          action: 'occasions.settings',
          entity: 'workspace',
          entityId: ws,
          data: v,
        });
        return cur;
      });
    },

    // --- custom dates ---
    async listCustom(ws: string, customerId: string) {
      await deps.customers.existsOrThrow(ws, customerId);
      const rows = await db
        .selectFrom('customer_occasions')
        .selectAll()
        .where('workspace_id', '=', ws)
        .where('customer_id', '=', customerId)
        .orderBy('date')
        .execute();
      return { items: rows.map(toCustom) };
    },
    async addCustom(ws: string, customerId: string, input: unknown, actor: Actor): Promise<CustomOccasion> {
      const v = customOccasionInput.parse(input);
      const row = {
        workspace_id: ws,
        id: newId(),
        customer_id: customerId,
        label: v.label,
        date: v.date,
        yearly: v.yearly ? 1 : 0,
        created_at: nowIso(),
      };
      await writeTransaction(db, async (trx) => {
        await deps.customers.existsOrThrow(ws, customerId, trx);
        await trx.insertInto('customer_occasions').values(row).execute();
        await recordAudit(trx, {
          workspaceId: ws,
          actor: actorRef(actor),
          action: 'occasion.added',
          entity: 'customer',
          entityId: customerId,
          data: { label: v.label, date: v.date },
        });
      });
      return toCustom(row);
    },
    async removeCustom(ws: string, customerId: string, id: string, actor: Actor) {
      await writeTransaction(db, async (trx) => {
        const r = await trx
          .deleteFrom('customer_occasions')
          .where('workspace_id', '=', ws)
          .where('customer_id', '=', customerId)
          .where('id', '=', id)
          .executeTakeFirst();
        if (!Number(r.numDeletedRows)) throw notFound('OCCASION_NOT_FOUND', 'Occasion');
        await recordAudit(trx, {
          workspaceId: ws,
          actor: actorRef(actor),
          action: 'occasion.removed',
          entity: 'customer',
          entityId: customerId,
          data: { id },
        });
      });
    },
    async moveOnMerge(trx: Kysely<Database>, ws: string, from: { id: string }, into: { id: string }) {
      await trx
        .updateTable('customer_occasions')
        .set({ customer_id: into.id })
        .where('workspace_id', '=', ws)
        .where('customer_id', '=', from.id)
        .execute();
    },

    /** Occasions of the next N local days (today first), whether or not a greeting is on. */
    async upcoming(ws: string, query: unknown): Promise<Upcoming> {
      const q = upcomingQuery.parse(query ?? {});
      const start = (await today(ws)).startOf('day');
      const days = Array.from({ length: q.days }, (_, i) => start.plus({ days: i }).toISODate() as string);
      const hits = await occurrencesOn(db, ws, days, OCCASION_KINDS, 500);
      hits.sort((a, b) => a.day.localeCompare(b.day) || a.name.localeCompare(b.name));
      return {
        from: days[0] as string,
        days: q.days,
        items: hits.map((o) => ({
          date: o.day,
          kind: o.kind,
          label: o.label,
          customerId: o.customerId,
          name: o.name,
          years: o.years,
        })),
      };
    },

    /** Workspaces with a greeting on (the hourly scheduler enqueues one job each). */
    async greetingWorkspaces(): Promise<string[]> {
      const rows = await db
        .selectFrom('occasion_settings')
        .select('workspace_id')
        .distinct()
        .where('enabled', '=', 1)
        .execute();
      return rows.map((r) => r.workspace_id);
    },

    /**
     * Queue today's greetings (local date in the workspace zone) for the kinds whose hour has come. Each is keyed
     * `occasion:<customer>:<kind>[:<custom id>]:<year>`, so two schedulers, a restart or a clock set back never
     * queue one twice. Only with marketing consent (outreach refuses otherwise: counted as skipped).
     */
    async greetDue(ws: string): Promise<{ day: string; queued: number; skipped: number }> {
      const s = await getSettings(ws);
      const local = await today(ws);
      const day = local.toISODate() as string;
      const kinds = OCCASION_KINDS.filter((k) => s[k].enabled && local.hour >= s[k].hour);
      let queued = 0;
      let skipped = 0;
      if (!kinds.length) return { day, queued, skipped };
      // in quiet hours that last into tomorrow a greeting would arrive a day late: today's goes no more
      const due = DateTime.fromISO(await deps.outreach.dueAt(ws), { zone: local.zone });
      if (due.toISODate() !== day) return { day, queued, skipped };
      const texts = new Map<
        OccasionKind,
        { channel: OccasionSettings[OccasionKind]['channel']; subject: string | null; body: string }
      >();
      for (const k of kinds) {
        const tpl = s[k].templateId
          ? await deps.outreach.getTemplate(ws, s[k].templateId as string).catch(() => undefined)
          : undefined;
        texts.set(
          k,
          tpl && !tpl.archived
            ? { channel: tpl.channel, subject: tpl.subject, body: tpl.body }
            : { channel: s[k].channel, ...GREETING[k] },
        );
      }
      for (const o of await occurrencesOn(db, ws, [day], kinds)) {
        const t = texts.get(o.kind);
        if (!t) continue;
        const key = `occasion:${o.customerId}:${o.kind}${o.occasionId ? `:${o.occasionId}` : ''}:${day.slice(0, 4)}`;
        try {
          const r = await deps.outreach.queueMessage(
            ws,
            o.customerId,
            {
              channel: t.channel,
              purpose: 'marketing',
              subject: t.subject === null ? null : fillOccasion(t.subject, o),
              body: fillOccasion(t.body, o),
            },
            { dedupeKey: key, createdBy: 'system:occasions' },
          );
          if (r.created) queued++;
        } catch (err) {
          if (!(err instanceof AppError) || err.status !== 409) throw err;
          skipped++; // no consent, no address, suppressed, channel not set up: never sent against the rules
        }
      }
      return { day, queued, skipped };
    },
  };
}
export type OccasionService = ReturnType<typeof createOccasionService>;

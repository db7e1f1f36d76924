import { sql, type Kysely, type Selectable } from 'kysely';
import { decodeTimeCursor, encodeTimeCursor } from '../../platform/db/cursor.ts';
import { newId } from '../../platform/db/ids.ts';
import type { Database, VoucherTable } from '../../platform/db/schema.ts';
import { writeTransaction } from '../../platform/db/transaction.ts';
import { conflict, notFound } from '../../platform/errors.ts';
import { actorRef, type Actor } from '../../platform/http/actor.ts';
import { formatMoney } from '../../platform/money.ts';
import { recordAudit } from '../audit/index.ts';
import type { CustomerService } from '../customers/index.ts';
import type { WorkspaceService } from '../workspaces/index.ts';
import { hashCode, newVoucherCode } from './code.ts';
import {
  createVoucherSchema,
  listVouchersQuery,
  lookupVoucherSchema,
  redeemVoucherSchema,
  type Voucher,
} from './vouchers.schema.ts';

type Db = Kysely<Database>;
type Row = Selectable<VoucherTable>;
export type VoucherDeps = {
  db: Db;
  workspaces: WorkspaceService;
  customers: CustomerService;
  clock?: () => Date;
};

/** Gift vouchers (issue 18): issued by hand, by a campaign or as a reward; redeemed exactly once (or down to 0). */
export function createVoucherService({ db, workspaces, customers, clock = () => new Date() }: VoucherDeps) {
  const now = () => clock().toISOString();
  const toVoucher = (r: Row): Voucher => ({
    id: r.id,
    codeHint: r.code_hint,
    kind: r.kind,
    value: r.value === null ? null : Number(r.value),
    percent: r.percent,
    currency: r.currency,
    mode: r.mode,
    remaining: r.remaining === null ? null : Number(r.remaining),
    status: r.status === 'active' && r.expires_at !== null && r.expires_at <= now() ? 'expired' : r.status,
    expiresAt: r.expires_at,
    customerId: r.customer_id,
    source: r.source,
    note: r.note,
    createdAt: r.created_at,
  });
  const byCode = (trx: Db, ws: string, code: string) =>
    trx
      .selectFrom('vouchers')
      .selectAll()
      .where('workspace_id', '=', ws)
      .where('code_hash', '=', hashCode(code))
      .executeTakeFirst();
  const byId = (trx: Db, ws: string, id: string) =>
    trx
      .selectFrom('vouchers')
      .selectAll()
      .where('workspace_id', '=', ws)
      .where('id', '=', id)
      .executeTakeFirst();

  /** Why a voucher cannot be used (404 unknown code, 409 used, void, expired or short of the amount). */
  function refusal(r: Row | undefined, amount?: number) {
    if (!r) return notFound('VOUCHER_NOT_FOUND', 'Voucher');
    if (r.status === 'used') return conflict('VOUCHER_USED', 'This voucher has already been used');
    if (r.status === 'void') return conflict('VOUCHER_VOID', 'This voucher was cancelled');
    if (r.expires_at !== null && r.expires_at <= now())
      return conflict('VOUCHER_EXPIRED', `This voucher expired on ${r.expires_at.slice(0, 10)}`);
    return conflict(
      'VOUCHER_BALANCE_LOW',
      `Only ${formatMoney(Number(r.remaining ?? 0), r.currency)} is left on this voucher${amount ? '' : ''}`,
    );
  }

  /**
   * Use a voucher inside `trx`: one conditional UPDATE decides (status active, not expired, enough left), so of
   * any number of parallel redemptions of a one-time code exactly one succeeds.
   */
  async function use(
    trx: Db,
    ws: string,
    code: string,
    opts: { amount?: number; customerId?: string | null; orderId?: string | null; actor: Actor },
  ) {
    const r = await byCode(trx, ws, code);
    if (!r) throw refusal(r);
    const at = now();
    const balance = r.mode === 'balance';
    const amount = balance
      ? (opts.amount ?? Number(r.remaining ?? 0))
      : r.kind === 'amount'
        ? Number(r.value)
        : null;
    const res = await trx
      .updateTable('vouchers')
      .set(
        balance
          ? {
              remaining: sql`remaining - ${amount}`,
              status: sql`case when remaining - ${amount} = 0 then 'used' else 'active' end`,
              updated_at: at,
            }
          : { status: 'used', remaining: r.kind === 'amount' ? 0 : null, updated_at: at },
      )
      .where('workspace_id', '=', ws)
      .where('id', '=', r.id)
      .where('status', '=', 'active')
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', at)]))
      .$if(balance, (q) => q.where('remaining', '>=', amount ?? 0).where(sql<boolean>`${amount ?? 0} > 0`))
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw refusal(await byId(trx, ws, r.id), amount ?? undefined);
    await trx
      .insertInto('voucher_redemptions')
      .values({
        workspace_id: ws,
        id: newId(),
        voucher_id: r.id,
        amount,
        customer_id: opts.customerId ?? null,
        order_id: opts.orderId ?? null,
        created_by: actorRef(opts.actor),
        at,
      })
      .execute();
    await recordAudit(trx, {
      workspaceId: ws,
      actor: actorRef(opts.actor),
      action: 'redeem',
      entity: 'voucher',
      entityId: r.id,
      data: { amount, orderId: opts.orderId ?? null },
    });
    return { voucher: toVoucher((await byId(trx, ws, r.id)) as Row), amount };
  }

  return {
    use,
    /** What a code takes off a sale of `gross` minor units (checked again, exactly once, by `use`). */
    async quote(ws: string, code: string, gross: number) {
      const r = await byCode(db, ws, code);
      const v = r && toVoucher(r);
      if (!r || !v || v.status !== 'active') throw refusal(r);
      if (r.kind === 'percent')
        return { discount: Math.floor((gross * (r.percent ?? 0)) / 100), amount: undefined };
      const left = Number(r.mode === 'balance' ? r.remaining : r.value);
      const discount = Math.min(left, gross);
      return { discount, amount: r.mode === 'balance' ? discount : undefined };
    },

    async issue(ws: string, input: unknown, actor: Actor) {
      const v = createVoucherSchema.parse(input);
      if (v.customerId) await customers.existsOrThrow(ws, v.customerId);
      const { currency } = await workspaces.getWorkspaceCached(ws);
      const code = newVoucherCode();
      const at = now();
      const row: Row = {
        workspace_id: ws,
        id: newId(),
        code_hash: hashCode(code),
        code_hint: code.slice(-4),
        kind: v.percent !== undefined ? 'percent' : 'amount',
        value: v.value ?? null,
        percent: v.percent ?? null,
        currency,
        mode: v.mode,
        remaining: v.value ?? null,
        status: 'active',
        expires_at: v.expiresAt ? new Date(v.expiresAt).toISOString() : null,
        customer_id: v.customerId ?? null,
        source: v.source,
        note: v.note ?? null,
        created_by: actorRef(actor),
        created_at: at,
        updated_at: at,
      };
      await writeTransaction(db, async (trx) => {
        await trx.insertInto('vouchers').values(row).execute();
        await recordAudit(trx, {
          workspaceId: ws,
          actor: actorRef(actor),
          action: 'create',
          entity: 'voucher',
          entityId: row.id,
          data: {
            kind: row.kind,
            value: row.value,
            percent: row.percent,
            mode: row.mode,
            source: row.source,
          },
        });
      });
      return { ...toVoucher(row), code };
    },

    async redeem(ws: string, input: unknown, actor: Actor) {
      const v = redeemVoucherSchema.parse(input);
      if (v.customerId) await customers.existsOrThrow(ws, v.customerId);
      return writeTransaction(db, (trx) =>
        use(trx, ws, v.code, {
          ...(v.amount !== undefined && { amount: v.amount }),
          customerId: v.customerId ?? null,
          orderId: v.orderId ?? null,
          actor,
        }),
      );
    },

    async lookup(ws: string, input: unknown) {
      const r = await byCode(db, ws, lookupVoucherSchema.parse(input).code);
      if (!r) throw notFound('VOUCHER_NOT_FOUND', 'Voucher');
      return toVoucher(r);
    },

    async list(ws: string, query: unknown) {
      const q = listVouchersQuery.parse(query);
      const after = q.cursor ? decodeTimeCursor(q.cursor) : undefined;
      const rows = await db
        .selectFrom('vouchers')
        .selectAll()
        .where('workspace_id', '=', ws)
        .$if(q.status !== undefined, (x) => x.where('status', '=', q.status ?? 'active'))
        .$if(after !== undefined, (x) =>
          x.where((eb) =>
            eb.or([
              eb('created_at', '<', after?.at ?? ''),
              eb.and([eb('created_at', '=', after?.at ?? ''), eb('id', '<', after?.id ?? '')]),
            ]),
          ),
        )
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(q.limit + 1)
        .execute();
      const page = rows.slice(0, q.limit);
      const last = page.at(-1);
      return {
        items: page.map(toVoucher),
        nextCursor: rows.length > q.limit && last ? encodeTimeCursor(last.created_at, last.id) : null,
      };
    },

    /** Cancel a voucher (once: a used or void one answers 409). */
    async void(ws: string, id: string, actor: Actor) {
      return writeTransaction(db, async (trx) => {
        const res = await trx
          .updateTable('vouchers')
          .set({ status: 'void', updated_at: now() })
          .where('workspace_id', '=', ws)
          .where('id', '=', id)
          .where('status', '=', 'active')
          .executeTakeFirst();
        if (Number(res.numUpdatedRows) !== 1) {
          const r = await byId(trx, ws, id);
          if (!r) throw notFound('VOUCHER_NOT_FOUND', 'Voucher');
          throw refusal({ ...r, expires_at: null });
        }
        await recordAudit(trx, {
          workspaceId: ws,
          actor: actorRef(actor),
          action: 'void',
          entity: 'voucher',
          entityId: id,
          data: null,
        });
        return toVoucher((await byId(trx, ws, id)) as Row);
      });
    },
  };
}
export type VoucherService = ReturnType<typeof createVoucherService>;

import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';
import { writeTransaction } from '../../platform/db/transaction.ts';
import type { SecretBox } from '../../platform/crypto/secrets.ts';
import { fanOut } from './fanout.ts';
import { post, sign, type NetPolicy } from './net.ts';
import type { DeliveryRow, EndpointRow } from './webhooks.repository.ts';

/** Retries go on for a day from the first try (or a replay); then the delivery is a dead letter. */
export const RETRY_WINDOW_MS = 24 * 3_600_000;
/** This many 410 Gone answers in a row turn the endpoint off. */
export const GONE_LIMIT = 3;
const BATCH = 20;

/** Exponential backoff: 30 s, 1, 2, 4 … minutes, at most 4 hours between tries. */
export const retryDelayMs = (attempts: number) =>
  Math.min(4 * 3_600_000, 30_000 * 2 ** Math.max(0, attempts - 1));

export type DispatcherOptions = {
  db: Kysely<Database>;
  box: SecretBox;
  policy: NetPolicy;
  clock: () => Date;
  leaseMs?: number;
  pollMs?: number;
  onError?: (err: unknown) => void;
};

/**
 * The webhook dispatcher. Fan-out: for every enabled endpoint, the audit rows after its cursor become delivery
 * rows (one per endpoint and event: a unique key, so two dispatchers, or a second look at the same rows, add
 * nothing). Sending: due deliveries are claimed one by one with a conditional UPDATE and a lease (two processes
 * never send the same attempt), posted signed, and settled: delivered, retried later, or a dead letter.
 */
export function createDispatcher(o: DispatcherOptions) {
  const { db, box, policy, clock } = o;
  const owner = `wh-${process.pid}-${randomBytes(4).toString('hex')}`;
  const leaseMs = o.leaseMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = true;

  /** Claim up to BATCH due deliveries of enabled endpoints: each by a conditional UPDATE, so only one wins. */
  async function claim(): Promise<DeliveryRow[]> {
    const now = clock().toISOString();
    const due = await db
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhook_endpoints as e', (j) =>
        j.onRef('e.workspace_id', '=', 'd.workspace_id').onRef('e.id', '=', 'd.endpoint_id'),
      )
      .select(['d.workspace_id', 'd.id'])
      .where('e.enabled', '=', 1)
      .where((w) =>
        w.or([
          w.and([w('d.status', '=', 'pending'), w('d.next_attempt_at', '<=', now)]),
          w.and([w('d.status', '=', 'sending'), w('d.lease_until', '<', now)]),
        ]),
      )
      .orderBy('d.next_attempt_at')
      .limit(BATCH)
      .execute();
    const mine: DeliveryRow[] = [];
    const until = new Date(clock().getTime() + leaseMs).toISOString();
    for (const d of due) {
      const r = await db
        .updateTable('webhook_deliveries')
        .set({ status: 'sending', lease_owner: owner, lease_until: until })
        .where('workspace_id', '=', d.workspace_id)
        .where('id', '=', d.id)
        .where((w) =>
          w.or([
            w.and([w('status', '=', 'pending'), w('next_attempt_at', '<=', now)]),
            w.and([w('status', '=', 'sending'), w('lease_until', '<', now)]),
          ]),
        )
        .returningAll()
        .executeTakeFirst();
      if (r) mine.push(r);
    }
    return mine;
  }

  function signatures(e: EndpointRow, id: string, ts: number, body: string) {
    const sigs = [sign(box.open(e.secret), id, ts, body)];
    if (e.previous_secret && e.previous_secret_until && e.previous_secret_until > clock().toISOString())
      sigs.push(sign(box.open(e.previous_secret), id, ts, body));
    return sigs.join(' ');
  }

  async function deliver(d: DeliveryRow) {
    const e = await db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('workspace_id', '=', d.workspace_id)
      .where('id', '=', d.endpoint_id)
      .executeTakeFirst();
    if (!e) return;
    const ts = Math.floor(clock().getTime() / 1000);
    const headers = {
      'webhook-id': d.event_id,
      'webhook-timestamp': String(ts),
      'webhook-signature': signatures(e, d.event_id, ts, d.payload),
      'user-agent': 'Rapport-Webhooks/1',
    };
    const r = await post(e.url, headers, d.payload, policy);
    const now = clock();
    const attempts = Number(d.attempts) + 1;
    const ok = r.status !== null && r.status >= 200 && r.status < 300;
    const gone = r.status === 410;
    const delay = retryDelayMs(attempts);
    const giveUp = gone || now.getTime() + delay > Date.parse(d.window_start) + RETRY_WINDOW_MS;
    const reason =
      r.error ??
      (r.status !== null && r.status >= 300 && r.status < 400
        ? `answered ${r.status} (redirects are not followed)`
        : `answered ${r.status}`);
    await writeTransaction(db, async (trx) => {
      const s = await trx
        .updateTable('webhook_deliveries')
        .set({
          attempts,
          response_status: r.status,
          duration_ms: r.durationMs,
          last_attempt_at: now.toISOString(),
          lease_owner: null,
          lease_until: null,
          ...(ok
            ? { status: 'delivered', delivered_at: now.toISOString(), error: null }
            : giveUp
              ? {
                  status: 'failed',
                  error: gone
                    ? 'The receiver answered 410 Gone'
                    : `Gave up after ${attempts} attempts: ${reason}`,
                }
              : {
                  status: 'pending',
                  next_attempt_at: new Date(now.getTime() + delay).toISOString(),
                  error: `Will try again: ${reason}`,
                }),
        })
        .where('workspace_id', '=', d.workspace_id)
        .where('id', '=', d.id)
        .where('status', '=', 'sending')
        .where('lease_owner', '=', owner)
        .executeTakeFirst();
      if (Number(s.numUpdatedRows) !== 1 || (!ok && !gone)) return;
      const q = trx
        .updateTable('webhook_endpoints')
        .where('workspace_id', '=', d.workspace_id)
        .where('id', '=', d.endpoint_id);
      if (ok) await q.set({ gone_count: 0 }).where('gone_count', '>', 0).execute();
      else {
        await q.set((eb) => ({ gone_count: eb('gone_count', '+', 1) })).execute();
        await trx
          .updateTable('webhook_endpoints')
          .set({
            enabled: 0,
            disabled_reason: `Turned off after ${GONE_LIMIT} answers of 410 Gone in a row`,
            updated_at: now.toISOString(),
          })
          .where('workspace_id', '=', d.workspace_id)
          .where('id', '=', d.endpoint_id)
          .where('gone_count', '>=', GONE_LIMIT)
          .where('enabled', '=', 1)
          .execute();
      }
    });
  }

  /** Fan out, then send everything due, then return (tests call it; the loop calls it every poll). */
  async function drain() {
    await fanOut(db, clock);
    for (;;) {
      const batch = await claim();
      if (!batch.length) return;
      await Promise.all(batch.map((d) => deliver(d).catch((err: unknown) => o.onError?.(err))));
    }
  }

  function tick() {
    if (stopped) return;
    if (running) return void (again = true);
    running = drain()
      .catch((err: unknown) => o.onError?.(err))
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          tick();
        }
      });
  }

  return {
    owner,
    drain,
    poke: () => tick(),
    start() {
      if (!stopped) return;
      stopped = false;
      const loop = () => {
        tick();
        timer = setTimeout(loop, o.pollMs ?? 2000);
        timer.unref();
      };
      loop();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
export type Dispatcher = ReturnType<typeof createDispatcher>;

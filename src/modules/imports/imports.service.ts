import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Kysely, Selectable } from 'kysely';
import { rawDriver } from '../../platform/db/connect.ts';
import { writeTransaction } from '../../platform/db/transaction.ts';
import { newId, nowIso } from '../../platform/db/ids.ts';
import type { Database, ImportRunTable } from '../../platform/db/schema.ts';
import { AppError, badInput, notFound } from '../../platform/errors.ts';
import type { Actor } from '../../platform/http/actor.ts';
import { recordAudit } from '../audit/index.ts';
import type { CustomerService, CustomerUpsert, UpsertResult } from '../customers/index.ts';
import type { OrderService } from '../orders/index.ts';
import type { TimelineService } from '../timeline/index.ts';
import type { WorkspaceService } from '../workspaces/index.ts';
import { HEARTBEAT_MS, ownerIsGone, PROCESS_OWNER } from '../../platform/jobs/owner.ts';
import {
  createImportsRepository,
  emptyCounts,
  isUniqueViolation,
  type ImportCounts,
  type ImportRun,
  type ImportsRepository,
} from './imports.repository.ts';
import { chooseLayout, type LayoutChoice } from './layout.ts';
import { createMappingService } from './mappings.ts';
import { resolveColumns, suggestColumns } from './presets/mapped.ts';
import { openCsv, refuseUnreadable, type CsvSource } from './read.ts';
import { dateOrderEvidence } from './values.ts';
import { normHeader, type ImportedRefund, type ImportRecord } from './records.ts';
import { readVcards } from './vcard.ts';
import { isExportJson, readExportJson } from './json.ts';
import { authorKey, importInteractions } from './interactions.ts';

export type ImportOptions = {
  workspaceId: string;
  file: string;
  fileName?: string | undefined;
  preset?: string | undefined;
  /** A saved column mapping, by id or name (generic CSV files). */
  mapping?: string | undefined;
  /** A column mapping given with the import: { "column name": "field id" | "ignore" }. */
  columns?: Record<string, string> | undefined;
  currency?: string | undefined;
  /** How to read numeric dates like 12/05/1990 (day first or month first); default: from the file, else the region. */
  dateOrder?: DateOrder | undefined;
  dryRun?: boolean | undefined;
  batchSize?: number | undefined;
  /** Use this id for a new run (the API hands it out before the worker starts). */
  runId?: string | undefined;
  onStarted?: ((runId: string | null) => void) | undefined;
  onProgress?:
    ((p: { records: number; bytes: number; totalBytes: number; counts: ImportCounts }) => void) | undefined;
};
export type ImportResult = {
  run: ImportRun | null;
  /**
   * True when the same file (same preset and mapping) was already being imported: this call wrote nothing and
   * answers that run, which goes on in the process that runs it.
   */
  joined: boolean;
  preset: string;
  encoding: string;
  delimiter: string;
  resumed: boolean;
  dryRun: boolean;
  counts: ImportCounts;
  rejections: { line: number; reason: string }[];
  /** The other notes of the report, by line: rows imported with a warning, and each email or phone match. */
  notes: { line: number; kind: 'warning' | 'match'; reason: string }[];
  dates: DatesUsed;
};

type Deps = {
  db: Kysely<Database>;
  workspaces: WorkspaceService;
  customers: CustomerService;
  orders: OrderService;
  timeline: TimelineService;
  /** The workspace's staff: an imported timeline entry's author is the user of that name. */
  users?: ((ws: string) => Promise<{ id: string; name: string }[]>) | undefined;
};

class DryRunRollback extends Error {}

/**
 * A batch is one write transaction: at most this many records, or this many rows of the file (an order counts
 * its lines), so the write lock is held for a fraction of a second and other writers (the server, a refit)
 * get their turn well within SQLite's 5 s busy timeout.
 */
const BATCH_RECORDS = 1000;
/**
 * A preview reads at most the file's first 2 MB (beyond its first 256 KB chunk): enough for the sample and the
 * examples, and a bounded amount of work in the request thread whatever was uploaded.
 */
const PREVIEW_READ = { bytes: 2 * 1024 * 1024 };
const BATCH_ROWS = 2500;
/** Warnings and matches a result lists (all of them are kept with the run: GET /imports/{id}/notes). */
const MAX_REPORTED = 10_000;
/** Tries of a batch that found the database busy (each waits up to the busy timeout, then backs off). */
const BUSY_ATTEMPTS = 8;
const isBusy = (err: unknown) =>
  // DATABASE_BUSY: writeTransaction's own retries ran out
  /^(SQLITE_BUSY|DATABASE_BUSY$)/.test(String((err as { code?: unknown } | null)?.code ?? '')) ||
  /database is locked/i.test(err instanceof Error ? err.message : '');

/** Run a write; when another writer held the database past the busy timeout (SQLite), wait and run it again. */
async function whenNotBusy<T>(write: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (!isBusy(err) || attempt >= BUSY_ATTEMPTS) throw err;
      await new Promise((r) => setTimeout(r, Math.min(5000, 200 * 2 ** attempt)));
    }
  }
}

async function hashFile(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

async function isVcard(file: string): Promise<boolean> {
  if (/\.vcf$/i.test(file)) return true;
  const fh = await fs.promises.open(file, 'r');
  try {
    const buf = Buffer.alloc(64);
    const { bytesRead } = await fh.read(buf, 0, 64, 0);
    return /^\s*(\ufeff)?BEGIN:VCARD/i.test(buf.subarray(0, bytesRead).toString('utf8'));
  } finally {
    await fh.close();
  }
}

/**
 * Imports (A6): stream a file through a preset into customers and orders, in batches of one transaction each.
 * Each batch also saves a checkpoint, so a crash loses nothing acknowledged and the next run of the same file
 * resumes; and every write is matched by natural keys, so re-running a file (or an overlapping one) adds no
 * duplicates. Rejected rows are kept with their line and reason.
 */
export function createImportService({ db, workspaces, customers, orders, timeline, users }: Deps) {
  const repo = createImportsRepository(db);
  const mappings = createMappingService(db);
  // SQLite works in this thread: reading the next batch ahead would only stretch its write lock.
  const readAhead = rawDriver(db)?.dialect !== 'sqlite';

  /**
   * Make this process the one running the import of a file, exactly once per workspace, file and mapping: a run
   * of it already going on elsewhere is joined (nothing is written twice); one left by a process that is gone,
   * or one that failed, is taken over and resumed (compare-and-set, so two takers cannot both win); otherwise a
   * new run is inserted, and the unique active key makes a simultaneous second insert fail and join instead.
   */
  async function claimRun(
    ws: string,
    key: string,
    hash: string,
    preset: string,
    resumeOptions: string | undefined,
    fresh: () => Selectable<ImportRunTable>,
  ): Promise<{ joined: ImportRun } | { id: string; resumed?: ImportRun }> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const active = await whenNotBusy(() => repo.findActive(ws, key));
      const previous =
        active ?? (await whenNotBusy(() => repo.findResumable(ws, hash, preset, resumeOptions)));
      if (previous) {
        const { run, claim } = previous;
        if (claim.status === 'running' && !ownerIsGone(claim.owner, claim.updatedAt)) return { joined: run };
        try {
          if (await whenNotBusy(() => repo.claim(ws, claim, PROCESS_OWNER, key, nowIso())))
            return { id: run.id, resumed: run };
        } catch (err) {
          if (!isUniqueViolation(err)) throw err;
        }
      } else {
        const row = fresh();
        try {
          await whenNotBusy(() => repo.insertRun(row));
          return { id: row.id };
        } catch (err) {
          if (!isUniqueViolation(err)) throw err;
        }
      }
      await new Promise((r) => setTimeout(r, 10 + Math.random() * 40)); // someone else won: look again
    }
    throw new AppError('IMPORT_BUSY', 'This file is being started by another import; try again', 409);
  }

  async function runImport(opts: ImportOptions): Promise<ImportResult> {
    const ws = await workspaces.getWorkspaceOrThrow(opts.workspaceId);
    const stat = await fs.promises.stat(opts.file).catch(() => undefined);
    if (!stat?.isFile()) throw badInput('IMPORT_NO_FILE', `No file at ${opts.file}`);
    await refuseUnreadable(opts.file, stat.size);
    const currency = (opts.currency ?? ws.currency).toUpperCase();
    const vcard = await isVcard(opts.file);
    const json = !vcard && (await isExportJson(opts.file));
    if (vcard || json) refuseMappingForVcard(opts, json);
    const csv = vcard || json ? undefined : await openCsv(opts.file);
    const layout = csv ? await chooseLayout(mappings, ws.id, csv.headers, choiceOf(opts)) : undefined;
    const preset = layout?.preset;
    const dates = await datesOf(csv, opts.dateOrder, ws.region);
    const presetId = layout?.presetId ?? (json ? JSON_PRESET : 'vcard');
    const source = layout?.source ?? (json ? 'rapport' : 'vcard');
    const options = JSON.stringify({
      currency,
      preset: presetId,
      ...(opts.dateOrder && { dateOrder: opts.dateOrder }),
      ...(layout?.columns && { columns: layout.columns }),
    });
    const actor: Actor = { workspaceId: ws.id, kind: 'cli', id: 'import', scopes: new Set(['write']) };

    const hash = await hashFile(opts.file);
    const resumeOptions = layout?.columns ? options : undefined; // a mapped file resumes only under the same mapping
    const key = createHash('sha256')
      .update(`${hash}\n${presetId}\n${resumeOptions ?? ''}`)
      .digest('hex');
    const start = opts.dryRun
      ? undefined
      : await claimRun(ws.id, key, hash, presetId, resumeOptions, () => ({
          workspace_id: ws.id,
          id: opts.runId ?? newId(),
          file_name: opts.fileName ?? path.basename(opts.file),
          file_hash: hash,
          file_bytes: stat.size,
          preset: presetId,
          options,
          status: 'running',
          records_done: 0,
          bytes_done: 0,
          counts: JSON.stringify(emptyCounts()),
          error: null,
          created_at: nowIso(),
          updated_at: nowIso(),
          finished_at: null,
          active_key: key,
          owner: PROCESS_OWNER,
        }));
    if (start && 'joined' in start) {
      opts.onStarted?.(start.joined.id);
      return {
        run: start.joined,
        joined: true,
        preset: presetId,
        encoding: csv?.encoding ?? 'utf-8',
        delimiter: csv?.delimiter ?? '',
        resumed: false,
        dryRun: false,
        counts: start.joined.counts,
        rejections: [],
        notes: [],
        dates,
      };
    }
    const resumable = start?.resumed;
    const counts = resumable?.counts ?? emptyCounts();
    const skip = resumable?.recordsDone ?? 0;
    // the record the run's last checkpoint ended on is read and written again (idempotently) on resume, so a
    // grouped order is never split; it was counted already, so it is not counted twice
    // (a run interrupted before its first checkpoint counted nothing: then nothing is skipped)
    const c0 = resumable?.counts;
    const anyCounted =
      !!c0 && c0.customers.created + c0.customers.updated + c0.customers.unchanged + c0.rejected > 0;
    const counted = anyCounted ? skip + 1 : 0;
    const runId = start?.id;
    const beat = runId
      ? setInterval(
          () => void repo.heartbeat(ws.id, runId, PROCESS_OWNER, nowIso()).catch(() => {}),
          HEARTBEAT_MS,
        )
      : undefined;
    beat?.unref();
    opts.onStarted?.(runId ?? null);
    const rejections: { line: number; reason: string }[] = [];
    const reported: ImportResult['notes'] = [];
    // the last row read: where the run ends (records_done counts rows, as the checkpoints do)
    let lastRow = skip;
    const context = { currency, source, zone: ws.timezone, dayFirst: dates.order === 'dmy' };
    const records: AsyncIterable<ImportRecord> = vcard
      ? tapIndex(skipRecords(readVcards(opts.file), skip), (i) => (lastRow = i))
      : json
        ? tapIndex(skipRecords(readExportJson(opts.file, context), skip), (i) => (lastRow = i))
        : (preset?.read(
            tapIndex(csv?.rows(skip) ?? emptyRows(), (i) => (lastRow = i)),
            context,
          ) ?? emptyRows());
    // staff by name, for the authors of timeline entries
    const authors = new Map<string, string>();
    if (json || preset?.kind === 'interactions')
      for (const u of (await users?.(ws.id)) ?? [])
        if (!authors.has(authorKey(u.name))) authors.set(authorKey(u.name), u.id);

    const applyBatch = async (batch: ImportRecord[], bytesDone: number) => {
      const last = batch.at(-1);
      if (!last) return;
      const work = async (trx: Kysely<Database>) => {
        const notes: {
          workspace_id: string;
          run_id: string;
          line: number;
          kind: 'rejected' | 'warning' | 'match';
          reason: string;
        }[] = [];
        const note = (
          line: number,
          kind: 'rejected' | 'warning' | 'match',
          reason: string,
          index: number,
        ) => {
          if (index === counted) return; // counted (and noted) before the interruption
          if (kind === 'rejected') {
            counts.rejected++;
            rejections.push({ line, reason });
          } else {
            if (kind === 'warning') counts.warnings++;
            if (reported.length < MAX_REPORTED) reported.push({ line, kind, reason });
          }
          if (runId)
            notes.push({ workspace_id: ws.id, run_id: runId, line, kind, reason: reason.slice(0, 1000) });
        };
        // 1. every record's customer (a row's own, or an order's buyer), matched or created as one batch
        const kept = batch.filter((r): r is Exclude<ImportRecord, { error: string }> => {
          if ('error' in r) note(r.line, 'rejected', r.error, r.index);
          return !('error' in r);
        });
        // walk-in sales (orders without a customer) have no one to match
        const buyers = kept.flatMap((r, k) => {
          const c = 'customer' in r ? r.customer : 'order' in r ? r.order.customer : r.interaction.customer;
          return c ? [{ k, c: withIdentity(c) }] : [];
        });
        const matched = await customers.upsertCustomers(
          trx,
          ws.id,
          ws.region,
          source,
          buyers.map((b) => b.c),
        );
        const people: (UpsertResult | 'walk-in')[] = kept.map(() => 'walk-in');
        buyers.forEach((b, i) => {
          const m = matched[i];
          if (m) people[b.k] = m;
        });
        // 2. the orders of records whose customer is known
        const orderOf = new Map<number, number>();
        const orderInputs: { input: unknown; refunded: number; refunds?: ImportedRefund[] | undefined }[] =
          [];
        // Rapport's export imported into the workspace it came from: its orders are there already
        const ours =
          source === 'rapport'
            ? await repo.existingOrderIds(
                trx,
                ws.id,
                kept.flatMap((r) => ('order' in r ? [r.order.externalId] : [])),
              )
            : new Set<string>();
        kept.forEach((r, k) => {
          const who = people[k];
          if (!('order' in r) || !who || (who !== 'walk-in' && !('id' in who))) return;
          const o = r.order;
          if (ours.has(o.externalId)) return;
          orderOf.set(k, orderInputs.length);
          orderInputs.push({
            input: {
              customerId: who === 'walk-in' ? null : who.id,
              kind: o.isReturn ? 'return' : 'sale',
              number: o.number,
              status: o.status,
              currency: o.currency,
              placedAt: o.placedAt,
              channel: o.channel,
              location: o.location,
              lines: o.lines,
              discount: Math.max(0, o.discount),
              tax: Math.max(0, o.tax),
              shipping: Math.max(0, o.shipping),
              note: o.note,
              ...(o.paymentMethod && { paymentMethod: o.paymentMethod }),
              externalSource: source,
              externalId: o.externalId,
            },
            refunded: o.refunded,
            refunds: o.refunds,
          });
        });
        const bought = await orders.importOrders(trx, ws.id, orderInputs, actor);
        // 3. timeline entries (an order's entry came with its order)
        const entryOf = new Map<number, number>();
        const entryInputs: Parameters<typeof importInteractions>[4] = [];
        kept.forEach((r, k) => {
          const who = people[k];
          if (!('interaction' in r) || r.interaction.skip || !who || (who !== 'walk-in' && !('id' in who)))
            return;
          entryOf.set(k, entryInputs.length);
          entryInputs.push({ x: r.interaction, customerId: who === 'walk-in' ? null : who.id });
        });
        const logged = await importInteractions(
          { timeline, repo },
          trx,
          { id: ws.id, region: ws.region },
          source,
          entryInputs,
          authors,
        );
        // 4. counts and notes, in file order
        kept.forEach((r, k) => {
          const who = people[k];
          if (!who) return;
          if (who !== 'walk-in' && !('id' in who))
            return note(r.line, 'rejected', describe(who.error), r.index);
          // the record a resumed run's last checkpoint ended on was counted before the interruption
          const again = r.index === counted;
          if (who !== 'walk-in' && !again) counts.customers[who.outcome]++;
          const o =
            'order' in r && ours.has(r.order.externalId)
              ? { created: false }
              : orderOf.has(k)
                ? bought[orderOf.get(k) ?? -1]
                : undefined;
          if (o && 'error' in o) note(r.line, 'rejected', describe(o.error), r.index);
          else if (o && !again) {
            counts.orders[o.created ? 'created' : 'unchanged']++;
            if (who === 'walk-in') counts.orders.walkIn = (counts.orders.walkIn ?? 0) + 1;
          }
          if ('interaction' in r && !again) {
            const c = (counts.interactions ??= { created: 0, unchanged: 0, skipped: 0 });
            const e = entryOf.has(k) ? logged[entryOf.get(k) ?? -1] : undefined;
            if (e) c[e]++;
            else if (r.interaction.skip) c.skipped = (c.skipped ?? 0) + 1;
          }
          if (who !== 'walk-in' && who.match && !again) {
            const m = who.match;
            counts.matched = counts.matched ?? { externalId: 0, email: 0, phone: 0, doubtful: 0 };
            counts.matched[m.by]++;
            // a match by the source's own id is the expected one; the others are named in the report
            if (m.by !== 'externalId')
              note(
                r.line,
                m.doubtful ? 'warning' : 'match',
                `matched "${m.name}" by ${m.by === 'phone' ? 'phone' : 'email'} ${m.value}${m.why ? ` (${m.why})` : ''}${m.doubtful ? `; doubtful: ${m.doubtful}` : ''}`,
                r.index,
              );
            if (m.doubtful) counts.matched.doubtful++;
          }
          const w = [...(r.warnings ?? []), ...(who === 'walk-in' ? [] : who.warnings)];
          if (w.length) note(r.line, 'warning', w.join('; '), r.index);
        });
        if (runId) {
          await repo.addNotes(trx, notes);
          // resume from the start of the last record (re-done idempotently), so a grouped order is never split
          const mine = await repo.checkpoint(trx, ws.id, runId, PROCESS_OWNER, {
            recordsDone: Math.max(skip, last.index - 1),
            bytesDone,
            counts,
            at: nowIso(),
          });
          if (!mine) throw new AppError('IMPORT_TAKEN_OVER', 'Another process took this import over', 409);
        }
      };
      // a dry run: every batch in the one transaction, rolled back at the end (so later batches see earlier ones)
      if (dryTrx) return work(dryTrx);
      const before = structuredClone(counts);
      const rejected = rejections.length;
      const noted = reported.length;
      await whenNotBusy(async () => {
        try {
          await writeTransaction(db, async (trx) => {
            // an attempt run again (busy database, deadlock) counts from where this batch began
            Object.assign(counts, structuredClone(before));
            rejections.length = rejected;
            reported.length = noted;
            await work(trx);
          });
        } catch (err) {
          if (err instanceof DryRunRollback) return;
          Object.assign(counts, structuredClone(before));
          rejections.length = rejected;
          reported.length = noted;
          throw err;
        }
      });
    };

    let processed = 0; // records written (for the report of a file that breaks part-way)
    let batches = 0;
    let dryTrx: Kysely<Database> | undefined;
    const readAll = async () => {
      let batch: ImportRecord[] = [];
      let weight = 0;
      const maxRecords = opts.batchSize ?? BATCH_RECORDS;
      // One batch is written while the next is read and mapped (PostgreSQL works meanwhile in its own process);
      // batches still commit one after another, in file order.
      let writing: Promise<void> = Promise.resolve();
      const write = (b: ImportRecord[], bytes: number) => {
        const next = writing.then(async () => {
          await applyBatch(b, bytes);
          processed += b.length;
          // Tables grow from nothing during a first import: refresh the planner's statistics after batch 1, 4,
          // 16, … (PostgreSQL otherwise keeps foreign-key checks planned for empty tables: quadratic time).
          if (!opts.dryRun && (++batches & (batches - 1)) === 0 && Math.log2(batches) % 2 === 0)
            await repo.refreshStatistics();
          opts.onProgress?.({ records: lastRow, bytes, totalBytes: stat.size, counts });
        });
        next.catch(() => {}); // awaited below; this only keeps a failure from being reported as unhandled
        return next;
      };
      try {
        for await (const r of records) {
          batch.push(r);
          weight += 'order' in r ? 1 + r.order.lines.length : 1;
          if (batch.length >= maxRecords || weight >= BATCH_ROWS) {
            await writing;
            writing = write(batch, csv?.bytesRead() ?? stat.size);
            if (!readAhead) await writing;
            batch = [];
            weight = 0;
          }
        }
      } catch (err) {
        // the file failed to read: the batch being written still finishes, so the report counts it
        await writing.catch(() => {});
        throw err;
      }
      await writing;
      await applyBatch(batch, stat.size);
      processed += batch.length;
    };
    try {
      if (opts.dryRun)
        // The dry run does what the import would, batch by batch, in one transaction that is then rolled back:
        // its counts are the import's (a customer created in batch 1 is found, not created again, in batch 2).
        await writeTransaction(db, async (trx) => {
          dryTrx = trx;
          await readAll();
          throw new DryRunRollback();
        }).catch((err: unknown) => {
          if (!(err instanceof DryRunRollback)) throw err;
        });
      else await readAll();
      opts.onProgress?.({ records: lastRow, bytes: stat.size, totalBytes: stat.size, counts });
      const id = runId;
      if (id) {
        const end = { status: 'done' as const, counts, recordsDone: lastRow, at: nowIso(), error: null };
        if (!(await whenNotBusy(() => repo.finish(ws.id, id, PROCESS_OWNER, end))))
          throw new AppError('IMPORT_TAKEN_OVER', 'Another process took this import over', 409);
        await whenNotBusy(() => recordAuditOutside(ws.id, id, presetId, counts));
      }
    } catch (caught) {
      // say how far it got: what was saved stays saved, and the fixed file, imported again, completes it
      let err = caught;
      if (
        !opts.dryRun &&
        caught instanceof AppError &&
        (caught.code === 'IMPORT_CSV_INVALID' || caught.code === 'IMPORT_JSON_INVALID')
      )
        err = new AppError(
          caught.code,
          `${caught.message}. ${skip + processed} records were saved before this point; importing the fixed file again completes the import without duplicates`,
          caught.status,
        );
      if (runId)
        await repo
          .finish(ws.id, runId, PROCESS_OWNER, {
            status: 'failed',
            counts,
            at: nowIso(),
            error: err instanceof Error ? err.message : String(err),
          })
          .catch(() => {});
      throw err;
    } finally {
      clearInterval(beat);
    }
    return {
      run: runId ? ((await repo.get(ws.id, runId)) ?? null) : null,
      joined: false,
      preset: presetId,
      encoding: csv?.encoding ?? 'utf-8',
      delimiter: csv?.delimiter ?? '',
      resumed: !!resumable,
      dryRun: !!opts.dryRun,
      counts,
      rejections,
      notes: reported,
      dates,
    };
  }

  async function recordAuditOutside(ws: string, runId: string, preset: string, counts: ImportCounts) {
    await writeTransaction(db, (trx) =>
      recordAudit(trx, {
        workspaceId: ws,
        actor: 'import',
        action: 'import',
        entity: 'import_run',
        entityId: runId,
        data: { preset, counts },
      }),
    );
  }

  /** What an upload looks like before importing it: encoding, delimiter, preset, headers, and a few mapped records. */
  async function previewImport(
    opts: {
      workspaceId: string;
      file: string;
      currency?: string | undefined;
      dateOrder?: DateOrder | undefined;
    } & LayoutChoice,
  ) {
    const ws = await workspaces.getWorkspaceOrThrow(opts.workspaceId);
    const currency = (opts.currency ?? ws.currency).toUpperCase();
    const sample: ImportRecord[] = [];
    const vcard = await isVcard(opts.file);
    const json = !vcard && (await isExportJson(opts.file));
    if (vcard || json) {
      refuseMappingForVcard(opts, json);
      const records = json
        ? readExportJson(opts.file, { currency, source: 'rapport', zone: ws.timezone })
        : readVcards(opts.file);
      for await (const r of records) if (sample.push(r) >= 5) break;
      return {
        preset: json ? JSON_PRESET : 'vcard',
        mapping: null,
        encoding: 'utf-8',
        delimiter: '',
        headers: [] as string[],
        columns: [] as PreviewColumn[],
        sample,
        dates: await datesOf(undefined, opts.dateOrder, ws.region),
      };
    }
    const csv = await openCsv(opts.file);
    const layout = await chooseLayout(mappings, ws.id, csv.headers, opts);
    const dates = await datesOf(csv, opts.dateOrder, ws.region);
    const seen = new Set<string>();
    for await (const r of layout.preset.read(csv.rows(0, PREVIEW_READ), {
      currency,
      source: layout.source,
      seen,
      zone: ws.timezone,
      dayFirst: dates.order === 'dmy',
    }))
      if (sample.push(r) >= 5) break;
    // the first values of each column: what the mapping editor shows beside each column
    const examples = new Map<string, string[]>(csv.headers.map((h) => [h, []]));
    let rows = 0;
    for await (const row of csv.rows(0, PREVIEW_READ)) {
      for (const [h, v] of Object.entries(row.cells)) {
        const list = examples.get(h);
        const t = v.trim().replace(/\s+/g, ' ').slice(0, 60);
        if (list && t && list.length < 3 && !list.includes(t)) list.push(t);
      }
      if (++rows >= 20) break;
    }
    // what each column is read as, where a column is read as one field (generic files and mappings)
    const targets = layout.columns
      ? resolveColumns(layout.columns, csv.headers).targetOf
      : layout.preset.id === 'generic'
        ? new Map(Object.entries(suggestColumns(csv.headers)))
        : undefined;
    const used = (h: string) =>
      layout.columns ? (targets?.get(h) ?? 'ignore') !== 'ignore' : seen.has(normHeader(h));
    return {
      preset: layout.presetId,
      /** The saved mapping the file is read with (detected by its columns, or chosen). */
      mapping: layout.mapping,
      encoding: csv.encoding,
      delimiter: csv.delimiter,
      headers: csv.headers,
      /** Which columns the layout reads (the others are left out of the import), and as what. */
      columns: csv.headers.map((header): PreviewColumn => ({
        header,
        used: used(header),
        ...(targets && { field: used(header) ? (targets.get(header) ?? 'ignore') : 'ignore' }),
        examples: examples.get(header) ?? [],
      })),
      sample,
      dates,
    };
  }

  return {
    runImport,
    previewImport,
    /** Saved column mappings for generic CSV files. */
    mappings,
    /**
     * Check how a file would be read (preset, saved mapping or columns) before handing it to a worker, so a
     * bad choice is refused with its pointer.
     */
    async checkLayout(opts: { workspaceId: string; file: string } & LayoutChoice) {
      if (await isVcard(opts.file)) return refuseMappingForVcard(opts);
      if (await isExportJson(opts.file)) return refuseMappingForVcard(opts, true);
      const csv = await openCsv(opts.file);
      await chooseLayout(mappings, opts.workspaceId, csv.headers, opts);
    },
    async getRunOrThrow(ws: string, id: string) {
      const r = await repo.get(ws, id);
      if (!r) throw notFound('IMPORT_NOT_FOUND', 'Import');
      return r;
    },
    listRuns: (ws: string, limit = 50) => repo.list(ws, limit),
    /** A run by id in any workspace (the uploads folder names runs, not workspaces). */
    findRun: (id: string) => repo.getAnyWorkspace(id),
    /** Runs marked running whose process is gone (a crash, a kill, a restart): what a starting server recovers. */
    async interruptedRuns() {
      const running = await repo.listRunning();
      return running
        .filter((r) => ownerIsGone(r.claim.owner, r.claim.updatedAt))
        .map((r) => {
          const o = JSON.parse(r.options) as {
            currency?: string;
            preset?: string;
            columns?: Record<string, string>;
          };
          const layout: { preset?: string; mapping?: string; columns?: Record<string, string> } =
            r.run.preset.startsWith('mapping:')
              ? { mapping: r.run.preset.slice('mapping:'.length) }
              : o.columns
                ? { columns: o.columns }
                : r.run.preset === 'vcard' || r.run.preset === JSON_PRESET
                  ? {}
                  : { preset: r.run.preset };
          return { workspaceId: r.workspaceId, run: r.run, currency: o.currency, layout, claim: r.claim };
        });
    },
    /**
     * Fail an interrupted run with a reason (taken over first, so a run another process resumes meanwhile is left
     * alone): it stops being active, and importing the file again resumes it. False when someone else had it.
     */
    async failInterrupted(
      ws: string,
      run: { id: string; claim: Awaited<ReturnType<ImportsRepository['listRunning']>>[number]['claim'] },
      reason: string,
    ) {
      const claimed = await whenNotBusy(() =>
        repo.claim(ws, run.claim, PROCESS_OWNER, run.claim.activeKey ?? `interrupted:${run.id}`, nowIso()),
      ).catch((err: unknown) => {
        if (isUniqueViolation(err)) return false;
        throw err;
      });
      if (!claimed) return false;
      return whenNotBusy(() =>
        repo.finish(ws, run.id, PROCESS_OWNER, { status: 'failed', at: nowIso(), error: reason }),
      );
    },
    /** Fail a run this process was running (its worker died before it could say so). */
    failRun: (ws: string, id: string, reason: string) =>
      repo.finish(ws, id, PROCESS_OWNER, { status: 'failed', at: nowIso(), error: reason }),
    /** The first rejected rows (or warnings) of a run, by line: what the web app shows under the counts. */
    async firstNotes(ws: string, id: string, kind: 'rejected' | 'warning' | 'match', limit: number) {
      if (!(await repo.get(ws, id))) throw notFound('IMPORT_NOT_FOUND', 'Import');
      return repo.notes(ws, id, { kind, limit });
    },
    async notes(ws: string, id: string) {
      if (!(await repo.get(ws, id))) throw notFound('IMPORT_NOT_FOUND', 'Import');
      return repo.notes(ws, id);
    },
  };
}
export type ImportService = ReturnType<typeof createImportService>;

function describe(err: unknown): string {
  if (err instanceof AppError) return err.message;
  const issues = (err as { issues?: { path: PropertyKey[]; message: string }[] }).issues;
  if (issues?.length) return issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  return err instanceof Error ? err.message : String(err);
}

async function* emptyRows(): AsyncIterable<never> {}

/**
 * Every incoming customer has a stable identity, so importing a file again finds it: its id in the source, an
 * email; else a fingerprint of what the row says of them (name, company, phones), kept as its source id.
 * A contact with no id and no email (and maybe no valid phone) would otherwise be created again each time.
 */
function withIdentity(c: CustomerUpsert): CustomerUpsert {
  if (c.externalId || c.emails.length) return c;
  const norm = (v: string | undefined) =>
    (v ?? '').normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' ');
  const h = createHash('sha256')
    .update(
      [norm(c.name), norm(c.company), ...c.phones.map((p) => p.number.replace(/\D/g, '')).sort()].join(
        '\u0000',
      ),
    )
    .digest('base64url')
    .slice(0, 22);
  return { ...c, externalId: `fp:${h}` };
}

export type DateOrder = 'dmy' | 'mdy';
/** The order numeric dates were read in, and what decided it. */
export type DatesUsed = { order: DateOrder; decidedBy: 'choice' | 'file' | 'region' };

/** Regions that write the month first (12/05/1990 is 5 December there). */
const MONTH_FIRST = new Set(['US', 'PR', 'GU', 'VI', 'AS', 'MP', 'UM', 'PH', 'FM', 'MH', 'PW']);
/** Rows read to decide a file's date order. */
const DATE_SNIFF_ROWS = 5000;

/**
 * The date order of a file: the one asked for; else the file's own (a value whose first number is over 12 is
 * day-first, whose second is, month-first; the first DATE_SNIFF_ROWS rows are read); else the region's.
 */
async function datesOf(
  csv: CsvSource | undefined,
  choice: DateOrder | undefined,
  region: string,
): Promise<DatesUsed> {
  if (choice) return { order: choice, decidedBy: 'choice' };
  if (csv) {
    const values: string[] = [];
    let n = 0;
    for await (const row of csv.rows(0)) {
      for (const v of Object.values(row.cells)) if (v.length <= 40 && /\d[/.-]\d/.test(v)) values.push(v);
      if (++n >= DATE_SNIFF_ROWS) break;
    }
    const seen = dateOrderEvidence(values);
    if (seen.dmy !== seen.mdy) return { order: seen.dmy > seen.mdy ? 'dmy' : 'mdy', decidedBy: 'file' };
  }
  return { order: MONTH_FIRST.has(region.toUpperCase()) ? 'mdy' : 'dmy', decidedBy: 'region' };
}

export type PreviewColumn = { header: string; used: boolean; field?: string; examples: string[] };

const choiceOf = (o: ImportOptions): LayoutChoice => ({
  ...(o.preset !== undefined && { preset: o.preset }),
  ...(o.mapping !== undefined && { mapping: o.mapping }),
  ...(o.columns !== undefined && { columns: o.columns }),
});

/** The layout of Rapport's own export.json (read as it is: no preset or mapping applies). */
const JSON_PRESET = 'rapport-json';

function refuseMappingForVcard(o: LayoutChoice, json = false) {
  if (o.mapping !== undefined || o.columns !== undefined)
    throw badInput(
      'MAPPING_NOT_CSV',
      `A column mapping reads CSV files; this is ${json ? "Rapport's export.json" : 'a vCard file'}`,
      '/querystring/mapping',
    );
}

async function* skipRecords(src: AsyncIterable<ImportRecord>, skip: number): AsyncIterable<ImportRecord> {
  for await (const r of src) if (r.index > skip) yield r;
}

/** Pass a stream's items through, telling `seen` each one's index (the last row read). */
async function* tapIndex<T extends { index: number }>(
  src: AsyncIterable<T>,
  seen: (index: number) => void,
): AsyncIterable<T> {
  for await (const r of src) {
    seen(r.index);
    yield r;
  }
}

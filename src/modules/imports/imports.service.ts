import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { rawDriver } from '../../platform/db/connect.ts';
import { writeTransaction } from '../../platform/db/transaction.ts';
import { newId, nowIso } from '../../platform/db/ids.ts';
import type { Database } from '../../platform/db/schema.ts';
import { AppError, badInput, notFound } from '../../platform/errors.ts';
import type { Actor } from '../../platform/http/actor.ts';
import { recordAudit } from '../audit/index.ts';
import type { CustomerService, CustomerUpsert, UpsertResult } from '../customers/index.ts';
import type { OrderService } from '../orders/index.ts';
import type { WorkspaceService } from '../workspaces/index.ts';
import {
  createImportsRepository,
  emptyCounts,
  type ImportCounts,
  type ImportRun,
} from './imports.repository.ts';
import { chooseLayout, type LayoutChoice } from './layout.ts';
import { createMappingService } from './mappings.ts';
import { resolveColumns, suggestColumns } from './presets/mapped.ts';
import { openCsv, refuseUnreadable, type CsvSource } from './read.ts';
import { dateOrderEvidence } from './values.ts';
import { normHeader, type ImportRecord } from './records.ts';
import { readVcards } from './vcard.ts';

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
  preset: string;
  encoding: string;
  delimiter: string;
  resumed: boolean;
  dryRun: boolean;
  counts: ImportCounts;
  rejections: { line: number; reason: string }[];
  dates: DatesUsed;
};

type Deps = {
  db: Kysely<Database>;
  workspaces: WorkspaceService;
  customers: CustomerService;
  orders: OrderService;
};

class DryRunRollback extends Error {}

/**
 * A batch is one write transaction: at most this many records, or this many rows of the file (an order counts
 * its lines), so the write lock is held for a fraction of a second and other writers (the server, a refit)
 * get their turn well within SQLite's 5 s busy timeout.
 */
const BATCH_RECORDS = 1000;
const BATCH_ROWS = 2500;
/** Tries of a batch that found the database busy (each waits up to the busy timeout, then backs off). */
const BUSY_ATTEMPTS = 8;
const isBusy = (err: unknown) =>
  /^SQLITE_BUSY/.test(String((err as { code?: unknown } | null)?.code ?? '')) ||
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
export function createImportService({ db, workspaces, customers, orders }: Deps) {
  const repo = createImportsRepository(db);
  const mappings = createMappingService(db);
  // SQLite works in this thread: reading the next batch ahead would only stretch its write lock.
  const readAhead = rawDriver(db)?.dialect !== 'sqlite';

  async function runImport(opts: ImportOptions): Promise<ImportResult> {
    const ws = await workspaces.getWorkspaceOrThrow(opts.workspaceId);
    const stat = await fs.promises.stat(opts.file).catch(() => undefined);
    if (!stat?.isFile()) throw badInput('IMPORT_NO_FILE', `No file at ${opts.file}`);
    await refuseUnreadable(opts.file, stat.size);
    const currency = (opts.currency ?? ws.currency).toUpperCase();
    const vcard = await isVcard(opts.file);
    if (vcard) refuseMappingForVcard(opts);
    const csv = vcard ? undefined : await openCsv(opts.file);
    const layout = csv ? await chooseLayout(mappings, ws.id, csv.headers, choiceOf(opts)) : undefined;
    const preset = layout?.preset;
    const dates = await datesOf(csv, opts.dateOrder, ws.region);
    const presetId = layout?.presetId ?? 'vcard';
    const source = layout?.source ?? 'vcard';
    const options = JSON.stringify({
      currency,
      preset: presetId,
      ...(opts.dateOrder && { dateOrder: opts.dateOrder }),
      ...(layout?.columns && { columns: layout.columns }),
    });
    const actor: Actor = { workspaceId: ws.id, kind: 'cli', id: 'import', scopes: new Set(['write']) };

    const hash = await hashFile(opts.file);
    // a mapped file resumes only under the same mapping
    const resumable = opts.dryRun
      ? undefined
      : await repo.findResumable(ws.id, hash, presetId, layout?.columns ? options : undefined);
    const counts = resumable?.counts ?? emptyCounts();
    const skip = resumable?.recordsDone ?? 0;
    let runId = resumable?.id;
    if (!opts.dryRun && !runId) {
      const id = (runId = opts.runId ?? newId());
      const at = nowIso();
      await whenNotBusy(() =>
        repo.insertRun({
          workspace_id: ws.id,
          id,
          file_name: opts.fileName ?? path.basename(opts.file),
          file_hash: hash,
          file_bytes: stat.size,
          preset: presetId,
          options,
          status: 'running',
          records_done: 0,
          bytes_done: 0,
          counts: JSON.stringify(counts),
          error: null,
          created_at: at,
          updated_at: at,
          finished_at: null,
        }),
      );
    }
    opts.onStarted?.(runId ?? null);
    const rejections: { line: number; reason: string }[] = [];
    const records: AsyncIterable<ImportRecord> = vcard
      ? skipRecords(readVcards(opts.file), skip)
      : (preset?.read(csv?.rows(skip) ?? emptyRows(), {
          currency,
          source,
          zone: ws.timezone,
          dayFirst: dates.order === 'dmy',
        }) ?? emptyRows());

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
        const note = (line: number, kind: 'rejected' | 'warning' | 'match', reason: string) => {
          if (kind === 'rejected') {
            counts.rejected++;
            rejections.push({ line, reason });
          } else if (kind === 'warning') counts.warnings++;
          if (runId)
            notes.push({ workspace_id: ws.id, run_id: runId, line, kind, reason: reason.slice(0, 1000) });
        };
        // 1. every record's customer (a row's own, or an order's buyer), matched or created as one batch
        const kept = batch.filter((r): r is Exclude<ImportRecord, { error: string }> => {
          if ('error' in r) note(r.line, 'rejected', r.error);
          return !('error' in r);
        });
        // walk-in sales (orders without a customer) have no one to match
        const buyers = kept.flatMap((r, k) => {
          const c = 'customer' in r ? r.customer : r.order.customer;
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
        const orderInputs: { input: unknown; refunded: number }[] = [];
        kept.forEach((r, k) => {
          const who = people[k];
          if (!('order' in r) || !who || (who !== 'walk-in' && !('id' in who))) return;
          const o = r.order;
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
              externalSource: source,
              externalId: o.externalId,
            },
            refunded: o.refunded,
          });
        });
        const bought = await orders.importOrders(trx, ws.id, orderInputs, actor);
        // 3. counts and notes, in file order
        kept.forEach((r, k) => {
          const who = people[k];
          if (!who) return;
          if (who !== 'walk-in' && !('id' in who)) return note(r.line, 'rejected', describe(who.error));
          if (who !== 'walk-in') counts.customers[who.outcome]++;
          const o = orderOf.has(k) ? bought[orderOf.get(k) ?? -1] : undefined;
          if (o && 'error' in o) note(r.line, 'rejected', describe(o.error));
          else if (o) {
            counts.orders[o.created ? 'created' : 'unchanged']++;
            if (who === 'walk-in') counts.orders.walkIn = (counts.orders.walkIn ?? 0) + 1;
          }
          if (who !== 'walk-in' && who.match) {
            const m = who.match;
            counts.matched = counts.matched ?? { externalId: 0, email: 0, phone: 0, doubtful: 0 };
            counts.matched[m.by]++;
            // a match by the source's own id is the expected one; the others are named in the report
            if (m.by !== 'externalId')
              note(
                r.line,
                m.doubtful ? 'warning' : 'match',
                `matched "${m.name}" by ${m.by === 'phone' ? 'phone' : 'email'} ${m.value}${m.doubtful ? `; doubtful: ${m.doubtful}` : ''}`,
              );
            if (m.doubtful) counts.matched.doubtful++;
          }
          const w = [...(r.warnings ?? []), ...(who === 'walk-in' ? [] : who.warnings)];
          if (w.length) note(r.line, 'warning', w.join('; '));
        });
        if (runId) {
          await repo.addNotes(trx, notes);
          // resume from the start of the last record (re-done idempotently), so a grouped order is never split
          await repo.checkpoint(trx, ws.id, runId, {
            recordsDone: Math.max(skip, last.index - 1),
            bytesDone,
            counts,
            at: nowIso(),
          });
        }
      };
      // a dry run: every batch in the one transaction, rolled back at the end (so later batches see earlier ones)
      if (dryTrx) return work(dryTrx);
      const before = structuredClone(counts);
      const rejected = rejections.length;
      await whenNotBusy(async () => {
        try {
          await writeTransaction(db, work);
        } catch (err) {
          if (err instanceof DryRunRollback) return;
          Object.assign(counts, structuredClone(before));
          rejections.length = rejected;
          throw err;
        }
      });
    };

    let processed = 0;
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
          opts.onProgress?.({ records: skip + processed, bytes, totalBytes: stat.size, counts });
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
      opts.onProgress?.({ records: skip + processed, bytes: stat.size, totalBytes: stat.size, counts });
      const id = runId;
      if (id) {
        await whenNotBusy(() => repo.finish(ws.id, id, 'done', counts, nowIso(), null));
        await whenNotBusy(() => recordAuditOutside(ws.id, id, presetId, counts));
      }
    } catch (caught) {
      // say how far it got: what was saved stays saved, and the fixed file, imported again, completes it
      let err = caught;
      if (!opts.dryRun && caught instanceof AppError && caught.code === 'IMPORT_CSV_INVALID')
        err = new AppError(
          caught.code,
          `${caught.message}. ${skip + processed} records were saved before this point; importing the fixed file again completes the import without duplicates`,
          caught.status,
        );
      if (runId)
        await repo
          .finish(ws.id, runId, 'failed', counts, nowIso(), err instanceof Error ? err.message : String(err))
          .catch(() => {});
      throw err;
    }
    return {
      run: runId ? ((await repo.get(ws.id, runId)) ?? null) : null,
      preset: presetId,
      encoding: csv?.encoding ?? 'utf-8',
      delimiter: csv?.delimiter ?? '',
      resumed: !!resumable,
      dryRun: !!opts.dryRun,
      counts,
      rejections,
      dates,
    };
  }

  async function recordAuditOutside(ws: string, runId: string, preset: string, counts: ImportCounts) {
    await db.transaction().execute((trx) =>
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
    if (await isVcard(opts.file)) {
      refuseMappingForVcard(opts);
      for await (const r of readVcards(opts.file)) if (sample.push(r) >= 5) break;
      return {
        preset: 'vcard',
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
    for await (const r of layout.preset.read(csv.rows(0), {
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
    for await (const row of csv.rows(0)) {
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
      const csv = await openCsv(opts.file);
      await chooseLayout(mappings, opts.workspaceId, csv.headers, opts);
    },
    async getRunOrThrow(ws: string, id: string) {
      const r = await repo.get(ws, id);
      if (!r) throw notFound('IMPORT_NOT_FOUND', 'Import');
      return r;
    },
    listRuns: (ws: string, limit = 50) => repo.list(ws, limit),
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

function refuseMappingForVcard(o: LayoutChoice) {
  if (o.mapping !== undefined || o.columns !== undefined)
    throw badInput(
      'MAPPING_NOT_CSV',
      'A column mapping reads CSV files; this is a vCard file',
      '/querystring/mapping',
    );
}

async function* skipRecords(src: AsyncIterable<ImportRecord>, skip: number): AsyncIterable<ImportRecord> {
  for await (const r of src) if (r.index > skip) yield r;
}

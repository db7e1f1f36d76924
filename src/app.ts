import path from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from './platform/config.ts';
import { connect, type Db } from './platform/db/connect.ts';
import { migrateToLatest } from './platform/db/migrate.ts';
import { createMemoryBus, createPostgresBus, type EventBus } from './platform/events/bus.ts';
import { registerEventStream } from './platform/events/sse.ts';
import { buildServer } from './platform/http/server.ts';
import { registerWebApp } from './platform/http/web.ts';
import { createAccessService, registerAccessRoutes, SESSION_COOKIE } from './modules/access/index.ts';
import {
  createAnalyticsService,
  predictionOnCard,
  REFIT_JOB,
  registerAnalyticsRoutes,
} from './modules/analytics/index.ts';
import {
  createComplaintService,
  openComplaintsOnCard,
  registerComplaintRoutes,
  spendToDate,
} from './modules/complaints/index.ts';
import { createCustomerService, registerCustomerRoutes } from './modules/customers/index.ts';
import {
  createEnquiryService,
  openEnquiriesOnCard,
  registerEnquiryRoutes,
} from './modules/enquiries/index.ts';
import { createExportService, registerExportRoutes } from './modules/exports/index.ts';
import {
  createImportService,
  registerImportRoutes,
  type ImportResult,
  type StartImport,
} from './modules/imports/index.ts';
import { createJobQueue } from './platform/jobs/queue.ts';
import { createJobRunner } from './platform/jobs/runner.ts';
import { runWorker } from './platform/jobs/worker.ts';
import { createOrderService, purchasesOnCard, registerOrderRoutes } from './modules/orders/index.ts';
import { createTimelineService, registerTimelineRoutes } from './modules/timeline/index.ts';
import { createWorkspaceService, registerWorkspaceRoutes } from './modules/workspaces/index.ts';
import { AppError } from './platform/errors.ts';

export const VERSION = '0.1.0';
const WEB_DIST = path.resolve(import.meta.dirname, '../web/dist');

/** Every service of Rapport over one database: what the HTTP server and the CLI both use. */
export function createServices(
  conn: Db,
  bus: EventBus,
  config: Pick<Config, 'sessionDays'>,
  opts: { clock?: () => Date } = {},
) {
  const { db } = conn;
  const queue = createJobQueue(db, conn.dialect);
  const workspaces = createWorkspaceService({ db });
  const access = createAccessService({ db, workspaces, sessionDays: config.sessionDays });
  const customers = createCustomerService({ db, workspaces });
  // The caller card reads other modules' parts (purchases, prediction, open items) in its one query.
  const timeline = createTimelineService({
    db,
    dialect: conn.dialect,
    workspaces,
    customers,
    bus,
    purchases: purchasesOnCard,
    prediction: predictionOnCard,
    openItems: { complaints: openComplaintsOnCard, enquiries: openEnquiriesOnCard },
  });
  const orders = createOrderService({
    db,
    workspaces,
    customers,
    timeline,
    onOrdersChanged: (ws) => analytics.ordersChanged(ws), // debounced refit of the predictions
  });
  const analytics = createAnalyticsService({
    db,
    dialect: conn.dialect,
    workspaces,
    customers,
    queue,
    ...(opts.clock && { clock: opts.clock }),
  });
  customers.onMerge(timeline.moveOnMerge);
  customers.onMerge(orders.moveOnMerge);
  const imports = createImportService({ db, workspaces, customers, orders });
  const exports = createExportService({ customers, orders, timeline });
  // Complaints (C) and enquiries (I1). Value at stake is spend to date until predicted CLV exists: swap valueOf.
  const complaints = createComplaintService({
    db,
    workspaces,
    customers,
    timeline,
    bus,
    valueOf: async (ws, id) => spendToDate(await orders.getPurchaseSummary(ws, id)),
    ...(opts.clock && { clock: opts.clock }),
    orderCustomer: async (ws, orderId) => {
      try {
        // a walk-in sale (no customer) is nobody's order
        return (await orders.getOrderOrThrow(ws, orderId)).customerId ?? undefined;
      } catch (e) {
        if (e instanceof AppError && e.status === 404) return undefined;
        throw e;
      }
    },
  });
  const enquiries = createEnquiryService({
    db,
    customers,
    timeline,
    bus,
    sla: (ws) => complaints.slaContext(ws),
    ...(opts.clock && { clock: opts.clock }),
  });
  customers.onMerge(complaints.moveOnMerge);
  customers.onMerge(enquiries.moveOnMerge);
  return {
    workspaces,
    access,
    customers,
    timeline,
    orders,
    imports,
    exports,
    complaints,
    enquiries,
    analytics,
    queue,
  };
}
export type Services = ReturnType<typeof createServices>;

/** Open the database and bring its schema up to date (fail closed). */
export async function openDatabase(
  config: Pick<Config, 'databaseUrl' | 'dataDir' | 'databasePoolSize'>,
): Promise<Db> {
  const conn = connect({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.databasePoolSize,
  });
  try {
    await migrateToLatest(conn.db);
  } catch (err) {
    await conn.close();
    throw err;
  }
  return conn;
}

const workerConfigOf = (config: Config) => ({
  databaseUrl: config.databaseUrl,
  dataDir: config.dataDir,
  databasePoolSize: 2,
  sessionDays: config.sessionDays,
});

/** A refit runs in a worker thread with its own connection: fitting a million customers never blocks the API. */
function refitInWorker(config: Config) {
  return async (workspaceId: string, trigger: string, onStep: (step: string) => void) => {
    const done = await runWorker(
      new URL('./workers/analytics.ts', import.meta.url),
      { config: workerConfigOf(config), workspaceId, trigger },
      (m) => {
        if (m.type === 'progress') onStep(String(m.step));
      },
    );
    return done.result;
  };
}

/** Imports run in a worker thread with their own connection, so the API keeps answering during a big one. */
function importInWorker(config: Config, onImported: (workspaceId: string) => void): StartImport {
  const workerConfig = workerConfigOf(config);
  return async (options, onStarted) => {
    const done = await runWorker(
      new URL('./workers/import.ts', import.meta.url),
      { config: workerConfig, options },
      (m) => {
        if (m.type === 'started') onStarted((m.runId as string | null) ?? null);
      },
    );
    const result = done.result as ImportResult;
    onImported(options.workspaceId); // the worker's own "orders changed" may not outlive its connection
    return result;
  };
}

export type RunningApp = {
  app: FastifyInstance;
  conn: Db;
  services: Services;
  bus: EventBus;
  close: () => Promise<void>;
};

/** Compose the whole application: config → db → migrate → services → http. */
export async function buildApp(
  config: Config,
  opts: {
    conn?: Db;
    serveWeb?: boolean;
    /** Run background jobs (prediction refits) and the nightly scheduler in this process. Off by default (tests, CLI); src/main.ts turns it on. */
    jobs?: boolean;
    clock?: () => Date;
  } = {},
): Promise<RunningApp> {
  const conn = opts.conn ?? (await openDatabase(config));
  const bus =
    conn.dialect === 'postgres' && conn.url ? await createPostgresBus(conn.url, () => {}) : createMemoryBus();
  const services = createServices(conn, bus, config, opts.clock ? { clock: opts.clock } : {});
  const { access } = services;

  const authenticate = async (request: FastifyRequest) => {
    const header = request.headers.authorization;
    if (header) {
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      return m?.[1] ? access.resolveApiKey(m[1]) : undefined;
    }
    const token = request.cookies[SESSION_COOKIE];
    return token ? access.resolveSession(token) : undefined;
  };

  const app = await buildServer({
    logLevel: config.logLevel,
    trustProxy: config.trustProxy,
    version: VERSION,
    authenticate,
    ready: async () => {
      await services.workspaces.countWorkspaces();
      return true;
    },
    routes: (api) => {
      registerAccessRoutes(api, {
        access,
        workspaces: services.workspaces,
        cookieSecure: config.cookieSecure,
      });
      registerWorkspaceRoutes(api, services);
      registerCustomerRoutes(api, services);
      registerTimelineRoutes(api, services);
      registerOrderRoutes(api, services);
      registerImportRoutes(api, {
        imports: services.imports,
        uploadsDir: path.join(config.dataDir, 'uploads'),
        startImport: importInWorker(config, (ws) => services.analytics.ordersChanged(ws)),
      });
      registerExportRoutes(api, services);
      registerComplaintRoutes(api, services);
      registerEnquiryRoutes(api, services);
      registerAnalyticsRoutes(api, services);
      registerEventStream(api, bus);
    },
    afterRoutes: async (a) => {
      if (opts.serveWeb !== false) await registerWebApp(a, WEB_DIST);
    },
  });

  const sweep = setInterval(() => void access.deleteExpiredSessions().catch(() => {}), 3_600_000);
  sweep.unref();
  const jobs = opts.jobs ? startJobs(config, services, app) : undefined;
  return {
    app,
    conn,
    services,
    bus,
    close: async () => {
      clearInterval(sweep);
      await jobs?.stop();
      await app.close();
      await bus.close();
      if (!opts.conn) await conn.close();
    },
  };
}

/**
 * Background work of a server process: the job runner (prediction refits, each in a worker thread) and the
 * nightly scheduler (on boot and every hour: a refit for workspaces whose last run is over a day old).
 */
function startJobs(config: Config, services: Services, app: FastifyInstance) {
  const refit = refitInWorker(config);
  const runner = createJobRunner({
    queue: services.queue,
    leaseMs: 120_000,
    handlers: {
      [REFIT_JOB]: async ({ job, progress }) => {
        const trigger = (job.payload as { trigger?: string } | null)?.trigger ?? 'manual';
        return refit(job.workspaceId, trigger, (step) => void progress(0, null, step).catch(() => {}));
      },
    },
    onError: (err, job) => app.log.error({ err, jobId: job?.id, kind: job?.kind }, 'background job failed'),
  });
  runner.start();
  const schedule = () =>
    void services.analytics
      .enqueueDue()
      .then((n) => n && runner.poke())
      .catch((err: unknown) => app.log.error({ err }, 'scheduling nightly refits failed'));
  schedule();
  const hourly = setInterval(schedule, 3_600_000);
  hourly.unref();
  return {
    runner,
    stop: async () => {
      clearInterval(hourly);
      await runner.stop();
    },
  };
}

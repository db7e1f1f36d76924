import { createHash } from 'node:crypto';
import path from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from './platform/config.ts';
import { connect, type Db } from './platform/db/connect.ts';
import { migrateToLatest } from './platform/db/migrate.ts';
import { createMemoryBus, createPostgresBus, type EventBus } from './platform/events/bus.ts';
import { registerEventStream } from './platform/events/sse.ts';
import { buildServer } from './platform/http/server.ts';
import { registerWebApp } from './platform/http/web.ts';
import {
  createAccessService,
  createAccountService,
  registerAccessRoutes,
  registerAccountRoutes,
  SESSION_COOKIE,
} from './modules/access/index.ts';
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
  recoverImports,
  registerImportRoutes,
  type ImportResult,
  type StartImport,
} from './modules/imports/index.ts';
import { createJobQueue } from './platform/jobs/queue.ts';
import { createJobRunner } from './platform/jobs/runner.ts';
import { PROCESS_OWNER } from './platform/jobs/owner.ts';
import { runWorker } from './platform/jobs/worker.ts';
import { createOrderService, purchasesOnCard, registerOrderRoutes } from './modules/orders/index.ts';
import {
  createLoyaltyService,
  createValuedService,
  createVoucherService,
  LOYALTY_JOB,
  registerLoyaltyRoutes,
} from './modules/loyalty/index.ts';
import {
  audienceSchema,
  CAMPAIGN_JOB,
  createOutreach,
  registerOutreachRoutes,
  registerProviderHooks,
  verifyTwilioSignature,
  registerPublicPages,
  startInboundSmtp,
  type InboundSmtp,
} from './modules/outreach/index.ts';
import { createSecretBox } from './platform/crypto/secrets.ts';
import {
  createNpsService,
  createSurveyService,
  NPS_JOB,
  registerRetentionRoutes,
  registerSurveyPages,
} from './modules/retention/index.ts';
import { createWebhookService, registerWebhookRoutes } from './modules/webhooks/index.ts';
import {
  createAgendaService,
  createCalendarService,
  createPromiseService,
  openPromisesOnCard,
  registerCalendarFeed,
  registerPromiseRoutes,
} from './modules/promises/index.ts';
import { createProductService, createSaleService, registerProductRoutes } from './modules/products/index.ts';
import { createScorecardService, registerScorecardRoutes } from './modules/scorecard/index.ts';
import { createPrivacyService, registerPrivacyRoutes } from './modules/privacy/index.ts';
import { createGrowService, registerGrowRoutes } from './modules/grow/index.ts';
import { createTimelineService, registerTimelineRoutes } from './modules/timeline/index.ts';
import {
  createPhoneService,
  createPhoneSystems,
  registerPhoneHooks,
  registerPhoneRoutes,
} from './modules/phones/index.ts';
import { createWorkspaceService, registerWorkspaceRoutes } from './modules/workspaces/index.ts';
import { AppError } from './platform/errors.ts';
import { holdServerLock } from './platform/db/backup.ts';
import { BACKUP_JOB, createBackupService, registerBackupRoutes } from './modules/backups/index.ts';
import { createOccasionService, OCCASIONS_JOB, registerOccasionRoutes } from './modules/occasions/index.ts';
import {
  createIntroductionService,
  createReferralService,
  registerIntroductionRoutes,
  registerReferralPages,
  registerReferralRoutes,
} from './modules/referrals/index.ts';
import {
  createEventService,
  createRsvpService,
  EVENTS_JOB,
  registerEventRoutes,
  registerRsvpPages,
} from './modules/events/index.ts';

export const VERSION = '0.1.0';
const WEB_DIST = path.resolve(import.meta.dirname, '../web/dist');

/** Every service of Rapport over one database: what the HTTP server and the CLI both use. */
export type ServicesConfig = Pick<Config, 'sessionDays'> &
  Partial<
    Pick<
      Config,
      | 'publicUrl'
      | 'smtpUrl'
      | 'inboundDomain'
      | 'inboundSmtp'
      | 'secretKey'
      | 'dataDir'
      | 'twilioApiBase'
      | 'whatsappApiBase'
      | 'host'
      | 'port'
      | 'webhookAllowPrivate'
    >
  >;

export function createServices(
  conn: Db,
  bus: EventBus,
  config: ServicesConfig,
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
    openItems: {
      complaints: openComplaintsOnCard,
      enquiries: openEnquiriesOnCard,
      promises: openPromisesOnCard,
    },
  });
  const orders = createOrderService({
    db,
    workspaces,
    customers,
    timeline,
    onOrdersChanged: (ws) => analytics.ordersChanged(ws), // debounced refit of the predictions
    onWritten: (trx, ws, customerId) => loyalty.syncLoyalty(ws, [customerId], trx), // points, in the order's transaction
  });
  const grow = createGrowService({ db, ...(opts.clock && { clock: opts.clock }) });
  const analytics = createAnalyticsService({
    db,
    afterRefit: (ws) => grow.refit(ws),
    dialect: conn.dialect,
    workspaces,
    customers,
    queue,
    ...(opts.clock && { clock: opts.clock }),
  });
  customers.onMerge(timeline.moveOnMerge);
  customers.onMerge(orders.moveOnMerge);
  const products = createProductService({ db, workspaces });
  // Reward and delight (issue 18): points and tiers, gift vouchers, the most valued list
  const clock = opts.clock ? { clock: opts.clock } : {};
  const loyalty = createLoyaltyService({ db, workspaces, customers, timeline, ...clock });
  const vouchers = createVoucherService({ db, workspaces, customers, ...clock });
  const valued = createValuedService({
    db,
    workspaces,
    customers,
    userExists: (ws, id) => access.getUserOrThrow(ws, id),
    topByValue: (ws, n) => analytics.topByValue(ws, n),
    predictedValueOf: (ws, ids) => analytics.predictedValueOf(ws, ids),
    ...clock,
  });
  customers.onMerge(loyalty.moveOnMerge);
  customers.onMerge(valued.moveOnMerge);
  const sales = createSaleService({
    db,
    workspaces,
    customers,
    orders,
    rewards: {
      pointValue: async (ws) => (await loyalty.getSettings(ws)).pointValue,
      quoteVoucher: (ws, code, gross) => vouchers.quote(ws, code, gross),
      redeemPoints: loyalty.redeemForSale,
      useVoucher: vouchers.use,
    },
  });
  const imports = createImportService({
    db,
    workspaces,
    customers,
    orders,
    timeline,
    users: (ws) => access.listUsers(ws),
  });
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
  // Outreach (D2, F1, J4): email, SMS and WhatsApp with consent, suppression, templates, campaigns and the outbox.
  const publicUrl = () => config.publicUrl ?? `http://${config.host ?? '127.0.0.1'}:${config.port ?? 3000}`;
  const box = createSecretBox({
    secretKey: config.secretKey,
    dataDir: config.dataDir ?? path.resolve('data'),
  });
  const outreach = createOutreach({
    db,
    box,
    config: {
      smtpUrl: config.smtpUrl,
      publicUrl,
      inboundDomain: config.inboundDomain,
      inboundListen: config.inboundSmtp && `${config.inboundSmtp.host}:${config.inboundSmtp.port}`,
      twilioApiBase: config.twilioApiBase ?? 'https://api.twilio.com',
      whatsappApiBase: config.whatsappApiBase ?? 'https://graph.facebook.com',
    },
    workspaces,
    customers,
    timeline,
    queue,
    predicted: (ws, by) => analytics.audienceIds(ws, by),
    userEmail: async (ws, id) => (await access.getUserOrThrow(ws, id)).email,
    ...(opts.clock && { clock: opts.clock }),
  });
  // Retention (D2–D4, H3): the "why did you stop?" survey, NPS, reviews, who has not been contacted
  const nps = createNpsService({
    db,
    customers,
    timeline,
    outreach: outreach.outreach,
    valuableNotContacted: (ws, share, before) => analytics.valuableNotContacted(ws, share, before),
    ...(opts.clock && { clock: opts.clock }),
  });
  customers.onMerge(outreach.outreach.moveOnMerge);
  customers.onMerge(nps.moveOnMerge);
  const surveys = createSurveyService({
    staffOf: (trx, ws, key) => nps.staffOf(trx, ws, key),
    onPromoter: (ws, customerId, answerId) => nps.askForReview(ws, customerId, answerId),
    db,
    workspaces,
    timeline,
    stakes: (ws, ids) => analytics.stakes(ws, ids),
    openComplaint: async (ws, customerId, words, category, ownerId) =>
      (
        await complaints.createComplaint(
          ws,
          {
            customerId,
            channel: 'web_form',
            words,
            severity: 'medium',
            category,
            ...(ownerId && { ownerId }),
          },
          { workspaceId: ws, kind: 'cli', id: 'survey', scopes: new Set(['read', 'write']) },
        )
      ).id,
    ...(opts.clock && { clock: opts.clock }),
  });
  // Promises, each person's agenda and the calendar feed (issue 17)
  const promises = createPromiseService({
    db,
    workspaces,
    customers,
    timeline,
    bus,
    queueMessage: (ws, customerId, v, o) => outreach.outreach.queueMessage(ws, customerId, v, o),
    emailStaff: async (ws, userId, subject, body, key) =>
      void (await outreach.outreach.queueStaffEmail(ws, userId, { subject, body, dedupeKey: key })),
    ...(opts.clock && { clock: opts.clock }),
  });
  customers.onMerge(promises.moveOnMerge);
  // Phone systems (issue 19): Twilio Voice, 3CX and Asterisk/FreePBX pop the caller through the timeline's call path
  const phoneService = createPhoneService({
    db,
    box: createSecretBox({ secretKey: config.secretKey, dataDir: config.dataDir ?? path.resolve('data') }),
    recordCall: (ws, call, actor) => timeline.recordCall(ws, call, actor),
    logCallBack: (ws, customerId, body, actor) =>
      timeline.addInteraction(ws, customerId, { kind: 'call', direction: 'outbound', body }, actor),
    ...(opts.clock && { clock: opts.clock }),
  });
  const phones = createPhoneSystems({ service: phoneService, customers, workspaces });
  const agenda = createAgendaService({
    db,
    workspaces,
    promises,
    complaints: async (ws, ownerId) => (await complaints.listComplaints(ws, { ownerId, limit: 200 })).items,
    enquiries: async (ws, ownerId) =>
      (await enquiries.listEnquiries(ws, { ownerId, state: 'waiting', limit: 200 })).items,
    notContacted: (ws) => nps.notContacted(ws),
    missedCalls: (ws) => phoneService.openMissed(ws),
    stakes: (ws, ids) => analytics.stakes(ws, ids),
  });
  const calendar = createCalendarService({
    db,
    workspaces,
    promises,
    publicUrl: () => config.publicUrl,
    followUps: async (ws, ownerId) =>
      (await complaints.listComplaints(ws, { ownerId, status: 'resolved', limit: 200 })).items.flatMap((c) =>
        c.followUp.dueAt && !c.followUp.doneAt
          ? [{ id: c.id, customerId: c.customerId, customerName: c.customerName, dueAt: c.followUp.dueAt }]
          : [],
      ),
  });
  // Occasions and events (E2, E3): greetings on the local date, invitations with answer links, check-in
  const occasions = createOccasionService({
    db,
    workspaces,
    customers,
    outreach: outreach.outreach,
    ...(opts.clock && { clock: opts.clock }),
  });
  customers.onMerge(occasions.moveOnMerge);
  const events = createEventService({
    db,
    workspaces,
    timeline,
    outreach: outreach.outreach,
    audienceIds: (ws, a) => outreach.campaigns.audienceIds(ws, audienceSchema.parse(a)),
    publicUrl,
    ...(opts.clock && { clock: opts.clock }),
  });
  customers.onMerge(events.moveOnMerge);
  const rsvp = createRsvpService({
    db,
    workspaces,
    publicUrl,
    organizerEmail: async (ws) => (await outreach.outreachSettings.sending(ws)).fromEmail ?? null,
    ...(opts.clock && { clock: opts.clock }),
  });
  // Referrals and passing business (H1, H2)
  const referrals = createReferralService({
    db,
    workspaces,
    customers,
    timeline,
    publicUrl,
    ...(opts.clock && { clock: opts.clock }),
  });
  customers.onCreate(referrals.onCreate);
  customers.onMerge(referrals.moveOnMerge);
  const introductions = createIntroductionService({
    db,
    workspaces,
    customers,
    timeline,
    ...(opts.clock && { clock: opts.clock }),
  });
  customers.onMerge(introductions.moveOnMerge);
  return {
    referrals,
    introductions,
    occasions,
    events,
    rsvp,
    workspaces,
    access,
    account: createAccountService({ db, onRevoked: () => access.notifyRevoked() }),
    customers,
    timeline,
    orders,
    products,
    sales,
    loyalty,
    vouchers,
    valued,
    imports,
    exports,
    complaints,
    enquiries,
    analytics,
    queue,
    outreachSettings: outreach.outreachSettings,
    outreach: outreach.outreach,
    campaigns: outreach.campaigns,
    publicPages: outreach.pages,
    outbox: outreach,
    surveys,
    nps,
    promises,
    agenda,
    calendar,
    phones,
    grow,
    scorecard: createScorecardService({ db, ...(opts.clock && { clock: opts.clock }) }),
    // Domain events (the audit log seen through a catalogue) delivered as signed webhooks (issue 19)
    webhooks: createWebhookService({
      db,
      box,
      allowPrivate: config.webhookAllowPrivate ?? false,
      ...(opts.clock && { clock: opts.clock }),
    }),
    privacy: createPrivacyService({ db, workspaces, onOrdersChanged: (ws) => analytics.ordersChanged(ws) }),
    backups: createBackupService({
      db,
      dialect: conn.dialect,
      workspaces,
      queue,
      dataDir: config.dataDir ?? path.resolve('data'),
      ...(opts.clock && { clock: opts.clock }),
    }),
  };
}
export type Services = ReturnType<typeof createServices>;

/** Open the database and bring its schema up to date (fail closed). */
export async function openDatabase(
  config: Pick<Config, 'databaseUrl' | 'dataDir' | 'databasePoolSize'>,
  onConnectionError?: (err: Error) => void,
  opts: { migrate?: boolean } = {},
): Promise<Db> {
  const conn = connect({
    onConnectionError,
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.databasePoolSize,
  });
  // worker threads skip this: their server migrated at start, and ten workers taking the migration lock at once
  // made SQLite answer SQLITE_BUSY
  if (opts.migrate === false) return conn;
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
function importInWorker(
  config: Config,
  imports: Services['imports'],
  onImported: (workspaceId: string) => void,
): StartImport {
  const workerConfig = workerConfigOf(config);
  return async (options, onStarted) => {
    let runId: string | null = null;
    const done = await runWorker(
      new URL('./workers/import.ts', import.meta.url),
      // the worker's runs belong to this process (a restart tells them from live ones by this token)
      { config: workerConfig, options, owner: PROCESS_OWNER },
      (m) => {
        if (m.type === 'started') onStarted((runId = (m.runId as string | null) ?? null));
      },
    ).catch(async (err: unknown) => {
      // a worker that died before it could end its run: the run fails with the reason instead of staying "running"
      if (runId)
        await imports
          .failRun(options.workspaceId, runId, err instanceof Error ? err.message : String(err))
          .catch(() => {});
      throw err;
    });
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
  /** The inbound SMTP listener (bounces, complaints, unsubscribe emails) when RAPPORT_INBOUND_SMTP is set. */
  inboundSmtp: InboundSmtp | undefined;
  close: () => Promise<void>;
};

/** An API key sent as HTTP Basic (3CX's CRM templates): the password is the key (any user name). */
function basicKey(header: string): string | undefined {
  const b64 = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header)?.[1];
  if (!b64) return undefined;
  const plain = Buffer.from(b64, 'base64').toString('utf8');
  const colon = plain.indexOf(':');
  return colon >= 0 && plain.length > colon + 1 ? plain.slice(colon + 1) : undefined;
}

/** Compose the whole application: config → db → migrate → services → http. */
export async function buildApp(
  config: Config,
  opts: {
    conn?: Db;
    serveWeb?: boolean;
    /** Run background jobs (prediction refits) and the nightly scheduler in this process. Off by default (tests, CLI); src/main.ts turns it on. */
    jobs?: boolean;
    clock?: () => Date;
    /** Where the server's logs go (default: stdout); tests read them. */
    logStream?: NodeJS.WritableStream;
    /** Send queued messages from this process (default: with `jobs`). */
    outbox?: boolean;
  } = {},
): Promise<RunningApp> {
  // connection errors (a terminated or restarted PostgreSQL) are logged once the logger exists; never thrown
  let logDbError = (_err: Error) => {};
  const onDbError = (err: Error) => logDbError(err);
  const conn = opts.conn ?? (await openDatabase(config, onDbError));
  const bus =
    conn.dialect === 'postgres' && conn.url
      ? await createPostgresBus(conn.url, onDbError)
      : createMemoryBus();
  const services = createServices(conn, bus, config, opts.clock ? { clock: opts.clock } : {});
  const { access } = services;
  // a server on the SQLite file marks its data dir as in use: `rapport restore` refuses while it runs
  const releaseLock = conn.dialect === 'sqlite' ? holdServerLock(config.dataDir) : undefined;
  const uploadsDir = path.join(config.dataDir, 'uploads');
  let pokeJobs = () => {};
  const startImport = importInWorker(config, services.imports, (ws) => {
    services.analytics.ordersChanged(ws);
    // points for the imported orders: the reconciler runs as a job after the run, not row by row inside it
    void services.queue
      .enqueue({ workspaceId: ws, kind: LOYALTY_JOB, payload: { trigger: 'import' } })
      .then(() => pokeJobs())
      .catch(() => {});
  });

  /** The request's credential: a bearer API key, else the session cookie. */
  const credentialOf = (request: FastifyRequest) => {
    const header = request.headers.authorization;
    if (header)
      return { kind: 'key' as const, secret: /^Bearer\s+(\S+)$/i.exec(header)?.[1] ?? basicKey(header) };
    return { kind: 'session' as const, secret: request.cookies[SESSION_COOKIE] };
  };
  const authenticate = async (request: FastifyRequest, opts: { fresh?: boolean } = {}) => {
    const c = credentialOf(request);
    if (!c.secret) return undefined;
    return c.kind === 'key' ? access.resolveApiKey(c.secret, opts) : access.resolveSession(c.secret);
  };

  const app = await buildServer({
    logLevel: config.logLevel,
    ...(opts.logStream && { logStream: opts.logStream }),
    trustProxy: config.trustProxy,
    version: VERSION,
    authenticate: (request) => authenticate(request),
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
      registerProductRoutes(api, services);
      registerImportRoutes(api, {
        imports: services.imports,
        uploadsDir,
        startImport,
      });
      registerExportRoutes(api, services);
      registerComplaintRoutes(api, services);
      registerEnquiryRoutes(api, services);
      registerAnalyticsRoutes(api, services);
      registerOutreachRoutes(api, services);
      registerRetentionRoutes(api, services);
      registerPromiseRoutes(api, services);
      registerScorecardRoutes(api, services);
      registerWebhookRoutes(api, services);
      registerPrivacyRoutes(api, services);
      registerAccountRoutes(api, services);
      registerGrowRoutes(api, services);
      registerOccasionRoutes(api, services);
      registerEventRoutes(api, services);
      registerLoyaltyRoutes(api, services);
      registerPhoneRoutes(api, { phones: services.phones, publicUrl: () => config.publicUrl });
      registerBackupRoutes(api, services);
      registerReferralRoutes(api, services);
      registerIntroductionRoutes(api, services);
      registerEventStream(api, bus, {
        recheck: (request) => authenticate(request, { fresh: true }),
        onRevoked: (listener) => access.onRevoked(listener),
        credentialId: (request) => {
          const c = credentialOf(request);
          return `${c.kind}:${createHash('sha256')
            .update(c.secret ?? '')
            .digest('hex')}`;
        },
      });
    },
    afterRoutes: async (a) => {
      await registerPublicPages(a, { pages: services.publicPages });
      await registerSurveyPages(a, { surveys: services.surveys });
      await registerCalendarFeed(a, { calendar: services.calendar });
      await registerRsvpPages(a, { rsvp: services.rsvp });
      await registerReferralPages(a, { referrals: services.referrals });
      await registerProviderHooks(a, {
        settings: (ws) => services.outreachSettings.sending(ws).catch(() => undefined),
        publicUrl: () => config.publicUrl ?? `http://${config.host}:${config.port}`,
        report: (ws, channel, r) => services.outreach.recordReport(ws, channel, r),
        inbound: (ws, m) => services.outreach.recordInbound(ws, m),
      });
      await registerPhoneHooks(a, {
        phones: services.phones,
        publicUrl: () => config.publicUrl,
        verifyTwilio: verifyTwilioSignature,
        shopName: async (ws) => (await services.workspaces.getWorkspaceCached(ws)).name,
      });
      if (opts.serveWeb !== false) await registerWebApp(a, WEB_DIST);
    },
  });

  logDbError = (err) => app.log.warn({ err }, 'database connection lost; reconnecting');
  const sweep = setInterval(() => void access.deleteExpiredSessions().catch(() => {}), 3_600_000);
  sweep.unref();
  const jobs = opts.jobs ? startJobs(config, services, app) : undefined;
  if (jobs) pokeJobs = () => jobs.runner.poke();
  const outbox = (opts.outbox ?? opts.jobs) ? startOutbox(services, app, config.outboxLeaseMs) : undefined;
  const webhooks =
    (opts.outbox ?? opts.jobs)
      ? services.webhooks.createDispatcher({
          leaseMs: config.outboxLeaseMs,
          onError: (err) => app.log.error({ err }, 'delivering webhooks failed'),
        })
      : undefined;
  webhooks?.start();
  // returned mail (off by default): bounces, spam complaints and unsubscribe emails straight from the mail servers
  const inboundSmtp =
    config.inboundSmtp && config.inboundDomain
      ? await startInboundSmtp({
          ...config.inboundSmtp,
          domain: config.inboundDomain,
          inbound: services.outbox.inbound,
          onError: (err) => app.log.warn({ err }, 'inbound mail'),
        })
      : undefined;
  // a server process (not tests, not the CLI) resumes or fails the imports a crash left running
  const recovered = opts.jobs
    ? recoverImports({ imports: services.imports, uploadsDir, startImport, log: app.log }).catch(
        (err: unknown) => void app.log.error({ err }, 'recovering interrupted imports failed'),
      )
    : undefined;
  return {
    app,
    conn,
    services,
    bus,
    inboundSmtp,
    close: async () => {
      clearInterval(sweep);
      await inboundSmtp?.close();
      await outbox?.stop();
      await webhooks?.stop();
      await jobs?.stop();
      await services.outbox.close();
      await recovered;
      await app.close();
      await bus.close();
      if (!opts.conn) await conn.close();
      releaseLock?.();
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
      [LOYALTY_JOB]: async ({ job }) => services.loyalty.syncLoyalty(job.workspaceId),
    },
    onError: (err, job) => app.log.error({ err, jobId: job?.id, kind: job?.kind }, 'background job failed'),
  });
  runner.start();
  const schedule = () =>
    void services.analytics
      .enqueueDue()
      .then((n) => n && runner.poke())
      .catch((err: unknown) => app.log.error({ err }, 'scheduling nightly refits failed'));
  // points and tiers: once a day per workspace (the date is the job's key: one process runs it)
  const nightlyLoyalty = () =>
    void services.workspaces
      .listWorkspaces()
      .then(async (list) => {
        const day = new Date().toISOString().slice(0, 10);
        for (const w of list)
          await services.queue.enqueue({
            workspaceId: w.id,
            kind: LOYALTY_JOB,
            payload: { trigger: 'nightly' },
            idempotencyKey: `nightly:${day}`,
          });
        if (list.length) runner.poke();
      })
      .catch((err: unknown) => app.log.error({ err }, 'scheduling the nightly loyalty run failed'));
  const both = () => {
    schedule();
    nightlyLoyalty();
  };
  both();
  const hourly = setInterval(both, 3_600_000);
  hourly.unref();
  return {
    runner,
    stop: async () => {
      clearInterval(hourly);
      await runner.stop();
    },
  };
}

/**
 * Outreach's background work in a server process: the outbox sender (due messages to their providers) and a job
 * runner for campaigns (each queues its audience into the outbox). Both claim with leases, so every process of a
 * deployment can run them: nothing is sent twice.
 */
function startOutbox(services: Services, app: FastifyInstance, leaseMs: number) {
  const sender = services.outbox.createSender({
    leaseMs,
    onError: (err, id) => app.log.error({ err, messageId: id }, 'sending a message failed'),
  });
  const runner = createJobRunner({
    queue: services.queue,
    leaseMs: 120_000,
    pollMs: 1000,
    handlers: {
      [NPS_JOB]: async ({ job }) => services.nps.scheduleNps(job.workspaceId),
      [OCCASIONS_JOB]: async ({ job }) => services.occasions.greetDue(job.workspaceId),
      [EVENTS_JOB]: async ({ job }) => services.events.remindDue(job.workspaceId),
      [BACKUP_JOB]: async ({ job }) =>
        services.backups.runBackup(
          job.workspaceId,
          (job.payload as { trigger?: 'schedule' | 'manual' } | null)?.trigger ?? 'manual',
        ),
      [CAMPAIGN_JOB]: async ({ job, progress }) => {
        const { campaignId } = job.payload as { campaignId: string };
        return services.campaigns.queueCampaign(job.workspaceId, campaignId, (done, total) =>
          progress(done, total),
        );
      },
    },
    onError: (err, job) => app.log.error({ err, jobId: job?.id }, 'queuing a campaign failed'),
  });
  services.outbox.onDue(() => {
    runner.poke();
    sender.poke();
  });
  sender.start();
  runner.start();
  // NPS questions: once an hour, one job per workspace that asks them (the hour is its key: one process runs it)
  const askNps = () =>
    void services.nps
      .npsWorkspaces()
      .then(async (list) => {
        const hour = new Date().toISOString().slice(0, 13);
        for (const ws of list)
          await services.queue.enqueue({
            workspaceId: ws,
            kind: NPS_JOB,
            payload: null,
            idempotencyKey: hour,
          });
        if (list.length) runner.poke();
      })
      .catch((err: unknown) => app.log.error({ err }, 'scheduling NPS questions failed'));
  // greetings and event reminders: the same hourly pattern (the hour keys the job; the message keys the send)
  const hourlyJobs = () => {
    askNps();
    const hour = new Date().toISOString().slice(0, 13);
    const enqueue = (kind: string, list: string[]) =>
      Promise.all(
        list.map((ws) =>
          services.queue.enqueue({ workspaceId: ws, kind, payload: null, idempotencyKey: hour }),
        ),
      ).then(() => list.length && runner.poke());
    void services.occasions
      .greetingWorkspaces()
      .then((l) => enqueue(OCCASIONS_JOB, l))
      .catch((err: unknown) => app.log.error({ err }, 'scheduling greetings failed'));
    void services.events
      .reminderWorkspaces()
      .then((l) => enqueue(EVENTS_JOB, l))
      .catch((err: unknown) => app.log.error({ err }, 'scheduling event reminders failed'));
    // daily backups: the workspace's local date keys the job, so two processes take one backup a day
    void services.backups
      .scheduleDue()
      .then((n) => n && runner.poke())
      .catch((err: unknown) => app.log.error({ err }, 'scheduling backups failed'));
  };
  hourlyJobs();
  const hourly = setInterval(hourlyJobs, 3_600_000);
  hourly.unref();
  // promise reminders: every 5 minutes (each promise reminds once: a conditional UPDATE of reminded_at)
  const remind = () =>
    void services.promises
      .remindDue()
      .catch((err: unknown) => app.log.error({ err }, 'promise reminders failed'));
  const reminders = setInterval(remind, 300_000);
  reminders.unref();
  return {
    stop: async () => {
      clearInterval(hourly);
      clearInterval(reminders);
      await runner.stop();
      await sender.stop();
    },
  };
}

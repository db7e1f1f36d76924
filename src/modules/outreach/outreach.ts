import type { Kysely } from 'kysely';
import type { SecretBox } from '../../platform/crypto/secrets.ts';
import type { Database } from '../../platform/db/schema.ts';
import type { JobQueue } from '../../platform/jobs/queue.ts';
import type { CustomerService } from '../customers/index.ts';
import type { TimelineService } from '../timeline/index.ts';
import type { WorkspaceService } from '../workspaces/index.ts';
import { createCampaignService, type PredictedAudience } from './campaigns.service.ts';
import type { ChannelAdapter, ChannelName } from './channels/channel.ts';
import { createSmtpEmail } from './channels/email.ts';
import { createTwilioSms } from './channels/twilio.ts';
import { createWhatsApp } from './channels/whatsapp.ts';
import { createInboundService } from './inbound/inbound.service.ts';
import { createOutreachService } from './outreach.service.ts';
import { createPublicService } from './public.service.ts';
import { createOutboxSender, type AdapterFor } from './sender.ts';
import { createOutreachSettings, type SendingSettings } from './settings.ts';

export type OutreachConfig = {
  smtpUrl: string | undefined;
  publicUrl: () => string;
  twilioApiBase: string;
  whatsappApiBase: string;
  /** RAPPORT_INBOUND_DOMAIN: VERP return paths and the unsubscribe mailto (the listener takes mail for it). */
  inboundDomain?: string | undefined;
  /** RAPPORT_INBOUND_SMTP, as configured (shown in Settings → Messages). */
  inboundListen?: string | undefined;
};

/**
 * The real channel adapters: one pooled SMTP transport for the server, and per workspace a Twilio and a WhatsApp
 * adapter made from its (decrypted) credentials, kept while the credentials stay the same.
 */
/** The host of every Message-ID Rapport writes (<id@host>): the public URL's. */
export const messageIdDomainOf = (publicUrl: string) => {
  try {
    return new URL(publicUrl).hostname || 'rapport.local';
  } catch {
    return 'rapport.local';
  }
};

export function createAdapters(config: OutreachConfig): AdapterFor & { close: () => Promise<void> } {
  let email: ChannelAdapter | undefined;
  const phone = new Map<string, { key: string; adapter: ChannelAdapter }>();
  const of = (ws: string, channel: ChannelName, key: string, make: () => ChannelAdapter) => {
    const id = `${ws}:${channel}`;
    const hit = phone.get(id);
    if (hit?.key === key) return hit.adapter;
    const adapter = make();
    phone.set(id, { key, adapter });
    return adapter;
  };
  const adapterFor = (ws: string, channel: ChannelName, s: SendingSettings): ChannelAdapter | null => {
    if (channel === 'email') {
      if (!config.smtpUrl || !s.fromEmail) return null;
      return (email ??= createSmtpEmail({
        smtpUrl: config.smtpUrl,
        messageIdDomain: messageIdDomainOf(config.publicUrl()),
        returnPathDomain: config.inboundDomain,
      }));
    }
    if (channel === 'sms') {
      const c = s.sms;
      if (!c) return null;
      return of(ws, channel, JSON.stringify(c), () =>
        createTwilioSms({
          accountSid: c.accountSid,
          authToken: c.authToken,
          from: c.from,
          apiBase: config.twilioApiBase,
        }),
      );
    }
    const w = s.whatsapp;
    if (!w) return null;
    return of(ws, channel, JSON.stringify(w), () =>
      createWhatsApp({
        phoneNumberId: w.phoneNumberId,
        accessToken: w.accessToken,
        apiBase: config.whatsappApiBase,
      }),
    );
  };
  return Object.assign(adapterFor, {
    close: async () => {
      await email?.close?.();
    },
  });
}

/** Outreach's services over one database: settings, messages and consent, campaigns, public pages, the sender. */
export function createOutreach(deps: {
  db: Kysely<Database>;
  box: SecretBox;
  config: OutreachConfig;
  workspaces: WorkspaceService;
  customers: CustomerService;
  timeline: TimelineService;
  queue: JobQueue;
  predicted: PredictedAudience;
  userEmail: (ws: string, userId: string) => Promise<string | null>;
  clock?: () => Date;
}) {
  const { db, config } = deps;
  const settings = createOutreachSettings({
    db,
    box: deps.box,
    publicUrl: config.publicUrl,
    smtpConfigured: !!config.smtpUrl,
    inbound: { domain: config.inboundDomain, listen: config.inboundListen },
  });
  let wake = () => {};
  const poke = () => wake();
  const outreach = createOutreachService({
    db,
    workspaces: deps.workspaces,
    customers: deps.customers,
    timeline: deps.timeline,
    settings,
    publicUrl: config.publicUrl,
    inboundDomain: config.inboundDomain,
    userEmail: deps.userEmail,
    poke,
    ...(deps.clock && { clock: deps.clock }),
  });
  const campaigns = createCampaignService({
    db,
    repo: outreach.repo,
    outbox: outreach.outbox,
    queue: deps.queue,
    predicted: deps.predicted,
    dueAt: outreach.dueAt,
    ready: (ws, channel) => settings.ready(ws, channel),
    poke,
    ...(deps.clock && { clock: deps.clock }),
  });
  const pages = createPublicService({
    db,
    repo: outreach.repo,
    workspaces: deps.workspaces,
    timeline: deps.timeline,
    ...(deps.clock && { clock: deps.clock }),
  });
  const inbound = createInboundService({
    db,
    repo: outreach.repo,
    timeline: deps.timeline,
    pages,
    messageIdDomain: () => messageIdDomainOf(config.publicUrl()),
  });
  const adapters = createAdapters(config);
  /** The sender of this process (started by the server's background jobs). */
  const createSender = (
    opts: { pollMs?: number; leaseMs?: number; onError?: (err: unknown, id?: string) => void } = {},
  ) => {
    const sender = createOutboxSender({
      db,
      outbox: outreach.outbox,
      repo: outreach.repo,
      settings,
      workspaces: deps.workspaces,
      timeline: deps.timeline,
      adapterFor: adapters,
      publicUrl: config.publicUrl,
      inboundDomain: config.inboundDomain,
      finishCampaigns: campaigns.finishCampaigns,
      ...(opts.pollMs && { pollMs: opts.pollMs }),
      ...(opts.leaseMs && { leaseMs: opts.leaseMs }),
      ...(opts.onError && { onError: opts.onError }),
      ...(deps.clock && { clock: deps.clock }),
    });
    return sender;
  };
  return {
    outreachSettings: settings,
    outreach,
    campaigns,
    pages,
    inbound,
    createSender,
    /** Who to wake when a message is due (the server's sender and job runner set it). */
    onDue: (fn: () => void) => {
      wake = fn;
    },
    close: () => adapters.close(),
  };
}
export type Outreach = ReturnType<typeof createOutreach>;

import path from 'node:path';
import { z } from 'zod';

/**
 * Every environment variable Rapport reads, in one schema: its doc, its default and whether it is a secret.
 * `process.env` is read nowhere else. The README's configuration table is written from this list.
 */
export const CONFIG_VARS = {
  PORT: { doc: 'HTTP port', default: '3000', secret: false },
  HOST: { doc: 'HTTP listen address', default: '127.0.0.1', secret: false },
  RAPPORT_DATA_DIR: {
    doc: 'Folder for the embedded SQLite database (rapport.db)',
    default: './data',
    secret: false,
  },
  DATABASE_URL: {
    doc: 'PostgreSQL URL; when set, Rapport uses PostgreSQL instead of SQLite',
    default: '',
    secret: true,
  },
  DATABASE_POOL_SIZE: { doc: 'PostgreSQL connection pool size', default: '10', secret: false },
  LOG_LEVEL: {
    doc: 'pino log level (fatal, error, warn, info, debug, trace, silent)',
    default: 'info',
    secret: false,
  },
  COOKIE_SECURE: {
    doc: "Session cookie 'Secure' flag: auto (when the request is HTTPS), true or false",
    default: 'auto',
    secret: false,
  },
  TRUST_PROXY: {
    doc: 'Trust X-Forwarded-* headers (behind a reverse proxy)',
    default: 'false',
    secret: false,
  },
  SESSION_DAYS: { doc: 'How long a web sign-in lasts, in days', default: '14', secret: false },
  RAPPORT_PUBLIC_URL: {
    doc: 'Public base URL of this server (https://crm.example.com): every link in a message starts with it',
    default: '',
    secret: false,
  },
  RAPPORT_SMTP_URL: {
    doc: 'Mail server for outgoing email (smtp://user:pass@host:587 with STARTTLS, smtps://… for TLS); unset = no email',
    default: '',
    secret: true,
  },
  RAPPORT_INBOUND_SMTP: {
    doc: 'Listen for returned mail (bounces, spam complaints, mailto unsubscribes) on this address:port (0.0.0.0:2525); point an MX record or a Postfix transport for RAPPORT_INBOUND_DOMAIN at it; unset = off',
    default: '',
    secret: false,
  },
  RAPPORT_INBOUND_DOMAIN: {
    doc: 'Mail domain of the inbound listener (bounces.example.com): outgoing email gets the return path bounce+<id>@ it and the unsubscribe mailto unsubscribe+<token>@ it; unset = off',
    default: '',
    secret: false,
  },
  RAPPORT_SECRET_KEY: {
    doc: 'Key that encrypts provider credentials at rest (32+ characters); unset = a key file made in the data dir',
    default: '',
    secret: true,
  },
  RAPPORT_OUTBOX_LEASE_SECONDS: {
    doc: 'How long a process holds a message it is sending before another process may take it over (after a crash)',
    default: '60',
    secret: false,
  },
  RAPPORT_TWILIO_API_BASE: {
    doc: "Twilio's REST API base (change only for an on-premise gateway or tests)",
    default: 'https://api.twilio.com',
    secret: false,
  },
  RAPPORT_WHATSAPP_API_BASE: {
    doc: 'Meta Graph API base for WhatsApp (change only for tests)',
    default: 'https://graph.facebook.com',
    secret: false,
  },
  RAPPORT_WEBHOOK_ALLOW_PRIVATE: {
    doc: 'Let webhooks go to private, loopback and link-local addresses (an on-premise receiver, tests); off, they are refused after DNS resolution',
    default: 'false',
    secret: false,
  },
} as const;

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535),
  HOST: z.string().min(1),
  RAPPORT_DATA_DIR: z.string().min(1),
  DATABASE_URL: z.string(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  COOKIE_SECURE: z.enum(['auto', 'true', 'false']),
  TRUST_PROXY: bool,
  SESSION_DAYS: z.coerce.number().int().min(1).max(365),
  RAPPORT_PUBLIC_URL: z.union([z.literal(''), z.url({ protocol: /^https?$/ })]),
  RAPPORT_SMTP_URL: z.union([z.literal(''), z.url({ protocol: /^smtps?$/ })]),
  RAPPORT_INBOUND_SMTP: z.union([
    z.literal(''),
    z.string().regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'must be host:port (0.0.0.0:2525)'),
  ]),
  RAPPORT_INBOUND_DOMAIN: z.union([
    z.literal(''),
    z.string().regex(/^(?=.{1,253}$)([A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,63}$/, 'must be a mail domain'),
  ]),
  RAPPORT_SECRET_KEY: z.union([z.literal(''), z.string().min(32, 'must be at least 32 characters')]),
  RAPPORT_OUTBOX_LEASE_SECONDS: z.coerce.number().int().min(1).max(3600),
  RAPPORT_TWILIO_API_BASE: z.url({ protocol: /^https?$/ }),
  RAPPORT_WHATSAPP_API_BASE: z.url({ protocol: /^https?$/ }),
  RAPPORT_WEBHOOK_ALLOW_PRIVATE: bool,
});

export type Config = {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  databasePoolSize: number;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  cookieSecure: 'auto' | 'true' | 'false';
  trustProxy: boolean;
  sessionDays: number;
  /** Base of every link in a message (no trailing slash); undefined = http://HOST:PORT. */
  publicUrl: string | undefined;
  smtpUrl: string | undefined;
  /** The inbound SMTP listener (bounces, complaints, mailto unsubscribes): where it listens and its mail domain. */
  inboundSmtp: { host: string; port: number } | undefined;
  inboundDomain: string | undefined;
  secretKey: string | undefined;
  outboxLeaseMs: number;
  twilioApiBase: string;
  whatsappApiBase: string;
  /** Webhooks may go to private addresses (RAPPORT_WEBHOOK_ALLOW_PRIVATE). */
  webhookAllowPrivate: boolean;
};

const hostPort = (v: string) => {
  const at = v.lastIndexOf(':');
  return { host: v.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(v.slice(at + 1)) };
};

/** Parse the environment once. Throws a readable error naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const raw: Record<string, string> = {};
  for (const [name, spec] of Object.entries(CONFIG_VARS)) raw[name] = env[name] ?? spec.default;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  return {
    port: c.PORT,
    host: c.HOST,
    dataDir: path.resolve(c.RAPPORT_DATA_DIR),
    databaseUrl: c.DATABASE_URL === '' ? undefined : c.DATABASE_URL,
    databasePoolSize: c.DATABASE_POOL_SIZE,
    logLevel: c.LOG_LEVEL,
    cookieSecure: c.COOKIE_SECURE,
    trustProxy: c.TRUST_PROXY,
    sessionDays: c.SESSION_DAYS,
    publicUrl: c.RAPPORT_PUBLIC_URL === '' ? undefined : c.RAPPORT_PUBLIC_URL.replace(/\/+$/, ''),
    smtpUrl: c.RAPPORT_SMTP_URL || undefined,
    inboundSmtp: c.RAPPORT_INBOUND_SMTP ? hostPort(c.RAPPORT_INBOUND_SMTP) : undefined,
    inboundDomain: c.RAPPORT_INBOUND_DOMAIN.toLowerCase() || undefined,
    secretKey: c.RAPPORT_SECRET_KEY || undefined,
    outboxLeaseMs: c.RAPPORT_OUTBOX_LEASE_SECONDS * 1000,
    twilioApiBase: c.RAPPORT_TWILIO_API_BASE.replace(/\/+$/, ''),
    whatsappApiBase: c.RAPPORT_WHATSAPP_API_BASE.replace(/\/+$/, ''),
    webhookAllowPrivate: c.RAPPORT_WEBHOOK_ALLOW_PRIVATE,
  };
}

/**
 * Test-only knob: RAPPORT_TEST_DIST, the compiled build (dist/) that the test setup has just brought up to date
 * with src/. Worker threads started from the TypeScript sources then run their compiled copy from it (plain
 * Node) instead of loading the sources through tsx, which cost seconds per worker.
 */
export function testCompiledDist(): string | undefined {
  return process.env.RAPPORT_TEST_DIST || undefined;
}

/** Test-only knob: the Postgres URL the database suites run against (unset = SQLite only). */
export function testDatabaseUrl(): string | undefined {
  return process.env.TEST_DATABASE_URL || undefined;
}

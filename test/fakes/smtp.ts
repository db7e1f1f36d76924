import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export type Received = {
  /** MAIL FROM (the Return-Path); '' for the null sender. */
  envelopeFrom: string;
  envelopeTo: string[];
  raw: string;
  mail: ParsedMail;
};

/**
 * A real SMTP server (smtp-server) on 127.0.0.1 that keeps what it receives, for tests: the protocol as a mail
 * server speaks it (EHLO, MAIL FROM, RCPT TO, DATA), not a mock transport. `reject` scripts answers per
 * recipient: a permanent 550 (a dead mailbox) or a temporary 451.
 */
export async function startSmtpSink(
  opts: {
    reject?: (rcpt: string) => { code: number; message: string } | undefined;
    delayMs?: number;
    /** Called with each message once it is received, before the server answers 250 (a test may kill the sender here). */
    beforeAck?: (n: number) => Promise<void> | void;
  } = {},
) {
  const received: Received[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 10_000_000,
    onRcptTo(address, _session, cb) {
      const r = opts.reject?.(address.address);
      if (r) {
        const err = new Error(r.message) as Error & { responseCode: number };
        err.responseCode = r.code;
        return cb(err);
      }
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        void simpleParser(raw).then(async (mail) => {
          if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
          received.push({
            envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            envelopeTo: session.envelope.rcptTo.map((r) => r.address),
            raw,
            mail,
          });
          for (const w of waiters.splice(0))
            if (received.length >= w.n) w.resolve();
            else waiters.push(w);
          await opts.beforeAck?.(received.length);
          cb();
        }, cb);
      });
    },
  });
  // a client that dies mid-message (a killed sender) resets its connection: expected here, not a test failure
  const connectionErrors: Error[] = [];
  server.on('error', (err: Error) => connectionErrors.push(err));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    received,
    connectionErrors,
    /** Resolves once at least n messages arrived. */
    waitFor: (n: number) =>
      new Promise<void>((resolve) => {
        if (received.length >= n) return resolve();
        waiters.push({ n, resolve });
      }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { inboundRecipient, type InboundRecipient, type InboundService } from './inbound.service.ts';

/** A returned mail is small: a report with the original's headers (or at most the original itself). */
export const MAX_INBOUND_BYTES = 2_000_000;
const MAX_RCPTS = 20;

type Session = { envelope: { rcptTo: { address: string }[] } };
const smtpError = (code: number, message: string) =>
  Object.assign(new Error(message), { responseCode: code });

/**
 * The inbound SMTP listener (smtp-server): takes mail only for the inbound domain's own addresses (bounce+…,
 * unsubscribe+…, bounce, postmaster, abuse; everything else is refused at RCPT time with 550), at most
 * MAX_INBOUND_BYTES a message (refused with 552 once over), and hands each to the inbound service. A mail that
 * cannot be read is accepted and dropped: the sending server must not retry garbage forever. No AUTH, no relay.
 */
export async function startInboundSmtp(opts: {
  host: string;
  port: number;
  domain: string;
  inbound: InboundService;
  onError?: (err: unknown) => void;
}) {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    banner: 'Rapport inbound mail',
    size: MAX_INBOUND_BYTES,
    maxClients: 50,
    socketTimeout: 60_000,
    closeTimeout: 5_000,
    onRcptTo(address, session, cb) {
      if (session.envelope.rcptTo.length >= MAX_RCPTS) return cb(smtpError(452, 'Too many recipients'));
      if (!inboundRecipient(address.address, opts.domain))
        return cb(smtpError(550, '5.1.1 No such mailbox here'));
      cb();
    },
    onData(stream, session: Session, cb) {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= MAX_INBOUND_BYTES) chunks.push(c);
      });
      stream.on('error', () => {});
      stream.on('end', () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded || size > MAX_INBOUND_BYTES)
          return cb(smtpError(552, '5.3.4 Message too big'));
        const rcpts = session.envelope.rcptTo
          .map((r) => inboundRecipient(r.address, opts.domain))
          .filter((r): r is InboundRecipient => r !== null);
        opts.inbound.receive(rcpts, Buffer.concat(chunks).toString('utf8')).then(
          () => cb(),
          (err: unknown) => {
            // a database that is away: ask the sender to try again later
            opts.onError?.(err);
            cb(smtpError(451, '4.3.0 Try again later'));
          },
        );
      });
    },
  });
  server.on('error', (err: Error) => opts.onError?.(err));
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
export type InboundSmtp = Awaited<ReturnType<typeof startInboundSmtp>>;

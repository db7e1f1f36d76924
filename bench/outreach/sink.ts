/**
 * The benchmark's SMTP server, in its own process (so its CPU is not the sender's): a real smtp-server on
 * 127.0.0.1 that accepts every message as fast as it can — the DATA stream is read to its end and counted,
 * not parsed or kept. IPC with the parent: `{ port }` once listening; `'count'` → `{ count, bytes }`; `'stop'`.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

let count = 0;
let bytes = 0;
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  size: 10_000_000,
  maxClients: 100,
  onData(stream, _session, cb) {
    stream.on('data', (c: Buffer) => {
      bytes += c.length;
    });
    stream.on('end', () => {
      count++;
      cb();
    });
  },
});
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.server.address() as AddressInfo).port });
});
process.on('message', (m) => {
  if (m === 'count') process.send?.({ count, bytes });
  else if (m === 'stop') server.close(() => process.exit(0));
});
process.on('disconnect', () => process.exit(0));

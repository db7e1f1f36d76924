/**
 * The benchmark's SMTP server, in its own process (so its CPU is not the sender's): a real smtp-server on
 * 127.0.0.1. Two modes (argv[2]):
 * - `discard` (default): every message is read to its end and counted, not parsed or kept — as fast as a
 *   server can accept, the upper bound;
 * - `store`: every message is written to its own file in a spool folder and flushed to disk (fdatasync) before
 *   the 250 reply, as a real mail server does before it takes responsibility for a message (RFC 5321 §6.1;
 *   Postfix's queue files, one per message) — the pace of a mail server on this machine. Files are deleted
 *   after the reply (untimed by the client).
 * IPC with the parent: `{ port }` once listening; `'count'` → `{ count, bytes }`; `'stop'`.
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';

const store = process.argv[2] === 'store';
const spool = store ? fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-bench-spool-')) : '';
let count = 0;
let bytes = 0;
let seq = 0;

async function keep(chunks: Buffer[]) {
  const file = path.join(spool, `m${++seq}`);
  const fh = await fs.promises.open(file, 'w');
  try {
    await fh.writev(chunks);
    await fh.datasync();
  } finally {
    await fh.close();
  }
  return file;
}

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  size: 10_000_000,
  maxClients: 100,
  onData(stream, _session, cb) {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => {
      bytes += c.length;
      if (store) chunks.push(c);
    });
    stream.on('end', () => {
      if (!store) {
        count++;
        return cb();
      }
      keep(chunks).then(
        (file) => {
          count++;
          cb();
          fs.promises.unlink(file).catch(() => {});
        },
        (err: Error) => cb(err),
      );
    });
  },
});
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.server.address() as AddressInfo).port });
});
process.on('message', (m) => {
  if (m === 'count') process.send?.({ count, bytes });
  else if (m === 'stop')
    server.close(() => {
      if (spool) fs.rmSync(spool, { recursive: true, force: true });
      process.exit(0);
    });
});
process.on('disconnect', () => process.exit(0));

import { connect, type Socket } from 'node:net';

/**
 * A raw SMTP client for tests: says exactly what a remote mail server would (EHLO, MAIL FROM, RCPT TO, DATA, the
 * message with dot-stuffing), and returns every reply, so a test can see a refusal at RCPT time.
 */
export async function smtpConversation(port: number) {
  const socket: Socket = connect(port, '127.0.0.1');
  socket.setEncoding('utf8');
  let buffer = '';
  let wake: (() => void) | undefined;
  let closed = false;
  socket.on('data', (d: string) => {
    buffer += d;
    wake?.();
  });
  socket.on('close', () => {
    closed = true;
    wake?.();
  });
  socket.on('error', () => {});
  /** The next complete reply (multi-line replies joined), e.g. "250 OK". */
  const reply = async (): Promise<string> => {
    for (;;) {
      const lines = buffer.split('\r\n');
      const end = lines.findIndex((l) => /^\d{3} /.test(l) || /^\d{3}$/.test(l));
      if (end >= 0) {
        buffer = lines.slice(end + 1).join('\r\n');
        return lines.slice(0, end + 1).join('\n');
      }
      if (closed) return 'closed';
      await new Promise<void>((r) => (wake = r));
    }
  };
  const send = async (line: string) => {
    socket.write(`${line}\r\n`);
    return reply();
  };
  const greeting = await reply();
  return {
    greeting,
    send,
    /** Send a whole message after DATA was accepted (354): dot-stuffed, ended by a lone dot. */
    async data(raw: string) {
      const body = raw.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..');
      socket.write(`${body}${body.endsWith('\r\n') ? '' : '\r\n'}.\r\n`);
      return reply();
    },
    /** Raw bytes, no reply awaited (garbage). */
    write: (bytes: string | Buffer) => socket.write(bytes),
    reply,
    close: () => {
      socket.end();
      socket.destroy();
    },
  };
}

/** A whole delivery: EHLO, MAIL FROM, each RCPT TO, DATA; the replies of each step. */
export async function deliver(port: number, from: string, to: string[], raw: string) {
  const c = await smtpConversation(port);
  const out: { ehlo: string; mail: string; rcpt: string[]; data?: string; message?: string } = {
    ehlo: await c.send('EHLO mx1.receiver.example'),
    mail: await c.send(`MAIL FROM:<${from}>`),
    rcpt: [],
  };
  for (const r of to) out.rcpt.push(await c.send(`RCPT TO:<${r}>`));
  if (out.rcpt.some((r) => r.startsWith('250'))) {
    out.data = await c.send('DATA');
    if (out.data.startsWith('354')) out.message = await c.data(raw);
  }
  await c.send('QUIT');
  c.close();
  return out;
}

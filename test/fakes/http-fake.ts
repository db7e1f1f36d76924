/**
 * The plumbing the provider fakes (twilio.ts, whatsapp.ts) share: a real node:http server on 127.0.0.1:0 that
 * records every request, answers with the provider's documented behaviour, and lets a test script the next
 * answers (a 429 with Retry-After, a 500, a provider error, a reset connection, a request left hanging).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type RecordedRequest = {
  method: string;
  /** Path and query string, as received. */
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
};

export type Reply = { status: number; body?: unknown; headers?: Record<string, string> };

/** A scripted answer: a reply, a connection reset before any answer, or no answer until the server closes. */
export type ScriptedAnswer = Reply | { reset: true } | { hang: true };

export type FakeServer = {
  /** http://127.0.0.1:<port> */
  url: string;
  requests: RecordedRequest[];
  /** Queue answers for the next requests, in order, whatever they are; the documented behaviour resumes after. */
  answerNext(...answers: ScriptedAnswer[]): void;
  close(): Promise<void>;
};

export async function startFakeServer(
  handle: (request: RecordedRequest) => Reply | ScriptedAnswer,
): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const queue: ScriptedAnswer[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      const answer = queue.shift() ?? handle(recorded);
      if ('reset' in answer) {
        req.socket.destroy();
        return;
      }
      if ('hang' in answer) return;
      const text =
        answer.body === undefined
          ? ''
          : typeof answer.body === 'string'
            ? answer.body
            : JSON.stringify(answer.body);
      const type = typeof answer.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
      res.writeHead(answer.status, { 'content-type': type, ...answer.headers });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answerNext: (...answers) => queue.push(...answers),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

export type WebhookReply = { status: number; contentType: string | null; body: string };

/** How the provider calls a webhook of the app under test: one request, the app's answer as text. */
export async function callWebhook(
  url: string,
  init: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: string },
): Promise<WebhookReply> {
  const response = await fetch(url, { ...init, redirect: 'manual' });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: await response.text(),
  };
}

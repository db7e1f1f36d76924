import http from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { Actor } from '../http/actor.ts';
import { createMemoryBus } from './bus.ts';
import { registerEventStream } from './sse.ts';

const ACTOR: Actor = { workspaceId: 'w1', kind: 'apikey', id: 'k1', scopes: new Set(['read']) };

/** A stream server whose credential check answers what `check` says; counts the checks. */
async function streamServer(check: () => Promise<Actor | undefined>) {
  const app = Fastify();
  app.decorateRequest('actor', undefined);
  app.addHook('onRequest', async (request) => {
    request.actor = ACTOR;
  });
  let checks = 0;
  const listeners = new Set<() => void>();
  registerEventStream(app, createMemoryBus(), {
    recheck: () => {
      checks++;
      return check();
    },
    onRevoked: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    credentialId: () => 'k1',
    recheckMs: 20,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const a = app.server.address();
  if (!a || typeof a === 'string') throw new Error('no port');
  return { app, url: `http://127.0.0.1:${a.port}/events`, checks: () => checks, listeners };
}

/** Open a stream; resolves with its text when it ends. */
const readStream = (url: string) =>
  new Promise<{ status: number; text: string }>((resolve, reject) => {
    http
      .get(url, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      })
      .on('error', reject);
  });

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('event stream credential checks', () => {
  it('keeps a stream through two failed checks (a database blip) and ends it at the third', async () => {
    const s = await streamServer(() => Promise.reject(new Error('connection lost')));
    app = s.app;
    const { status, text } = await readStream(s.url);
    expect(status).toBe(200);
    expect(s.checks()).toBe(3);
    expect(text).toContain('event: closed');
  });

  it('forgives a failed check once the next one succeeds, and ends the stream when the credential goes', async () => {
    let n = 0;
    const s = await streamServer(async () => {
      n++;
      if (n === 1 || n === 2 || n === 4 || n === 5) throw new Error('blip');
      return n < 7 ? ACTOR : undefined;
    });
    app = s.app;
    const { text } = await readStream(s.url);
    expect(s.checks()).toBe(7);
    expect(text).toContain('event: closed');
  });
});

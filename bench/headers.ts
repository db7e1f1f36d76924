/**
 * What the security headers cost per request: a bare fastify route, the same with @fastify/helmet as Rapport
 * registers it (src/platform/http/server.ts), and with the same headers set from a constant object.
 * CPU µs per request over app.inject, best of 8 rounds of 5,000 (the machine is shared: best-of is the
 * least disturbed figure). Run: node --import tsx bench/headers.ts
 */
import helmet from '@fastify/helmet';
import Fastify, { type FastifyInstance } from 'fastify';

const HELMET_OPTIONS = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:', 'blob:'],
      fontSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
  frameguard: { action: 'deny' as const },
  referrerPolicy: { policy: 'same-origin' as const },
  strictTransportSecurity: false,
};

async function make(kind: 'plain' | 'helmet' | 'constant', constant: Record<string, string> = {}) {
  const app = Fastify();
  if (kind === 'helmet') await app.register(helmet, HELMET_OPTIONS);
  if (kind === 'constant')
    app.addHook('onRequest', async (_request, reply) => {
      reply.headers(constant);
    });
  app.get('/x', async () => ({ ok: true }));
  await app.ready();
  return app;
}

const withHelmet = await make('helmet');
const sample = await withHelmet.inject('/x');
const constant = Object.fromEntries(
  Object.entries(sample.headers).filter(
    ([k]) => !['content-type', 'content-length', 'date', 'connection'].includes(k),
  ),
) as Record<string, string>;
const apps: Record<string, FastifyInstance> = {
  'no headers': await make('plain'),
  '@fastify/helmet': withHelmet,
  'same headers, constant object': await make('constant', constant),
};
for (const app of Object.values(apps)) for (let i = 0; i < 3000; i++) await app.inject('/x');
const best: Record<string, number> = {};
for (let round = 0; round < 8; round++)
  for (const [name, app] of Object.entries(apps)) {
    const n = 5000;
    const t0 = process.cpuUsage();
    for (let i = 0; i < n; i++) await app.inject('/x');
    const c = process.cpuUsage(t0);
    best[name] = Math.min(best[name] ?? Infinity, (c.user + c.system) / n);
  }
console.log(`${Object.keys(constant).length} headers: ${Object.keys(constant).join(', ')}`);
for (const [name, us] of Object.entries(best))
  console.log(`${name.padEnd(32)} ${us.toFixed(1)} µs CPU/request`);
for (const app of Object.values(apps)) await app.close();

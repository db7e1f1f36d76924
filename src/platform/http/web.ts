import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/**
 * Serve the built web app (web/dist) from the same port as the API. Unknown GET paths outside /api
 * answer index.html so the app's own routes work on reload. Returns false when the app is not built.
 */
export async function registerWebApp(app: FastifyInstance, distDir: string): Promise<boolean> {
  const index = path.join(distDir, 'index.html');
  if (!fs.existsSync(index)) return false;
  await app.register(fastifyStatic, {
    root: distDir,
    prefix: '/',
    wildcard: false,
    index: false,
    maxAge: '1h',
    immutable: false,
  });
  const html = () => fs.readFileSync(index);
  app.get('/*', { schema: { hide: true }, config: { public: true } }, async (request, reply) => {
    const file = request.url.split('?')[0] ?? '/';
    if (file.startsWith('/api/') || path.extname(file)) return reply.callNotFound();
    return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(html());
  });
  return true;
}

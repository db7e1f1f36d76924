import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** Vite's content-hashed build output: assets/<name>-<hash>.<ext> (and their .br / .gz). */
const HASHED = /^assets[/\\][^/\\]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+(\.(br|gz))?$/;

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
    // the build's .br / .gz beside each asset, chosen by Accept-Encoding (see web/vite.config.ts)
    preCompressed: true,
    cacheControl: false,
    setHeaders: (res, file) => {
      const name = path.relative(distDir, file);
      // Vite's hashed files never change under the same name: cache them for a year; the rest an hour
      res.setHeader(
        'cache-control',
        HASHED.test(name)
          ? 'public, max-age=31536000, immutable'
          : name.startsWith('index.html')
            ? 'no-cache'
            : 'public, max-age=3600',
      );
    },
  });
  const html = () => fs.readFileSync(index);
  const htmlBr = fs.existsSync(`${index}.br`) ? () => fs.readFileSync(`${index}.br`) : null;
  const htmlGz = fs.existsSync(`${index}.gz`) ? () => fs.readFileSync(`${index}.gz`) : null;
  app.get('/*', { schema: { hide: true }, config: { public: true } }, async (request, reply) => {
    const file = request.url.split('?')[0] ?? '/';
    if (file.startsWith('/api/') || path.extname(file)) return reply.callNotFound();
    reply
      .header('cache-control', 'no-cache')
      .header('vary', 'accept-encoding')
      .type('text/html; charset=utf-8');
    const accept = String(request.headers['accept-encoding'] ?? '');
    if (htmlBr && /\bbr\b/.test(accept)) return reply.header('content-encoding', 'br').send(htmlBr());
    if (htmlGz && /\bgzip\b/.test(accept)) return reply.header('content-encoding', 'gzip').send(htmlGz());
    return reply.send(html());
  });
  return true;
}

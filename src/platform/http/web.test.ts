import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerWebApp } from './web.ts';

/** A build as `vite build` + the precompress plugin leave it: hashed assets with .br and .gz beside them. */
function fakeDist(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-dist-'));
  fs.mkdirSync(path.join(dir, 'assets'));
  const js = `console.log(${JSON.stringify('x'.repeat(5000))});`;
  const html = `<!doctype html><html><body><div id="root"></div>${' '.repeat(2000)}</body></html>`;
  const write = (name: string, text: string) => {
    fs.writeFileSync(path.join(dir, name), text);
    fs.writeFileSync(path.join(dir, `${name}.br`), zlib.brotliCompressSync(text));
    fs.writeFileSync(path.join(dir, `${name}.gz`), zlib.gzipSync(text));
  };
  write('assets/index-Y3d3h_rl.js', js);
  write('index.html', html);
  fs.writeFileSync(path.join(dir, 'favicon.svg'), '<svg/>');
  return dir;
}

describe('the web app is served precompressed, hashed files cached for good', () => {
  const dir = fakeDist();
  const app = Fastify();
  beforeAll(async () => {
    expect(await registerWebApp(app, dir)).toBe(true);
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('sends brotli to a browser that takes it, gzip to one that takes only gzip, plain otherwise', async () => {
    const url = '/assets/index-Y3d3h_rl.js';
    const br = await app.inject({ url, headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(zlib.brotliDecompressSync(br.rawPayload).toString()).toMatch(/^console\.log/);
    expect(br.rawPayload.length).toBeLessThan(1000);
    const gz = await app.inject({ url, headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gz.rawPayload).toString()).toMatch(/^console\.log/);
    const plain = await app.inject({ url, headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.payload).toMatch(/^console\.log/);
    for (const r of [br, gz, plain]) {
      expect(r.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(String(r.headers['content-type'])).toMatch(/javascript/);
    }
  });

  it('index.html (and every app route) is compressed too, and never cached without asking', async () => {
    for (const url of ['/', '/customers/abc']) {
      const r = await app.inject({ url, headers: { 'accept-encoding': 'gzip, br' } });
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-encoding']).toBe('br');
      expect(r.headers['cache-control']).toBe('no-cache');
      expect(r.headers.vary).toMatch(/accept-encoding/i);
      expect(zlib.brotliDecompressSync(r.rawPayload).toString()).toMatch(/<div id="root">/);
    }
    const direct = await app.inject({ url: '/index.html', headers: { 'accept-encoding': 'gzip' } });
    expect(direct.headers['cache-control']).toBe('no-cache');
    const plain = await app.inject({ url: '/' });
    expect(plain.payload).toMatch(/<div id="root">/);
    // an unhashed file: an hour
    const icon = await app.inject({ url: '/favicon.svg' });
    expect(icon.headers['cache-control']).toBe('public, max-age=3600');
  });
});

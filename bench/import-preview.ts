/**
 * Import preview on hostile uploads (issue 11, Faults): how long a preview of a file with no line breaks takes,
 * and how the rest of the API answers meanwhile.
 *
 *   node --import tsx bench/import-preview.ts [--sizes 10,100] [--runs 3]
 *
 * Starts a real server (SQLite in a temp dir) listening on a free port, then for each size (MB) writes a file of
 * that many bytes with no line break (and one with a header line then an endless second line) and POSTs it to
 * /api/v1/imports/preview over HTTP with curl `--runs` times, while a second client asks GET /healthz every 20 ms.
 * Reports per size: the preview's answer (status, code), its median wall time (upload included), and the
 * health checks' median and worst latency during the previews. Print only; copy the table into RESULTS.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/platform/config.ts';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? dflt) : dflt;
};
const SIZES = arg('sizes', '10,100').split(',').map(Number);
const RUNS = Number(arg('runs', '3'));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
};

const run = (cmd: string, args: string[]) =>
  new Promise<string>((resolve, reject) =>
    execFile(cmd, args, { maxBuffer: 1 << 20 }, (err, stdout) => (err ? reject(err) : resolve(stdout))),
  );

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-bench-preview-'));
const config = loadConfig({ RAPPORT_DATA_DIR: dir, LOG_LEVEL: 'silent', PORT: '0' });
const running = await buildApp(config, { serveWeb: false });
await running.app.listen({ port: 0, host: '127.0.0.1' });
const addr = running.app.server.address();
const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
const s = running.services;
const ws = await s.workspaces.createWorkspace({
  name: 'Bench',
  timezone: 'UTC',
  currency: 'USD',
  region: 'US',
});
const { key } = await s.access.createApiKey(ws.id, { name: 'bench', scopes: ['read', 'write'] }, 'bench');

console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, Node ${process.version}`);
console.log('| file | size | answer | preview (median of runs) | /healthz meanwhile: median / worst |');
console.log('| --- | --- | --- | --- | --- |');
for (const mb of SIZES) {
  for (const shape of ['no line break', 'header, then one endless line']) {
    const file = path.join(dir, `${mb}.csv`);
    const bytes = mb * 1024 * 1024;
    const fd = fs.openSync(file, 'w');
    if (shape !== 'no line break') fs.writeSync(fd, 'Name,Phone\n');
    const chunk = Buffer.alloc(1024 * 1024, 'x');
    for (let i = 0; i < mb; i++) fs.writeSync(fd, chunk);
    fs.closeSync(fd);
    const times: number[] = [];
    const health: number[] = [];
    let answer = '';
    for (let r = 0; r < RUNS; r++) {
      let done = false;
      const probe = (async () => {
        while (!done) {
          const t0 = performance.now();
          await fetch(`${base}/healthz`).then((x) => x.text());
          health.push(performance.now() - t0);
          await new Promise((res) => setTimeout(res, 20));
        }
      })();
      // the upload is sent by curl, another process, so sending it costs this process (the server) nothing
      const t0 = performance.now();
      const out = await run('curl', [
        '-s', '-o', '-', '-w', '\n%{http_code}', '-X', 'POST',
        '-H', `authorization: Bearer ${key}`, '-H', 'content-type: text/csv',
        '--data-binary', `@${file}`, `${base}/api/v1/imports/preview`,
      ]); // prettier-ignore
      times.push(performance.now() - t0);
      done = true;
      await probe;
      const [json = '{}', status = ''] = out.trim().split('\n');
      answer = `${status} ${(JSON.parse(json) as { code?: string }).code ?? ''}`.trim();
    }
    console.log(
      `| ${shape} | ${mb} MB (${bytes.toLocaleString('en')} B) | ${answer} | ${(median(times) / 1000).toFixed(2)} s | ${median(health).toFixed(1)} ms / ${Math.max(...health).toFixed(1)} ms |`,
    );
    fs.rmSync(file);
  }
}
await running.close();
fs.rmSync(dir, { recursive: true, force: true });

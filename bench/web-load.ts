/**
 * Web app first visit on a phone (issue 14): the home page on a simulated 4 Mbps connection and a slow CPU.
 *
 *   node --import tsx bench/web-load.ts [--runs 5] [--label after] [--write]
 *
 * Starts a real server on a fresh SQLite data dir (serving web/dist as built), signs an owner in by cookie,
 * then opens "/" in Debian's chromium with a fresh profile each run (nothing cached) at 390×844, with
 * Chrome DevTools Protocol network emulation (4 Mbps down, 2 Mbps up, 60 ms round trip:
 * Network.emulateNetworkConditions) and 4× CPU throttling (Emulation.setCPUThrottlingRate). "Usable" =
 * navigation start → the greeting heading and the "Find a customer" button on screen (performance.now() in
 * the page). Also reports the bytes the page transferred (compressed, as sent) and the encodings used.
 * Prints a markdown row; with --write, puts it under "## Web app: first visit on a phone (issue 14)" in
 * bench/RESULTS.md (the section keeps one row per --label).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchBrowser } from '../web/e2e/support/browser.ts';
import { ensureWebBuilt, startServer } from '../web/e2e/support/server.ts';

const argv = process.argv;
const opt = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i > 0 ? argv[i + 1] : undefined;
};
const RUNS = Number(opt('runs') ?? 5);
const LABEL = opt('label') ?? 'current';
const ROOT = path.resolve(import.meta.dirname, '..');
const NET = { downloadKbps: 4000, uploadKbps: 2000, latencyMs: 60 };
const CPU_SLOWDOWN = 4;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};

ensureWebBuilt();
const server = await startServer();
const { url } = server;
const owner = { email: 'phone@example.com', password: 'bench-password-1' };
const setup = await fetch(`${url}/api/v1/setup`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({
    workspace: { name: 'Lagos Bakery', timezone: 'Africa/Lagos', currency: 'NGN', region: 'NG' },
    owner: { ...owner, name: 'Bimpe Ade' },
  }),
});
if (!setup.ok) throw new Error(`setup: ${setup.status} ${await setup.text()}`);

const times: number[] = [];
const scripts: number[] = [];
let bytes = 0;
const encodings = new Set<string>();
for (let r = 0; r < RUNS; r++) {
  const browser = await launchBrowser({ width: 390, height: 844 });
  const login = await browser.context.request.post(`${url}/api/v1/auth/login`, {
    headers: { 'content-type': 'application/json' },
    data: JSON.stringify(owner),
  });
  if (!login.ok()) throw new Error(`login: ${login.status()}`);
  const page = await browser.context.newPage();
  const cdp = await browser.context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: NET.latencyMs,
    downloadThroughput: (NET.downloadKbps * 1000) / 8,
    uploadThroughput: (NET.uploadKbps * 1000) / 8,
  });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
  await cdp.send('Performance.enable');
  let transferred = 0;
  cdp.on('Network.loadingFinished', (e: { encodedDataLength: number }) => {
    transferred += e.encodedDataLength;
  });
  cdp.on('Network.responseReceived', (e: { response: { headers: Record<string, string> } }) => {
    const h = e.response.headers;
    const enc = h['content-encoding'] ?? h['Content-Encoding'];
    if (enc) encodings.add(enc);
  });
  // Watched from inside the page (an init script, so the app's Content-Security-Policy, which refuses eval,
  // does not apply): on every frame until both are on screen, then the time is kept in the page.
  // A string: this file is type-checked without the DOM library.
  await page.addInitScript(`(() => {
    const check = () => {
      const hello = [...document.querySelectorAll('h1')].some((h) => /^Hello/.test(h.textContent ?? ''));
      const find = [...document.querySelectorAll('a')].some((a) => a.textContent === 'Find a customer');
      if (hello && find) window.__usable = performance.now();
      else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  })()`);
  await page.goto(`${url}/`, { waitUntil: 'commit' });
  const deadline = Date.now() + 60_000;
  let usable: unknown;
  while ((usable = await page.evaluate('window.__usable')) === undefined) {
    if (Date.now() > deadline) throw new Error('Home did not become usable within 60 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  times.push(Number(usable));
  // Main-thread time spent compiling and running JavaScript up to this point (throttled, so about 4× the
  // unthrottled figure): less sensitive to the shared machine's load than the wall time above.
  const { metrics } = await cdp.send('Performance.getMetrics');
  scripts.push((metrics.find((m) => m.name === 'ScriptDuration')?.value ?? 0) * 1000);
  await page.waitForLoadState('networkidle');
  bytes = transferred;
  await browser.close();
}
await server.close();

const load = os.loadavg()[0]?.toFixed(1) ?? '?';
const row = `| ${LABEL} | ${median(times).toFixed(0)} ms | ${times.map((x) => x.toFixed(0)).join(', ')} | ${median(scripts).toFixed(0)} ms | ${(bytes / 1024).toFixed(0)} kB | ${[...encodings].join(', ') || 'none'} | ${load} |`;
console.log(row);

if (argv.includes('--write')) {
  const heading = '## Web app: first visit on a phone (issue 14)';
  const head = `${heading}

\`node --import tsx bench/web-load.ts --label <name> --write\` — Debian chromium, fresh profile per run (nothing
cached), 390×844, CDP network emulation ${NET.downloadKbps / 1000} Mbps down / ${NET.uploadKbps / 1000} Mbps up /
${NET.latencyMs} ms round trip, CPU throttled ${CPU_SLOWDOWN}×; server on the same machine (2 cores, shared with
other work while measured). Usable = navigation start → greeting and "Find a customer" on screen, median of
${RUNS} runs. Script = main-thread JavaScript time (CDP Performance.getMetrics ScriptDuration) until usable. Transferred = bytes on the wire for the whole first visit (one run). Budget: under 2 s.

| build | usable (median) | runs (ms) | script to usable (median) | transferred | content-encoding | load average (1 min, 2 cores) |
| ----- | --------------- | --------- | ------------------------- | ----------- | ---------------- | ----------------------------- |
`;
  const resultsPath = path.join(ROOT, 'bench', 'RESULTS.md');
  const existing = fs.readFileSync(resultsPath, 'utf8');
  const start = existing.indexOf(heading);
  let rows: string[] = [];
  let before = existing.trimEnd();
  let after = '';
  if (start >= 0) {
    const end = existing.indexOf('\n## ', start + 5);
    const section = existing.slice(start, end < 0 ? undefined : end);
    rows = section
      .split('\n')
      .filter((l) => l.startsWith('| ') && !l.startsWith('| build') && !l.startsWith('| ---'));
    before = existing.slice(0, start).trimEnd();
    after = end < 0 ? '' : existing.slice(end + 1);
  }
  rows = rows.filter((l) => l.split('|')[1]?.trim() !== LABEL);
  rows.push(row);
  const out = `${before}\n\n${head}${rows.join('\n')}\n${after ? `\n${after}` : ''}`;
  fs.writeFileSync(resultsPath, out.endsWith('\n') ? out : `${out}\n`);
}

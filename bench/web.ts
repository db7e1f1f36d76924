/**
 * Web app (issue 3): time to interactive of the customer page on demo-sized data, and the initial JS size.
 *
 *   node --import tsx bench/web.ts [--customers 2000] [--runs 5]
 *
 * Starts a real server on a fresh SQLite data dir, creates the customers through the API (with an API key),
 * gives one of them a 60-item timeline, then opens that customer's page in Debian's chromium 5 times with a
 * fresh profile (cold cache) and 5 times in the same tab (warm), timing navigation start → the customer's
 * name and the newest timeline item on screen (performance.now() in the page). Writes the figures under
 * "## Web app (issue 3)" in bench/RESULTS.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { format, resolveConfig } from 'prettier';
import { launchBrowser } from '../web/e2e/support/browser.ts';
import { ensureWebBuilt, startServer } from '../web/e2e/support/server.ts';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const CUSTOMERS = arg('customers', 2000);
const RUNS = arg('runs', 5);
const ROOT = path.resolve(import.meta.dirname, '..');
const DIST = path.join(ROOT, 'web', 'dist');
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};

/** The JS and CSS index.html loads before the first screen (entry + modulepreloads), raw and gzip. */
function initialAssets() {
  const html = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8');
  const files = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1] ?? '');
  const size = (ext: string) =>
    files
      .filter((f) => f.endsWith(ext))
      .reduce(
        (acc, f) => {
          const buf = fs.readFileSync(path.join(DIST, f));
          return { raw: acc.raw + buf.length, gzip: acc.gzip + zlib.gzipSync(buf).length };
        },
        { raw: 0, gzip: 0 },
      );
  const lazy = fs
    .readdirSync(path.join(DIST, 'assets'))
    .filter((f) => f.endsWith('.js') && !files.includes(`assets/${f}`));
  return {
    js: size('.js'),
    css: size('.css'),
    jsFiles: files.filter((f) => f.endsWith('.js')).length,
    lazyChunks: lazy.length,
  };
}

const FIRST = [
  'Chidi',
  'Amaka',
  'Bola',
  'Funmi',
  'Ibrahim',
  'Ngozi',
  'Tunde',
  'Kemi',
  'Emeka',
  'Yetunde',
  'Segun',
  'Aisha',
];
const LAST = [
  'Okafor',
  'Eze',
  'Adeyemi',
  'Johnson',
  'Musa',
  'Nwosu',
  'Bakare',
  'Balogun',
  'Obi',
  'Danjuma',
  'Afolabi',
];
const TAGS = ['vip', 'regular', 'wholesale', 'new', 'salon', 'online'];

ensureWebBuilt();
const assets = initialAssets();
const server = await startServer();
const { url } = server;
const post = async (p: string, body: unknown, headers: Record<string, string> = {}) => {
  const res = await fetch(`${url}${p}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url, ...headers },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST ${p}: ${res.status} ${await res.text()}`);
  return { json: (await res.json()) as Record<string, unknown>, cookie: res.headers.get('set-cookie') ?? '' };
};

const owner = { email: 'bench@example.com', password: 'bench-password-1' };
const setup = await post('/api/v1/setup', {
  workspace: { name: 'Bench Salon', timezone: 'Africa/Lagos', currency: 'NGN', region: 'NG' },
  owner: { ...owner, name: 'Bench Owner' },
});
const cookie = setup.cookie.split(';')[0] ?? '';
const key = String(
  (await post('/api/v1/api-keys', { name: 'bench', scopes: ['read', 'write'] }, { cookie })).json.key,
);
const auth = { authorization: `Bearer ${key}` };

const t0 = performance.now();
const ids: string[] = [];
let next = 0;
await Promise.all(
  Array.from({ length: 8 }, async () => {
    while (next < CUSTOMERS) {
      const i = next++;
      const name = `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]} ${i}`;
      const { json } = await post(
        '/api/v1/customers',
        {
          name,
          phones: [{ number: `080${String(30000000 + i * 37).padStart(8, '0')}`, label: 'mobile' }],
          emails: [{ address: `customer${i}@example.com` }],
          tags: [TAGS[i % TAGS.length], ...(i % 7 === 0 ? ['vip'] : [])].filter(
            (t, j, a) => a.indexOf(t) === j,
          ),
          needs: i % 3 === 0 ? 'Prefers morning appointments; sensitive scalp.' : null,
        },
        auth,
      );
      ids[i] = String(json.id);
    }
  }),
);
const seedSeconds = (performance.now() - t0) / 1000;
const target = ids[Math.floor(CUSTOMERS / 2)] ?? '';
for (let i = 0; i < 60; i++) {
  await post(
    `/api/v1/customers/${target}/interactions`,
    {
      kind: ['call', 'note', 'visit', 'whatsapp'][i % 4],
      body: `Bench interaction ${i}: asked about the new range and booked a slot.`,
      occurredAt: new Date(Date.now() - (60 - i) * 86400_000).toISOString(),
    },
    auth,
  );
}
const targetName = String(
  ((await (await fetch(`${url}/api/v1/customers/${target}`, { headers: auth })).json()) as { name: string })
    .name,
);

async function measure(page: import('playwright-core').Page): Promise<number> {
  await page.goto(`${url}/customers/${target}`, { waitUntil: 'commit' });
  // A string, evaluated in the page: this file is type-checked without the DOM library.
  const handle = await page.waitForFunction(
    `(() => {
      const h1 = [...document.querySelectorAll('h1')].some((h) => h.textContent === ${JSON.stringify(targetName)});
      const item = document.querySelector('[aria-label="Timeline"]')?.textContent?.includes('Bench interaction 59');
      return h1 && item ? performance.now() : false;
    })()`,
    undefined,
    { polling: 'raf', timeout: 20_000 },
  );
  return Number(await handle.jsonValue());
}

const cold: number[] = [];
const warm: number[] = [];
for (let r = 0; r < RUNS; r++) {
  const browser = await launchBrowser();
  const login = await browser.context.request.post(`${url}/api/v1/auth/login`, {
    headers: { 'content-type': 'application/json' },
    data: JSON.stringify(owner),
  });
  if (!login.ok()) throw new Error(`login: ${login.status()}`);
  const page = await browser.context.newPage();
  cold.push(await measure(page));
  warm.push(await measure(page));
  await browser.close();
}
await server.close();

const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;
const cpu = os.cpus()[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown CPU';
const section = `## Web app (issue 3)

\`node --import tsx bench/web.ts\` — machine: ${os.cpus().length}-core ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB,
Node ${process.version}, Debian chromium (headless, 1280×800), server in the same process on SQLite.
Data: ${CUSTOMERS.toLocaleString('en')} customers created through the API (${seedSeconds.toFixed(1)} s, 8 parallel
requests); the measured customer has 60 timeline items (the page shows the newest 20).
Time to interactive = navigation start → the customer's name and newest timeline item on screen
(\`performance.now()\` in the page), median of ${RUNS} runs. Cold = fresh browser profile (nothing cached,
signed in by cookie); warm = the same page loaded again in the same tab (assets cached).

| customer page          | median   | runs (ms)                                   |
| ---------------------- | -------- | ------------------------------------------- |
| cold (fresh profile)   | ${median(cold).toFixed(0).padStart(5)} ms | ${cold.map((x) => x.toFixed(0)).join(', ')} |
| warm (assets cached)   | ${median(warm).toFixed(0).padStart(5)} ms | ${warm.map((x) => x.toFixed(0)).join(', ')} |

Initial download (index.html's entry script + modulepreloads; Settings, Setup, the new-customer page and the
customer form are separate lazy chunks, ${assets.lazyChunks} in all):

| asset                      | raw        | gzip       |
| -------------------------- | ---------- | ---------- |
| JS (${assets.jsFiles} files)              | ${kb(assets.js.raw).padEnd(10)} | ${kb(assets.js.gzip).padEnd(10)} |
| CSS (Mantine + app)        | ${kb(assets.css.raw).padEnd(10)} | ${kb(assets.css.gzip).padEnd(10)} |

Budget: initial JS under 300 kB gzip.
`;

const resultsPath = path.join(ROOT, 'bench', 'RESULTS.md');
const formatted = await format(section, { ...(await resolveConfig(resultsPath)), parser: 'markdown' });
const existing = fs.existsSync(resultsPath) ? fs.readFileSync(resultsPath, 'utf8') : '';
const start = existing.indexOf('## Web app (issue 3)');
let out: string;
if (start < 0) out = `${existing.trimEnd()}${existing ? '\n\n' : ''}${formatted}`;
else {
  const after = existing.indexOf('\n## ', start + 5);
  out = existing.slice(0, start) + formatted + (after < 0 ? '' : `\n${existing.slice(after + 1)}`);
}
fs.writeFileSync(resultsPath, out.endsWith('\n') ? out : `${out}\n`);
console.log(formatted);

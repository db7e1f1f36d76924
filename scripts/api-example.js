#!/usr/bin/env node
/**
 * Runs the README's "API in one minute" against a running Rapport, exactly as written there (after the
 * "Command line" section's `workspace create "Ada's Bakery"`), and checks what each step answers: the key is
 * created, the customer is saved, the lookup by phone and the typo search find her, the call is logged and
 * reaches the live event stream. Exits 0 when every step did what the README promises, 1 otherwise.
 *
 *   node scripts/api-example.js [--url http://localhost:3000] [--rapport "npx rapport"]
 *
 * `--url` replaces the README's `localhost:3000`; `--rapport` replaces its `npx rapport` (e.g. "node
 * bin/rapport.js" with DATABASE_URL set, or "docker compose exec -T rapport rapport"). Used by
 * test/package.smoke.db.test.ts (the compiled server on a fresh database) and scripts/compose-smoke.sh.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';

const ROOT = path.resolve(import.meta.dirname, '..');

/** The first ```sh block after the heading `## <title>` of README.md. */
export function readmeBlock(title, readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')) {
  const at = readme.indexOf(`\n## ${title}\n`);
  if (at < 0) throw new Error(`README.md has no section "## ${title}"`);
  const m = /```sh\n([\s\S]*?)```/.exec(readme.slice(at));
  if (!m) throw new Error(`README.md's section "${title}" has no sh block`);
  return m[1];
}

/** Shell commands of a block, continuation lines joined. */
export function commandsOf(block) {
  return block
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

/** The README's API example as one bash script whose steps' outputs are separated by markers. */
export function exampleScript({ url, rapport, eventsLog }) {
  const setup = commandsOf(readmeBlock('Command line')).find((c) =>
    c.includes('workspace create "Ada\'s Bakery"'),
  );
  if (!setup) throw new Error('README.md\'s "Command line" no longer creates the workspace "Ada\'s Bakery"');
  const host = url.replace(/^https?:\/\//, '').replace(/\/$/, '');
  const adapt = (c) => c.replaceAll('npx rapport', rapport).replaceAll('localhost:3000', host);
  const lines = ['set -eo pipefail', adapt(setup) + ' >/dev/null'];
  commandsOf(readmeBlock('API in one minute')).forEach((raw, i) => {
    const c = adapt(raw);
    const background = /&\s*(#.*)?$/.exec(c);
    if (background) {
      // a live stream: keep its output, wait until it is connected, stop it at the end
      const cmd = c.slice(0, background.index).trim();
      lines.push(`( ${cmd} ) > ${JSON.stringify(eventsLog)} 2>&1 &`, 'STREAM=$!');
      lines.push(`for _ in $(seq 1 100); do [ -s ${JSON.stringify(eventsLog)} ] && break; sleep 0.1; done`);
    } else if (/^[A-Z_]+=\$\(/.test(c)) {
      lines.push(c, `echo "@@step ${i} key"; [ -n "$KEY" ] && echo "$KEY"`);
    } else {
      lines.push(`echo "@@step ${i} ${raw.replace(/[^\w/?=:.%-]+/g, ' ').slice(0, 60)}"`, c, 'echo');
    }
  });
  lines.push('sleep 1', '[ -n "${STREAM:-}" ] && kill "$STREAM" 2>/dev/null; true');
  return lines.join('\n');
}

/** Run the example; answers { ok, failures, steps } (steps: the outputs by what they called). */
export function runExample({
  url = 'http://localhost:3000',
  rapport = 'npx rapport',
  env = process.env,
} = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-api-example-'));
  const eventsLog = path.join(dir, 'events.log');
  const script = exampleScript({ url, rapport, eventsLog });
  const r = spawnSync('bash', ['-c', script], { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 });
  const events = fs.existsSync(eventsLog) ? fs.readFileSync(eventsLog, 'utf8') : '';
  fs.rmSync(dir, { recursive: true, force: true });
  const steps = r.stdout
    .split(/^@@step /m)
    .slice(1)
    .map((s) => {
      const nl = s.indexOf('\n');
      return { what: s.slice(0, nl), out: s.slice(nl + 1).trim() };
    });
  const json = (s) => {
    try {
      return JSON.parse(s);
    } catch {
      return undefined;
    }
  };
  const step = (re) => steps.find((s) => re.test(s.what))?.out ?? '';
  const failures = [];
  const check = (ok, what) => {
    if (!ok) failures.push(what);
  };
  check(r.status === 0, `the example's commands exit 0 (exit ${r.status}: ${r.stderr.trim().slice(-500)})`);
  check(/^rpk_\S+$/.test(step(/key$/)), 'apikey create prints the key on its last line');
  const created = json(step(/POST.*customers/));
  check(
    created?.name === 'Ada Okafor' && typeof created.id === 'string',
    'POST /customers creates Ada Okafor',
  );
  const card = json(step(/lookup/));
  check(JSON.stringify(card ?? {}).includes('Ada Okafor'), 'the lookup by +2348031234567 answers her card');
  const found = json(step(/customers\?q=/));
  check(found?.items?.[0]?.name === 'Ada Okafor', 'the search "Ada Okafr" finds her first');
  const call = json(step(/POST.*calls/));
  check(call !== undefined && !('status' in call && call.status >= 400), 'POST /calls logs the call');
  check(
    /^event: call$/m.test(events) && events.includes('Ada Okafor'),
    'the live event stream shows the call',
  );
  return { ok: failures.length === 0, failures, steps, events, stderr: r.stderr };
}

if (path.resolve(process.argv[1] ?? '') === import.meta.filename) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(name);
    return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
  };
  const result = runExample({
    url: arg('--url', 'http://localhost:3000'),
    rapport: arg('--rapport', 'npx rapport'),
  });
  for (const s of result.steps) console.log(`${s.what}\n  ${s.out.split('\n').join('\n  ')}`);
  if (result.ok) console.log("\nThe README's API example works.");
  else {
    console.error(`\nThe README's API example failed:\n- ${result.failures.join('\n- ')}`);
    process.exit(1);
  }
}

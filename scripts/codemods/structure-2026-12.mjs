#!/usr/bin/env node
/**
 * The "Structure" items of issue #12, as a codemod that can be run again on any later tree (after a merge):
 *
 * 1. One `/api/v1` prefix. src/platform/http/server.ts mounts the routes under `API_PREFIX` (fastify's
 *    `register(plugin, { prefix })`), and every route path in src/ loses its `/api/v1`:
 *    `app.get('/api/v1/customers', …)` → `app.get('/customers', …)` (also `app[method](`…`)` and template
 *    strings). URLs, the OpenAPI document and behaviour stay the same. Only the first argument of a route
 *    call is touched: a Location header or a description that names `/api/v1/…` is left as it is.
 * 2. src/modules/complaints/sla.ts (and its test) → src/platform/time/sla.ts: complaints and enquiries both
 *    use it, so it is plumbing. Imports of its names through the complaints module's index.ts are pointed
 *    at the new file, and the index stops re-exporting them.
 * 3. src/analytics (the pure statistics core) → src/stats, so `src/stats` and `src/modules/analytics` say
 *    which is which.
 * Moves rewrite every relative import in src/, test/, bench/, scripts/ and web/ that points at a moved file,
 * and the path's mentions in docs, the README, comments and eslint.config.js.
 *
 * Idempotent: a second run changes nothing. Run it after merging a branch made before it, then
 * typecheck, lint and `npm run gen:api` (the generated client must not change).
 *
 *   node scripts/codemods/structure-2026-12.mjs            # apply (then prettier on the changed code files)
 *   node scripts/codemods/structure-2026-12.mjs --check    # only list what it would change; exit 1 if anything
 *   node scripts/codemods/structure-2026-12.mjs [--check] [--no-format] [--only=prefix,sla,stats] [path/to/tree]
 *
 * Plain Node (20+), no dependencies; formats with the tree's own node_modules/.bin/prettier when there is one.
 */
import { spawnSync } from 'node:child_process';
import console from 'node:console';
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';

const args = process.argv.slice(2);
const CHECK = args.includes('--check');
const FORMAT = !args.includes('--no-format');
/** `--only=prefix,sla,stats` runs some of the three items (default: all). */
const ONLY = new Set(
  (args.find((a) => a.startsWith('--only='))?.slice('--only='.length) ?? 'prefix,sla,stats').split(','),
);
const ROOT = path.resolve(args.find((a) => !a.startsWith('--')) ?? path.join(import.meta.dirname, '../..'));

/** What moves where (a `dir` moves with everything under it). */
const MOVES = [
  { item: 'sla', from: 'src/modules/complaints/sla.ts', to: 'src/platform/time/sla.ts' },
  { item: 'sla', from: 'src/modules/complaints/sla.test.ts', to: 'src/platform/time/sla.test.ts' },
  { item: 'stats', from: 'src/analytics', to: 'src/stats', dir: true },
].filter((m) => ONLY.has(m.item));
const API_PREFIX = '/api/v1';
const SERVER = 'src/platform/http/server.ts';
const COMPLAINTS_INDEX = 'src/modules/complaints/index.ts';
const SLA = 'src/platform/time/sla.ts';

/** Never walked: dependencies, build output, data, and the codemods (which name the old paths on purpose). */
const SKIP_DIRS = new Set([
  'data',
  'dist',
  'web/dist',
  'bench/out',
  'coverage',
  '.screenshots',
  'scripts/codemods',
]);
const CODE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;
const TEXT = /\.(ts|tsx|mts|cts|js|mjs|cjs|md|json|ya?ml)$/;
/** Generated or foreign files the codemod never edits. */
const NEVER = new Set(['web/src/lib/api.gen.ts', 'package-lock.json']);

// ---------------------------------------------------------------------------------------------------------
// A virtual tree: every change is staged here first, so --check can report without writing.

const pending = new Map(); // relative path → new text, or null for "deleted"
const abs = (rel) => path.join(ROOT, ...rel.split('/'));
function read(rel) {
  if (pending.has(rel)) return pending.get(rel);
  try {
    return fs.readFileSync(abs(rel), 'utf8');
  } catch {
    return null;
  }
}
function write(rel, text) {
  if (read(rel) !== text) pending.set(rel, text);
}
function remove(rel) {
  if (read(rel) !== null) pending.set(rel, null);
}

function walk(dir, out) {
  for (const entry of fs.readdirSync(abs(dir || '.'), { withFileTypes: true })) {
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(rel) && entry.name !== 'node_modules' && entry.name !== '.git') walk(rel, out);
    } else if (entry.isFile() && TEXT.test(entry.name) && !NEVER.has(rel)) {
      if (fs.statSync(abs(rel)).size < 2_000_000) out.add(rel);
    }
  }
  return out;
}
const onDisk = walk('', new Set());
/** Every text file of the tree as it stands with the staged changes. */
function files() {
  const all = new Set(onDisk);
  for (const [rel, text] of pending) {
    if (text === null) all.delete(rel);
    else if (TEXT.test(rel)) all.add(rel);
  }
  return [...all].sort();
}

// ---------------------------------------------------------------------------------------------------------
// Paths

const posix = path.posix;
const stem = (p) => p.replace(/\.(ts|js)$/, '');

/** Where `rel` lives after the moves (undefined when it does not move). */
function moved(rel) {
  for (const m of MOVES) {
    if (m.dir) {
      if (rel === m.from || rel.startsWith(`${m.from}/`)) return m.to + rel.slice(m.from.length);
    } else if (
      rel === m.from ||
      (stem(rel) === stem(m.from) && /\.(ts|js)$|^[^.]*$/.test(posix.basename(rel)))
    )
      return stem(m.to) + rel.slice(stem(m.from).length);
  }
  return undefined;
}

function relativeSpecifier(fromFile, toFile) {
  const r = posix.relative(posix.dirname(fromFile), toFile);
  return r.startsWith('.') ? r : `./${r}`;
}

/** Module specifiers: from '…', import('…'), import '…', require('…'), vi.mock('…'), new URL('…', …). */
const SPECIFIER =
  /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*|\bvi\.mock\s*\(\s*|\bnew URL\s*\(\s*)(['"])(\.\.?\/[^'"\n]*)\2/g;

/** Point the relative imports of `text` (written at `origin`, now at `target`) at where their files are now. */
function rewriteSpecifiers(text, origin, target) {
  return text.replace(SPECIFIER, (all, lead, quote, spec) => {
    const resolved = posix.normalize(posix.join(posix.dirname(origin), spec));
    const now = moved(resolved);
    if (now === undefined && origin === target) return all;
    return `${lead}${quote}${relativeSpecifier(target, now ?? resolved)}${quote}`;
  });
}

/** Mentions of the old paths in prose, comments and configuration. */
function rewriteMentions(text) {
  if (ONLY.has('stats')) text = text.replace(/(?<![\w-]\/)\bsrc\/analytics(?![\w-])/g, 'src/stats');
  if (ONLY.has('sla'))
    text = text.replace(
      /(?<![\w-]\/)\b(src\/)?modules\/complaints\/sla(\.test)?\.ts\b/g,
      (_all, src = '', test = '') => `${src}platform/time/sla${test}.ts`,
    );
  return text;
}

// ---------------------------------------------------------------------------------------------------------
// 2 and 3: the moves

function applyMoves() {
  for (const m of MOVES) {
    const pairs = [];
    if (m.dir) {
      for (const rel of files()) if (rel.startsWith(`${m.from}/`)) pairs.push([rel, moved(rel)]);
      // files that are not text (none today) move as they are
      const dirAbs = abs(m.from);
      if (fs.existsSync(dirAbs))
        for (const name of fs.readdirSync(dirAbs, { recursive: true })) {
          const rel = `${m.from}/${String(name).split(path.sep).join('/')}`;
          if (fs.statSync(abs(rel)).isFile() && !TEXT.test(rel)) pairs.push([rel, moved(rel), 'binary']);
        }
    } else if (read(m.from) !== null) pairs.push([m.from, m.to]);
    for (const [from, to, binary] of pairs) {
      if (binary) {
        if (!CHECK) {
          fs.mkdirSync(path.dirname(abs(to)), { recursive: true });
          fs.renameSync(abs(from), abs(to));
        }
        console.log(`move ${from} → ${to}`);
        continue;
      }
      const text = rewriteSpecifiers(read(from), from, to);
      const there = read(to);
      if (there !== null && there !== text)
        throw new Error(`${from} and ${to} both exist and differ: merge them by hand, then run this again`);
      write(to, text);
      remove(from);
    }
  }
}

function rewriteImportsAndMentions() {
  for (const rel of files()) {
    let text = read(rel);
    if (CODE.test(rel)) text = rewriteSpecifiers(text, rel, rel);
    text = rewriteMentions(text);
    if (rel === 'eslint.config.js' && ONLY.has('stats'))
      text = text
        .replace(
          '// analytics is pure: no I/O, no platform, no modules',
          '// stats is pure: no I/O, no platform, no modules',
        )
        .replace("'analytics/ is pure math.'", "'stats/ is pure math.'");
    if (rel === 'docs/architecture.md' && ONLY.has('stats'))
      text = text.replace(/^ {2}analytics\/ {9}pure statistics/m, '  stats/             pure statistics');
    write(rel, text);
  }
}

/** The names sla.ts exports. */
function slaNames() {
  const text = read(SLA) ?? '';
  const names = new Set();
  for (const m of text.matchAll(
    /^export\s+(?:declare\s+)?(?:async\s+)?(?:function\*?|const|let|var|type|interface|class)\s+([A-Za-z_$][\w$]*)/gm,
  ))
    names.add(m[1]);
  for (const m of text.matchAll(/^export\s*(?:type\s*)?\{([^}]*)\}/gm))
    for (const n of m[1].split(',')) {
      const out = n
        .trim()
        .split(/\s+as\s+/)
        .pop()
        ?.replace(/^type\s+/, '');
      if (out) names.add(out);
    }
  return names;
}

/**
 * Enquiries (and the bench) took the SLA timers through the complaints module's index.ts; they now import
 * them from platform/time/sla.ts, and the index no longer re-exports them.
 */
function pointSlaImportsAtPlatform() {
  const names = slaNames();
  if (names.size === 0) return;
  const baseName = (n) =>
    n
      .replace(/^type\s+/, '')
      .split(/\s+as\s+/)[0]
      .trim();
  const STATEMENT = /^(import|export)(\s+type)?\s*\{([^}]*)\}\s*from\s*(['"])(\.\.?\/[^'"\n]+)\4;?[ \t]*$/gm;
  for (const rel of files()) {
    if (!CODE.test(rel)) continue;
    const text = read(rel);
    const next = text.replace(STATEMENT, (all, kind, typeOnly = '', list, quote, spec) => {
      const target = posix.normalize(posix.join(posix.dirname(rel), spec));
      if (rel === COMPLAINTS_INDEX && kind === 'export' && stem(target) === stem(SLA)) return '\0'; // drop it
      if (stem(target) !== stem(COMPLAINTS_INDEX) || kind !== 'import') return all;
      const all_ = list
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean);
      const sla = all_.filter((n) => names.has(baseName(n)));
      if (sla.length === 0) return all;
      const rest = all_.filter((n) => !names.has(baseName(n)));
      const line = (items, where) =>
        `import${typeOnly} { ${items.join(', ')} } from ${quote}${where}${quote};`;
      const lines = [];
      if (rest.length) lines.push(line(rest, spec));
      lines.push(line(sla, relativeSpecifier(rel, SLA)));
      return lines.join('\n');
    });
    write(rel, next.replace(/^\0\r?\n/gm, ''));
  }
}

// ---------------------------------------------------------------------------------------------------------
// 1: the /api/v1 prefix

const MOUNTED = /await app\.register\(\s*async \(scoped\) => \{\s*await opts\.routes\(scoped\);\s*\}\s*\);/;
const MOUNTED_WITH_PREFIX = /prefix:\s*API_PREFIX\b/;

function mountUnderPrefix() {
  let text = read(SERVER);
  if (text === null) throw new Error(`${SERVER} is missing`);
  if (!/export const API_PREFIX\b/.test(text)) {
    const anchor = 'export type App = FastifyInstance;';
    if (!text.includes(anchor)) throw new Error(`${SERVER}: no "${anchor}" to put API_PREFIX after`);
    text = text.replace(
      anchor,
      `${anchor}\n\n/** Where the API lives. Route files leave it out of their paths: they are mounted under it. */\nexport const API_PREFIX = '${API_PREFIX}';`,
    );
  }
  if (!MOUNTED_WITH_PREFIX.test(text)) {
    if (!MOUNTED.test(text))
      throw new Error(
        `${SERVER}: cannot find where opts.routes is registered; mount it under API_PREFIX by hand`,
      );
    text = text.replace(
      MOUNTED,
      '// every API route under one prefix: a route file says `/customers`, clients call `/api/v1/customers`\n' +
        '  await app.register(\n    async (scoped) => {\n      await opts.routes(scoped);\n    },\n' +
        '    { prefix: API_PREFIX },\n  );',
    );
  }
  text = text.replace(
    '/** Register every route on the app. */',
    '/** Register every API route; they are mounted under API_PREFIX, so their paths leave it out. */',
  );
  write(SERVER, text);
}

const METHOD_CALL = String.raw`(?:\.(?:get|post|put|patch|delete|head|options|all)|\[\s*[A-Za-z_$][\w$]*\s*\])\(\s*`;
const ROUTE_PATH = new RegExp(`(${METHOD_CALL})(['"\`])${API_PREFIX}(?=/|\\2|\\$\\{)`, 'g');
const ROUTE_URL = new RegExp(`(\\burl\\s*:\\s*)(['"\`])${API_PREFIX}(?=/|\\2|\\$\\{)`, 'g');
let stripped = 0;

/**
 * Every route registered under the prefix (all of src/ but the HTTP plumbing, whose /healthz, /openapi.json and
 * web app routes live outside it) drops `/api/v1` from its path.
 */
function stripRoutePrefixes() {
  for (const rel of files()) {
    if (!rel.startsWith('src/') || !CODE.test(rel) || rel.startsWith('src/platform/http/')) continue;
    if (/\.test\.[cm]?[jt]sx?$/.test(rel)) continue;
    let text = read(rel);
    const count = (re) => (text.match(re) ?? []).length;
    const n = count(ROUTE_PATH) + (/\.route\(/.test(text) ? count(ROUTE_URL) : 0);
    if (n === 0) continue;
    stripped += n;
    text = text.replace(ROUTE_PATH, '$1$2');
    if (/\.route\(/.test(text)) text = text.replace(ROUTE_URL, '$1$2');
    write(rel, text);
  }
  // the event stream's own test mounts it on a bare server, without the prefix
  const sseTest = 'src/platform/events/sse.test.ts';
  const t = read(sseTest);
  if (t !== null) write(sseTest, t.replace(/(:\$\{a\.port\})\/api\/v1\/events`/g, '$1/events`'));
}

// ---------------------------------------------------------------------------------------------------------

try {
  applyMoves();
  rewriteImportsAndMentions();
  if (ONLY.has('sla')) pointSlaImportsAtPlatform();
  if (ONLY.has('prefix')) {
    mountUnderPrefix();
    stripRoutePrefixes();
  }
} catch (err) {
  console.error(`structure codemod: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
}

const changes = [...pending.entries()].sort(([a], [b]) => a.localeCompare(b));
for (const [rel, text] of changes)
  console.log(`${text === null ? 'delete' : fs.existsSync(abs(rel)) ? 'edit  ' : 'create'}  ${rel}`);
if (stripped) console.log(`${stripped} route path(s) lose their ${API_PREFIX}`);

if (CHECK) {
  console.log(changes.length ? `${changes.length} file(s) would change` : 'nothing to change');
  process.exit(changes.length ? 1 : 0);
}
for (const [rel, text] of changes) {
  if (text === null) continue;
  fs.mkdirSync(path.dirname(abs(rel)), { recursive: true });
  fs.writeFileSync(abs(rel), text);
}
for (const [rel, text] of changes) {
  if (text !== null) continue;
  fs.rmSync(abs(rel));
  // remove the directories the moves emptied
  for (let dir = posix.dirname(rel); dir !== '.' && dir !== 'src'; dir = posix.dirname(dir)) {
    if (!fs.existsSync(abs(dir)) || fs.readdirSync(abs(dir)).length) break;
    fs.rmdirSync(abs(dir));
  }
}
const code = changes.filter(([rel, text]) => text !== null && CODE.test(rel)).map(([rel]) => rel);
const prettier = path.join(ROOT, 'node_modules/.bin/prettier');
if (FORMAT && code.length && fs.existsSync(prettier)) {
  const r = spawnSync(prettier, ['--write', '--log-level', 'warn', ...code], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
console.log(changes.length ? `${changes.length} file(s) changed` : 'nothing to change');

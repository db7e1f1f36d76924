#!/usr/bin/env node
/**
 * Build Rapport: the server and CLI compiled to JavaScript (`tsc -p tsconfig.build.json` → dist/) and the web app
 * (`vite build web` → web/dist/). Plain JavaScript, so it runs without a TypeScript loader.
 *
 *   node scripts/build.js              build both, type-checked (`npm run build`; fails on a type error)
 *   node scripts/build.js --if-stale   build only what is missing or older than its sources (`npm start`, tests);
 *                                      the server is emitted without type checking here (npm test and
 *                                      npm run build check the types), so a stale build costs seconds
 *   node scripts/build.js --server     only the server (with --if-stale: only when stale)
 *   node scripts/build.js --web        only the web app
 *
 * The same checks are used by bin/rapport.js and by the test setup (test/setup/build.ts), so every way of
 * running Rapport from a checkout runs the code as it is in src/.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import process from 'node:process';

const ROOT = path.resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const SERVER_STAMP = path.join(ROOT, 'dist', '.build-stamp');
const WEB_INDEX = path.join(ROOT, 'web', 'dist', 'index.html');

/** The newest modification time under `p` (files and folders), skipping names `skip` matches. */
function newestMtime(p, skip = () => false) {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const e of fs.readdirSync(p)) if (!skip(e)) max = Math.max(max, newestMtime(path.join(p, e), skip));
  return max;
}
const mtime = (p) => (fs.existsSync(p) ? fs.statSync(p).mtimeMs : 0);

/** Whether dist/ is missing or older than src/ (tests excluded), the tsconfigs or the lockfile. */
export function serverStale() {
  const built = mtime(SERVER_STAMP);
  if (built === 0) return true;
  const sources = Math.max(
    newestMtime(path.join(ROOT, 'src'), (name) => name.endsWith('.test.ts')),
    mtime(path.join(ROOT, 'tsconfig.json')),
    mtime(path.join(ROOT, 'tsconfig.build.json')),
    mtime(path.join(ROOT, 'package-lock.json')),
  );
  return sources > built;
}

/** Whether web/dist is missing or older than the web app's sources. */
export function webStale() {
  const built = mtime(WEB_INDEX);
  if (built === 0) return true;
  const web = path.join(ROOT, 'web');
  const sources = Math.max(
    newestMtime(path.join(web, 'src')),
    mtime(path.join(web, 'index.html')),
    mtime(path.join(web, 'vite.config.ts')),
    mtime(path.join(ROOT, 'package-lock.json')),
  );
  return sources > built;
}

/** The file of a package's command (from its package.json `bin`), e.g. resolveBin('vite', 'vite'). */
function resolveBin(pkg, name) {
  let manifest;
  try {
    manifest = require.resolve(`${pkg}/package.json`);
  } catch {
    throw new Error(`${pkg} is not installed (a devDependency that builds Rapport): run "npm install" first`);
  }
  const { bin } = JSON.parse(fs.readFileSync(manifest, 'utf8'));
  return path.join(path.dirname(manifest), typeof bin === 'string' ? bin : bin[name]);
}

function run(label, args, env = process.env) {
  const started = Date.now();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, env, encoding: 'utf8' });
  if (r.status !== 0) {
    const output = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
    throw new Error(`${label} failed (exit ${r.status ?? r.signal}):\n${output}`);
  }
  process.stderr.write(`[build] ${label} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

/**
 * Copy the files under src/ that the server reads at run time and tsc does not emit (e.g. the common-password
 * list, `src/modules/access/common-passwords/*`): everything but TypeScript sources.
 */
function copyAssets(from, to) {
  for (const e of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, e.name);
    const dest = path.join(to, e.name);
    if (e.isDirectory()) copyAssets(src, dest);
    else if (!e.name.endsWith('.ts')) {
      fs.mkdirSync(to, { recursive: true });
      fs.copyFileSync(src, dest);
    }
  }
}

/** Compile src/ to dist/ (type-checked unless `check` is false) and stamp the build. */
export function buildServer({ check = true } = {}) {
  let tsc;
  try {
    tsc = require.resolve('typescript/bin/tsc');
  } catch {
    throw new Error(
      'TypeScript is not installed (it is a devDependency): run "npm install", then "npm run build"',
    );
  }
  run(`server (tsc${check ? '' : ' --noCheck'} → dist/)`, [
    tsc,
    '-p',
    path.join(ROOT, 'tsconfig.build.json'),
    ...(check ? [] : ['--noCheck']),
  ]);
  copyAssets(path.join(ROOT, 'src'), path.join(ROOT, 'dist'));
  fs.writeFileSync(SERVER_STAMP, `${new Date().toISOString()}\n`);
}

/** Build the web app into web/dist (React's production build: NODE_ENV=production, whatever the caller's). */
export function buildWeb() {
  const vite = resolveBin('vite', 'vite');
  run(
    'web app (vite → web/dist/)',
    [vite, 'build', path.join(ROOT, 'web'), '--emptyOutDir', '--logLevel', 'warn'],
    {
      ...process.env,
      NODE_ENV: 'production',
    },
  );
}

/** Compile the server when dist/ is stale (fast: no type check). */
export function ensureServerBuilt() {
  if (serverStale()) buildServer({ check: false });
}

/** Build the web app when web/dist is stale. */
export function ensureWebBuilt() {
  if (webStale()) buildWeb();
}

if (path.resolve(process.argv[1] ?? '') === import.meta.filename) {
  const args = new Set(process.argv.slice(2));
  const ifStale = args.has('--if-stale');
  const only = args.has('--server') ? 'server' : args.has('--web') ? 'web' : 'both';
  try {
    if (only !== 'web') {
      if (ifStale) ensureServerBuilt();
      else buildServer({ check: true });
    }
    if (only !== 'server') {
      if (ifStale) ensureWebBuilt();
      else buildWeb();
    }
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}

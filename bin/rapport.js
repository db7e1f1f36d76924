#!/usr/bin/env node
// The `rapport` command: runs the compiled CLI (dist/cli/main.js) with plain Node, no TypeScript loader.
// In a checkout (src/ present) it first compiles src/ when dist/ is missing or older than it (a few seconds,
// once), so `npx rapport` always runs the code as it is in src/. An installed package has no src/: it
// runs dist/ as built.
import fs from 'node:fs';

if (
  fs.existsSync(new URL('../src/', import.meta.url)) &&
  fs.existsSync(new URL('../scripts/build.js', import.meta.url))
) {
  const { ensureServerBuilt } = await import('../scripts/build.js');
  try {
    ensureServerBuilt();
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
await import('../dist/cli/main.js');

import path from 'node:path';
import { ensureServerBuilt } from '../../scripts/build.js';

/**
 * Global setup: compile src/ to dist/ when it is stale, once per run (the projects' setups run one after the
 * other in the main process, so they never race to build it). Tests that spawn `bin/rapport.js` then run the
 * compiled CLI, and worker threads started by the app under test run their compiled copy
 * (RAPPORT_TEST_DIST): plain Node starts either in about a second, where loading the TypeScript sources
 * through tsx cost about 5 s on this machine.
 */
export default function setup() {
  ensureServerBuilt();
  process.env.RAPPORT_TEST_DIST = path.resolve(import.meta.dirname, '../../dist');
}

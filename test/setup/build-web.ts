import { ensureWebBuilt } from '../../scripts/build.js';

/** Global setup of the browser project: build web/dist once, before any browser suite, when it is stale. */
export default function setup() {
  ensureWebBuilt();
}

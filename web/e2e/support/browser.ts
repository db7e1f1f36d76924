import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = () => fs.existsSync(CHROMIUM);

/**
 * Whether the browser suites can run. Without chromium they skip with a message, except in CI where a
 * missing browser is a failure (install it with `apt-get install -y chromium`).
 */
export function browserAvailability(): { run: boolean; reason?: string } {
  if (hasChromium()) return { run: true };
  const reason = `chromium not found at ${CHROMIUM}: install it with "apt-get install -y chromium"`;
  if (process.env.CI) throw new Error(reason);
  console.warn(`[web e2e] skipped: ${reason}`);
  return { run: false, reason };
}

export type Browser = { context: BrowserContext; close: () => Promise<void> };

/** Debian's chromium, headless, in a fresh profile that is deleted on close. */
export async function launchBrowser(
  viewport = { width: 1280, height: 800 },
  opts: { javaScriptEnabled?: boolean } = {},
): Promise<Browser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    ...opts,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

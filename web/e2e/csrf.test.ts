import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserAvailability, launchBrowser, type Browser } from './support/browser.ts';
import { ensureWebBuilt, startServer, type TestServer } from './support/server.ts';
import { callApi } from './support/api.ts';

const available = browserAvailability();
const EVIL_CSV = 'Name,Phone,Email\r\nMallory Evil,+1 202 555 0199,mallory@example.com\r\n';

/**
 * The attack of issue #11 in a real chromium: a page served from another port of the same host (the same
 * "site", so the SameSite=Strict session cookie goes along) sends an import to Rapport with the signed-in
 * user's cookie, as a no-cors fetch and as a plain HTML form. Nothing may be imported.
 */
describe.skipIf(!available.run)('cross-site requests in chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let evil: http.Server;
  let evilUrl = '';

  beforeAll(async () => {
    ensureWebBuilt();
    server = await startServer();
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${server.url}/`);
    await callApi(page, `${server.url}/api/v1/setup`, 'POST', {
      workspace: { name: 'Target Shop', timezone: 'America/New_York', currency: 'USD', region: 'US' },
      owner: { email: 'owner@example.com', name: 'Olive Owner', password: 'correct horse 1' },
    });
    const target = `${server.url}/api/v1/imports?fileName=evil.csv`;
    const html = `<!doctype html><html><body>
      <form id="f" method="POST" enctype="text/plain" action="${target}">
        <input type="hidden" name="${EVIL_CSV.replaceAll('"', '&quot;')}x" value="y">
      </form>
      <script>
        fetch(${JSON.stringify(target)}, {
          method: 'POST', mode: 'no-cors', credentials: 'include',
          headers: { 'content-type': 'text/plain' }, body: ${JSON.stringify(EVIL_CSV)},
        }).catch(() => {}).finally(() => { document.title = 'sent'; document.getElementById('f').submit(); });
      </script></body></html>`;
    evil = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html));
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
    const a = evil.address();
    if (!a || typeof a === 'string') throw new Error('no port');
    evilUrl = `http://127.0.0.1:${a.port}/`;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await new Promise((r) => evil?.close(r));
  });

  it('refuses an import sent with the session cookie from a page on another port', async () => {
    const other = await browser.context.newPage();
    const answered = other.waitForResponse((r) => r.url().startsWith(`${server.url}/api/v1/imports`));
    await other.goto(evilUrl);
    const status = (await answered).status();
    // the form's navigation lands on Rapport's answer
    await other.waitForURL((u) => u.toString().startsWith(server.url));
    expect(status).toBe(403);
    expect(await other.textContent('body')).toContain('CROSS_ORIGIN_REFUSED');
    await other.close();
    // still signed in, and nothing was imported
    const runs = await callApi(page, `${server.url}/api/v1/imports`, 'GET');
    expect(runs.items).toEqual([]);
    const customers = await callApi(page, `${server.url}/api/v1/customers`, 'GET');
    expect(customers.items).toEqual([]);
  });

  it('still lets the signed-in web app itself import the same file', async () => {
    const run = await page.evaluate(async (csv) => {
      const res = await fetch('/api/v1/imports?fileName=mine.csv', {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: csv,
      });
      return { status: res.status, body: (await res.json()) as { id: string } };
    }, EVIL_CSV);
    expect(run.status).toBe(202);
    await expect
      .poll(
        async () =>
          ((await callApi(page, `${server.url}/api/v1/imports/${run.body.id}`, 'GET')) as { status: string })
            .status,
      )
      .toBe('done');
    const customers = await callApi(page, `${server.url}/api/v1/customers`, 'GET');
    expect((customers.items as { name: string }[]).map((c) => c.name)).toEqual(['Mallory Evil']);
  });
});

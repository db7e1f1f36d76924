import type { APIResponse, Page } from 'playwright-core';

/**
 * A JSON request with the page's session cookie, as the web app sends it: with the Origin a browser adds
 * (the server refuses signed-in changes without it).
 */
export const sendJson = (page: Page, url: string, method: string, body?: unknown): Promise<APIResponse> =>
  page.request.fetch(url, {
    method,
    headers: {
      origin: new URL(url, page.url()).origin,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { data: JSON.stringify(body) }),
  });

/** A request that must succeed: its JSON answer (`{}` for 204), or an error saying what the server answered. */
export async function callApi(
  page: Page,
  url: string,
  method: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const res = await sendJson(page, url, method, body);
  if (!res.ok()) throw new Error(`${method} ${url}: ${res.status()} ${await res.text()}`);
  return res.status() === 204 ? {} : ((await res.json()) as Record<string, unknown>);
}

/**
 * The ceiling: a bare node:http server answering every request with the same small JSON object, about
 * the size of a caller card (~600 bytes), serialised per request as a JSON API would. Same IPC protocol
 * as server.ts.
 */
import http from 'node:http';
import { serveUntilStopped } from './child.ts';

/** Shaped like a caller card, so JSON.stringify does comparable work. */
const CARD = {
  id: '01a2089e-5c4d-7e8f-9a0b-1c2d3e4f5a6b',
  name: 'Ada Okafor 123456',
  kind: 'person',
  tags: ['vip'],
  phones: [
    {
      id: '01a2089e-5c4d-7e8f-9a0b-1c2d3e4f5a6c',
      number: '0803 015 4320',
      e164: '+2348030154320',
      label: null,
      valid: true,
    },
  ],
  business: null,
  needs: null,
  lastInteraction: {
    kind: 'call',
    at: '2026-11-23T10:00:00.000Z',
    body: 'Asked about the birthday cake order',
  },
  openItems: {},
  interactionCount: 12,
  purchases: {
    currency: 'NGN',
    orderCount: 4,
    totalSpent: 1250000,
    firstPurchaseAt: '2025-01-12T09:30:00.000Z',
    lastPurchaseAt: '2026-10-02T16:45:00.000Z',
  },
};

const server = http.createServer((_req, res) => {
  const body = JSON.stringify(CARD);
  res.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
});
server.listen(0, '127.0.0.1', () => serveUntilStopped(server, async () => void server.close()));

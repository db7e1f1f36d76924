/**
 * The caller pop-up's delay: time from sending `POST /api/v1/calls` to the `call` event arriving on an
 * already open `GET /api/v1/events` stream (what a staff screen sees), one call at a time.
 */
import http from 'node:http';
import { formatted } from './phones.ts';

export type EventDelays = { count: number; median: number; max: number };

type CallEvent = { interaction?: { body?: string | null } };

/** Open the SSE stream; `onCall` gets each `call` event's data. Resolves once the server says "connected". */
function openStream(url: string, apiKey: string, onCall: (data: CallEvent) => void): Promise<() => void> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      `${url}/api/v1/events`,
      { headers: { authorization: `Bearer ${apiKey}` } },
      (res) => {
        if (res.statusCode !== 200) return reject(new Error(`GET /api/v1/events: ${res.statusCode}`));
        res.setEncoding('utf8');
        let buffer = '';
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const message = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            if (message.startsWith(': connected')) resolve(() => req.destroy());
            const data = /^event: call\ndata: (.*)$/m.exec(message)?.[1];
            if (data) onCall(JSON.parse(data) as CallEvent);
          }
        });
      },
    );
    req.on('error', reject);
  });
}

async function postCall(url: string, apiKey: string, from: string, note: string) {
  const res = await fetch(`${url}/api/v1/calls`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ from, direction: 'inbound', note }),
  });
  if (res.status !== 201) throw new Error(`POST /api/v1/calls: ${res.status} ${await res.text()}`);
}

/** `calls` inbound calls from known customers (numbers in mixed formats), measured one after another. */
export async function measureCallEvents(
  url: string,
  apiKey: string,
  customers: number,
  calls = 50,
): Promise<EventDelays> {
  const waiting = new Map<string, (at: number) => void>();
  const close = await openStream(url, apiKey, (e) => {
    const note = e.interaction?.body;
    if (note) waiting.get(note)?.(performance.now());
  });
  const delays: number[] = [];
  try {
    for (let k = 0; k < calls; k++) {
      const note = `bench call ${Date.now()}-${k}`;
      const arrived = new Promise<number>((resolve) => waiting.set(note, resolve));
      const sent = performance.now();
      await postCall(url, apiKey, formatted((k * 7919) % customers, k), note);
      delays.push((await withTimeout(arrived, 10_000)) - sent);
      waiting.delete(note);
    }
  } finally {
    close();
  }
  delays.sort((a, b) => a - b);
  return {
    count: delays.length,
    median: delays[Math.floor(delays.length / 2)] ?? NaN,
    max: delays.at(-1) ?? NaN,
  };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no call event within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

import { createHmac, randomBytes } from 'node:crypto';
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';

/**
 * Delivering a webhook without letting a URL reach inside the server's network (SSRF): every address a name
 * resolves to is checked at connection time (the checked address is the one connected to: no second lookup an
 * attacker's DNS could answer differently), IP literals are checked before connecting, and redirects are not
 * followed. `allowPrivate` (RAPPORT_WEBHOOK_ALLOW_PRIVATE) lifts the check for on-premise receivers.
 */

const blocked = new net.BlockList();
for (const [a, p] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked.addSubnet(a, p, 'ipv4');
for (const [a, p] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const)
  blocked.addSubnet(a, p, 'ipv6');

/** True for loopback, private, link-local, carrier-grade NAT, multicast and reserved addresses. */
export function isPrivateAddress(ip: string): boolean {
  const bare = ip.replace(/^\[|\]$/g, '');
  const family = net.isIP(bare);
  if (family === 4) return blocked.check(bare, 'ipv4');
  if (family !== 6) return true; // not an address at all: refuse
  // an IPv4 address mapped into IPv6 (::ffff:127.0.0.1) is checked as IPv4
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare)?.[1];
  if (mapped) return blocked.check(mapped, 'ipv4');
  if (/^::ffff:/i.test(bare)) return true;
  return blocked.check(bare, 'ipv6');
}

export type LookupAll = (hostname: string) => Promise<{ address: string; family: number }[]>;
export const systemLookup: LookupAll = (hostname) => dns.promises.lookup(hostname, { all: true });

export type NetPolicy = { allowPrivate: boolean; lookup: LookupAll };

/** Why a URL may not receive webhooks, or null when it may (the name is resolved now). */
export async function refusal(url: string, policy: NetPolicy): Promise<string | null> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'is not a URL';
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return 'must start with https:// or http://';
  if (u.username || u.password) return 'must not carry a user name or password';
  if (policy.allowPrivate) return null;
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (net.isIP(host)) return isPrivateAddress(host) ? `points at a private or local address (${host})` : null;
  if (host === 'localhost' || host.endsWith('.localhost')) return 'points at this server (localhost)';
  let addrs: { address: string }[];
  try {
    addrs = await policy.lookup(host);
  } catch {
    return `cannot be resolved (${host})`;
  }
  const bad = addrs.find((a) => isPrivateAddress(a.address));
  return bad ? `resolves to a private or local address (${bad.address})` : null;
}

/** Standard Webhooks: a `whsec_` secret of 32 random bytes, base64. */
export const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

/** `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, keyed with the secret's base64-decoded bytes. */
export function sign(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

export type PostResult = { status: number | null; durationMs: number; error: string | null };

const TIMEOUT_MS = 15_000;

/** POST one webhook: the receiver's status (redirects are answers, not followed), or the network error. */
export function post(
  url: string,
  headers: Record<string, string>,
  body: string,
  policy: NetPolicy,
  now: () => number = () => performance.now(),
): Promise<PostResult> {
  const started = now();
  const done = (status: number | null, error: string | null): PostResult => ({
    status,
    durationMs: Math.max(0, Math.round(now() - started)),
    error,
  });
  return new Promise((resolve) => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return resolve(done(null, 'not a URL'));
    }
    const host = u.hostname.replace(/^\[|\]$/g, '');
    if (!policy.allowPrivate && net.isIP(host) && isPrivateAddress(host))
      return resolve(done(null, `refused: ${host} is a private or local address`));
    // every address the name resolves to is checked; the one connected to is one of them
    const lookup: net.LookupFunction = (hostname, options, cb) => {
      policy.lookup(hostname).then(
        (addrs) => {
          const bad = policy.allowPrivate ? undefined : addrs.find((a) => isPrivateAddress(a.address));
          if (bad || !addrs.length) {
            const err = new Error(
              bad
                ? `refused: ${hostname} resolves to ${bad.address}, a private or local address`
                : 'no address',
            );
            return (cb as (e: Error) => void)(err);
          }
          if ((options as { all?: boolean }).all)
            return (cb as (e: null, a: typeof addrs) => void)(null, addrs);
          const first = addrs[0] as { address: string; family: number };
          return cb(null, first.address, first.family);
        },
        (err: Error) => (cb as (e: Error) => void)(err),
      );
    };
    const req = (u.protocol === 'https:' ? https : http).request(
      u,
      {
        method: 'POST',
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
        lookup,
        timeout: TIMEOUT_MS,
        agent: false,
      },
      (res) => {
        res.resume(); // the body is not needed; read at most a little
        res.on('end', () => resolve(done(res.statusCode ?? null, null)));
        res.on('error', () => resolve(done(res.statusCode ?? null, null)));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS / 1000} s`)));
    req.on('error', (err) => resolve(done(null, err.message.slice(0, 300))));
    req.end(body);
  });
}

import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { isMainThread, workerData } from 'node:worker_threads';

/**
 * Who runs a piece of long work (an import run): `host:pid:boot`, where boot is drawn once per process, so a
 * process restarted with the same pid (pid 1 in a container) is still told apart from its previous life.
 * Worker threads are handed their process's token (workerData.owner), so work they run belongs to the process.
 */
const BOOT = randomBytes(6).toString('hex');
const fromParent = isMainThread ? undefined : (workerData as { owner?: unknown } | null)?.owner;
export const PROCESS_OWNER: string =
  typeof fromParent === 'string' ? fromParent : `${os.hostname()}:${process.pid}:${BOOT}`;

/** How long a run of another host may go without a heartbeat before it is taken for dead. */
export const STALE_MS = 120_000;
/** How often a running run says it is alive. */
export const HEARTBEAT_MS = 20_000;

/**
 * Whether the owner of a piece of work is gone: this process in an earlier life, a process of this host that no
 * longer exists, or (other hosts, and pids that may have been reused) no heartbeat for STALE_MS.
 */
export function ownerIsGone(owner: string | null, lastSeen: string, now = Date.now()): boolean {
  const stale = now - Date.parse(lastSeen) > STALE_MS;
  if (!owner) return stale;
  if (owner === PROCESS_OWNER) return false;
  const [host, pidText] = owner.split(':');
  const pid = Number(pidText);
  if (host !== os.hostname() || !Number.isInteger(pid) || pid <= 0) return stale;
  if (pid === process.pid) return true; // our pid with another boot token: a previous life of this process
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as { code?: string }).code === 'ESRCH' || stale;
  }
  return stale; // alive, or a reused pid: trust the heartbeat
}

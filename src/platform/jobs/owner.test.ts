import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { ownerIsGone, PROCESS_OWNER, STALE_MS } from './owner.ts';

describe('ownerIsGone', () => {
  const now = Date.now();
  const fresh = new Date(now - 1000).toISOString();
  const stale = new Date(now - STALE_MS - 1000).toISOString();
  const host = os.hostname();

  it('this process is never gone', () => {
    expect(ownerIsGone(PROCESS_OWNER, stale, now)).toBe(false);
  });
  it('a previous life of this pid, or a pid that no longer exists on this host, is gone at once', () => {
    expect(ownerIsGone(`${host}:${process.pid}:earlier`, fresh, now)).toBe(true);
    expect(ownerIsGone(`${host}:4194303:x`, fresh, now)).toBe(true); // above any pid_max in use
  });
  it('a live process of this host, or another host, is gone only without a heartbeat', () => {
    expect(ownerIsGone(`${host}:${process.ppid}:x`, fresh, now)).toBe(false);
    expect(ownerIsGone(`${host}:${process.ppid}:x`, stale, now)).toBe(true);
    expect(ownerIsGone('elsewhere:123:x', fresh, now)).toBe(false);
    expect(ownerIsGone('elsewhere:123:x', stale, now)).toBe(true);
    expect(ownerIsGone(null, fresh, now)).toBe(false);
    expect(ownerIsGone(null, stale, now)).toBe(true);
  });
});

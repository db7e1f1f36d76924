/**
 * Both sides of the parent ↔ server-process protocol (IPC over child_process.fork):
 * the child says `{ port }` once listening; the parent can ask for a full GC (`'gc'` → `'gc-done'`)
 * and for the process to stop (`'stop'`).
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** In the child: announce the port and answer the parent's messages. */
export function serveUntilStopped(server: Server, close: () => Promise<void>) {
  const send = (m: unknown) => process.send?.(m);
  process.on('message', (m) => {
    if (m === 'gc') {
      (globalThis as { gc?: () => void }).gc?.();
      send('gc-done');
    } else if (m === 'stop') void close().finally(() => process.exit(0));
  });
  process.on('disconnect', () => process.exit(0));
  send({ port: (server.address() as AddressInfo).port });
}

export type ServerProcess = {
  pid: number;
  url: string;
  /** Resident set size now (VmRSS) and its peak so far (VmHWM), in MB. */
  rss: () => { now: number; peak: number };
  /** CPU time the process has used so far (user + system), in seconds. */
  cpuSeconds: () => number;
  gc: () => Promise<void>;
  stop: () => Promise<void>;
};

/** In the parent: start a server script in its own Node process and wait until it listens. */
export async function startServer(
  script: string,
  env: Record<string, string>,
  opts: { cpuProfileDir?: string | undefined } = {},
): Promise<ServerProcess> {
  const execArgv = ['--import', 'tsx', '--expose-gc'];
  if (opts.cpuProfileDir) execArgv.push('--cpu-prof', `--cpu-prof-dir=${opts.cpuProfileDir}`);
  const child = fork(script, [], { env: { ...process.env, ...env }, execArgv, stdio: 'inherit' });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${script} exited with code ${code} before listening`)));
    child.on('message', (m) => {
      if (typeof m === 'object' && m && 'port' in m) resolve(Number(m.port));
    });
  });
  const pid = child.pid as number;
  return {
    pid,
    url: `http://127.0.0.1:${port}`,
    rss: () => readRss(pid),
    cpuSeconds: () => cpuSecondsOf(pid),
    gc: () => request(child, 'gc', 'gc-done'),
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send('stop');
      await exited;
    },
  };
}

function request(child: ChildProcess, message: string, answer: string): Promise<void> {
  return new Promise((resolve) => {
    const on = (m: unknown) => {
      if (m !== answer) return;
      child.off('message', on);
      resolve();
    };
    child.on('message', on);
    child.send(message);
  });
}

function readRss(pid: number): { now: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { now: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** User + system CPU time of a process so far, in seconds (from /proc/<pid>/stat). */
export function cpuSecondsOf(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // fields after the command name (which may contain spaces) start at field 3; utime, stime are 14, 15
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** The CPU time so far of the PostgreSQL backends serving one database (a lookup's database work), in seconds. */
export function postgresCpuSeconds(database: string): number {
  let total = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // a backend's title: "postgres: [<cluster>: ]<user> <database> <client> <state>"
      const title = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (/^postgres: (?:\S+: )?\S+ (\S+) /.exec(title)?.[1] === database)
        total += cpuSecondsOf(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return total;
}

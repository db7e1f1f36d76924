import { EventEmitter } from 'node:events';
import pg from 'pg';
import { watchPool } from '../db/connect.ts';

export type BusEvent = { workspaceId: string; type: string; data: unknown; at: string };
export type Listener = (event: BusEvent) => void;

/** Workspace-scoped publish/subscribe: in-process on SQLite, across processes through LISTEN/NOTIFY on Postgres. */
export type EventBus = {
  publish: (workspaceId: string, type: string, data: unknown) => Promise<void>;
  subscribe: (workspaceId: string, listener: Listener) => () => void;
  close: () => Promise<void>;
};

const CHANNEL = 'rapport_events';

function createLocalFanout() {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    emit: (e: BusEvent) => emitter.emit(e.workspaceId, e),
    subscribe: (workspaceId: string, listener: Listener) => {
      emitter.on(workspaceId, listener);
      return () => void emitter.off(workspaceId, listener);
    },
  };
}

/** In-process bus (SQLite: one server process serves every browser). */
export function createMemoryBus(): EventBus {
  const fanout = createLocalFanout();
  return {
    publish: async (workspaceId, type, data) =>
      void fanout.emit({ workspaceId, type, data, at: new Date().toISOString() }),
    subscribe: fanout.subscribe,
    close: async () => {},
  };
}

/**
 * Postgres bus: every app process LISTENs; a publish from any process reaches every subscriber. The LISTEN
 * connection is watched: when it is lost (the server terminated it, a restart, a failover) it is opened and
 * subscribed again, retrying with backoff until it succeeds; `reconnects` counts the times.
 */
export async function createPostgresBus(
  url: string,
  onError: (err: Error) => void,
): Promise<EventBus & { reconnects: () => number }> {
  const fanout = createLocalFanout();
  let closed = false;
  let client: pg.Client | undefined;
  let reconnects = 0;
  let retry: NodeJS.Timeout | undefined;
  const publisher = new pg.Pool({ connectionString: url, max: 2, connectionTimeoutMillis: 5_000 });
  watchPool(publisher, onError);

  const listen = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
    let lost = false;
    const onLost = (err?: Error) => {
      if (lost) return;
      lost = true;
      if (err) onError(err);
      if (client === c) client = undefined;
      void c.end().catch(() => {});
      if (!closed) schedule(0);
    };
    c.on('notification', (msg) => {
      if (!msg.payload) return;
      try {
        fanout.emit(JSON.parse(msg.payload) as BusEvent);
      } catch (err) {
        onError(err as Error);
      }
    });
    c.on('error', onLost);
    c.on('end', () => onLost());
    try {
      await c.connect();
      await c.query(`LISTEN ${CHANNEL}`);
    } catch (err) {
      lost = true;
      void c.end().catch(() => {});
      throw err;
    }
    if (closed) return void (await c.end().catch(() => {}));
    client = c;
  };
  const schedule = (attempt: number) => {
    if (closed || retry) return;
    retry = setTimeout(
      () => {
        retry = undefined;
        listen()
          .then(() => void reconnects++)
          .catch((err: unknown) => {
            onError(err as Error);
            schedule(attempt + 1);
          });
      },
      Math.min(5_000, 100 * 2 ** attempt),
    );
  };
  await listen();

  return {
    publish: async (workspaceId, type, data) => {
      const payload = JSON.stringify({ workspaceId, type, data, at: new Date().toISOString() });
      await publisher.query('SELECT pg_notify($1, $2)', [CHANNEL, payload]);
    },
    subscribe: fanout.subscribe,
    reconnects: () => reconnects,
    close: async () => {
      closed = true;
      clearTimeout(retry);
      await client?.end().catch(() => {});
      await publisher.end();
    },
  };
}

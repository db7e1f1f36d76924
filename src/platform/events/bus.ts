import { EventEmitter } from 'node:events';
import pg from 'pg';

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

/** Postgres bus: every app process LISTENs; a publish from any process reaches every subscriber. */
export async function createPostgresBus(url: string, onError: (err: Error) => void): Promise<EventBus> {
  const fanout = createLocalFanout();
  let closed = false;
  let client: pg.Client | undefined;
  const publisher = new pg.Pool({ connectionString: url, max: 2 });
  publisher.on('error', onError);

  const listen = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: url });
    c.on('notification', (msg) => {
      if (!msg.payload) return;
      try {
        fanout.emit(JSON.parse(msg.payload) as BusEvent);
      } catch (err) {
        onError(err as Error);
      }
    });
    c.on('error', (err) => {
      onError(err);
      if (!closed) setTimeout(() => void listen().catch(onError), 1000);
    });
    await c.connect();
    await c.query(`LISTEN ${CHANNEL}`);
    client = c;
  };
  await listen();

  return {
    publish: async (workspaceId, type, data) => {
      const payload = JSON.stringify({ workspaceId, type, data, at: new Date().toISOString() });
      await publisher.query('SELECT pg_notify($1, $2)', [CHANNEL, payload]);
    },
    subscribe: fanout.subscribe,
    close: async () => {
      closed = true;
      await client?.end().catch(() => {});
      await publisher.end();
    },
  };
}

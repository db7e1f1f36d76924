import { createServices, openDatabase, type Services } from '../app.ts';
import { loadConfig } from '../platform/config.ts';
import type { Db } from '../platform/db/connect.ts';
import { createMemoryBus } from '../platform/events/bus.ts';
import { AppError } from '../platform/errors.ts';
import { ZodError } from 'zod';
import type { Workspace } from '../modules/workspaces/index.ts';

/** Open the same database the server uses (data dir or DATABASE_URL), run `fn`, close. */
export async function withServices<T>(fn: (s: Services, conn: Db) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const conn = await openDatabase(config);
  const bus = createMemoryBus();
  try {
    return await fn(createServices(conn, bus, config), conn);
  } finally {
    await bus.close();
    await conn.close();
  }
}

export async function findWorkspaceOrThrow(s: Services, nameOrId: string): Promise<Workspace> {
  const w = await s.workspaces.findWorkspace(nameOrId);
  if (!w)
    throw new AppError(
      'WORKSPACE_NOT_FOUND',
      `No workspace named or with id "${nameOrId}" (see: rapport workspace list)`,
      404,
    );
  return w;
}

/** Print an error the way a person can act on it, and set a failing exit code. */
export function reportError(err: unknown): void {
  if (err instanceof ZodError) {
    for (const i of err.issues) console.error(`error: ${i.path.join('.') || 'input'}: ${i.message}`);
  } else if (err instanceof AppError) {
    console.error(`error: ${err.message} (${err.code})`);
  } else {
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  }
  process.exitCode = 1;
}

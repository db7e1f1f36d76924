import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../platform/errors.ts';
import { actorOf } from '../../platform/http/server.ts';
import {
  backupJobSchema,
  backupSchema,
  backupSettingsInput,
  backupSettingsSchema,
} from './backups.schema.ts';
import type { BackupService } from './backups.service.ts';

/** Settings → Backups: the schedule, the list, "back up now" and the download (owner/admin only). */
export function registerBackupRoutes(root: FastifyInstance, deps: { backups: BackupService }) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['backups'];
  const config = { scope: 'admin' as const };
  const ws = (r: Parameters<typeof actorOf>[0]) => actorOf(r).workspaceId;
  app.get(
    '/backups/settings',
    {
      config,
      schema: {
        tags,
        summary: 'The daily backup: on/off, hour, how many to keep, folder',
        response: { 200: backupSettingsSchema },
      },
    },
    async (request) => deps.backups.getSettings(ws(request)),
  );
  app.put(
    '/backups/settings',
    {
      config,
      schema: {
        tags,
        summary: 'Change the daily backup (only the fields given); 409 on PostgreSQL (use pg_dump)',
        body: backupSettingsInput,
        response: { 200: backupSettingsSchema },
      },
    },
    async (request) => deps.backups.updateSettings(ws(request), request.body, actorOf(request)),
  );
  app.get(
    '/backups',
    {
      config,
      schema: {
        tags,
        summary: 'The backups kept (newest first), with size, time, verification, and failed runs with why',
        response: { 200: z.object({ items: z.array(backupSchema) }) },
      },
    },
    async (request) => deps.backups.list(ws(request)),
  );
  app.post(
    '/backups',
    {
      config,
      schema: {
        tags,
        summary: 'Back up now: queues a backup job (202); pressed again within the minute, the same job',
        response: { 202: backupJobSchema },
      },
    },
    async (request, reply) => reply.code(202).send(await deps.backups.backUpNow(ws(request))),
  );
  app.get(
    '/backups/:name',
    {
      config,
      schema: {
        tags,
        summary:
          'Download a backup (owners; refused with 409 while the database holds other workspaces as well)',
        params: z.object({ name: z.string().max(200) }),
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      if (actor.kind === 'user' && actor.role !== 'owner')
        throw new AppError('FORBIDDEN_SCOPE', 'Only an owner can download a backup', 403);
      const f = await deps.backups.file(actor.workspaceId, request.params.name);
      return reply
        .type('application/gzip')
        .header('content-length', f.size)
        .header('content-disposition', `attachment; filename="${request.params.name}"`)
        .send(fs.createReadStream(f.path));
    },
  );
}

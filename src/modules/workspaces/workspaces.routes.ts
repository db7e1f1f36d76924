import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf } from '../../platform/http/server.ts';
import { actorRef } from '../../platform/http/actor.ts';
import { updateWorkspaceSchema, workspaceSchema } from './workspaces.schema.ts';
import type { WorkspaceService } from './workspaces.service.ts';

export function registerWorkspaceRoutes(
  root: FastifyInstance,
  { workspaces }: { workspaces: WorkspaceService },
) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/workspace',
    { schema: { tags: ['workspace'], summary: 'The current workspace', response: { 200: workspaceSchema } } },
    async (request) => workspaces.getWorkspaceOrThrow(actorOf(request).workspaceId),
  );
  app.patch(
    '/workspace',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['workspace'],
        summary: 'Change name, time zone, currency or phone region',
        body: updateWorkspaceSchema,
        response: { 200: workspaceSchema },
      },
    },
    async (request) => {
      const a = actorOf(request);
      return workspaces.updateWorkspace(a.workspaceId, request.body, actorRef(a));
    },
  );
}

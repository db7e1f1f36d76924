export { createWorkspaceService, type WorkspaceService } from './workspaces.service.ts';
export { registerWorkspaceRoutes } from './workspaces.routes.ts';
export {
  workspaceSchema,
  createWorkspaceSchema,
  regionSchema,
  type Workspace,
  type CreateWorkspaceInput,
} from './workspaces.schema.ts';

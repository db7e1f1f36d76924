export { createAccessService, type AccessService } from './access.service.ts';
export { registerAccessRoutes, SESSION_COOKIE } from './access.routes.ts';
export { userSchema, apiKeySchema, type User, type ApiKey } from './access.schema.ts';
export { resolveOwner } from './owners.ts';
export { createAccountService, type AccountService } from './account.ts';
export { registerAccountRoutes } from './account.routes.ts';

export { createGrowService, type GrowService } from './grow.service.ts';
export { registerGrowRoutes } from './grow.routes.ts';

export { createScorecardService, type ScorecardService } from './scorecard.service.ts';
export { registerScorecardRoutes } from './scorecard.routes.ts';

export { createAnalyticsService, type AnalyticsService, REFIT_JOB } from './analytics.service.ts';
export { registerAnalyticsRoutes } from './analytics.routes.ts';
export { customerPredictionSchema, type CustomerPrediction } from './analytics.schema.ts';
export { computeRefit, type RefitOptions, type RefitResult } from './refit.ts';
export { predictionOnCard } from './analytics.repository.ts';

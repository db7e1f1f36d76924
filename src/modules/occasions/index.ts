export { createOccasionService, type OccasionService, OCCASIONS_JOB } from './occasions.service.ts';
export { registerOccasionRoutes } from './occasions.routes.ts';
export { fallsOn, occasionMonthDay } from './dates.ts';

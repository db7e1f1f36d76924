export { createSurveyService, type SurveyService, DEFECTION_REASONS } from './survey.service.ts';
export { registerRetentionRoutes, registerSurveyPages } from './survey.routes.ts';
export { createNpsService, type NpsService, NPS_JOB } from './nps.service.ts';

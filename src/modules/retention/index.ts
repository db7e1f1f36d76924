export { createSurveyService, type SurveyService, DEFECTION_REASONS } from './survey.service.ts';
export { registerRetentionRoutes, registerSurveyPages } from './survey.routes.ts';

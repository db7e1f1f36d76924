export { createReferralService, type ReferralService, type GrantReward } from './referrals.service.ts';
export { registerReferralRoutes } from './referrals.routes.ts';
export { registerReferralPages } from './referral.pages.ts';
export { createIntroductionService, type IntroductionService } from './introductions.service.ts';
export { registerIntroductionRoutes } from './introductions.routes.ts';

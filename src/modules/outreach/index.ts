export { createOutreach, type Outreach, type OutreachConfig } from './outreach.ts';
export { registerOutreachRoutes } from './outreach.routes.ts';
export { registerPublicPages, publicPage } from './public.routes.ts';
export { registerProviderHooks } from './hooks.routes.ts';
export { CAMPAIGN_JOB } from './campaigns.service.ts';
export type { OutreachService } from './outreach.service.ts';
export type { CampaignService } from './campaigns.service.ts';
export type { ChannelName, Purpose } from './channels/channel.ts';
export { findPublicToken } from './public.service.ts';

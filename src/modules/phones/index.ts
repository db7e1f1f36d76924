export { createPhoneService, type PhoneService } from './phones.service.ts';
export { createPhoneSystems, type PhoneSystems } from './phones.ts';
export { registerPhoneRoutes } from './phones.routes.ts';
export { registerPhoneHooks } from './hooks.routes.ts';
export { phoneCallSchema, type PhoneCall } from './phones.schema.ts';

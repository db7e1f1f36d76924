export { createWebhookService, type WebhookService } from './webhooks.service.ts';
export { registerWebhookRoutes } from './webhooks.routes.ts';
export { WEBHOOK_EVENTS, TEST_EVENT, eventOf, type WebhookEvent } from './catalogue.ts';
export { isPrivateAddress, refusal, post, sign, type LookupAll } from './net.ts';
export { RETRY_WINDOW_MS, GONE_LIMIT, retryDelayMs, type Dispatcher } from './dispatcher.ts';

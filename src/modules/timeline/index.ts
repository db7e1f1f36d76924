export { createTimelineService, type TimelineService, type OpenItemCounter } from './timeline.service.ts';
export { registerTimelineRoutes } from './timeline.routes.ts';
export {
  interactionSchema,
  callerCardSchema,
  callEventSchema,
  purchaseSummarySchema,
  type Interaction,
  type CallerCard,
  type CallEvent,
  type PurchaseSummary,
} from './timeline.schema.ts';

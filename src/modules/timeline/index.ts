export { createTimelineService, type TimelineService } from './timeline.service.ts';
export type { CardPart, CardContext, CardExpressions, CardJson } from './card.repository.ts';
export { fromJson } from './card.repository.ts';
export { registerTimelineRoutes } from './timeline.routes.ts';
export {
  interactionSchema,
  callerCardSchema,
  callEventSchema,
  purchaseSummarySchema,
  predictionBriefSchema,
  type Interaction,
  type CallerCard,
  type CallEvent,
  type PurchaseSummary,
  type PredictionBrief,
} from './timeline.schema.ts';

export { createTimelineService, type TimelineService, type OpenItemCounter } from './timeline.service.ts';
export { registerTimelineRoutes } from './timeline.routes.ts';
export {
  interactionSchema,
  callerCardSchema,
  callEventSchema,
  type Interaction,
  type CallerCard,
  type CallEvent,
} from './timeline.schema.ts';

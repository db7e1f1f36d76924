export { createEventService, type EventService, EVENTS_JOB } from './events.service.ts';
export { createRsvpService, type RsvpService } from './rsvp.service.ts';
export { registerEventRoutes } from './events.routes.ts';
export { registerRsvpPages } from './rsvp.routes.ts';

export { createPromiseService, type PromiseService } from './promises.service.ts';
export { presentPromise } from './present.ts';
export { createAgendaService, type AgendaService } from './agenda.service.ts';
export { createCalendarService, type CalendarService } from './calendar.ts';
export { registerPromiseRoutes, registerCalendarFeed } from './promises.routes.ts';
export { promiseStats } from './stats.ts';
export { openPromisesOnCard } from './promises.repository.ts';
export { promiseSchema, promiseStatsSchema, type PromiseOut, type PromiseStats } from './promises.schema.ts';

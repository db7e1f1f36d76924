import { client, ok, type Answer, type BodyOf } from '../../lib/api.ts';

/** The trust & respect scorecard (issue 17): the figures, the customers behind each, the owner's targets. */
export type Scorecard = Answer<'/api/v1/scorecard', 'get'>;
export type Figure = Scorecard['metrics'][number];
export type Metric = Figure['metric'];
export type PeriodKind = Scorecard['period'];
export type Targets = BodyOf<'/api/v1/scorecard/targets', 'put'>['targets'];

export const scorecardKeys = {
  all: ['scorecard'] as const,
  card: (period: PeriodKind, userId: string | null) => ['scorecard', 'card', period, userId] as const,
  customers: (metric: string, period: PeriodKind, userId: string | null) =>
    ['scorecard', 'customers', metric, period, userId] as const,
};

export const scorecardApi = {
  get: (period: PeriodKind, userId: string | null) =>
    ok(client.GET('/api/v1/scorecard', { params: { query: { period, ...(userId && { userId }) } } })),
  customers: (metric: Metric, period: PeriodKind, userId: string | null, cursor?: string) =>
    ok(
      client.GET('/api/v1/scorecard/{metric}/customers', {
        params: {
          path: { metric },
          query: { period, limit: 50, ...(userId && { userId }), ...(cursor && { cursor }) },
        },
      }),
    ),
  setTargets: (targets: Targets) => ok(client.PUT('/api/v1/scorecard/targets', { body: { targets } })),
};

/** A figure's value as a shop owner reads it: "83 %", "1 h 15 min", "150 per 100", "+25". */
export function figureText(unit: Figure['unit'], v: number | null): string {
  if (v === null) return '—';
  switch (unit) {
    case 'percent':
      return `${v.toLocaleString()} %`;
    case 'minutes':
      return v < 60 ? `${v} min` : `${Math.floor(v / 60)} h${v % 60 ? ` ${v % 60} min` : ''}`;
    case 'hours':
      return v < 48 ? `${v.toLocaleString()} h` : `${(Math.round((v / 24) * 10) / 10).toLocaleString()} days`;
    case 'per100':
      return `${v.toLocaleString()} per 100`;
    case 'score':
      return `${v > 0 ? '+' : ''}${v}`;
  }
}

/** What the numerator and denominator count, in words. */
export function countText(f: Pick<Figure, 'metric' | 'numerator' | 'denominator'>): string {
  const n = f.numerator.toLocaleString();
  const d = f.denominator.toLocaleString();
  switch (f.metric) {
    case 'promisesKeptOnTime':
      return `${n} of ${d} promises due were kept on time`;
    case 'firstResponse':
      return `${n} of ${d} complaints and enquiries answered`;
    case 'resolveTime':
      return `${n} of ${d} complaints received are resolved`;
    case 'closedConfirmed':
      return `${n} of ${d} closed complaints confirmed by the customer`;
    case 'proactiveContacts':
      return `${n} contacts we made, ${d} active customers`;
    case 'nps':
      return `${d} answers; promoters minus detractors: ${n}`;
    default:
      return `${n} of ${d} active customers`;
  }
}

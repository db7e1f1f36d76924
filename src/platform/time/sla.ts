import { addBusinessMinutes, businessMinutesBetween, type BusinessHours } from './business-hours.ts';

/** `ok` running, `due_soon` past the warning point, `breached` late (pending or done late), `met` done in time. */
export type SlaState = 'ok' | 'due_soon' | 'breached' | 'met';

/** The stored marks of one timer. */
export type TimerMarks = { dueAt: string; warnAt: string; doneAt: string | null };

export type Timer = {
  dueAt: string;
  doneAt: string | null;
  state: SlaState;
  /** Business minutes left (negative when overdue) while the timer runs; null once done. */
  remainingBusinessMinutes: number | null;
};

/** Sentinel for "no pending deadline", so queues sort without NULL ordering differences between dialects. */
export const NO_DEADLINE = '9999-12-31T00:00:00.000Z';

/** When a timer of `targetMinutes` business minutes started at `start` is due, and when it starts warning. */
export function deadlines(
  start: Date,
  targetMinutes: number,
  dueSoonPercent: number,
  hours: BusinessHours,
): { dueAt: string; warnAt: string } {
  return {
    dueAt: addBusinessMinutes(start, targetMinutes, hours).toISOString(),
    warnAt: addBusinessMinutes(
      start,
      Math.floor((targetMinutes * dueSoonPercent) / 100),
      hours,
    ).toISOString(),
  };
}

/** The state of one timer at `now`. */
export function timerState(t: TimerMarks, now: Date): SlaState {
  if (t.doneAt) return t.doneAt <= t.dueAt ? 'met' : 'breached';
  const iso = now.toISOString();
  if (iso >= t.dueAt) return 'breached';
  return iso >= t.warnAt ? 'due_soon' : 'ok';
}

export function timer(t: TimerMarks, now: Date, hours: BusinessHours): Timer {
  const state = timerState(t, now);
  let remaining: number | null = null;
  if (!t.doneAt) {
    const due = new Date(t.dueAt);
    remaining =
      now < due ? businessMinutesBetween(now, due, hours) : -businessMinutesBetween(due, now, hours);
    remaining = Math.round(remaining);
  }
  return { dueAt: t.dueAt, doneAt: t.doneAt, state, remainingBusinessMinutes: remaining };
}

/** One state for several timers: any breach wins, then a warning; `met` only when every timer is met. */
export function overallState(states: SlaState[]): SlaState {
  if (states.includes('breached')) return 'breached';
  if (states.includes('due_soon')) return 'due_soon';
  return states.length && states.every((s) => s === 'met') ? 'met' : 'ok';
}

/** Linear-interpolated percentile (p in 0..1) of unsorted numbers; null when empty. */
export function percentile(values: readonly number[], p: number): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const at = (s.length - 1) * p;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  const a = s[lo] as number;
  const b = s[hi] as number;
  return a + (b - a) * (at - lo);
}

export type Surge = {
  last24h: number;
  /** Median of the daily counts of the 28 days before the last 24 hours. */
  dailyMedian: number;
  /** last24h / dailyMedian (null when the median is 0). */
  ratio: number | null;
  /** True when the last 24 h are at least twice the usual day and at least 3 more than it. */
  surging: boolean;
};

/**
 * The surge indicator: complaints received in the last 24 hours against the median day of the 28 before.
 * @example surge(['2026-03-02T10:00:00Z', …], new Date('2026-03-02T12:00:00Z'))
 */
export function surge(receivedAt: readonly string[], now: Date): Surge {
  const day = 86_400_000;
  const t = now.getTime();
  const daily = new Array<number>(28).fill(0);
  let last24h = 0;
  for (const r of receivedAt) {
    const age = t - Date.parse(r);
    if (age < 0) continue;
    if (age < day) last24h++;
    else if (age < 29 * day) {
      const i = Math.floor(age / day) - 1;
      daily[i] = (daily[i] ?? 0) + 1;
    }
  }
  const dailyMedian = percentile(daily, 0.5) ?? 0;
  return {
    last24h,
    dailyMedian,
    ratio: dailyMedian > 0 ? last24h / dailyMedian : null,
    surging: last24h >= 2 * dailyMedian && last24h >= dailyMedian + 3,
  };
}

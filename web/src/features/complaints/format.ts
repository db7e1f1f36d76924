import { useEffect, useState } from 'react';
import { money } from '../../lib/format.ts';
import type { Complaint, SlaState, Severity, Surge, Timer } from './api.ts';

export const SEVERITY_COLOR: Record<Severity, string> = {
  low: 'gray',
  medium: 'yellow',
  high: 'orange',
  critical: 'red',
};
export const SEVERITY_LABEL: Record<Severity, string> = {
  low: 'Low',
  medium: 'Medium',
  high: 'High',
  critical: 'Critical',
};
export const STATUS_LABEL: Record<Complaint['status'], string> = {
  open: 'Open',
  in_progress: 'In progress',
  resolved: 'Resolved',
  closed: 'Closed',
};
const CHANNEL: Record<string, string> = {
  phone: 'Phone',
  visit: 'Visit',
  email: 'Email',
  message: 'Message',
  sms: 'SMS',
  whatsapp: 'WhatsApp',
  social: 'Social media',
  review: 'Review',
  web_form: 'Web form',
  letter: 'Letter',
  other: 'Other',
};
export const channelLabel = (c: string) => CHANNEL[c] ?? c;
const OFFER: Record<string, string> = {
  repair: 'Repair',
  replace: 'Replace',
  redo: 'Redo',
  discount: 'Discount',
  credit: 'Credit',
  apology: 'Apology',
  refund: 'Refund',
  other: 'Other',
};
export const offerLabel = (k: string) => OFFER[k] ?? k;
export const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1).replace(/_/g, ' ');

/** The current time, ticking every `ms` so timers count down on screen. */
export function useNow(ms = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

/** 95 → "1 h 35 min"; 3000 → "2 d 2 h". */
export function duration(minutes: number): string {
  const m = Math.max(0, Math.round(Math.abs(minutes)));
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/**
 * A timer's state at `now`: the server's state, except that a running timer whose deadline has passed since
 * it was fetched is breached now (the deadline is an instant; the page need not wait for a refetch).
 */
export function liveState(t: Timer, now: number): SlaState {
  if (!t.doneAt && now >= Date.parse(t.dueAt)) return 'breached';
  return t.state;
}

/** "due in 2 h 5 min", "overdue by 40 min", "done in time". */
export function timerText(t: Timer, now: number): string {
  if (t.doneAt) return t.state === 'met' ? 'done in time' : 'done late';
  const left = (Date.parse(t.dueAt) - now) / 60_000;
  return left >= 0 ? `due in ${duration(left)}` : `overdue by ${duration(left)}`;
}

export const SLA_COLOR: Record<SlaState, string> = {
  ok: 'gray',
  due_soon: 'orange',
  breached: 'red',
  met: 'teal',
};
export const SLA_LABEL: Record<SlaState, string> = {
  ok: 'On time',
  due_soon: 'Due soon',
  breached: 'Breached',
  met: 'Met',
};

/** The overall SLA state of a complaint at `now`. */
export function complaintState(c: Complaint, now: number): SlaState {
  const states = [liveState(c.sla.firstResponse, now), liveState(c.sla.resolution, now)];
  if (states.includes('breached')) return 'breached';
  if (states.includes('due_soon')) return 'due_soon';
  if (states.every((s) => s === 'met')) return 'met';
  return 'ok';
}

/** "Customer for 2 years · 14 orders". */
export function tenureText(v: Complaint['value']): string {
  const parts: string[] = [];
  if (v.tenureDays !== null) {
    const d = v.tenureDays;
    parts.push(
      d >= 730
        ? `customer for ${Math.floor(d / 365)} years`
        : d >= 60
          ? `customer for ${Math.floor(d / 30)} months`
          : d >= 1
            ? `customer for ${d} day${d === 1 ? '' : 's'}`
            : 'new customer',
    );
  }
  parts.push(`${v.orderCount} order${v.orderCount === 1 ? '' : 's'}`);
  return parts.join(' · ');
}

export const valueSourceText = (c: Complaint) =>
  c.value.source === 'predicted_clv' ? 'predicted lifetime value' : 'spent to date';

export const valueText = (c: Complaint) => money(c.valueAtStake, c.currency);

/** "against a usual 2 a day (3×)", or "where a usual day has none". */
export function usualDay(s: Surge): string {
  if (s.dailyMedian === 0) return 'where a usual day has none';
  const ratio = s.ratio ? ` (${Math.round(s.ratio * 10) / 10}×)` : '';
  return `against a usual ${Math.round(s.dailyMedian * 10) / 10} a day${ratio}`;
}

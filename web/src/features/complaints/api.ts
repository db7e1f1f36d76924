import { useQuery } from '@tanstack/react-query';
import { api, request } from '../../lib/api.ts';
import type { Page } from '../../lib/types.ts';

/** The shapes of src/modules/complaints/complaints.schema.ts; money is in minor units of `currency`. */
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const COMPLAINT_CHANNELS = [
  'phone',
  'visit',
  'email',
  'message',
  'sms',
  'whatsapp',
  'social',
  'review',
  'web_form',
  'letter',
  'other',
] as const;
export type ComplaintChannel = (typeof COMPLAINT_CHANNELS)[number];
export const OFFER_KINDS = [
  'repair',
  'replace',
  'redo',
  'discount',
  'credit',
  'apology',
  'refund',
  'other',
] as const;
export type OfferKind = (typeof OFFER_KINDS)[number];
export type SlaState = 'ok' | 'due_soon' | 'breached' | 'met';
export type ComplaintStatus = 'open' | 'in_progress' | 'resolved' | 'closed';

export type Timer = {
  dueAt: string;
  doneAt: string | null;
  state: SlaState;
  remainingBusinessMinutes: number | null;
};

export type Complaint = {
  id: string;
  customerId: string;
  customerName: string;
  orderId: string | null;
  product: string | null;
  channel: ComplaintChannel;
  category: string | null;
  severity: Severity;
  words: string;
  paraphrase: string | null;
  status: ComplaintStatus;
  ownerId: string;
  ownerName: string;
  receivedAt: string;
  slaState: SlaState;
  sla: { firstResponse: Timer; resolution: Timer };
  valueAtStake: number;
  currency: string;
  value: {
    source: 'spend_to_date' | 'predicted_clv';
    customerSince: string | null;
    tenureDays: number | null;
    orderCount: number;
    lastPurchaseAt: string | null;
  };
  resolution: string | null;
  resolutionSummary: string | null;
  apologized: boolean;
  refunded: boolean;
  refundReason: string | null;
  rootCause: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
  closedHow: 'confirmed' | 'unreachable' | null;
  followUp: {
    dueAt: string | null;
    doneAt: string | null;
    outcome: 'satisfied' | 'unhappy' | 'unreachable' | null;
    due: boolean;
  };
  reopenCount: number;
  createdAt: string;
  updatedAt: string;
};

export type OfferOption = { kind: OfferKind; detail: string | null; amount: number | null };
export type Offer = {
  id: string;
  at: string;
  options: OfferOption[];
  response: 'pending' | 'accepted' | 'refused';
  choice: number | null;
  refundReason: string | null;
  alternativeTo: string | null;
  note: string | null;
};
export type ComplaintEvent = {
  id: string;
  kind: string;
  actorId: string | null;
  at: string;
  data: Record<string, unknown>;
};
export type ComplaintDetail = Complaint & {
  offers: Offer[];
  contactAttemptsSinceResolved: number;
  history: ComplaintEvent[];
};

export type Surge = { last24h: number; dailyMedian: number; ratio: number | null; surging: boolean };
export type ComplaintSummary = {
  active: number;
  breached: number;
  dueSoon: number;
  dueToday: number;
  followUpsDue: number;
  surge: Surge;
};

type Spread = { count: number; median: number | null; p90: number | null };
export type Learning = {
  from: string;
  to: string;
  received: number;
  resolved: number;
  firstResponseMinutes: Spread;
  resolutionMinutes: Spread;
  breaches: { firstResponse: number; resolution: number; complaints: number };
  refunds: number;
  refundRate: number | null;
  resolutions: { kind: string; count: number }[];
  recurrence: {
    customers: { customerId: string; name: string; count: number }[];
    products: { product: string; count: number }[];
    reopened: number;
  };
  categories: {
    category: string;
    count: number;
    refunds: number;
    medianResolutionMinutes: number | null;
    rootCauses: { rootCause: string; count: number }[];
  }[];
  surge: Surge;
};

export type PlaybookStep = {
  key: string;
  title: string;
  prompt: string;
  example: string | null;
  records: string | null;
};
export type Playbook = {
  dos: string[];
  donts: string[];
  refund: string;
  /** `{amount}` stands for valueAmount (whole units) in the workspace currency. */
  value: string;
  valueAmount: number;
  steps: PlaybookStep[];
};

export type ComplaintOrder = 'valueAtStake' | 'due' | 'severity';
export type ComplaintQuery = {
  order: ComplaintOrder;
  ownerId?: string | undefined;
  sla?: 'breached' | 'due_soon' | undefined;
  followUpDue?: boolean | undefined;
  customerId?: string | undefined;
  status?: 'active' | 'all' | 'closed' | undefined;
};

export type NewComplaint = {
  customerId: string;
  channel: ComplaintChannel;
  words: string;
  severity: Severity;
  paraphrase?: string;
  category?: string;
  product?: string;
  orderId?: string;
  receivedAt?: string;
};

export type OfferInput = {
  options: { kind: OfferKind; detail?: string; amount?: number }[];
  choice?: number;
  refused?: boolean;
  refundReason?: string;
  note?: string;
};

export type CustomerOrder = {
  id: string;
  number: string | null;
  placedAt: string;
  total: number;
  currency: string;
  lines: { name: string }[];
};

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export type Target = { firstResponseMinutes: number; resolutionMinutes: number };
/** src/modules/complaints/settings.ts: SLA targets (business minutes), opening hours, holidays. */
export type ComplaintSettings = {
  targets: Record<Severity, Target>;
  /** Local 'HH:MM' ('24:00' = midnight); null = closed that day. */
  businessHours: Record<Weekday, { open: string; close: string } | null>;
  holidays: string[];
  dueSoonPercent: number;
  followUpDays: number;
  enquiryFirstResponseMinutes: number;
};
export type ComplaintSettingsView = ComplaintSettings & { timezone: string };
export type SettingsPreview = {
  timezone: string;
  receivedAt: string;
  targets: Record<Severity, { firstResponseDueAt: string; resolutionDueAt: string }>;
};

const C = '/api/v1/complaints';
const one = (id: string, step = '') => `${C}/${encodeURIComponent(id)}${step}`;
const qs = (params: Record<string, string | number | boolean | undefined | null>) => {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '' && v !== false) u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
};

export const complaintsApi = {
  list: (q: ComplaintQuery, cursor: string | null, limit = 30) =>
    request<Page<Complaint>>('GET', `${C}${qs({ ...q, limit, cursor })}`),
  get: (id: string) => request<ComplaintDetail>('GET', one(id)),
  create: (body: NewComplaint) => request<ComplaintDetail>('POST', C, body),
  summary: () => request<ComplaintSummary>('GET', `${C}/summary`),
  learn: (from?: string) => request<Learning>('GET', `${C}/learn${qs({ from })}`),
  playbook: () => request<Playbook>('GET', `${C}/playbook`),
  update: (
    id: string,
    body: { paraphrase?: string; category?: string; rootCause?: string; severity?: Severity },
  ) => request<ComplaintDetail>('PATCH', one(id), body),
  transfer: (id: string, body: { toUserId: string; reason?: string }) =>
    request<ComplaintDetail>('POST', one(id, '/transfer'), body),
  respond: (id: string, body: { note: string; channel?: ComplaintChannel; reached: boolean }) =>
    request<ComplaintDetail>('POST', one(id, '/respond'), body),
  offer: (id: string, body: OfferInput) => request<ComplaintDetail>('POST', one(id, '/offer'), body),
  resolve: (
    id: string,
    body: { offerId?: string; choice?: number; summary: string; apologized: boolean; rootCause?: string },
  ) => request<ComplaintDetail>('POST', one(id, '/resolve'), body),
  close: (id: string, body: { customerConfirmed: boolean; note?: string }) =>
    request<ComplaintDetail>('POST', one(id, '/close'), body),
  reopen: (id: string, body: { reason: string }) =>
    request<ComplaintDetail>('POST', one(id, '/reopen'), body),
  followUp: (id: string, body: { outcome: 'satisfied' | 'unhappy' | 'unreachable'; note?: string }) =>
    request<ComplaintDetail>('POST', one(id, '/follow-up'), body),
  settings: () => request<ComplaintSettingsView>('GET', `${C}/settings`),
  updateSettings: (body: Partial<ComplaintSettings>) =>
    request<ComplaintSettingsView>('PATCH', `${C}/settings`, body),
  /** Deadlines per severity for an example receipt (local 'YYYY-MM-DDTHH:MM'), under unsaved changes. */
  previewSettings: (body: { receivedAt: string; settings?: Partial<ComplaintSettings> }) =>
    request<SettingsPreview>('POST', `${C}/settings/preview`, body),
  customerOrders: (customerId: string) =>
    request<Page<CustomerOrder>>(
      'GET',
      `/api/v1/customers/${encodeURIComponent(customerId)}/orders?limit=30`,
    ),
};

export const usePlaybook = () =>
  useQuery({ queryKey: ['complaints', 'playbook'], queryFn: complaintsApi.playbook, staleTime: Infinity });

/** The workspace's people (owners of complaints and enquiries), enabled ones first. */
export const useUsers = () => useQuery({ queryKey: ['users'], queryFn: api.users, staleTime: 60_000 });

export const useComplaintSummary = () =>
  useQuery({
    queryKey: ['complaints', 'summary'],
    queryFn: complaintsApi.summary,
    refetchInterval: 60_000,
  });

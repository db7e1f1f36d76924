/** Shapes of the Rapport API (camelCase JSON), as the web app uses them. Source of truth: src/modules/*.schema.ts. */
export type Role = 'owner' | 'staff';
export type Scope = 'read' | 'write' | 'admin';
export type Kind = 'person' | 'business';
export type Channel = 'phone' | 'sms' | 'whatsapp' | 'email' | 'in_person' | 'post';

export type User = {
  id: string;
  workspaceId: string;
  email: string;
  name: string;
  role: Role;
  createdAt: string;
  disabledAt: string | null;
};
export type Workspace = {
  id: string;
  name: string;
  timezone: string;
  currency: string;
  region: string;
  createdAt?: string;
  updatedAt?: string;
};
export type Me = { user: User | null; scopes: string[]; workspace: Workspace };

export type ApiKey = {
  id: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
};

export type Phone = { id: string; number: string; e164: string | null; label: string | null; valid: boolean };
export type Email = { id: string; address: string; label: string | null };
export type Address = {
  line1?: string;
  line2?: string;
  city?: string;
  region?: string;
  postalCode?: string;
  country?: string;
};
export type CustomerRef = { id: string; name: string; jobTitle: string | null };
export type CustomFieldValue = string | number | boolean | null;

export type Customer = {
  id: string;
  kind: Kind;
  name: string;
  businessId: string | null;
  business: CustomerRef | null;
  people: CustomerRef[];
  jobTitle: string | null;
  phones: Phone[];
  emails: Email[];
  address: Address | null;
  birthday: string | null;
  anniversary: string | null;
  preferredChannel: Channel | null;
  needs: string | null;
  tags: string[];
  customFields: Record<string, CustomFieldValue>;
  consent: { marketing: boolean; source: string | null; at: string | null };
  lastInteractionAt: string | null;
  createdAt: string;
  updatedAt: string;
};

export type CustomerSummary = {
  id: string;
  kind: Kind;
  name: string;
  businessId: string | null;
  jobTitle: string | null;
  tags: string[];
  lastInteractionAt: string | null;
  phone: string | null;
  email: string | null;
};

export type CustomerInput = {
  kind: Kind;
  name: string;
  businessId?: string | null;
  jobTitle?: string | null;
  phones: { number: string; label?: string }[];
  emails: { address: string; label?: string }[];
  address?: Address | null;
  birthday?: string | null;
  anniversary?: string | null;
  preferredChannel?: Channel | null;
  needs?: string | null;
  tags: string[];
  customFields?: Record<string, CustomFieldValue>;
  consent?: { marketing: boolean; source?: string };
};

export type Page<T> = { items: T[]; nextCursor: string | null };

export const INTERACTION_KINDS = [
  'call',
  'visit',
  'message',
  'email',
  'sms',
  'whatsapp',
  'note',
  'meeting',
] as const;
export type InteractionKind = (typeof INTERACTION_KINDS)[number];

export type Interaction = {
  id: string;
  customerId: string | null;
  kind: string;
  direction: 'inbound' | 'outbound' | null;
  body: string | null;
  phone: string | null;
  authorId: string | null;
  authorName: string | null;
  occurredAt: string;
  createdAt: string;
};

export type PurchaseSummary = {
  currency: string;
  orderCount: number;
  totalSpent: number;
  firstPurchaseAt: string | null;
  lastPurchaseAt: string | null;
};

export type CallerCard = {
  id: string;
  name: string;
  kind: Kind;
  tags: string[];
  phones: Phone[];
  business: CustomerRef | null;
  needs: string | null;
  lastInteraction: { kind: string; at: string; body: string | null } | null;
  openItems: Record<string, number>;
  interactionCount: number;
  purchases?: PurchaseSummary | null;
  /** From the last refit (null before one). */
  prediction?: {
    pAlive: number | null;
    segment: string;
    lifecycleStage: string;
    explanation: string;
    clv12m: number | null;
    currency: string;
  } | null;
};

export type CallEvent = {
  interaction: Interaction;
  phone: string;
  e164: string | null;
  customer: CallerCard | null;
  at?: string;
};

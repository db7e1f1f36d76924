import { useQuery } from '@tanstack/react-query';
import { qs, request } from '../../lib/api.ts';
import type { Interaction, InteractionKind, Page } from '../../lib/types.ts';

/** Shapes of src/modules/products and src/modules/orders (money in minor units of `currency`). */
export type Product = {
  id: string;
  name: string;
  price: number;
  category: string | null;
  cost: number | null;
  archived: boolean;
  createdAt: string;
  updatedAt: string;
};
export type PaymentMethod = 'cash' | 'card' | 'transfer' | 'other';
export type OrderLine = {
  id: string;
  name: string;
  category: string | null;
  quantity: number;
  unitPrice: number;
  discount: number;
  total: number;
};
export type Refund = { id: string; amount: number; kind: 'refund' | 'return'; reason: string; at: string };
export type Order = {
  id: string;
  customerId: string | null;
  number: string | null;
  status: 'placed' | 'paid' | 'fulfilled' | 'cancelled' | 'partially_refunded' | 'refunded';
  currency: string;
  placedAt: string;
  channel: string | null;
  subtotal: number;
  discount: number;
  total: number;
  refunded: number;
  note: string | null;
  paymentMethod: PaymentMethod | null;
  lines: OrderLine[];
  refunds: Refund[];
};
export type CustomerTotals = {
  currency: string;
  orderCount: number;
  totalSpent: number;
  averageOrder: number | null;
  firstPurchaseAt: string | null;
  lastPurchaseAt: string | null;
  firstContactAt: string | null;
  customerSince: string;
};
export type SaleItem =
  | { productId: string; quantity: number; unitPrice?: number }
  | { name: string; unitPrice: number; quantity: number };
export type SaleInput = {
  customerId: string | null;
  items: SaleItem[];
  discount: number;
  paymentMethod: PaymentMethod;
  note?: string;
  key: string;
};
export type ProductImport = {
  created: number;
  updated: number;
  unchanged: number;
  rejected: { line: number; reason: string }[];
};

const enc = encodeURIComponent;

export const salesApi = {
  products: (q: { q?: string; archived?: 'exclude' | 'include' | 'only' } = {}) =>
    request<Page<Product>>('GET', `/api/v1/products${qs({ q: q.q, archived: q.archived, limit: 2000 })}`),
  createProduct: (body: { name: string; price: number; category?: string; cost?: number }) =>
    request<Product>('POST', '/api/v1/products', body),
  updateProduct: (
    id: string,
    body: Partial<{
      name: string;
      price: number;
      category: string | null;
      cost: number | null;
      archived: boolean;
    }>,
  ) => request<Product>('PATCH', `/api/v1/products/${enc(id)}`, body),
  importProducts: (csv: string) => request<ProductImport>('POST', '/api/v1/products/import', { csv }),
  recordSale: (body: SaleInput) => request<Order>('POST', '/api/v1/sales', body),
  customerOrders: (id: string) => request<Page<Order>>('GET', `/api/v1/customers/${enc(id)}/orders?limit=20`),
  refund: (orderId: string, body: { amount: number; kind: 'refund' | 'return'; reason: string }) =>
    request<Order>('POST', `/api/v1/orders/${enc(orderId)}/refunds`, body),
  totals: (id: string) => request<CustomerTotals>('GET', `/api/v1/customers/${enc(id)}/totals`),
  updateInteraction: (
    id: string,
    body: Partial<{ kind: InteractionKind; body: string; occurredAt: string }>,
  ) => request<Interaction>('PATCH', `/api/v1/interactions/${enc(id)}`, body),
  deleteInteraction: (id: string) => request<void>('DELETE', `/api/v1/interactions/${enc(id)}`),
  claimCall: (interactionId: string, customerId: string) =>
    request<Interaction>('POST', `/api/v1/calls/${enc(interactionId)}/claim`, { customerId }),
};

export const useProducts = () =>
  useQuery({ queryKey: ['products', 'active'], queryFn: () => salesApi.products(), staleTime: 30_000 });
export const useTotals = (customerId: string) =>
  useQuery({ queryKey: ['totals', customerId], queryFn: () => salesApi.totals(customerId) });
export const useCustomerOrders = (customerId: string) =>
  useQuery({ queryKey: ['orders', customerId], queryFn: () => salesApi.customerOrders(customerId) });

/** The digits after the decimal point of a currency (NGN 2, JPY 0). */
export function currencyDigits(currency: string): number {
  try {
    return (
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
      2
    );
  } catch {
    return 2;
  }
}

/**
 * What was typed in a price box as minor units: "1500" → 150000 for NGN; "1,500.50" → 150050. Empty → 0;
 * not a number, below zero or more decimals than the currency has → null.
 */
export function toMinor(text: string, currency: string): number | null {
  const t = text.replace(/[\s,\u00a0]/g, '');
  if (t === '') return 0;
  if (!/^\d*\.?\d*$/.test(t) || t === '.') return null;
  const digits = currencyDigits(currency);
  const [, frac = ''] = t.split('.');
  if (frac.length > digits) return null;
  return Math.round(Number(t) * 10 ** digits);
}

/** Minor units as the plain number a price box shows: 150000 NGN → "1500", 150050 → "1500.50". */
export function fromMinor(minor: number, currency: string): string {
  const digits = currencyDigits(currency);
  const v = minor / 10 ** digits;
  return Number.isInteger(v) ? String(v) : v.toFixed(digits);
}

export const PAYMENT_LABELS: Record<PaymentMethod, string> = {
  cash: 'Cash',
  card: 'Card',
  transfer: 'Transfer',
  other: 'Other',
};

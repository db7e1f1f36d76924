import { useQuery } from '@tanstack/react-query';
import type { components } from '../../lib/api.gen.ts';
import { client, ok, type BodyOf } from '../../lib/api.ts';

/** The shapes of the products, sales and orders API (generated from the server's schemas; money in minor units). */
type Schemas = components['schemas'];
export type Product = Schemas['Product'];
export type Order = Schemas['Order'];
export type OrderLine = Order['lines'][number];
export type Refund = Order['refunds'][number];
export type PaymentMethod = NonNullable<Order['paymentMethod']>;
export type CustomerTotals = Schemas['CustomerTotals'];
export type ProductImport = Schemas['ProductImport'];
export type SaleInput = BodyOf<'/api/v1/sales', 'post'>;
export type SaleItem = SaleInput['items'][number];

const one = (id: string) => ({ params: { path: { id } } });

export const salesApi = {
  products: (q: { q?: string; archived?: 'exclude' | 'include' | 'only' } = {}) =>
    ok(client.GET('/api/v1/products', { params: { query: { ...q, limit: 2000 } } })),
  createProduct: (body: BodyOf<'/api/v1/products', 'post'>) => ok(client.POST('/api/v1/products', { body })),
  updateProduct: (id: string, body: BodyOf<'/api/v1/products/{id}', 'patch'>) =>
    ok(client.PATCH('/api/v1/products/{id}', { ...one(id), body })),
  importProducts: (csv: string) => ok(client.POST('/api/v1/products/import', { body: { csv } })),
  recordSale: (body: SaleInput) => ok(client.POST('/api/v1/sales', { body })),
  customerOrders: (id: string) =>
    ok(client.GET('/api/v1/customers/{id}/orders', { params: { path: { id }, query: { limit: 20 } } })),
  refund: (orderId: string, body: BodyOf<'/api/v1/orders/{id}/refunds', 'post'>) =>
    ok(client.POST('/api/v1/orders/{id}/refunds', { ...one(orderId), body })),
  totals: (id: string) => ok(client.GET('/api/v1/customers/{id}/totals', one(id))),
  updateInteraction: (id: string, body: BodyOf<'/api/v1/interactions/{id}', 'patch'>) =>
    ok(client.PATCH('/api/v1/interactions/{id}', { ...one(id), body })),
  deleteInteraction: (id: string) => ok(client.DELETE('/api/v1/interactions/{id}', one(id))),
  claimCall: (interactionId: string, customerId: string) =>
    ok(client.POST('/api/v1/calls/{id}/claim', { ...one(interactionId), body: { customerId } })),
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

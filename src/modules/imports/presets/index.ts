import { normHeader, type Preset } from '../records.ts';
import {
  genericCustomers,
  googleContacts,
  hubspotContacts,
  outlookContacts,
  shopifyCustomers,
  squareCustomers,
  stripeCustomers,
} from './customers.ts';
import { suggestColumns } from './mapped.ts';
import { shopifyOrders, squareItems, squareTransactions, stripePayments, wooOrders } from './orders.ts';
import { rapportCustomers, rapportInteractions, rapportOrders } from './rapport.ts';
import { isSales, salesByName } from './sales.ts';

/** Every preset, most specific first. */
export const PRESETS: Preset[] = [
  rapportOrders,
  rapportInteractions,
  shopifyOrders,
  wooOrders,
  squareItems,
  squareTransactions,
  stripePayments,
  rapportCustomers,
  shopifyCustomers,
  squareCustomers,
  stripeCustomers,
  googleContacts,
  outlookContacts,
  hubspotContacts,
  salesByName,
  genericCustomers,
];

/**
 * Pick the preset whose signature headers are all present (the most specific wins); else, when the columns
 * name an order number or date and a quantity or unit price, sales by line item; else the generic one.
 */
export function detectPreset(headers: string[]): Preset {
  const have = new Set(headers.map(normHeader));
  let best: Preset = genericCustomers;
  for (const p of PRESETS) {
    if (p.signature.length > best.signature.length && p.signature.every((h) => have.has(normHeader(h))))
      best = p;
  }
  if (best === genericCustomers) {
    const fields = Object.values(suggestColumns(headers)).filter((f) => f !== 'ignore');
    if (isSales(fields)) return salesByName;
  }
  return best;
}

export function presetById(id: string): Preset | undefined {
  return PRESETS.find((p) => p.id === id);
}

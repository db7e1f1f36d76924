import { useSyncExternalStore } from 'react';

/** Who the sale being recorded is for: a customer on record, or nobody yet (walk-in, or find them). */
export type SaleTarget = { customer: { id: string; name: string } | null; n: number } | null;
let target: SaleTarget = null;
let opened = 0;
const listeners = new Set<() => void>();

/** Open the sale form from anywhere (customer page, caller pop-up, home); one form at a time. */
export const saleStore = {
  open(customer: { id: string; name: string } | null) {
    target = { customer, n: ++opened };
    for (const l of listeners) l();
  },
  close() {
    target = null;
    for (const l of listeners) l();
  },
  subscribe(l: () => void) {
    listeners.add(l);
    return () => listeners.delete(l);
  },
};

export const useSaleTarget = () => useSyncExternalStore(saleStore.subscribe, () => target);

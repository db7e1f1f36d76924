import { useSyncExternalStore } from 'react';

/**
 * formatPhone for the first screen (Home, the caller pop-up) without libphonenumber-js in the entry chunk:
 * the library (about a fifth of the entry's JavaScript) is fetched after the first render, and until it is
 * here a number shows as stored (E.164, "+2348031234567"); components re-render once it arrives.
 */
type Format = (e164OrRaw: string | null | undefined, region?: string) => string;
const asStored: Format = (n) => n ?? '';
let format: Format | null = null;
let loading: Promise<void> | null = null;
const listeners = new Set<() => void>();

function subscribe(listener: () => void) {
  listeners.add(listener);
  loading ??= import('./phone.ts')
    .then((m) => {
      format = m.formatPhone;
      for (const l of listeners) l();
    })
    .catch(() => {
      loading = null; // try again on the next subscriber
    });
  return () => {
    listeners.delete(listener);
  };
}

export const usePhoneFormat = (): Format => useSyncExternalStore(subscribe, () => format ?? asStored);

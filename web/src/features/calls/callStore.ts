import { useSyncExternalStore } from 'react';
import type { CallEvent } from '../../lib/api.ts';

/** Calls received while this tab is open: the pop-ups (until dismissed) and the home page's recent calls. */
type State = { open: CallEvent[]; recent: CallEvent[] };
let state: State = { open: [], recent: [] };
const listeners = new Set<() => void>();
const set = (next: State) => {
  state = next;
  for (const l of listeners) l();
};

export const callStore = {
  add(e: CallEvent) {
    const id = e.interaction.id;
    if (state.recent.some((c) => c.interaction.id === id)) return;
    set({ open: [e, ...state.open].slice(0, 4), recent: [e, ...state.recent].slice(0, 20) });
  },
  dismiss(id: string) {
    set({ ...state, open: state.open.filter((c) => c.interaction.id !== id) });
  },
  subscribe(l: () => void) {
    listeners.add(l);
    return () => listeners.delete(l);
  },
};

export const useCalls = () => useSyncExternalStore(callStore.subscribe, () => state);

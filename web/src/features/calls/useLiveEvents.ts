import { useQueryClient } from '@tanstack/react-query';
import { customerKeys } from '../customers/queries.ts';
import { useEffect, useState } from 'react';
import type { CallEvent, Interaction } from '../../lib/api.ts';
import { promiseKeys } from '../promises/api.ts';
import { callStore } from './callStore.ts';

export type LiveState = 'connecting' | 'live' | 'down';

/**
 * One EventSource per signed-in tab: `call` pops the caller card; `interaction.created` refreshes the
 * customer's timeline wherever it is shown; `promise.*` refreshes the agenda and promise lists. EventSource reconnects by itself after a drop.
 */
export function useLiveEvents(): LiveState {
  const qc = useQueryClient();
  const [status, setStatus] = useState<LiveState>('connecting');
  useEffect(() => {
    const es = new EventSource('/api/v1/events', { withCredentials: true });
    const refresh = (customerId: string | null) => {
      if (!customerId) return;
      void qc.invalidateQueries({ queryKey: customerKeys.timeline(customerId) });
      void qc.invalidateQueries({ queryKey: customerKeys.detail(customerId) });
    };
    es.onopen = () => setStatus('live');
    es.onerror = () => setStatus(es.readyState === EventSource.CLOSED ? 'down' : 'connecting');
    es.addEventListener('call', (m) => {
      try {
        const e = JSON.parse((m as MessageEvent<string>).data) as CallEvent;
        callStore.add(e);
        refresh(e.customer?.id ?? null);
      } catch {
        // a malformed event is not worth breaking the page for
      }
    });
    es.addEventListener('interaction.created', (m) => {
      try {
        const i = JSON.parse((m as MessageEvent<string>).data) as Interaction;
        refresh(i.customerId);
      } catch {
        // ignore
      }
    });
    // a promise made, kept or coming due (its reminder): the agenda and the promise lists refresh
    for (const type of ['promise.updated', 'promise.reminder'])
      es.addEventListener(type, () => void qc.invalidateQueries({ queryKey: promiseKeys.all }));
    return () => es.close();
  }, [qc]);
  return status;
}

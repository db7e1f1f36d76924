import { useMutation, useQueryClient } from '@tanstack/react-query';
import { complaintKeys } from './api.ts';
import { customerKeys } from '../customers/queries.ts';
import type { ComplaintDetail } from './api.ts';

/**
 * One action on a complaint (a step of the workflow): on success the page shows the answer straight away and
 * the queue, dashboard tile and the customer's timeline refresh. The error stays on this action's mutation, so
 * a refusal (409 with a rule code) is shown next to the button that caused it.
 */
export function useStep<I>(
  c: ComplaintDetail,
  run: (id: string, input: I) => Promise<ComplaintDetail>,
  onDone?: () => void,
) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: I) => run(c.id, input),
    onSuccess: (next) => {
      qc.setQueryData(complaintKeys.detail(c.id), next);
      void qc.invalidateQueries({ queryKey: complaintKeys.all });
      void qc.invalidateQueries({ queryKey: customerKeys.timeline(c.customerId) });
      onDone?.();
    },
  });
}

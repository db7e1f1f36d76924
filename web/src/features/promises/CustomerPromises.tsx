import { Alert, Badge, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { DateTime } from 'luxon';
import { errorMessage } from '../../lib/api.ts';
import { useMe } from '../../lib/session.ts';
import { customerKeys } from '../customers/queries.ts';
import { QueryError } from '../shell/RouteError.tsx';
import { promiseKeys, promisesApi, useCustomerPromises, type PromiseOut } from './api.ts';
import { PromiseForm } from './PromiseForm.tsx';
import '../outreach/outreach.css';

/** When a promise is due, in the workspace zone: "Thu 2 Apr, 3:00 pm" or "Thu 2 Apr" (all day). */
export const dueText = (p: Pick<PromiseOut, 'dueAt' | 'allDay' | 'dueDate'>, zone: string) =>
  p.allDay && p.dueDate
    ? DateTime.fromISO(p.dueDate, { zone }).toFormat('ccc d LLL')
    : DateTime.fromISO(p.dueAt, { zone }).toFormat('ccc d LLL, h:mm a');

/** The customer's open promises, soonest first, each kept or (when late) told; and a line to make a new one. */
export function CustomerPromises({ customerId }: { customerId: string }) {
  const q = useCustomerPromises(customerId);
  return (
    <Paper withBorder p="md" component="section" aria-label="Promises">
      <Title order={2} fz="lg" mb="xs">
        Promises
      </Title>
      {q.isError ? (
        <QueryError error={q.error} onRetry={() => void q.refetch()} />
      ) : q.data && q.data.items.length > 0 ? (
        <ul className="plain-list" aria-label="Open promises">
          {q.data.items.map((p) => (
            <PromiseRow key={p.id} p={p} customerId={customerId} />
          ))}
        </ul>
      ) : (
        q.data && (
          <Text size="sm" c="dimmed" mb="xs">
            Nothing promised to this customer right now.
          </Text>
        )
      )}
      <PromiseForm customerId={customerId} />
    </Paper>
  );
}

function PromiseRow({ p, customerId }: { p: PromiseOut; customerId: string }) {
  const zone = useMe().workspace.timezone;
  const qc = useQueryClient();
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: promiseKeys.all });
    void qc.invalidateQueries({ queryKey: customerKeys.timeline(customerId) });
  };
  const keep = useMutation({ mutationFn: () => promisesApi.keep(p.id), onSuccess: refresh });
  const late = useMutation({ mutationFn: () => promisesApi.lateNotice(p.id), onSuccess: refresh });
  const error = keep.error ?? late.error;
  return (
    <li className="list-row">
      <Stack gap={4}>
        <Group gap={8} wrap="wrap">
          <Text size="sm" fw={600}>
            {p.what}
          </Text>
          {p.overdue && (
            <Badge color="red" variant="light" size="sm">
              Late
            </Badge>
          )}
          {p.lateNoticeMessageId && (
            <Badge color="gray" variant="light" size="sm">
              Customer told
            </Badge>
          )}
        </Group>
        <Text size="xs" c="dimmed">
          By {dueText(p, zone)} · {p.ownerName}
        </Text>
        <Group gap="xs">
          <Button size="xs" onClick={() => keep.mutate()} loading={keep.isPending}>
            Kept
          </Button>
          {p.overdue && !p.lateNoticeMessageId && (
            <Button
              size="xs"
              variant="light"
              color="orange"
              onClick={() => late.mutate()}
              loading={late.isPending}
            >
              Tell them it will be late
            </Button>
          )}
        </Group>
        {error && (
          <Alert color="red" p="xs" role="alert">
            {errorMessage(error)}
          </Alert>
        )}
      </Stack>
    </li>
  );
}

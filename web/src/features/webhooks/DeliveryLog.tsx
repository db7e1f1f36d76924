import { Alert, Badge, Box, Button, SegmentedControl, Stack, Table, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '../../lib/api.ts';
import { dateTime } from '../../lib/format.ts';
import { PageLoader, QueryError } from '../shell/RouteError.tsx';
import { type Delivery, webhookKeys, webhooksApi } from './api.ts';

const STATUS: Record<Delivery['status'], { label: string; color: string }> = {
  pending: { label: 'Waiting to retry', color: 'yellow' },
  sending: { label: 'Sending', color: 'blue' },
  delivered: { label: 'Delivered', color: 'teal' },
  failed: { label: 'Failed', color: 'red' },
};

/** The last 50 deliveries of one endpoint, or its dead letters with "Send again". */
export function DeliveryLog({ webhookId, timezone }: { webhookId: string; timezone: string }) {
  const qc = useQueryClient();
  const [view, setView] = useState<'all' | 'failed'>('all');
  const log = useQuery({
    queryKey: webhookKeys.deliveries(webhookId, view),
    queryFn: () => webhooksApi.deliveries(webhookId, view === 'failed' ? 'failed' : undefined),
    refetchInterval: 5000,
  });
  const replay = useMutation({
    mutationFn: (deliveryId: string) => webhooksApi.replay(webhookId, deliveryId),
    onSettled: () => void qc.invalidateQueries({ queryKey: ['webhooks', 'deliveries', webhookId] }),
  });
  return (
    <Stack gap="xs">
      <SegmentedControl
        size="xs"
        value={view}
        onChange={(v) => setView(v as 'all' | 'failed')}
        data={[
          { value: 'all', label: 'All deliveries' },
          { value: 'failed', label: 'Failed (given up)' },
        ]}
        style={{ alignSelf: 'flex-start' }}
        aria-label="Which deliveries"
      />
      {replay.isError && <Alert color="red">{errorMessage(replay.error)}</Alert>}
      {log.isPending ? (
        <PageLoader />
      ) : log.isError ? (
        <QueryError error={log.error} onRetry={() => void log.refetch()} />
      ) : log.data.items.length === 0 ? (
        <Text size="sm" c="dimmed">
          {view === 'failed' ? 'Nothing has failed.' : 'Nothing sent yet.'}
        </Text>
      ) : (
        <Box tabIndex={0} aria-label="Deliveries, scrolls sideways" style={{ overflowX: 'auto' }}>
          <Table miw={620} verticalSpacing={4} fz="sm" aria-label="Deliveries">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Event</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Answer</Table.Th>
                <Table.Th>Tries</Table.Th>
                <Table.Th>Took</Table.Th>
                <Table.Th>Last try</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {log.data.items.map((d) => (
                <Table.Tr key={d.id}>
                  <Table.Td>
                    <Text size="sm" ff="monospace">
                      {d.eventType}
                    </Text>
                    {d.error && (
                      <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                        {d.error}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    <Badge
                      variant="light"
                      color={STATUS[d.status].color}
                      styles={{
                        root: { maxWidth: 'none', overflow: 'visible' },
                        label: { overflow: 'visible' },
                      }}
                    >
                      {STATUS[d.status].label}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{d.responseStatus ?? '—'}</Table.Td>
                  <Table.Td>{d.attempts}</Table.Td>
                  <Table.Td>{d.durationMs === null ? '—' : `${d.durationMs} ms`}</Table.Td>
                  <Table.Td>
                    <Text size="xs">{d.lastAttemptAt ? dateTime(d.lastAttemptAt, timezone) : 'not yet'}</Text>
                  </Table.Td>
                  <Table.Td ta="right">
                    {d.status === 'failed' && (
                      <Button
                        size="compact-sm"
                        variant="light"
                        loading={replay.isPending && replay.variables === d.id}
                        onClick={() => replay.mutate(d.id)}
                      >
                        Send again
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Box>
      )}
    </Stack>
  );
}

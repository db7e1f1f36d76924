import { Paper, SimpleGrid, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { dateTime, money, timeAgo } from '../../lib/format.ts';
import { useMe } from '../../lib/session.ts';
import { PageLoader, QueryError } from '../shell/RouteError.tsx';
import { useTotals } from './api.ts';

function Figure({ label, children, title }: { label: string; children: ReactNode; title?: string }) {
  return (
    <div title={title}>
      <Text size="xs" c="dimmed" fw={600}>
        {label}
      </Text>
      <Text fw={700} size="lg" style={{ whiteSpace: 'nowrap' }}>
        {children}
      </Text>
    </div>
  );
}

const day = (iso: string, timeZone: string) => {
  try {
    return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone }).format(new Date(iso));
  } catch {
    return iso.slice(0, 10);
  }
};

/** What they bought, in numbers: orders, spend to date, average order, first and last purchase, customer since. */
export function CustomerTotals({ customerId }: { customerId: string }) {
  const { workspace } = useMe();
  const q = useTotals(customerId);
  const tz = workspace.timezone;
  return (
    <Paper withBorder p="md" component="section" aria-label="Purchases">
      <Title order={2} fz="lg" mb={4}>
        Purchases
      </Title>
      {q.isPending ? (
        <PageLoader label="Adding up…" />
      ) : q.isError ? (
        <QueryError error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <>
          <Text size="sm" c="dimmed" mb="sm" title={dateTime(q.data.customerSince, tz)}>
            Customer since {day(q.data.customerSince, tz)}
          </Text>
          {q.data.orderCount === 0 ? (
            <Text size="sm">No purchases yet. Record one with “Sale”.</Text>
          ) : (
            <SimpleGrid cols={2} spacing="sm" verticalSpacing="sm">
              <Figure label="Orders">{q.data.orderCount}</Figure>
              <Figure label="Spent to date">{money(q.data.totalSpent, q.data.currency)}</Figure>
              <Figure label="Average order">
                {q.data.averageOrder === null ? '—' : money(q.data.averageOrder, q.data.currency)}
              </Figure>
              <Figure label="First purchase" title={dateTime(q.data.firstPurchaseAt, tz)}>
                {q.data.firstPurchaseAt ? day(q.data.firstPurchaseAt, tz) : '—'}
              </Figure>
              <Figure label="Last purchase" title={dateTime(q.data.lastPurchaseAt, tz)}>
                {q.data.lastPurchaseAt ? timeAgo(q.data.lastPurchaseAt) : '—'}
              </Figure>
            </SimpleGrid>
          )}
        </>
      )}
    </Paper>
  );
}

import { Anchor, Button, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Link, useParams, useSearchParams } from 'react-router';
import { PageLoader, QueryError } from '../shell/RouteError.tsx';
import { scorecardApi, scorecardKeys, type Metric, type PeriodKind } from './api.ts';

/** The customers behind one scorecard figure, over the same weeks or months as the card. */
export default function ScorecardCustomersPage() {
  const metric = useParams().metric as Metric;
  const [params] = useSearchParams();
  const period = (params.get('period') === 'month' ? 'month' : 'week') as PeriodKind;
  const userId = params.get('user');
  const q = useInfiniteQuery({
    queryKey: scorecardKeys.customers(metric, period, userId),
    queryFn: ({ pageParam }) => scorecardApi.customers(metric, period, userId, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = q.data?.pages.flatMap((p) => p.items) ?? [];
  const dated = items.some((i) => i.at);
  return (
    <Stack maw={900} gap="md">
      <Anchor component={Link} to={`/scorecard${period === 'month' ? '?period=month' : ''}`} size="sm">
        ← Scorecard
      </Anchor>
      {q.isPending ? (
        <PageLoader />
      ) : q.isError ? (
        <QueryError error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <>
          <Title order={1} fz={24}>
            {q.data.pages[0]?.title}
          </Title>
          <Text size="sm" c="dimmed">
            Over the last {period === 'month' ? 'six months' : 'eight weeks'}.
          </Text>
          {items.length === 0 ? (
            <Text py="lg">Nobody: nothing to do here.</Text>
          ) : (
            <Paper withBorder>
              <Table aria-label="Customers" verticalSpacing="xs" fz="sm">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Customer</Table.Th>
                    <Table.Th>What</Table.Th>
                    {dated && <Table.Th visibleFrom="sm">When</Table.Th>}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((i, n) => (
                    <Table.Tr key={`${i.customerId}-${n}`}>
                      <Table.Td>
                        <Anchor component={Link} to={`/customers/${i.customerId}`}>
                          {i.name}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>{i.detail}</Table.Td>
                      {dated && (
                        <Table.Td visibleFrom="sm">
                          {i.at
                            ? new Date(i.at).toLocaleString(undefined, {
                                dateStyle: 'medium',
                                timeStyle: 'short',
                              })
                            : ''}
                        </Table.Td>
                      )}
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Paper>
          )}
          {q.hasNextPage && (
            <Button variant="default" onClick={() => void q.fetchNextPage()} loading={q.isFetchingNextPage}>
              Show more
            </Button>
          )}
        </>
      )}
    </Stack>
  );
}

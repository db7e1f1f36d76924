import { Badge, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../../lib/api.ts';
import { money } from '../../lib/format.ts';
import { useMe } from '../../lib/session.ts';
import { PageLoader, QueryError } from '../shell/RouteError.tsx';
import { loyaltyApi, loyaltyKeys, REASON_WORDS, useCustomerLoyalty, type LoyaltyEntry } from './api.ts';

const day = (iso: string, timeZone: string) => {
  try {
    return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone }).format(new Date(iso));
  } catch {
    return iso.slice(0, 10);
  }
};

/** Points, tier and the ledger on the customer page. */
export function CustomerLoyalty({ customerId }: { customerId: string }) {
  const { workspace } = useMe();
  const q = useCustomerLoyalty(customerId);
  const qc = useQueryClient();
  const [more, setMore] = useState<LoyaltyEntry[]>([]);
  const [cursor, setCursor] = useState<string | null | undefined>(undefined);
  const next = cursor === undefined ? (q.data?.nextCursor ?? null) : cursor;
  const loadMore = useMutation({
    mutationFn: () => loyaltyApi.customer(customerId, next ?? undefined),
    onSuccess: (page) => {
      setMore((m) => [...m, ...page.entries]);
      setCursor(page.nextCursor);
    },
  });
  const addValued = useMutation({
    mutationFn: () => loyaltyApi.putValued(customerId, {}),
    onSuccess: () => void qc.invalidateQueries({ queryKey: loyaltyKeys.valued }),
  });
  const cur = workspace.currency;
  return (
    <Paper withBorder p="md" component="section" aria-label="Loyalty">
      <Title order={2} fz="lg" mb={4}>
        Loyalty
      </Title>
      {q.isPending ? (
        <PageLoader label="Counting points…" />
      ) : q.isError ? (
        <QueryError error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <Stack gap="sm">
          <Group gap="lg" align="flex-end">
            <div>
              <Text size="xs" c="dimmed" fw={600}>
                Points
              </Text>
              <Text fw={700} size="lg" data-testid="loyalty-points">
                {q.data.points.toLocaleString()}
              </Text>
              {q.data.pointValue > 0 && q.data.points > 0 && (
                <Text size="xs" c="dimmed">
                  worth {money(q.data.points * q.data.pointValue, cur)} at the counter
                </Text>
              )}
            </div>
            <div>
              <Text size="xs" c="dimmed" fw={600}>
                Tier
              </Text>
              {q.data.tier ? (
                <Badge size="lg" variant="light" color="grape">
                  {q.data.tier}
                </Badge>
              ) : (
                <Text size="sm">None yet</Text>
              )}
            </div>
          </Group>
          <Text size="sm" c="dimmed">
            {q.data.visits} visit{q.data.visits === 1 ? '' : 's'} and {money(q.data.spend, cur)} in the tier
            window
            {q.data.nextTier &&
              `; ${q.data.nextTier.name} in ${[
                q.data.nextTier.visitsToGo !== null && `${q.data.nextTier.visitsToGo} more visits`,
                q.data.nextTier.spendToGo !== null && `${money(q.data.nextTier.spendToGo, cur)} more spend`,
              ]
                .filter(Boolean)
                .join(' or ')}`}
          </Text>
          {q.data.entries.length === 0 ? (
            <Text size="sm">No points yet: every purchase earns them.</Text>
          ) : (
            <Stack
              gap={4}
              component="ul"
              style={{ listStyle: 'none', padding: 0, margin: 0 }}
              aria-label="Points history"
            >
              {[...q.data.entries, ...more].map((e) => (
                <Group key={e.id} component="li" justify="space-between" wrap="nowrap" gap="xs">
                  <Text size="sm" truncate>
                    {REASON_WORDS[e.reason]}
                    {e.note ? ` · ${e.note}` : ''}
                    <Text span size="xs" c="dimmed">
                      {' '}
                      {day(e.at, workspace.timezone)}
                    </Text>
                  </Text>
                  <Text
                    size="sm"
                    fw={600}
                    c={e.points >= 0 ? 'teal.8' : 'red.8'}
                    style={{ whiteSpace: 'nowrap' }}
                  >
                    {e.points >= 0 ? '+' : '−'}
                    {Math.abs(e.points).toLocaleString()}
                  </Text>
                </Group>
              ))}
            </Stack>
          )}
          <Group gap="xs">
            {next && (
              <Button
                size="xs"
                variant="default"
                loading={loadMore.isPending}
                onClick={() => loadMore.mutate()}
              >
                Show more
              </Button>
            )}
            <Button
              size="xs"
              variant="light"
              loading={addValued.isPending}
              onClick={() => addValued.mutate()}
              disabled={addValued.isSuccess}
            >
              {addValued.isSuccess ? 'On the most valued list' : 'Add to the most valued'}
            </Button>
            {addValued.isSuccess && (
              <Button size="xs" variant="subtle" component={Link} to="/loyalty/valued">
                Open the list
              </Button>
            )}
          </Group>
          {addValued.isError && (
            <Text size="sm" c="red.8" role="alert">
              {errorMessage(addValued.error)}
            </Text>
          )}
        </Stack>
      )}
    </Paper>
  );
}

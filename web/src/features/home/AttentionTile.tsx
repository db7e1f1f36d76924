import { Anchor, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { analyticsKeys } from '../analytics/api.ts';
import { Link } from 'react-router';
import { errorMessage, isApiError } from '../../lib/api.ts';
import { analyticsApi, type CustomerList, type InsightCustomer } from '../analytics/api.ts';
import { majorUnits } from '../analytics/format.ts';

const TOP = 5;

/** "NGN 84K", "NGN 929": short, and no fraction of a unit below a thousand. */
function short(minor: number, currency: string): string {
  const major = majorUnits(minor, currency);
  const o = { notation: 'compact', maximumFractionDigits: Math.abs(major) < 1000 ? 0 : 1 } as const;
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency, ...o }).format(major);
  } catch {
    return `${new Intl.NumberFormat(undefined, o).format(major)} ${currency}`;
  }
}

/** Before the first refit the lists answer with no run; a 404 (as /runs/latest answers then) reads the same. */
const noRun = (limit: number, fetch: (n: number) => Promise<CustomerList>) => () =>
  fetch(limit).catch((e: unknown) => {
    if (isApiError(e, 404)) return null;
    throw e;
  });

function List({
  title,
  items,
  empty,
  figure,
  figureLabel,
  figureTitle,
}: {
  title: string;
  items: InsightCustomer[];
  empty: string;
  figure: (c: InsightCustomer) => string;
  figureLabel: string;
  figureTitle: string;
}) {
  return (
    <section aria-label={title} style={{ minWidth: 0 }}>
      <Group justify="space-between" gap="xs" mb={4} wrap="nowrap">
        <Text size="xs" tt="uppercase" fw={700} c="dimmed" lts={0.4}>
          {title}
        </Text>
        {items.length > 0 && (
          <Text size="xs" c="dimmed">
            {figureLabel}
          </Text>
        )}
      </Group>
      {items.length === 0 ? (
        <Text size="sm" c="dimmed">
          {empty}
        </Text>
      ) : (
        <Stack gap={6} component="ol" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {items.map((c) => (
            <li key={c.customerId}>
              <Group justify="space-between" wrap="nowrap" gap="xs" align="baseline">
                <Anchor component={Link} to={`/customers/${c.customerId}`} fw={500} size="sm" truncate>
                  {c.name}
                </Anchor>
                <Text size="sm" fw={600} style={{ flexShrink: 0 }} title={figureTitle}>
                  {figure(c)}
                </Text>
              </Group>
              <Text size="xs" c="dimmed" lineClamp={1} title={c.explanation}>
                {c.explanation}
              </Text>
            </li>
          ))}
        </Stack>
      )}
    </section>
  );
}

/**
 * Home tile: the five customers with most to lose who are late for their usual purchase, and the five
 * whose spending grows fastest, from the latest prediction run. No charts: the home page stays light.
 */
export function AttentionTile() {
  const atRisk = useQuery({
    queryKey: analyticsKeys.customers('at-risk', TOP),
    queryFn: noRun(TOP, analyticsApi.atRisk),
  });
  const rising = useQuery({
    queryKey: analyticsKeys.customers('rising', TOP),
    queryFn: noRun(TOP, analyticsApi.rising),
  });
  const error = atRisk.error ?? rising.error;
  const [a, r] = [atRisk.data, rising.data];
  const before = atRisk.data !== undefined && rising.data !== undefined && !a?.runId && !r?.runId;
  return (
    <Paper
      withBorder
      p="md"
      component="section"
      aria-label="Who needs attention"
      style={{ gridColumn: '1 / -1' }}
    >
      <Group justify="space-between" mb="sm" wrap="nowrap">
        <Title order={2} fz="lg">
          Who needs attention
        </Title>
        <Anchor component={Link} to="/insights" size="sm" style={{ flexShrink: 0 }}>
          Insights
        </Anchor>
      </Group>
      {error ? (
        <Text size="sm" c="red">
          {errorMessage(error)}
        </Text>
      ) : atRisk.isPending || rising.isPending ? (
        <Text size="sm" c="dimmed">
          Loading…
        </Text>
      ) : before ? (
        <Text size="sm" c="dimmed">
          Predictions appear once customers have sales; they are updated every night and a minute after new
          orders.
        </Text>
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xl" verticalSpacing="md">
          <List
            title="At risk"
            items={a?.items ?? []}
            empty="Nobody late for their usual purchase."
            figure={(c) => short(c.valueAtStake, a?.currency ?? 'USD')}
            figureLabel="value at stake"
            figureTitle="Value at stake: a year at their past pace"
          />
          <List
            title="Rising"
            items={r?.items ?? []}
            empty="Nobody spending more than before yet."
            figure={(c) => `+${short(c.trendSlope, r?.currency ?? 'USD')}/mo`}
            figureLabel="spend growth"
            figureTitle="Growth of their monthly spend: about this much more each month"
          />
        </SimpleGrid>
      )}
    </Paper>
  );
}

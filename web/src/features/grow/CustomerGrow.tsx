import { Badge, Group, List, Paper, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { money } from '../../lib/format.ts';
import { growApi, growKeys, useSuggestions } from './api.ts';

/** On the customer page: what to offer next, the share-of-wallet gap, and what the customer brings in profit. */
export function CustomerGrow({ customerId }: { customerId: string }) {
  const s = useSuggestions(customerId);
  const p = useQuery({
    queryKey: growKeys.profitability(customerId),
    queryFn: () => growApi.profitability(customerId),
  });
  const g = useQuery({ queryKey: growKeys.gaps(customerId), queryFn: () => growApi.gaps(customerId, 1) });
  const m = p.data?.customer;
  const gap = g.data?.gaps[0];
  return (
    <Paper withBorder p="md" component="section" aria-label="What to offer">
      <Stack gap="xs">
        <Title order={2} fz="lg">
          What to offer
        </Title>
        {s.data && s.data.oftenBuys.length > 0 && (
          <Text size="sm">Often buys {s.data.oftenBuys.join(', ')}.</Text>
        )}
        {s.data && s.data.suggestions.length > 0 ? (
          <List size="sm" spacing={4} aria-label="Suggestions">
            {s.data.suggestions.map((x) => (
              <List.Item key={x.productKey}>
                <b>{x.name}</b>{' '}
                <Text span size="xs" c="dimmed">
                  — {x.why}
                </Text>
              </List.Item>
            ))}
          </List>
        ) : (
          s.data && (
            <Text size="sm" c="dimmed">
              {s.data.hidden ?? 'Nothing to suggest: they already buy what people like them buy.'}
            </Text>
          )
        )}
        {gap && <Text size="sm">{gap.sentence}</Text>}
        {m && p.data && (
          <Stack gap={2}>
            <Group gap="xs">
              <Text size="sm">
                Profit in the last year: <b>{money(m.profit, p.data.currency)}</b>
              </Text>
              {m.profit < 0 && (
                <Badge color="orange" variant="light">
                  Costs more than they bring
                </Badge>
              )}
            </Group>
            <Text size="xs" c="dimmed">
              Sales {money(m.revenue, p.data.currency)} − discounts {money(m.discounts, p.data.currency)} −
              refunds {money(m.refunds, p.data.currency)} − cost of goods{' '}
              {money(m.costOfGoods, p.data.currency)} − complaints {money(m.costToServe, p.data.currency)}
              {m.linesWithoutCost > 0 &&
                ` (${m.linesWithoutCost} of ${m.lines} items had no cost: estimated at your default margin)`}
            </Text>
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}

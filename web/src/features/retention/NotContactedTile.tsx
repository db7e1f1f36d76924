import { Anchor, Paper, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { retentionApi, retentionKeys } from './api.ts';
import '../outreach/outreach.css';

const TOP = 8;

/** Home: valuable customers nobody has spoken to in N days, each with why it matters; hidden when there are none. */
export function NotContactedTile() {
  const q = useQuery({
    queryKey: retentionKeys.notContacted,
    queryFn: retentionApi.notContacted,
    staleTime: 60_000,
  });
  if (!q.data || q.data.items.length === 0) return null;
  const { days, items } = q.data;
  const title = `Valuable customers not contacted in ${days} days`;
  return (
    <Paper withBorder p="md" component="section" aria-label={title}>
      <Title order={2} fz="lg" mb="sm">
        {title}
      </Title>
      <Stack gap={8} component="ul" className="plain-list" aria-label="Not contacted">
        {items.slice(0, TOP).map((c) => (
          <li key={c.customerId}>
            <Anchor component={Link} to={`/customers/${c.customerId}`} fw={600}>
              {c.name}
            </Anchor>
            <Text size="sm" c="dimmed">
              {c.why}
            </Text>
          </li>
        ))}
      </Stack>
      {items.length > TOP && (
        <Text size="xs" c="dimmed" mt="xs">
          And {(items.length - TOP).toLocaleString()} more.
        </Text>
      )}
    </Paper>
  );
}

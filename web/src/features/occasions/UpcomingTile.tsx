import { Anchor, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { calendarDate } from '../../lib/format.ts';
import { useUpcoming } from './api.ts';

const TOP = 8;
const what = (i: { kind: string; label: string; years: number | null }) =>
  i.kind === 'birthday'
    ? i.years
      ? `Birthday (${i.years})`
      : 'Birthday'
    : i.kind === 'anniversary'
      ? i.years
        ? `Anniversary (${i.years} years)`
        : 'Anniversary'
      : i.label;

/** Home: birthdays, anniversaries and custom dates of the next 30 days; hidden when there are none. */
export function UpcomingTile() {
  const q = useUpcoming();
  if (!q.data || q.data.items.length === 0) return null;
  const items = q.data.items;
  return (
    <Paper withBorder p="md" component="section" aria-label="Occasions in the next 30 days">
      <Title order={2} fz="lg" mb="sm">
        Occasions in the next 30 days
      </Title>
      <Stack gap={6} component="ul" p={0} m={0} aria-label="Occasions">
        {items.slice(0, TOP).map((i) => (
          <Group
            key={`${i.customerId}-${i.kind}-${i.label}-${i.date}`}
            component="li"
            justify="space-between"
            wrap="nowrap"
            style={{ listStyle: 'none' }}
          >
            <div style={{ minWidth: 0 }}>
              <Anchor component={Link} to={`/customers/${i.customerId}`} fw={600}>
                {i.name}
              </Anchor>
              <Text size="sm" c="dimmed">
                {what(i)}
              </Text>
            </div>
            <Text size="sm" style={{ flexShrink: 0 }}>
              {i.date === q.data.from ? 'Today' : calendarDate(i.date)}
            </Text>
          </Group>
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

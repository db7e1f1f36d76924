import { Alert, Anchor, Group, Paper, SimpleGrid, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { errorMessage } from '../../lib/api.ts';
import { useComplaintSummary } from './api.ts';
import { usualDay } from './format.ts';

function Figure({ label, value, to, color }: { label: string; value: number; to: string; color?: string }) {
  return (
    <Anchor component={Link} to={to} underline="never" c="inherit" aria-label={`${label}: ${value}`}>
      <Text fz={26} fw={700} lh={1.1} c={value > 0 ? color : 'dimmed'}>
        {value}
      </Text>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
    </Anchor>
  );
}

/** Home dashboard tile: breaches, what breaches today unless handled, open complaints, follow-ups, surge. */
export function ComplaintsTile() {
  const q = useComplaintSummary();
  const s = q.data;
  return (
    <Paper withBorder p="md" component="section" aria-label="Complaints today">
      <Group justify="space-between" mb="sm">
        <Title order={2} fz="lg">
          Complaints
        </Title>
        <Anchor component={Link} to="/complaints" size="sm">
          Open the queue
        </Anchor>
      </Group>
      {q.isError ? (
        <Text size="sm" c="red">
          {errorMessage(q.error)}
        </Text>
      ) : !s ? (
        <Text size="sm" c="dimmed">
          Loading…
        </Text>
      ) : (
        <>
          {s.surge.surging && (
            <Alert color="red" p="xs" mb="sm" title="Surge">
              {s.surge.last24h} complaints in 24 h, {usualDay(s.surge)}
            </Alert>
          )}
          <SimpleGrid cols={4} spacing="xs">
            <Figure
              label="Breached"
              value={s.breached}
              to="/complaints?sla=breached&order=due"
              color="red.7"
            />
            <Figure label="Due today" value={s.dueToday} to="/complaints?order=due" color="orange.8" />
            <Figure label="Open" value={s.active} to="/complaints" color="dark" />
            <Figure label="Follow-ups" value={s.followUpsDue} to="/complaints?followUps=1" color="blue.7" />
          </SimpleGrid>
        </>
      )}
    </Paper>
  );
}

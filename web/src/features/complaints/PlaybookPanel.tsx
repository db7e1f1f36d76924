import { Blockquote, List, Paper, Stack, Text, Title } from '@mantine/core';
import { useMe } from '../../lib/session.ts';
import { QueryError } from '../shell/RouteError.tsx';
import { usePlaybook } from './api.ts';

/** 50000 whole units → "₦50,000" in the workspace's currency. */
const wholeUnits = (n: number, currency: string) => {
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency, maximumFractionDigits: 0 }).format(
      n,
    );
  } catch {
    return `${n.toLocaleString()} ${currency}`;
  }
};

const capitalFirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The do's and don'ts for difficult customers, and refund as the last resort: beside the complaint form. */
export function PlaybookPanel() {
  const pb = usePlaybook();
  const { workspace } = useMe();
  if (pb.isError) return <QueryError error={pb.error} onRetry={() => void pb.refetch()} />;
  if (!pb.data) return null;
  const p = pb.data;
  return (
    <Paper withBorder p="md" component="aside" aria-label="Playbook" bg="gray.0">
      <Stack gap="sm">
        <Title order={2} fz="lg">
          Playbook
        </Title>
        <Blockquote color="teal" p="sm" fz="sm" data-testid="playbook-value">
          {p.value.replace('{amount}', wholeUnits(p.valueAmount, workspace.currency))}
        </Blockquote>
        <div>
          <Text fw={600} size="sm" c="teal.8">
            Do
          </Text>
          <List size="sm" spacing={2}>
            {p.dos.map((d) => (
              <List.Item key={d}>{d}</List.Item>
            ))}
          </List>
        </div>
        <div>
          <Text fw={600} size="sm" c="red.8">
            Don’t
          </Text>
          <List size="sm" spacing={2}>
            {p.donts.map((d) => (
              <List.Item key={d}>{capitalFirst(d.replace(/^Don['’]t /, ''))}</List.Item>
            ))}
          </List>
        </div>
        <Text size="sm">
          <Text span fw={600}>
            Refunds:{' '}
          </Text>
          {p.refund}
        </Text>
        <div>
          <Text fw={600} size="sm">
            The steps
          </Text>
          <List size="sm" type="ordered" spacing={2}>
            {p.steps.map((s) => (
              <List.Item key={s.key}>
                <Text span fw={600} size="sm">
                  {s.title}:
                </Text>{' '}
                {s.prompt}
              </List.Item>
            ))}
          </List>
        </div>
      </Stack>
    </Paper>
  );
}

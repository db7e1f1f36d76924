import { Badge, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { money } from '../../lib/format.ts';
import { useMe } from '../../lib/session.ts';
import { PageLoader, QueryError } from '../shell/RouteError.tsx';
import { usePrediction, type CustomerPrediction } from './api.ts';
import { asOfText, decimal, percent, shortDate } from './format.ts';
import { segmentWords, stageWords } from './words.ts';

const TREND: Record<NonNullable<CustomerPrediction['trend']>, { label: string; color: string }> = {
  rising: { label: 'Spending more', color: 'teal' },
  flat: { label: 'Steady', color: 'gray' },
  falling: { label: 'Spending less', color: 'orange' },
};

function Figure({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" tt="uppercase" fw={700} c="dimmed" lts={0.4}>
        {label}
      </Text>
      <Text fw={600} size="md" style={{ overflowWrap: 'anywhere' }}>
        {children}
      </Text>
    </div>
  );
}

/** The customer's outlook from the latest refit: will they stay, buy again, and what are they worth. */
export function OutlookCard({ customerId }: { customerId: string }) {
  const { workspace } = useMe();
  const q = usePrediction(customerId);
  return (
    <Paper withBorder p="md" component="section" aria-label="Outlook">
      <Group justify="space-between" align="baseline" mb="sm" gap="xs">
        <Title order={2} fz="lg">
          Outlook
        </Title>
        {q.data?.asOf && (
          <Text size="xs" c="dimmed">
            {asOfText(q.data.asOf, workspace.timezone)}
          </Text>
        )}
      </Group>
      {q.isPending ? (
        <PageLoader label="Loading outlook…" />
      ) : q.isError ? (
        <QueryError error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <Outlook p={q.data} />
      )}
    </Paper>
  );
}

function Outlook({ p }: { p: CustomerPrediction }) {
  const trend = p.trend ? TREND[p.trend] : null;
  const stage = stageWords(p.lifecycleStage);
  const badges = (
    <Group gap={6}>
      {stage && (
        <Badge variant="light" color={stage.color} title={stage.meaning}>
          {stage.label}
        </Badge>
      )}
      {p.rfm && (
        <Badge variant="outline" color="gray" title={segmentWords(p.rfm.segment).meaning}>
          {segmentWords(p.rfm.segment).label}
        </Badge>
      )}
      {trend && (
        <Badge variant="light" color={trend.color}>
          {trend.label}
        </Badge>
      )}
    </Group>
  );
  if (p.status !== 'ready')
    return (
      <Stack gap="xs">
        <Text size="sm" c="dimmed">
          {p.reason ?? 'No forecast yet.'}
        </Text>
        {badges}
        {p.explanation && <Text size="sm">{p.explanation}</Text>}
      </Stack>
    );
  return (
    <Stack gap="sm">
      <SimpleGrid cols={2} spacing="sm" verticalSpacing="sm">
        <Figure label="Still a customer">
          {p.pAlive === null ? '—' : p.pAlive >= 0.995 ? 'Over 99%' : percent(p.pAlive)}
        </Figure>
        <Figure label="Purchases, 90 days">
          {p.expectedPurchases ? decimal(p.expectedPurchases.days90) : '—'}
        </Figure>
        <Figure label="Next purchase">
          {p.expectedNextPurchaseOn ? shortDate(p.expectedNextPurchaseOn) : 'Not expected'}
        </Figure>
        <Figure label="12-month value">{p.clv12m === null ? '—' : money(p.clv12m, p.currency)}</Figure>
      </SimpleGrid>
      {badges}
      {p.explanation && <Text size="sm">{p.explanation}</Text>}
    </Stack>
  );
}

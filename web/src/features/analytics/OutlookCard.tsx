import { Badge, Group, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { money } from '../../lib/format.ts';
import { useMe } from '../../lib/session.ts';
import { PageLoader, QueryError } from '../shell/RouteError.tsx';
import { usePrediction, type CustomerPrediction } from './api.ts';
import { asOfText, decimal, shortDate } from './format.ts';
import { segmentWords, stageWords } from './words.ts';

const TREND: Record<NonNullable<CustomerPrediction['trend']>, { label: string; color: string }> = {
  rising: { label: 'Spending more', color: 'teal' },
  flat: { label: 'Steady', color: 'gray' },
  falling: { label: 'Spending less', color: 'orange' },
};

/** A prediction as a sentence a shop owner reads: "Likely to buy again in the next 90 days: 15 %". */
function Sentence({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Text size="sm">
      {label}: <b style={{ overflowWrap: 'anywhere' }}>{children}</b>
    </Text>
  );
}

/** Whole percents, never "0 %" or "100 %" for a probability that is neither. */
function roundedPercent(p: number): string {
  if (p > 0 && p < 0.01) return 'under 1 %';
  if (p < 1 && p > 0.99) return 'over 99 %';
  return `${Math.round(p * 100)} %`;
}

/** 0.1 → "less than one", 1.4 → "about 1", 2.6 → "about 3". */
function purchasesInWords(n: number): string {
  if (n < 0.5) return 'less than one';
  return `about ${decimal(Math.round(n))}`;
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
      <Stack gap={6} role="group" aria-label="Predictions">
        <Sentence label="Likely to buy again in the next 90 days">
          {p.pBuyWithin ? roundedPercent(p.pBuyWithin.days90) : '—'}
        </Sentence>
        <Sentence label="Chance they are still a customer">
          {p.pAlive === null ? '—' : roundedPercent(p.pAlive)}
        </Sentence>
        <Sentence label="Purchases expected in the next 90 days">
          {p.expectedPurchases ? purchasesInWords(p.expectedPurchases.days90) : '—'}
        </Sentence>
        <Sentence label="Next purchase expected">
          {p.expectedNextPurchaseOn ? `around ${shortDate(p.expectedNextPurchaseOn)}` : 'not soon'}
        </Sentence>
        <Sentence label="Likely to spend in the next 12 months">
          {p.clv12m === null ? '—' : money(p.clv12m, p.currency)}
        </Sentence>
      </Stack>
      {badges}
      {p.explanation && <Text size="sm">{p.explanation}</Text>}
    </Stack>
  );
}

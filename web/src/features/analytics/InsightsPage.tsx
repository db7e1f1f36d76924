import '@mantine/charts/styles.css';
import { AreaChart, BarChart, LineChart } from '@mantine/charts';
import { Anchor, Button, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { analyticsKeys } from './api.ts';
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { errorMessage, isApiError } from '../../lib/api.ts';
import { money } from '../../lib/format.ts';
import { isOwner, useMe } from '../../lib/session.ts';
import { PageLoader, QueryError } from '../shell/RouteError.tsx';
import { analyticsApi, type CustomerList, type PredictionRun } from './api.ts';
import { asOfText, compactMoney, decimal, majorUnits, percent } from './format.ts';
import { InsightCard } from './InsightCard.tsx';

const H = 240;
const COHORT_COLORS = ['teal.6', 'blue.6', 'violet.6', 'orange.6', 'pink.6', 'yellow.7'];
const STEP_LABELS = { new: 'Bought once', repeat: 'Came back', loyal: 'Loyal' } as const;
const monthLabel = (ym: string) => {
  const [y, m] = ym.split('-').map(Number);
  if (!y || !m) return ym;
  return new Intl.DateTimeFormat(undefined, { month: 'short', year: '2-digit', timeZone: 'UTC' }).format(
    new Date(Date.UTC(y, m - 1, 1)),
  );
};

/** Insights (loaded on demand): where revenue comes from, who stays, who is slipping away and who is growing. */
export default function InsightsPage() {
  return (
    <Stack maw={1200} gap="md">
      <Title order={1} fz={24}>
        Insights
      </Title>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md" verticalSpacing="md">
        <RevenueCard />
        <FunnelCard />
        <CohortsCard />
        <SegmentsCard />
        <CustomersCard
          title="At risk"
          caption="Good customers who are late for their next purchase, most to lose first."
          queryKey="at-risk"
          fetch={() => analyticsApi.atRisk(10)}
        />
        <CustomersCard
          title="Rising"
          caption="Customers spending more than before, most valuable first."
          queryKey="rising"
          fetch={() => analyticsApi.rising(10)}
        />
      </SimpleGrid>
      <HoldoutCard />
    </Stack>
  );
}

function RevenueCard() {
  const q = useQuery({ queryKey: analyticsKeys.revenue, queryFn: analyticsApi.revenue });
  return (
    <InsightCard
      title="Revenue: new vs returning"
      caption="Each month's sales, split by first-time buyers and customers who came back."
      query={q}
    >
      {(d) => {
        const months = d.months.slice(-12);
        if (months.length === 0) return null;
        const data = months.map((m) => ({
          month: monthLabel(m.month),
          newRevenue: majorUnits(m.newRevenue, d.currency),
          returningRevenue: majorUnits(m.returningRevenue, d.currency),
        }));
        return (
          <BarChart
            h={H}
            data={data}
            dataKey="month"
            type="stacked"
            withLegend
            yAxisProps={{ width: 76 }}
            valueFormatter={(v) => compactMoney(v, d.currency)}
            series={[
              { name: 'returningRevenue', label: 'Returning customers', color: 'teal.6' },
              { name: 'newRevenue', label: 'New customers', color: 'blue.4' },
            ]}
          />
        );
      }}
    </InsightCard>
  );
}

function FunnelCard() {
  const q = useQuery({ queryKey: analyticsKeys.lifecycle, queryFn: analyticsApi.lifecycle });
  return (
    <InsightCard
      title="From first purchase to loyal"
      caption="How many customers bought once, came back, and kept coming back."
      query={q}
    >
      {(d) => {
        if (d.funnel.length === 0 || d.funnel.every((f) => f.customers === 0)) return null;
        const top = d.funnel[0]?.customers ?? 0;
        const data = d.funnel.map((f) => ({
          step: `${STEP_LABELS[f.step]} (${f.minPurchases}+)`,
          customers: f.customers,
        }));
        const last = d.funnel[d.funnel.length - 1];
        return (
          <Stack gap="xs">
            <AreaChart
              h={H}
              data={data}
              dataKey="step"
              curveType="linear"
              series={[{ name: 'customers', label: 'Customers', color: 'teal.6' }]}
            />
            {last && top > 0 && (
              <Text size="sm">
                {percent(last.customers / top)} of first-time buyers became loyal ({last.customers} of {top}).
              </Text>
            )}
          </Stack>
        );
      }}
    </InsightCard>
  );
}

function CohortsCard() {
  const q = useQuery({ queryKey: analyticsKeys.cohorts, queryFn: analyticsApi.cohorts });
  return (
    <InsightCard
      title="Who keeps buying"
      caption="Of the customers who first bought in a month, the share buying again each month after."
      query={q}
    >
      {(d) => {
        const cohorts = d.cohorts.filter((c) => c.customers > 0).slice(-6);
        if (cohorts.length === 0) return null;
        const months = Math.max(...cohorts.map((c) => c.retention.length));
        if (months < 2) return null;
        const data = Array.from({ length: months - 1 }, (_, i) => {
          const row: Record<string, number | string | null> = { month: `+${i + 1}` };
          for (const c of cohorts)
            row[c.cohort] = c.retention[i + 1] === undefined ? null : c.retention[i + 1]! * 100;
          return row;
        });
        return (
          <LineChart
            h={H}
            data={data}
            dataKey="month"
            withLegend
            curveType="linear"
            yAxisProps={{ domain: [0, 100] }}
            xAxisLabel="Months after the first purchase"
            valueFormatter={(v) => `${Math.round(v)}%`}
            series={cohorts.map((c, i) => ({
              name: c.cohort,
              label: `${monthLabel(c.cohort)} (${c.customers})`,
              color: COHORT_COLORS[i % COHORT_COLORS.length] ?? 'gray.6',
            }))}
          />
        );
      }}
    </InsightCard>
  );
}

function SegmentsCard() {
  const q = useQuery({ queryKey: analyticsKeys.segments, queryFn: analyticsApi.segments });
  return (
    <InsightCard
      title="Customer segments"
      caption="Customers grouped by how recently, how often and how much they buy."
      query={q}
    >
      {(d) => {
        const data = d.segments
          .filter((s) => s.customers > 0)
          .sort((a, b) => b.customers - a.customers)
          .map((s) => ({
            segment: s.segment.charAt(0).toUpperCase() + s.segment.slice(1),
            customers: s.customers,
          }));
        if (data.length === 0) return null;
        return (
          <BarChart
            h={Math.max(H, data.length * 28 + 40)}
            data={data}
            dataKey="segment"
            orientation="vertical"
            yAxisProps={{ width: 120 }}
            series={[{ name: 'customers', label: 'Customers', color: 'teal.6' }]}
          />
        );
      }}
    </InsightCard>
  );
}

function CustomersCard({
  title,
  caption,
  queryKey,
  fetch,
}: {
  title: string;
  caption: string;
  queryKey: string;
  fetch: () => Promise<CustomerList>;
}) {
  const q = useQuery({ queryKey: analyticsKeys.customers(queryKey), queryFn: fetch });
  return (
    <InsightCard title={title} caption={caption} query={q} empty="Nobody here right now.">
      {(d) =>
        d.items.length === 0 ? null : (
          <Stack gap="xs" component="ol" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
            {[...d.items]
              .sort((a, b) => b.valueAtStake - a.valueAtStake)
              .map((c) => (
                <li key={c.customerId}>
                  <Group justify="space-between" wrap="nowrap" gap="sm" align="flex-start">
                    <div style={{ minWidth: 0 }}>
                      <Anchor component={Link} to={`/customers/${c.customerId}`} fw={500}>
                        {c.name}
                      </Anchor>
                      <Text size="xs" c="dimmed">
                        {c.explanation}
                      </Text>
                    </div>
                    <Text
                      size="sm"
                      fw={600}
                      style={{ flexShrink: 0 }}
                      title="Value at stake: a year at their past pace"
                    >
                      {money(c.valueAtStake, d.currency)}
                    </Text>
                  </Group>
                </li>
              ))}
          </Stack>
        )
      }
    </InsightCard>
  );
}

/** The model's check on the workspace's own history: what it would have predicted vs what happened. */
function HoldoutCard() {
  const me = useMe();
  const qc = useQueryClient();
  const [waiting, setWaiting] = useState(false);
  const q = useQuery({
    queryKey: analyticsKeys.run,
    queryFn: analyticsApi.latestRun,
    refetchInterval: waiting ? 3000 : false,
  });
  const runId = q.data?.id;
  const seen = useRef(runId);
  useEffect(() => {
    if (runId && runId !== seen.current) {
      seen.current = runId;
      setWaiting(false);
      void qc.invalidateQueries({ queryKey: analyticsKeys.all });
    }
  }, [runId, qc]);
  const refit = useMutation({ mutationFn: analyticsApi.refit, onSuccess: () => setWaiting(true) });
  const owner = isOwner(me);
  const refitButton = owner && (
    <Group gap="sm">
      <Button
        size="xs"
        variant="light"
        loading={refit.isPending}
        disabled={waiting}
        onClick={() => refit.mutate()}
      >
        Refit now
      </Button>
      {waiting && (
        <Text size="xs" c="dimmed">
          Refitting in the background; this updates when it is done.
        </Text>
      )}
      {refit.isError && (
        <Text size="xs" c="red">
          {errorMessage(refit.error)}
        </Text>
      )}
    </Group>
  );
  const title = 'Does the model predict well?';
  const caption =
    'We hid the most recent stretch of history, predicted it, and compared: average purchases per customer, by how many times they had bought before.';
  if (q.isPending)
    return (
      <Paper withBorder p="md">
        <PageLoader />
      </Paper>
    );
  if (q.isError && !isApiError(q.error, 404))
    return (
      <Paper withBorder p="md">
        <QueryError error={q.error} onRetry={() => void q.refetch()} />
      </Paper>
    );
  return (
    <Paper withBorder p="md" component="section" aria-label={title} style={{ minWidth: 0 }}>
      <Stack gap="sm">
        <div>
          <Group justify="space-between" align="baseline" gap="xs">
            <Title order={2} fz="lg">
              {title}
            </Title>
            {q.data && (
              <Text size="xs" c="dimmed">
                {asOfText(q.data.asOf, me.workspace.timezone)}
              </Text>
            )}
          </Group>
          <Text size="sm" c="dimmed">
            {caption}
          </Text>
        </div>
        {q.data ? <Holdout run={q.data} /> : <Text fw={500}>No model fitted yet</Text>}
        {refitButton}
      </Stack>
    </Paper>
  );
}

function Holdout({ run }: { run: PredictionRun }) {
  const groups = run.diagnostics.holdout?.groups ?? [];
  if (groups.length === 0)
    return (
      <Text size="sm" c="dimmed">
        {run.reason ?? 'Not enough purchase history yet to check the model.'}
      </Text>
    );
  const data = groups.map((g) => ({
    purchases: g.purchases,
    actual: g.actual,
    predicted: g.predicted,
    customers: g.customers,
  }));
  const days = run.diagnostics.holdout?.holdoutDays;
  return (
    <Stack gap="xs">
      <BarChart
        h={H}
        data={data}
        dataKey="purchases"
        withLegend
        xAxisLabel="Purchases before the hidden stretch"
        valueFormatter={decimal}
        series={[
          { name: 'actual', label: 'Actual', color: 'teal.6' },
          { name: 'predicted', label: 'Predicted', color: 'gray.5' },
        ]}
      />
      {days !== undefined && (
        <Text size="xs" c="dimmed">
          Hidden stretch: the last {days} days. Bars close together mean the forecasts can be trusted.
        </Text>
      )}
    </Stack>
  );
}

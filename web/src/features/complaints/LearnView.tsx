import '@mantine/charts/styles.css';
import { BarChart } from '@mantine/charts';
import { Anchor, Group, List, Paper, SegmentedControl, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { complaintKeys } from './api.ts';
import { useMemo, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { PageLoader, QueryError } from '../shell/RouteError.tsx';
import { complaintsApi, type Learning } from './api.ts';
import { capitalise, duration, offerLabel } from './format.ts';

const H = 220;
const PERIODS = [
  { value: '30', label: '30 days' },
  { value: '90', label: '90 days' },
  { value: '365', label: 'A year' },
];
const pct = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 0 });
const hours = (m: number | null) => (m === null ? null : Math.round((m / 60) * 10) / 10);

/** What the complaints of a period teach: speed, breaches, refunds, recurrence and root causes (loaded on demand). */
export default function LearnView() {
  const [days, setDays] = useState('90');
  // Whole minutes, so the query key stays put between renders.
  const from = useMemo(() => {
    const d = new Date(Date.now() - Number(days) * 86_400_000);
    d.setSeconds(0, 0);
    return d.toISOString();
  }, [days]);
  const q = useQuery({ queryKey: complaintKeys.learn(days), queryFn: () => complaintsApi.learn(from) });
  return (
    <Stack gap="md">
      <Group justify="space-between" gap="sm">
        <Text size="sm" c="dimmed">
          Times are business hours, from when the customer complained.
        </Text>
        <SegmentedControl aria-label="Period" value={days} onChange={setDays} data={PERIODS} size="xs" />
      </Group>
      {q.isPending ? (
        <PageLoader />
      ) : q.isError ? (
        <QueryError error={q.error} onRetry={() => void q.refetch()} />
      ) : q.data.received === 0 ? (
        <Paper withBorder p="xl" ta="center">
          <Text fw={600}>No complaints in this period</Text>
          <Text size="sm" c="dimmed">
            When complaints come in, this shows how fast they were handled and what caused them.
          </Text>
        </Paper>
      ) : (
        <Learned l={q.data} />
      )}
    </Stack>
  );
}

function Stat({ label, value, hint }: { label: string; value: ReactNode; hint?: string }) {
  return (
    <Paper withBorder p="sm">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text fz={22} fw={700}>
        {value}
      </Text>
      {hint && (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      )}
    </Paper>
  );
}

function Card({ title, caption, children }: { title: string; caption: string; children: ReactNode }) {
  return (
    <Paper withBorder p="md" component="section" aria-label={title} style={{ minWidth: 0 }}>
      <Title order={2} fz="lg">
        {title}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {caption}
      </Text>
      {children}
    </Paper>
  );
}

const spreadText = (s: Learning['firstResponseMinutes']) => (s.median === null ? '—' : duration(s.median));

function Learned({ l }: { l: Learning }) {
  const speed = [
    {
      step: 'First response',
      median: hours(l.firstResponseMinutes.median),
      p90: hours(l.firstResponseMinutes.p90),
    },
    { step: 'Resolution', median: hours(l.resolutionMinutes.median), p90: hours(l.resolutionMinutes.p90) },
  ];
  const categories = l.categories.map((c) => ({
    category: capitalise(c.category),
    others: c.count - c.refunds,
    refunds: c.refunds,
  }));
  const resolutions = l.resolutions.map((r) => ({ kind: offerLabel(r.kind), count: r.count }));
  return (
    <Stack gap="md">
      <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
        <Stat label="Received" value={l.received} hint={`${l.resolved} resolved`} />
        <Stat
          label="First response"
          value={spreadText(l.firstResponseMinutes)}
          hint={
            l.firstResponseMinutes.p90 === null
              ? 'median'
              : `median · 90% within ${duration(l.firstResponseMinutes.p90)}`
          }
        />
        <Stat
          label="Resolution"
          value={spreadText(l.resolutionMinutes)}
          hint={
            l.resolutionMinutes.p90 === null
              ? 'median'
              : `median · 90% within ${duration(l.resolutionMinutes.p90)}`
          }
        />
        <Stat
          label="Breaches"
          value={l.breaches.complaints}
          hint={`${l.breaches.firstResponse} first response · ${l.breaches.resolution} resolution`}
        />
        <Stat
          label="Refund rate"
          value={l.refundRate === null ? '—' : pct.format(l.refundRate)}
          hint={`${l.refunds} refund${l.refunds === 1 ? '' : 's'}: the last resort`}
        />
        <Stat label="Reopened" value={l.recurrence.reopened} hint="came back after resolving" />
        <Stat
          label="Repeat complainers"
          value={l.recurrence.customers.length}
          hint="customers with 2+ complaints"
        />
        <Stat
          label="Last 24 h"
          value={l.surge.last24h}
          hint={`usual ${Math.round(l.surge.dailyMedian * 10) / 10} a day`}
        />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <Card
          title="How fast"
          caption="Business hours to first response and to resolution: median and the slowest 10%."
        >
          <BarChart
            h={H}
            data={speed}
            dataKey="step"
            withLegend
            valueFormatter={(v) => `${v} h`}
            series={[
              { name: 'median', label: 'Median', color: 'teal.6' },
              { name: 'p90', label: '90th percentile', color: 'orange.5' },
            ]}
          />
        </Card>
        <Card
          title="What customers complain about"
          caption="Complaints per category, and how many ended in a refund."
        >
          {categories.length === 0 ? (
            <Text size="sm" c="dimmed">
              No categories recorded yet: set one at intake.
            </Text>
          ) : (
            <BarChart
              h={Math.max(H, categories.length * 32 + 40)}
              data={categories}
              dataKey="category"
              orientation="vertical"
              type="stacked"
              withLegend
              yAxisProps={{ width: 100 }}
              xAxisProps={{ allowDecimals: false }}
              series={[
                { name: 'others', label: 'Not refunded', color: 'teal.6' },
                { name: 'refunds', label: 'Refunds', color: 'red.6' },
              ]}
            />
          )}
        </Card>
        <Card title="How they were resolved" caption="The option each customer chose.">
          {resolutions.length === 0 ? (
            <Text size="sm" c="dimmed">
              Nothing resolved in this period yet.
            </Text>
          ) : (
            <BarChart
              h={H}
              data={resolutions}
              dataKey="kind"
              series={[{ name: 'count', label: 'Complaints', color: 'blue.6' }]}
            />
          )}
        </Card>
        <Card
          title="Root causes"
          caption="Why it went wrong, by category: fix the cause, not just the complaint."
        >
          <RootCauses l={l} />
        </Card>
        <Card title="Recurring" caption="Customers and products that keep coming back with complaints.">
          <SimpleGrid cols={2} spacing="sm">
            <div>
              <Text size="sm" fw={600}>
                Customers
              </Text>
              {l.recurrence.customers.length === 0 ? (
                <Text size="sm" c="dimmed">
                  None twice.
                </Text>
              ) : (
                <List size="sm" spacing={2}>
                  {l.recurrence.customers.slice(0, 8).map((c) => (
                    <List.Item key={c.customerId}>
                      <Anchor component={Link} to={`/customers/${c.customerId}`} size="sm">
                        {c.name}
                      </Anchor>{' '}
                      ({c.count})
                    </List.Item>
                  ))}
                </List>
              )}
            </div>
            <div>
              <Text size="sm" fw={600}>
                Products
              </Text>
              {l.recurrence.products.length === 0 ? (
                <Text size="sm" c="dimmed">
                  None twice.
                </Text>
              ) : (
                <List size="sm" spacing={2}>
                  {l.recurrence.products.slice(0, 8).map((p) => (
                    <List.Item key={p.product}>
                      {p.product} ({p.count})
                    </List.Item>
                  ))}
                </List>
              )}
            </div>
          </SimpleGrid>
        </Card>
      </SimpleGrid>
    </Stack>
  );
}

function RootCauses({ l }: { l: Learning }) {
  const withCauses = l.categories.filter((c) => c.rootCauses.length > 0);
  if (withCauses.length === 0)
    return (
      <Text size="sm" c="dimmed">
        No root causes recorded yet: note one when resolving.
      </Text>
    );
  return (
    <Stack gap="xs">
      {withCauses.map((c) => (
        <div key={c.category}>
          <Text size="sm" fw={600}>
            {capitalise(c.category)}
            {c.medianResolutionMinutes !== null && (
              <Text span size="xs" c="dimmed" fw={400}>
                {' '}
                · resolved in {duration(c.medianResolutionMinutes)} (median)
              </Text>
            )}
          </Text>
          <List size="sm" spacing={0}>
            {c.rootCauses.slice(0, 5).map((r) => (
              <List.Item key={r.rootCause}>
                {r.rootCause} ({r.count})
              </List.Item>
            ))}
          </List>
        </div>
      ))}
    </Stack>
  );
}

import '@mantine/charts/styles.css';
import { AreaChart, BarChart, LineChart } from '@mantine/charts';
import {
  Anchor,
  Badge,
  Button,
  Group,
  Paper,
  SimpleGrid,
  Stack,
  Text,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { analyticsKeys, type MembersOf, type Stage } from './api.ts';
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { errorMessage, isApiError } from '../../lib/api.ts';
import { money } from '../../lib/format.ts';
import { isOwner, useMe } from '../../lib/session.ts';
import { PageLoader, QueryError } from '../shell/RouteError.tsx';
import { analyticsApi, type CustomerList, type PredictionRun } from './api.ts';
import { asOfText, compactMoney, decimal, majorUnits, percent, wholeMoney } from './format.ts';
import { InsightCard, type QueryLike } from './InsightCard.tsx';
import { ProfitCard, SuggestionsCard, WalletCard } from '../grow/GrowCards.tsx';
import { RULE_TEXT, segmentWords, stageWords } from './words.ts';
import { DefectionCard, NpsCard } from '../retention/RetentionInsights.tsx';

/** Money rounded for reading, the exact figure on hover. */
export function Money({ minor, currency }: { minor: number; currency: string }) {
  return <span title={money(minor, currency)}>{wholeMoney(minor, currency)}</span>;
}

const H = 240;
const COHORT_COLORS = ['teal.6', 'blue.6', 'violet.6', 'orange.6', 'pink.6', 'yellow.7'];
const STEP_LABELS = { new: 'Bought once', repeat: 'Came back', loyal: 'Loyal' } as const;
const monthName = (ym: string) => {
  const [y, m] = ym.split('-').map(Number);
  if (!y || !m) return ym;
  return new Intl.DateTimeFormat(undefined, { month: 'long', timeZone: 'UTC' }).format(
    new Date(Date.UTC(y, m - 1, 1)),
  );
};
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
        <StatusCard />
        <WinBackCard />
        <SegmentsCard />
        <CustomersCard
          title="At risk"
          caption={RULE_TEXT.atRisk}
          queryKey="at-risk"
          fetch={analyticsApi.atRisk}
          order="most at stake first (a year at their past pace, on the right)"
          action={{ to: '/messages/campaigns/new?audience=at_risk', label: 'Win back the at-risk customers' }}
        />
        <CustomersCard
          title="Lapsed"
          caption={RULE_TEXT.lapsed}
          queryKey="lapsed"
          fetch={analyticsApi.lapsed}
          order="most at stake first (a year at their past pace, on the right)"
          action={{ to: '/messages/campaigns/new?audience=lapsed', label: 'Ask the lapsed customers back' }}
        />
        <CustomersCard
          title="Rising"
          caption="Customers spending more than before, and still on their rhythm; fastest growing first."
          queryKey="rising"
          fetch={(limit, cursor) => analyticsApi.rising(limit, cursor)}
          order="fastest growing first"
        />
        <DefectionCard />
        <NpsCard />
        <SuggestionsCard />
        <WalletCard />
        <ProfitCard />
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
      caption="Each month's sales, split by first-time buyers and customers who came back. This month is not over: its bar is grey."
      query={q}
    >
      {(d) => {
        const months = d.months.slice(-12);
        if (months.length === 0 || months.every((m) => m.newRevenue + m.returningRevenue === 0)) return null;
        const current = months[months.length - 1];
        const partial = current?.partial ? current : undefined;
        // the month still filling in is drawn apart (grey, "so far"), never as a collapse of the bar before it
        const data = months.map((m) => ({
          month: m.partial ? `${monthLabel(m.month)} (so far)` : monthLabel(m.month),
          newRevenue: m.partial ? 0 : majorUnits(m.newRevenue, d.currency),
          returningRevenue: m.partial ? 0 : majorUnits(m.returningRevenue, d.currency),
          soFar: m.partial ? majorUnits(m.newRevenue + m.returningRevenue, d.currency) : 0,
        }));
        const same = d.sameDaysLastMonth;
        return (
          <Stack gap="xs">
            <BarChart
              h={H}
              data={data}
              dataKey="month"
              type="stacked"
              withLegend
              yAxisProps={{ width: 76, allowDecimals: false }}
              valueFormatter={(v) => compactMoney(v, d.currency)}
              series={[
                { name: 'returningRevenue', label: 'Returning customers', color: 'teal.6' },
                { name: 'newRevenue', label: 'New customers', color: 'blue.4' },
                { name: 'soFar', label: 'This month so far', color: 'gray.4' },
              ]}
            />
            {partial && (
              <Text size="sm" data-testid="partial-month">
                {monthName(partial.month)} so far ({partial.daysCovered} of {partial.daysInMonth} days):{' '}
                <Money minor={partial.newRevenue + partial.returningRevenue} currency={d.currency} />
                {same && (
                  <>
                    {' '}
                    — the same {same.days} days of {monthName(same.month)}:{' '}
                    <Money minor={same.revenue} currency={d.currency} />
                  </>
                )}
                .
              </Text>
            )}
          </Stack>
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
              yAxisProps={{ allowDecimals: false }}
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
      caption="Of the customers who first bought in a month, the share buying again each month after. Curves stop at the last complete month."
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
            yAxisProps={{ domain: [0, 100], allowDecimals: false }}
            connectNulls={false}
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
  const [picked, setPicked] = useState<string | null>(null);
  return (
    <InsightCard
      title="Customer segments"
      caption="Customers grouped by how recently, how often and how much they buy. Pick one to see who is in it."
      query={q}
    >
      {(d) => {
        const groups = d.segments.filter((s) => s.customers > 0).sort((a, b) => b.customers - a.customers);
        if (groups.length === 0) return null;
        const data = groups.map((s) => ({ segment: segmentWords(s.segment).label, customers: s.customers }));
        return (
          <Stack gap="sm">
            <BarChart
              h={Math.max(H, data.length * 28 + 40)}
              data={data}
              dataKey="segment"
              orientation="vertical"
              yAxisProps={{ width: 130 }}
              xAxisProps={{ allowDecimals: false }}
              barProps={{
                cursor: 'pointer',
                onClick: (_: unknown, i: number) => setPicked(groups[i]?.segment ?? null),
              }}
              series={[{ name: 'customers', label: 'Customers', color: 'teal.6' }]}
            />
            <GroupPicker
              items={groups.map((g) => ({
                key: g.segment,
                customers: g.customers,
                ...segmentWords(g.segment),
              }))}
              picked={picked}
              onPick={setPicked}
            />
            {picked && <Members by={{ segment: picked }} title={segmentWords(picked).label} />}
          </Stack>
        );
      }}
    </InsightCard>
  );
}

const dayLabel = (ymd: string) =>
  new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(
    new Date(`${ymd}T00:00:00Z`),
  );

/** The win-back rate: of those at risk or lapsed when each 90-day window began, how many bought again in it. */
function WinBackCard() {
  const q = useQuery({ queryKey: analyticsKeys.lifecycle, queryFn: analyticsApi.lifecycle });
  return (
    <InsightCard
      title="Won back"
      caption="Of the customers at risk or lapsed when each 90-day window began (judged with what was known that day), the share who bought again within it."
      query={q}
    >
      {(d) => {
        const windows = d.winBack.filter((w) => w.atRiskOrLapsed > 0);
        const last = windows[windows.length - 1];
        if (!last) return null;
        const data = windows.map((w) => ({
          window: `${dayLabel(w.from)} – ${dayLabel(w.to)}`,
          rate: Math.round((w.rate ?? 0) * 1000) / 10,
        }));
        return (
          <Stack gap="xs">
            <BarChart
              h={H}
              data={data}
              dataKey="window"
              yAxisProps={{ domain: [0, 'auto'] }}
              valueFormatter={(v) => `${v} %`}
              series={[{ name: 'rate', label: 'Won back', color: 'teal.6' }]}
            />
            <Text size="sm" data-testid="win-back-rate">
              In the last 90 days {percent(last.rate ?? 0)} came back: {last.returned} of the{' '}
              {last.atRiskOrLapsed} customers who were at risk or lapsed 90 days ago bought again, spending{' '}
              <Money minor={last.revenue} currency={d.currency} />.
            </Text>
          </Stack>
        );
      }}
    </InsightCard>
  );
}

/** Lifecycle stages now: what each means, what to do, and who is in it. */
function StatusCard() {
  const q = useQuery({ queryKey: analyticsKeys.lifecycle, queryFn: analyticsApi.lifecycle });
  const [picked, setPicked] = useState<string | null>(null);
  return (
    <InsightCard
      title="Where customers stand"
      caption="Every customer's status today, from their own rhythm and the model's forecast. Pick one to see who."
      query={q}
    >
      {(d) => {
        const stages = d.stages.filter((s) => s.customers > 0);
        if (stages.length === 0) return null;
        return (
          <Stack gap="sm">
            <GroupPicker
              items={stages.map((s) => ({
                key: s.stage,
                customers: s.customers,
                ...(stageWords(s.stage) ?? { label: s.stage, meaning: '', todo: '', color: 'gray' }),
              }))}
              picked={picked}
              onPick={setPicked}
            />
            <Text size="xs" c="dimmed">
              {RULE_TEXT.atRisk} {RULE_TEXT.lapsed}
            </Text>
            {picked && (
              <Members by={{ stage: picked as Stage }} title={stageWords(picked)?.label ?? picked} />
            )}
          </Stack>
        );
      }}
    </InsightCard>
  );
}

/** One button per group: name, count, a one-line meaning and what to do. */
function GroupPicker({
  items,
  picked,
  onPick,
}: {
  items: {
    key: string;
    label: string;
    customers: number;
    meaning: string;
    todo: string;
    color?: string | undefined;
  }[];
  picked: string | null;
  onPick: (key: string | null) => void;
}) {
  return (
    <Stack gap={4} component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
      {items.map((g) => (
        <li key={g.key}>
          <UnstyledButton
            className="row-link"
            data-active={picked === g.key}
            aria-pressed={picked === g.key}
            onClick={() => onPick(picked === g.key ? null : g.key)}
            p={6}
            w="100%"
          >
            <Group justify="space-between" wrap="nowrap" gap="sm" align="flex-start">
              <div style={{ minWidth: 0 }}>
                <Group gap={6}>
                  {g.color ? (
                    <Badge variant="light" color={g.color}>
                      {g.label}
                    </Badge>
                  ) : (
                    <Text fw={600} size="sm">
                      {g.label}
                    </Text>
                  )}
                </Group>
                <Text size="xs" c="dimmed">
                  {g.meaning} {g.todo && `— ${g.todo}`}
                </Text>
              </div>
              <Text size="sm" fw={600} style={{ flexShrink: 0 }}>
                {g.customers.toLocaleString()}
              </Text>
            </Group>
          </UnstyledButton>
        </li>
      ))}
    </Stack>
  );
}

/** The customers of a segment or stage, most at stake first, 20 at a time. */
function Members({ by, title }: { by: MembersOf; title: string }) {
  const q = useInfiniteQuery({
    queryKey: analyticsKeys.members(by),
    queryFn: ({ pageParam }) => analyticsApi.members(by, 20, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  if (q.isPending) return <PageLoader />;
  if (q.isError) return <QueryError error={q.error} onRetry={() => void q.refetch()} />;
  const items = q.data.pages.flatMap((p) => p.items);
  const currency = q.data.pages[0]?.currency ?? 'USD';
  return (
    <section aria-label={`Customers: ${title}`}>
      <CustomerRows items={items} currency={currency} />
      {q.hasNextPage && (
        <Button
          variant="subtle"
          size="xs"
          mt="xs"
          loading={q.isFetchingNextPage}
          onClick={() => void q.fetchNextPage()}
        >
          Show more
        </Button>
      )}
    </section>
  );
}

function CustomerRows({ items, currency }: { items: CustomerList['items']; currency: string }) {
  return (
    <Stack gap="xs" component="ol" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
      {items.map((c) => {
        const stage = stageWords(c.lifecycleStage);
        return (
          <li key={c.customerId} data-stage={c.lifecycleStage} data-p-alive={c.pAlive ?? ''}>
            <Group justify="space-between" wrap="nowrap" gap="sm" align="flex-start">
              <div style={{ minWidth: 0 }}>
                <Group gap={6} wrap="nowrap">
                  <Anchor component={Link} to={`/customers/${c.customerId}`} fw={500}>
                    {c.name}
                  </Anchor>
                  {stage && (
                    <Badge size="xs" variant="light" color={stage.color}>
                      {stage.label}
                    </Badge>
                  )}
                </Group>
                <Text size="xs" c="dimmed">
                  {c.explanation}
                  {c.pAlive !== null && `; still a customer: ${percent(c.pAlive)}`}
                </Text>
              </div>
              <Text size="sm" fw={600} style={{ flexShrink: 0 }}>
                <Money minor={c.valueAtStake} currency={currency} />
              </Text>
            </Group>
          </li>
        );
      })}
    </Stack>
  );
}

function CustomersCard({
  title,
  caption,
  queryKey,
  fetch,
  order,
  action,
}: {
  title: string;
  caption: string;
  queryKey: string;
  fetch: (limit: number, cursor?: string) => Promise<CustomerList>;
  order: string;
  /** A campaign to start for these customers (a message to all of them). */
  action?: { to: string; label: string };
}) {
  const q = useInfiniteQuery({
    queryKey: analyticsKeys.customers(queryKey),
    queryFn: ({ pageParam }) => fetch(10, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const pages = q.data?.pages;
  const first = pages?.[0];
  const joined = first && pages ? { ...first, items: pages.flatMap((p) => p.items) } : undefined;
  const view = (
    q.isPending
      ? { isPending: true, isError: false, data: undefined, error: null, refetch: q.refetch }
      : q.isError
        ? { isPending: false, isError: true, data: joined, error: q.error, refetch: q.refetch }
        : { isPending: false, isError: false, data: joined, error: null, refetch: q.refetch }
  ) as QueryLike<CustomerList>;
  return (
    <InsightCard title={title} caption={caption} query={view} empty="Nobody here right now.">
      {(d) =>
        d.items.length === 0 ? null : (
          <Stack gap="xs">
            {d.total !== null && (
              <Text size="xs" c="dimmed">
                {d.total.toLocaleString()} customer{d.total === 1 ? '' : 's'}, {order}.
              </Text>
            )}
            {action && (
              <Group>
                <Button component={Link} to={action.to} size="xs" variant="light">
                  {action.label}
                </Button>
              </Group>
            )}
            <CustomerRows items={d.items} currency={d.currency} />
            {q.hasNextPage && (
              <Button
                variant="subtle"
                size="xs"
                loading={q.isFetchingNextPage}
                onClick={() => void q.fetchNextPage()}
              >
                Show more
              </Button>
            )}
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
        Update predictions
      </Button>
      {waiting && (
        <Text size="xs" c="dimmed">
          Updating in the background; this page refreshes when it is done.
        </Text>
      )}
      {refit.isError && (
        <Text size="xs" c="red">
          {errorMessage(refit.error)}
        </Text>
      )}
    </Group>
  );
  const title = 'Can the predictions be trusted?';
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
        {q.data ? <Holdout run={q.data} /> : <Text fw={500}>No predictions yet</Text>}
        {refitButton}
      </Stack>
    </Paper>
  );
}

const NO_CHECK_YET =
  'Not enough repeat purchases yet to check the predictions: they get better as more customers come back.';

function Holdout({ run }: { run: PredictionRun }) {
  const groups = run.diagnostics.holdout?.groups ?? [];
  // no check yet: a plain sentence; the model's own (technical) reason stays one click away
  if (groups.length === 0)
    return (
      <Stack gap={4}>
        <Text size="sm" c="dimmed">
          {NO_CHECK_YET}
        </Text>
        {run.reason && (
          <Text component="details" size="xs" c="dimmed">
            <Text component="summary" size="xs" style={{ cursor: 'pointer' }}>
              Details
            </Text>
            <Text size="xs" c="dimmed" mt={4}>
              {run.reason}
            </Text>
          </Text>
        )}
      </Stack>
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

import '@mantine/charts/styles.css';
import { LineChart } from '@mantine/charts';
import {
  Anchor,
  Badge,
  Button,
  Group,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { isOwner, useMe } from '../../lib/session.ts';
import { PageLoader, QueryError } from '../shell/RouteError.tsx';
import {
  countText,
  figureText,
  scorecardApi,
  scorecardKeys,
  type Figure,
  type PeriodKind,
  type Scorecard,
} from './api.ts';
import { TargetsForm } from './TargetsForm.tsx';
import '../outreach/outreach.css';

/** Scorecard (loaded on demand): do we do what we say? Each figure with its target, trend and customers. */
export default function ScorecardPage() {
  const me = useMe();
  const owner = isOwner(me);
  const [params, setParams] = useSearchParams();
  const period = (params.get('period') === 'month' ? 'month' : 'week') as PeriodKind;
  const userId = params.get('user');
  const [editing, setEditing] = useState(false);
  const q = useQuery({
    queryKey: scorecardKeys.card(period, userId),
    queryFn: () => scorecardApi.get(period, userId),
  });
  const set = (k: string, v: string | null) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    setParams(next, { replace: true });
  };
  return (
    <Stack maw={1200} gap="md">
      <Group justify="space-between" align="flex-end" gap="sm">
        <div>
          <Title order={1} fz={24}>
            Scorecard
          </Title>
          <Text size="sm" c="dimmed">
            How we treat our customers: do we do what we say, answer fast, and know them?
          </Text>
        </div>
        <Group gap="sm" align="flex-end" wrap="wrap">
          <SegmentedControl
            aria-label="By"
            value={period}
            onChange={(v) => set('period', v === 'week' ? null : v)}
            data={[
              { value: 'week', label: 'By week' },
              { value: 'month', label: 'By month' },
            ]}
          />
          {q.data && (
            <Select
              label="Whose figures"
              w={200}
              value={userId ?? ''}
              onChange={(v) => set('user', v || null)}
              allowDeselect={false}
              data={[
                { value: '', label: 'The whole business' },
                ...q.data.staff.map((s) => ({ value: s.userId, label: s.name })),
              ]}
            />
          )}
          {owner && (
            <Button variant="default" onClick={() => setEditing((e) => !e)} aria-expanded={editing}>
              {editing ? 'Close targets' : 'Set targets'}
            </Button>
          )}
        </Group>
      </Group>
      {q.isPending ? (
        <PageLoader />
      ) : q.isError ? (
        <QueryError error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <>
          {editing && owner && <TargetsForm card={q.data} onDone={() => setEditing(false)} />}
          <Text size="sm" c="dimmed">
            {q.data.periods[0]?.label} to {q.data.periods.at(-1)?.label.replace('Week of ', 'the week of ')} (
            {q.data.timezone}). An active customer bought something in the {q.data.activeDays} days before the
            end of the period.
          </Text>
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md" verticalSpacing="md">
            {q.data.metrics.map((f) => (
              <FigureCard key={f.metric} f={f} card={q.data} userId={userId} />
            ))}
          </SimpleGrid>
          {owner && !userId && q.data.staff.length > 0 && <PeopleTable card={q.data} />}
        </>
      )}
    </Stack>
  );
}

/** A period's key (its first local day) as an axis label: "12 Oct" or "Oct 26". */
const shortDate = (key: string, period: PeriodKind) =>
  new Intl.DateTimeFormat(undefined, {
    timeZone: 'UTC',
    ...(period === 'week' ? { day: 'numeric', month: 'short' } : { month: 'short', year: '2-digit' }),
  }).format(new Date(`${key}T00:00:00Z`));
/** A value short enough for a chart's axis. */
const axisText = (unit: Figure['unit'], v: number) =>
  unit === 'percent'
    ? `${v}%`
    : unit === 'minutes'
      ? `${v}m`
      : unit === 'hours'
        ? `${v}h`
        : unit === 'score' && v > 0
          ? `+${v}`
          : `${v}`;

function FigureCard({ f, card, userId }: { f: Figure; card: Scorecard; userId: string | null }) {
  const data = f.trend.map((p) => ({ period: shortDate(p.period, card.period), value: p.value }));
  const to = `/scorecard/${f.metric}?period=${card.period}${userId && f.perPerson ? `&user=${userId}` : ''}`;
  return (
    <Paper withBorder p="md" component="section" aria-label={f.label} style={{ minWidth: 0 }}>
      <Stack gap={6}>
        <Title order={2} fz="md">
          {f.label}
        </Title>
        <Group justify="space-between" align="flex-end" gap="xs">
          <div className="count-figure" data-testid={`figure-${f.metric}`}>
            {figureText(f.unit, f.value)}
          </div>
          {f.target !== null && (
            <Badge color={f.met === null ? 'gray' : f.met ? 'teal' : 'red'} variant="light">
              {f.met === null ? 'No figure yet' : f.met ? 'On target' : 'Below target'}
            </Badge>
          )}
        </Group>
        <Text size="sm">{countText(f)}</Text>
        <Text size="sm" c="dimmed">
          {f.target === null
            ? 'No target set'
            : `Target: ${f.better === 'lower' ? 'at most' : 'at least'} ${figureText(f.unit, f.target)}`}
          {!f.perPerson && userId ? ' · the whole business' : ''}
        </Text>
        {data.length > 1 && data.some((d) => d.value !== null) && (
          <div
            role="img"
            aria-label={`${f.label} by ${card.period}: ${f.trend
              .map((p) => `${p.period}: ${figureText(f.unit, p.value)}`)
              .join(', ')}`}
          >
            <LineChart
              h={120}
              data={data}
              dataKey="period"
              withDots
              connectNulls={false}
              yAxisProps={{ width: 44 }}
              valueFormatter={(v) => axisText(f.unit, v)}
              referenceLines={f.target === null ? [] : [{ y: f.target, color: 'gray.6' }]}
              series={[{ name: 'value', label: f.label, color: 'teal.7' }]}
            />
          </div>
        )}
        <Anchor component={Link} to={to} size="sm">
          See the customers
        </Anchor>
      </Stack>
    </Paper>
  );
}

/** Each person's figures, for the figures that belong to people. */
function PeopleTable({ card }: { card: Scorecard }) {
  const figs = card.metrics.filter((m) => m.perPerson);
  return (
    <Paper withBorder p="md" component="section" aria-label="By staff member">
      <Title order={2} fz="lg" mb="xs">
        By staff member
      </Title>
      <Table.ScrollContainer minWidth={720}>
        <Table aria-label="Figures by staff member" verticalSpacing={4} fz="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Staff member</Table.Th>
              {figs.map((f) => (
                <Table.Th key={f.metric} ta="right">
                  {f.label}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {card.staff.map((s) => (
              <Table.Tr key={s.userId}>
                <Table.Td>
                  <Anchor component={Link} to={`/scorecard?period=${card.period}&user=${s.userId}`}>
                    {s.name}
                  </Anchor>
                </Table.Td>
                {figs.map((f) => {
                  const p = f.staff.find((x) => x.userId === s.userId);
                  return (
                    <Table.Td key={f.metric} ta="right">
                      {figureText(f.unit, p?.value ?? null)}
                    </Table.Td>
                  );
                })}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}

import { BarChart, LineChart } from '@mantine/charts';
import { Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { money } from '../../lib/format.ts';
import { useMe } from '../../lib/session.ts';
import { PageLoader, QueryError } from '../shell/RouteError.tsx';
import { retentionApi, retentionKeys, type DefectionReport, type NpsReport } from './api.ts';
import '../outreach/outreach.css';

const H = 220;
const REASON_COLORS = ['red.7', 'orange.6', 'yellow.7', 'grape.6', 'blue.6', 'teal.6', 'gray.6'];
const monthLabel = (ym: string) => {
  const [y, m] = ym.split('-').map(Number);
  if (!y || !m) return ym;
  return new Intl.DateTimeFormat(undefined, { month: 'short', year: '2-digit', timeZone: 'UTC' }).format(
    new Date(Date.UTC(y, m - 1, 1)),
  );
};

function Card({ title, caption, children }: { title: string; caption: string; children: ReactNode }) {
  return (
    <Paper withBorder p="md" component="section" aria-label={title} style={{ minWidth: 0 }}>
      <Stack gap="sm">
        <div>
          <Title order={2} fz="lg">
            {title}
          </Title>
          <Text size="sm" c="dimmed">
            {caption}
          </Text>
        </div>
        {children}
      </Stack>
    </Paper>
  );
}

/** "Why customers left": the survey answers by reason with the value lost, and by month. */
export function DefectionCard() {
  const q = useQuery({ queryKey: retentionKeys.defection, queryFn: retentionApi.defection });
  return (
    <Card
      title="Why customers left"
      caption="Answers to the “why did you stop?” survey that win-back messages link to, over the last year. Value lost: what those customers were expected to spend."
    >
      {q.isPending ? (
        <PageLoader />
      ) : q.isError ? (
        <QueryError error={q.error} onRetry={() => void q.refetch()} />
      ) : q.data.total === 0 ? (
        <Text size="sm" c="dimmed" py="lg">
          No answers yet. Tick “Ask why they stopped” on a win-back campaign and the answers show here.
        </Text>
      ) : (
        <Defection d={q.data} />
      )}
    </Card>
  );
}

function Defection({ d }: { d: DefectionReport }) {
  const { workspace } = useMe();
  const reasons = d.reasons.filter((r) => r.count > 0);
  const color = (reason: string) =>
    REASON_COLORS[d.reasons.findIndex((r) => r.reason === reason) % REASON_COLORS.length] ?? 'gray.6';
  const data = d.months.map((m) => ({ month: monthLabel(m.month), ...m.counts }));
  return (
    <Stack gap="sm">
      <Table aria-label="Reasons" striped={false} verticalSpacing={4} fz="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Reason</Table.Th>
            <Table.Th ta="right">Answers</Table.Th>
            <Table.Th ta="right">Value lost</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {reasons.map((r) => (
            <Table.Tr key={r.reason}>
              <Table.Td>{r.label}</Table.Td>
              <Table.Td ta="right">{r.count.toLocaleString()}</Table.Td>
              <Table.Td ta="right">{money(r.valueLost, workspace.currency)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {data.length > 0 && (
        <BarChart
          h={H}
          data={data}
          dataKey="month"
          type="stacked"
          withLegend
          yAxisProps={{ allowDecimals: false, width: 32 }}
          series={reasons.map((r) => ({ name: r.reason, label: r.label, color: color(r.reason) }))}
        />
      )}
      <Text size="sm">
        {d.mayContact.toLocaleString()} said you may contact them
        {d.complaints > 0 &&
          `; ${d.complaints.toLocaleString()} answer${d.complaints === 1 ? '' : 's'} opened a complaint`}
        .
      </Text>
    </Stack>
  );
}

const npsText = (n: number | null) => (n === null ? '—' : `${n > 0 ? '+' : ''}${Math.round(n)}`);

/** NPS: the score, over months, and by the staff member who served them. */
export function NpsCard() {
  const q = useQuery({ queryKey: retentionKeys.nps, queryFn: retentionApi.nps });
  return (
    <Card
      title="Would they recommend you? (NPS)"
      caption="From 0–10 answers after purchases and closed complaints: the share who would recommend you (9–10) minus those who would not (0–6), from −100 to +100."
    >
      {q.isPending ? (
        <PageLoader />
      ) : q.isError ? (
        <QueryError error={q.error} onRetry={() => void q.refetch()} />
      ) : q.data.overall.n === 0 ? (
        <Text size="sm" c="dimmed" py="lg">
          No answers yet. Turn the question on in Settings → Keeping customers.
        </Text>
      ) : (
        <Nps d={q.data} />
      )}
    </Card>
  );
}

function Nps({ d }: { d: NpsReport }) {
  const o = d.overall;
  const data = d.months.map((m) => ({ month: monthLabel(m.month), nps: m.nps }));
  return (
    <Stack gap="sm">
      <Group gap="xl" align="flex-end">
        <div role="group" aria-label="NPS">
          <div className="count-figure" data-testid="nps-score">
            {npsText(o.nps)}
          </div>
          <Text size="sm" c="dimmed">
            NPS, from {o.n.toLocaleString()} answer{o.n === 1 ? '' : 's'}
          </Text>
        </div>
        <Text size="sm">
          {o.promoters.toLocaleString()} would recommend you, {o.passives.toLocaleString()} neutral,{' '}
          {o.detractors.toLocaleString()} would not.
        </Text>
      </Group>
      {data.length > 1 && (
        <LineChart
          h={H}
          data={data}
          dataKey="month"
          yAxisProps={{ domain: [-100, 100], width: 40 }}
          valueFormatter={(v) => npsText(v)}
          connectNulls={false}
          series={[{ name: 'nps', label: 'NPS', color: 'teal.7' }]}
        />
      )}
      {d.staff.length > 0 && (
        <Table aria-label="NPS by staff member" verticalSpacing={4} fz="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Served by</Table.Th>
              <Table.Th ta="right">Answers</Table.Th>
              <Table.Th ta="right">NPS</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {d.staff.map((s) => (
              <Table.Tr key={s.staffId ?? 'nobody'}>
                <Table.Td>{s.name}</Table.Td>
                <Table.Td ta="right">{s.n.toLocaleString()}</Table.Td>
                <Table.Td ta="right">{npsText(s.nps)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

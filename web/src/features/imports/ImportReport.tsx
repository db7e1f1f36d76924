import { Alert, Anchor, Badge, Button, Group, Paper, Progress, Stack, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { importKeys } from './api.ts';
import { customerKeys } from '../customers/queries.ts';
import { useEffect } from 'react';
import { Link } from 'react-router';
import { timeAgo } from '../../lib/format.ts';
import { QueryError } from '../shell/RouteError.tsx';
import { dataApi, type ImportCounts, type ImportRun } from './api.ts';
import { fileSize, presetLabel, RejectedList, usePresets } from './shared.tsx';

const STATUS = {
  running: { label: 'Running', color: 'blue' },
  done: { label: 'Done', color: 'teal' },
  failed: { label: 'Failed', color: 'red' },
} as const;

const n = (v: number) => v.toLocaleString();

/** How far a run is, 0–100: the bytes of the file read so far. */
const percentOf = (run: ImportRun) =>
  run.status === 'done'
    ? 100
    : run.fileBytes > 0
      ? Math.min(99, Math.round((run.bytesDone / run.fileBytes) * 100))
      : 0;

/** One import: a progress bar while it runs (polled), then its counts, first rejected rows and the report. */
export function RunReport({ id, onAnother }: { id: string; onAnother: () => void }) {
  const qc = useQueryClient();
  const presets = usePresets();
  const run = useQuery({
    queryKey: importKeys.run(id),
    queryFn: () => dataApi.run(id),
    refetchInterval: (q) => (q.state.data?.status === 'running' ? 700 : false),
  });
  const status = run.data?.status;
  const rejected = useQuery({
    queryKey: importKeys.rejected(id),
    queryFn: () => dataApi.rejected(id, 20),
    enabled: status !== undefined && status !== 'running' && (run.data?.counts.rejected ?? 0) > 0,
  });
  const warned = useQuery({
    queryKey: ['import-run', id, 'warnings'],
    queryFn: () => dataApi.warnings(id, 20),
    enabled: status !== undefined && status !== 'running' && (run.data?.counts.warnings ?? 0) > 0,
  });
  useEffect(() => {
    if (status === 'done' || status === 'failed') {
      void qc.invalidateQueries({ queryKey: importKeys.runs });
      void qc.invalidateQueries({ queryKey: customerKeys.lists });
      void qc.invalidateQueries({ queryKey: importKeys.duplicates });
    }
  }, [status, qc]);

  if (run.isError) return <QueryError error={run.error} onRetry={() => void run.refetch()} />;
  if (!run.data) return <Text c="dimmed">Loading the import…</Text>;
  const r = run.data;
  const pct = percentOf(r);
  return (
    <Paper withBorder p={{ base: 'sm', sm: 'lg' }} radius="md" component="section" aria-label="Import">
      <Stack gap="md">
        <Group justify="space-between" align="flex-start" gap="xs">
          <div style={{ minWidth: 0 }}>
            <Title order={2} fz="lg" style={{ overflowWrap: 'anywhere' }}>
              {r.fileName}
            </Title>
            <Text size="sm" c="dimmed">
              {presetLabel(r.preset, presets.data?.items)} · {fileSize(r.fileBytes)} · started{' '}
              {timeAgo(r.createdAt)}
            </Text>
          </div>
          <Badge color={STATUS[r.status].color} variant="light" data-testid="import-status">
            {STATUS[r.status].label}
          </Badge>
        </Group>
        <Stack gap={4}>
          <Progress
            value={pct}
            animated={r.status === 'running'}
            color={r.status === 'failed' ? 'red' : 'teal'}
            size="lg"
            aria-label="Import progress"
            aria-valuetext={`${pct} %`}
          />
          <Text size="sm" c="dimmed" aria-live="polite">
            {r.status === 'running'
              ? `${pct} % · ${n(r.recordsDone)} rows so far. You can leave this page: the import carries on.`
              : r.status === 'done'
                ? `Finished ${timeAgo(r.finishedAt ?? r.createdAt)}.`
                : `Stopped after ${n(r.recordsDone)} rows.`}
          </Text>
        </Stack>
        {r.status === 'failed' && (
          <Alert color="red" title="The import stopped" role="alert">
            {r.error ?? 'An unexpected error.'} Everything up to this point is saved. Import the same file
            again to carry on from where it stopped; nothing will be doubled.
          </Alert>
        )}
        <CountsTable counts={r.counts} />
        {rejected.data && rejected.data.items.length > 0 && (
          <RejectedList rows={rejected.data.items.filter((x) => x.kind === 'rejected')} />
        )}
        {warned.data && warned.data.items.length > 0 && (
          <RejectedList
            title="Imported with a warning"
            rows={warned.data.items.filter((x) => x.kind === 'warning')}
          />
        )}
        <Group gap="sm">
          {(r.counts.rejected > 0 || r.counts.warnings > 0) && (
            <Button component="a" href={dataApi.reportUrl(r.id)} download variant="light">
              Download the full report (CSV)
            </Button>
          )}
          {r.status !== 'running' && (
            <Button component={Link} to="/customers" variant="default">
              See customers
            </Button>
          )}
          <Button variant="default" onClick={onAnother}>
            Import another file
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

/** Created / updated / unchanged / rejected, for customers and orders. */
export function CountsTable({ counts }: { counts: ImportCounts }) {
  const c = counts.customers;
  const o = counts.orders;
  const hasOrders = o.created + o.unchanged > 0;
  const cell = (label: string, value: number, color?: string) => (
    <Paper
      withBorder
      p="xs"
      radius="md"
      miw={108}
      style={{ flex: '1 1 108px' }}
      aria-label={`${label}: ${value}`}
    >
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700} fz="xl" c={value > 0 ? color : undefined}>
        {n(value)}
      </Text>
    </Paper>
  );
  return (
    <Stack gap="xs" aria-label="Counts">
      <Text fw={600} size="sm">
        Customers
      </Text>
      <Group gap="xs" align="stretch">
        {cell('Created', c.created, 'teal.7')}
        {cell('Updated', c.updated, 'blue.7')}
        {cell('Unchanged', c.unchanged)}
        {cell('Rejected', counts.rejected, 'red.7')}
      </Group>
      {hasOrders && (
        <>
          <Text fw={600} size="sm">
            Orders
          </Text>
          <Group gap="xs" align="stretch">
            {cell('Orders created', o.created, 'teal.7')}
            {cell('Orders unchanged', o.unchanged)}
            {!!o.walkIn && cell('Walk-in sales', o.walkIn)}
          </Group>
        </>
      )}
      {counts.warnings > 0 && (
        <Text size="sm" c="orange.8">
          {n(counts.warnings)} row{counts.warnings === 1 ? ' was' : 's were'} imported with a warning (see the
          report).
        </Text>
      )}
    </Stack>
  );
}

/** The workspace's recent imports, newest first. */
export function PastImports({ current, onOpen }: { current: string | null; onOpen: (id: string) => void }) {
  const presets = usePresets();
  const runs = useQuery({
    queryKey: importKeys.runs,
    queryFn: dataApi.runs,
    refetchInterval: (q) => (q.state.data?.items.some((r) => r.status === 'running') ? 2000 : false),
  });
  if (runs.isError) return <QueryError error={runs.error} onRetry={() => void runs.refetch()} />;
  const items = runs.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <Stack gap="xs" component="section" aria-label="Past imports">
      <Title order={2} fz="md">
        Past imports
      </Title>
      <Stack gap={0}>
        {items.map((r) => (
          <Group
            key={r.id}
            justify="space-between"
            wrap="nowrap"
            gap="sm"
            px="sm"
            py={8}
            bg={r.id === current ? 'var(--mantine-color-teal-0)' : undefined}
            style={{ borderBottom: '1px solid var(--mantine-color-gray-2)' }}
          >
            <div style={{ minWidth: 0 }}>
              <Anchor
                component="button"
                type="button"
                onClick={() => onOpen(r.id)}
                fw={500}
                style={{ overflowWrap: 'anywhere', textAlign: 'left' }}
              >
                {r.fileName}
              </Anchor>
              <Text size="xs" c="dimmed">
                {presetLabel(r.preset, presets.data?.items)} · {timeAgo(r.createdAt)}
              </Text>
              <Text size="xs">{summary(r)}</Text>
            </div>
            <Badge color={STATUS[r.status].color} variant="light" style={{ flexShrink: 0 }}>
              {r.status === 'running' ? `${percentOf(r)} %` : STATUS[r.status].label}
            </Badge>
          </Group>
        ))}
      </Stack>
    </Stack>
  );
}

function summary(r: ImportRun): string {
  const c = r.counts.customers;
  const parts = [
    c.created && `${n(c.created)} new`,
    c.updated && `${n(c.updated)} updated`,
    c.unchanged && `${n(c.unchanged)} unchanged`,
    r.counts.orders.created && `${n(r.counts.orders.created)} orders`,
    r.counts.rejected && `${n(r.counts.rejected)} rejected`,
  ].filter(Boolean);
  return parts.join(' · ') || 'nothing yet';
}

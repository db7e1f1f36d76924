import {
  Alert,
  Anchor,
  Button,
  Chip,
  Group,
  Input,
  Paper,
  SegmentedControl,
  Stack,
  Table,
  Tabs,
  Text,
  Title,
} from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { complaintKeys } from './api.ts';
import { Suspense, lazy, useMemo } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useMe } from '../../lib/session.ts';
import { PageLoader, QueryError } from '../shell/RouteError.tsx';
import {
  complaintsApi,
  useComplaintSummary,
  type Complaint,
  type ComplaintOrder,
  type ComplaintQuery,
} from './api.ts';
import { STATUS_LABEL, channelLabel, tenureText, usualDay, useNow } from './format.ts';
import { ComplaintSlaBadge, SeverityBadge, TimerLine, ValueAtStake } from './parts.tsx';

const LearnView = lazy(() => import('./LearnView.tsx'));

/** The default puts what is already late first: breached deadlines are the earliest, then the soonest due. */
const ORDERS: { value: ComplaintOrder; label: string }[] = [
  { value: 'due', label: 'Most urgent' },
  { value: 'severity', label: 'Critical first' },
  { value: 'valueAtStake', label: 'Value at stake' },
];

/** The complaint queue (live timers, value at stake, filters) and, on its second tab, what complaints teach. */
export default function QueuePage() {
  const [params, setParams] = useSearchParams();
  const view = params.get('view') === 'learn' ? 'learn' : 'queue';
  return (
    <Stack gap="md" maw={1200}>
      <Group justify="space-between" align="flex-end" gap="sm">
        <Title order={1} fz={24}>
          Complaints
        </Title>
        <Button component={Link} to="/complaints/new">
          New complaint
        </Button>
      </Group>
      <SurgeBanner />
      <Tabs
        value={view}
        onChange={(v) =>
          setParams(
            (p) => {
              if (v === 'learn') p.set('view', 'learn');
              else p.delete('view');
              return p;
            },
            { replace: true },
          )
        }
        keepMounted={false}
      >
        <Tabs.List mb="md">
          <Tabs.Tab value="queue">Queue</Tabs.Tab>
          <Tabs.Tab value="learn">Learn</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="queue">
          <Queue />
        </Tabs.Panel>
        <Tabs.Panel value="learn">
          <Suspense fallback={<PageLoader />}>
            <LearnView />
          </Suspense>
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

function SurgeBanner() {
  const summary = useComplaintSummary();
  const s = summary.data?.surge;
  if (!s?.surging) return null;
  return (
    <Alert color="red" title="Complaints are surging" role="status">
      {s.last24h} complaints in the last 24 hours, {usualDay(s)}. Check for a common cause: a batch, a
      delivery round, a new member of staff.
    </Alert>
  );
}

function Queue() {
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const order = (ORDERS.find((o) => o.value === params.get('order'))?.value ?? 'due') as ComplaintOrder;
  const mine = params.get('mine') === '1';
  const breached = params.get('sla') === 'breached';
  const followUps = params.get('followUps') === '1';
  const query: ComplaintQuery = {
    order,
    ownerId: mine ? me.user?.id : undefined,
    sla: breached ? 'breached' : undefined,
    followUpDue: followUps || undefined,
  };
  const list = useInfiniteQuery({
    queryKey: complaintKeys.queue(query),
    queryFn: ({ pageParam }) => complaintsApi.list(query, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
    refetchInterval: 60_000,
  });
  const items = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data]);
  const now = useNow(15_000);
  const phone = useMediaQuery('(max-width: 48em)', false, { getInitialValueInEffect: false });
  const set = (key: string, value: string | null) =>
    setParams(
      (p) => {
        if (value) p.set(key, value);
        else p.delete(key);
        return p;
      },
      { replace: true },
    );
  const filtered = mine || breached || followUps;

  return (
    <Stack gap="md">
      <Group gap="md" align="flex-end" wrap="wrap">
        <Input.Wrapper label="Order by">
          <SegmentedControl
            aria-label="Order by"
            value={order}
            onChange={(v) => set('order', v === 'due' ? null : v)}
            data={ORDERS}
          />
        </Input.Wrapper>
        <Input.Wrapper label="Show only">
          <Group gap={6} role="group" aria-label="Show only">
            {me.user && (
              <Chip checked={mine} onChange={(v) => set('mine', v ? '1' : null)} size="sm">
                Mine
              </Chip>
            )}
            <Chip
              checked={breached}
              onChange={(v) => set('sla', v ? 'breached' : null)}
              size="sm"
              color="red"
            >
              Breached
            </Chip>
            <Chip checked={followUps} onChange={(v) => set('followUps', v ? '1' : null)} size="sm">
              Follow-ups due
            </Chip>
          </Group>
        </Input.Wrapper>
      </Group>
      {list.isPending ? (
        <PageLoader label="Loading the queue…" />
      ) : list.isError ? (
        <QueryError error={list.error} onRetry={() => void list.refetch()} />
      ) : items.length === 0 ? (
        <Paper withBorder p="xl" ta="center">
          <Text fw={600}>{filtered ? 'Nothing matches these filters' : 'No open complaints'}</Text>
          <Text size="sm" c="dimmed" mt={4}>
            {filtered
              ? 'Clear a filter to see the rest of the queue.'
              : 'When a customer complains, log it here so it is owned and answered in time.'}
          </Text>
        </Paper>
      ) : (
        <div style={{ opacity: list.isPlaceholderData ? 0.6 : 1 }}>
          {phone ? <QueueCards items={items} now={now} /> : <QueueTable items={items} now={now} />}
        </div>
      )}
      {list.hasNextPage && (
        <Button
          variant="default"
          onClick={() => void list.fetchNextPage()}
          loading={list.isFetchingNextPage}
          style={{ alignSelf: 'center' }}
        >
          Load more
        </Button>
      )}
    </Stack>
  );
}

function QueueTable({ items, now }: { items: Complaint[]; now: number }) {
  const { workspace } = useMe();
  const navigate = useNavigate();
  return (
    <Paper withBorder>
      <Table highlightOnHover verticalSpacing="sm" aria-label="Complaint queue">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Customer and complaint</Table.Th>
            <Table.Th>Value at stake</Table.Th>
            <Table.Th>Timers</Table.Th>
            <Table.Th>Owner</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((c) => (
            <Table.Tr
              key={c.id}
              onClick={(e) => {
                if (!(e.target as HTMLElement).closest('a')) void navigate(`/complaints/${c.id}`);
              }}
              style={{ cursor: 'pointer' }}
              data-complaint={c.id}
            >
              <Table.Td maw={420}>
                <Anchor component={Link} to={`/complaints/${c.id}`} fw={600}>
                  {c.customerName}
                </Anchor>
                <Text size="sm" lineClamp={2} title={c.words}>
                  “{c.words}”
                </Text>
                <Group gap={6} mt={4}>
                  <SeverityBadge severity={c.severity} />
                  <ComplaintSlaBadge c={c} now={now} />
                  <Text size="xs" c="dimmed">
                    {STATUS_LABEL[c.status]} · {channelLabel(c.channel)}
                    {c.category ? ` · ${c.category}` : ''}
                  </Text>
                  {c.followUp.due && (
                    <Text size="xs" c="blue.7" fw={600}>
                      Follow-up due
                    </Text>
                  )}
                </Group>
              </Table.Td>
              <Table.Td>
                <ValueAtStake c={c} />
              </Table.Td>
              <Table.Td>
                <Stack gap={2}>
                  <TimerLine
                    label="First reply"
                    timer={c.sla.firstResponse}
                    now={now}
                    timeZone={workspace.timezone}
                  />
                  <TimerLine
                    label="Resolution"
                    timer={c.sla.resolution}
                    now={now}
                    timeZone={workspace.timezone}
                  />
                </Stack>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{c.ownerName}</Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}

function QueueCards({ items, now }: { items: Complaint[]; now: number }) {
  const { workspace } = useMe();
  return (
    <Stack
      gap="sm"
      component="ul"
      aria-label="Complaint queue"
      style={{ listStyle: 'none', margin: 0, padding: 0 }}
    >
      {items.map((c) => (
        <Paper withBorder p="sm" key={c.id} component="li" data-complaint={c.id}>
          <Link className="row-link" to={`/complaints/${c.id}`}>
            <Group justify="space-between" align="flex-start" wrap="nowrap" gap="xs">
              <div style={{ minWidth: 0 }}>
                <Text fw={600} truncate>
                  {c.customerName}
                </Text>
                <Group gap={6} mt={2}>
                  <SeverityBadge severity={c.severity} />
                  <ComplaintSlaBadge c={c} now={now} />
                </Group>
              </div>
              <div style={{ textAlign: 'right', flexShrink: 0 }}>
                <ValueAtStake c={c} tenure={false} />
              </div>
            </Group>
            <Text size="sm" lineClamp={2} mt={6}>
              “{c.words}”
            </Text>
            <Stack gap={0} mt={6}>
              <TimerLine
                label="First reply"
                timer={c.sla.firstResponse}
                now={now}
                timeZone={workspace.timezone}
              />
              <TimerLine
                label="Resolution"
                timer={c.sla.resolution}
                now={now}
                timeZone={workspace.timezone}
              />
            </Stack>
            <Text size="xs" c="dimmed" mt={4}>
              {STATUS_LABEL[c.status]} · {c.ownerName} · {tenureText(c.value)}
              {c.followUp.due ? ' · follow-up due' : ''}
            </Text>
          </Link>
        </Paper>
      ))}
    </Stack>
  );
}

import {
  Anchor,
  Badge,
  Button,
  Chip,
  Group,
  Paper,
  SegmentedControl,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { enquiryKeys } from './api.ts';
import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { dateTime, money } from '../../lib/format.ts';
import { useMe } from '../../lib/session.ts';
import { PageLoader, QueryError } from '../shell/RouteError.tsx';
import { capitalise, channelLabel, liveState, useNow } from '../complaints/format.ts';
import { SlaBadge, TimerLine } from '../complaints/parts.tsx';
import { enquiriesApi, type Enquiry, type EnquiryState } from './api.ts';
import { AnswerForm, EnquiryTransferForm, NewEnquiryForm, OutcomeForm } from './EnquiryForms.tsx';
import { PromiseForm } from '../promises/PromiseForm.tsx';

const STATES: { value: EnquiryState; label: string }[] = [
  { value: 'active', label: 'Open' },
  { value: 'waiting', label: 'Unanswered' },
  { value: 'done', label: 'Done' },
  { value: 'all', label: 'All' },
];
const STATUS: Record<Enquiry['status'], { label: string; color: string }> = {
  waiting: { label: 'Waiting for an answer', color: 'orange' },
  answered: { label: 'Answered', color: 'blue' },
  won: { label: 'Won', color: 'teal' },
  lost: { label: 'Lost', color: 'red' },
  no_answer: { label: 'No answer', color: 'gray' },
};

/** The enquiries inbox ("people trying to put money in our hands"): answer fast, record how it ended. */
export default function EnquiriesPage() {
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const [creating, setCreating] = useState(false);
  const state = (STATES.find((s) => s.value === params.get('state'))?.value ?? 'active') as EnquiryState;
  const mine = params.get('mine') === '1';
  const query = { state, ownerId: mine ? me.user?.id : undefined };
  const list = useInfiniteQuery({
    queryKey: enquiryKeys.list(query),
    queryFn: ({ pageParam }) => enquiriesApi.list(query, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
    refetchInterval: 60_000,
  });
  const items = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data]);
  const now = useNow(15_000);
  const set = (key: string, value: string | null) =>
    setParams(
      (p) => {
        if (value) p.set(key, value);
        else p.delete(key);
        return p;
      },
      { replace: true },
    );
  return (
    <Stack gap="md" maw={960}>
      <Group justify="space-between" align="flex-end" gap="sm">
        <div>
          <Title order={1} fz={24}>
            Enquiries
          </Title>
          <Text size="sm" c="dimmed">
            Questions, quotes and bookings: people trying to buy. Answer them first.
          </Text>
        </div>
        {!creating && <Button onClick={() => setCreating(true)}>New enquiry</Button>}
      </Group>
      {creating && <NewEnquiryForm onDone={() => setCreating(false)} />}
      <Group gap="sm" wrap="wrap">
        <SegmentedControl
          aria-label="Show"
          value={state}
          onChange={(v) => set('state', v === 'active' ? null : v)}
          data={STATES}
        />
        {me.user && (
          <Chip checked={mine} onChange={(v) => set('mine', v ? '1' : null)} size="sm">
            Mine
          </Chip>
        )}
      </Group>
      {list.isPending ? (
        <PageLoader label="Loading enquiries…" />
      ) : list.isError ? (
        <QueryError error={list.error} onRetry={() => void list.refetch()} />
      ) : items.length === 0 ? (
        <Paper withBorder p="xl" ta="center">
          <Text fw={600}>No enquiries here</Text>
          <Text size="sm" c="dimmed" mt={4}>
            Log every question, quote and booking request, so none waits unanswered.
          </Text>
        </Paper>
      ) : (
        <Stack
          gap="sm"
          component="ul"
          aria-label="Enquiries"
          style={{ listStyle: 'none', margin: 0, padding: 0, opacity: list.isPlaceholderData ? 0.6 : 1 }}
        >
          {items.map((e) => (
            <EnquiryCard key={e.id} e={e} now={now} />
          ))}
        </Stack>
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

type Panel = 'answer' | 'outcome' | 'transfer' | null | 'promise';

function EnquiryCard({ e, now }: { e: Enquiry; now: number }) {
  const { workspace } = useMe();
  const [panel, setPanel] = useState<Panel>(null);
  const toggle = (p: Panel) => setPanel((cur) => (cur === p ? null : p));
  const open = !e.outcome;
  const state = liveState(e.firstResponse, now);
  return (
    <Paper withBorder p="sm" component="li" aria-label={`Enquiry from ${e.customerName}`}>
      <Group justify="space-between" align="flex-start" gap="xs" wrap="nowrap">
        <div style={{ minWidth: 0 }}>
          <Anchor component={Link} to={`/customers/${e.customerId}`} fw={600}>
            {e.customerName}
          </Anchor>
          <Group gap={6} mt={2}>
            <Badge size="sm" variant="light">
              {capitalise(e.kind)}
            </Badge>
            <Badge size="sm" variant="outline" color={STATUS[e.status].color}>
              {STATUS[e.status].label}
            </Badge>
            {!e.firstResponse.doneAt && <SlaBadge state={state} />}
          </Group>
        </div>
        <Text size="xs" c="dimmed" ta="right" style={{ flexShrink: 0 }}>
          {channelLabel(e.channel)}
          <br />
          {dateTime(e.receivedAt, workspace.timezone)}
        </Text>
      </Group>
      <Text size="sm" mt={6} className="pre-wrap" lineClamp={4}>
        {e.body}
      </Text>
      <Group justify="space-between" gap="xs" mt={6} wrap="wrap">
        <TimerLine label="First reply" timer={e.firstResponse} now={now} timeZone={workspace.timezone} />
        <Text size="xs" c="dimmed">
          Owner: {e.ownerName}
          {e.value !== null ? ` · ${money(e.value, workspace.currency)}` : ''}
        </Text>
      </Group>
      {e.outcomeNote && (
        <Text size="xs" c="dimmed">
          {e.outcomeNote}
        </Text>
      )}
      {open && (
        <Group gap="xs" mt="xs">
          <Button
            size="xs"
            variant={panel === 'answer' ? 'filled' : 'light'}
            onClick={() => toggle('answer')}
          >
            Answer
          </Button>
          <Button
            size="xs"
            variant={panel === 'outcome' ? 'filled' : 'light'}
            onClick={() => toggle('outcome')}
          >
            Outcome
          </Button>
          <Button
            size="xs"
            variant={panel === 'transfer' ? 'filled' : 'default'}
            onClick={() => toggle('transfer')}
          >
            Transfer
          </Button>
          <Button
            size="xs"
            variant={panel === 'promise' ? 'filled' : 'default'}
            onClick={() => toggle('promise')}
          >
            Promise
          </Button>
        </Group>
      )}
      {panel && open && (
        <Paper bg="gray.0" p="sm" mt="xs">
          {panel === 'answer' && <AnswerForm e={e} onDone={() => setPanel(null)} />}
          {panel === 'outcome' && <OutcomeForm e={e} onDone={() => setPanel(null)} />}
          {panel === 'transfer' && <EnquiryTransferForm e={e} onDone={() => setPanel(null)} />}
          {panel === 'promise' && (
            <PromiseForm customerId={e.customerId} source={{ kind: 'enquiry', id: e.id }} compact />
          )}
        </Paper>
      )}
    </Paper>
  );
}

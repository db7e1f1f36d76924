import { Badge, Button, Group, Paper, Text, Title, UnstyledButton } from '@mantine/core';
import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { dateTime, timeAgo } from '../../lib/format.ts';
import { useMe } from '../../lib/session.ts';
import { customerKeys } from '../customers/queries.ts';
import { PageLoader, QueryError } from '../shell/RouteError.tsx';
import { outreachApi, outreachKeys, type Message } from './api.ts';
import { CHANNEL_WORDS, PENDING, PURPOSE_WORDS, STATUS_WORDS } from './words.ts';
import './outreach.css';

/** A message waiting for quiet hours to end says until when. */
function waitWords(m: Message, timeZone: string): string | null {
  if (m.status !== 'queued' || !m.nextAttemptAt) return null;
  const at = new Date(m.nextAttemptAt).getTime();
  if (at <= Date.now() + 60_000) return null;
  const when = new Intl.DateTimeFormat(undefined, { timeStyle: 'short', timeZone }).format(at);
  return m.attempts > 0 ? `Tries again at ${when}.` : `Waits until ${when} (quiet hours).`;
}

/** The customer's messages, newest first: status, channel, when, what was said, and why when it did not go. */
export function CustomerMessages({
  customerId,
  onSend,
  sent,
}: {
  customerId: string;
  onSend: () => void;
  /** The message just sent from this page: said in words above the list. */
  sent: Message | null;
}) {
  const { workspace } = useMe();
  const q = useInfiniteQuery({
    queryKey: outreachKeys.history(customerId),
    queryFn: ({ pageParam }) => outreachApi.history(customerId, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // while one is on its way (not one waiting for the morning), look again every few seconds
    refetchInterval: (query) =>
      query.state.data?.pages.some((p) =>
        p.items.some(
          (m) =>
            PENDING.includes(m.status) &&
            (m.status !== 'queued' ||
              !m.nextAttemptAt ||
              new Date(m.nextAttemptAt).getTime() < Date.now() + 60_000),
        ),
      )
        ? 2000
        : false,
  });
  const items = q.data?.pages.flatMap((p) => p.items) ?? [];
  // once a message has gone, the sender has put it on the timeline: show it there too
  const qc = useQueryClient();
  const moving = items.filter((m) => PENDING.includes(m.status)).length;
  const before = useRef(moving);
  useEffect(() => {
    if (moving < before.current) void qc.invalidateQueries({ queryKey: customerKeys.timeline(customerId) });
    before.current = moving;
  }, [moving, qc, customerId]);
  const justSent = sent && items.find((m) => m.id === sent.id);
  const note =
    sent && (!justSent || PENDING.includes(justSent.status))
      ? (waitWords(justSent ?? sent, workspace.timezone) ?? 'Message queued: it goes out in a moment.')
      : null;
  return (
    <Paper withBorder p="md" component="section" aria-label="Messages">
      <Group justify="space-between" gap="xs" mb="sm">
        <Title order={2} fz="lg">
          Messages
        </Title>
        <Button size="xs" variant="light" onClick={onSend}>
          Send a message
        </Button>
      </Group>
      {note && (
        <Text size="sm" c="teal.8" role="status" mb="xs">
          {note}
        </Text>
      )}
      {q.isPending ? (
        <PageLoader label="Loading messages…" />
      ) : q.isError ? (
        <QueryError error={q.error} onRetry={() => void q.refetch()} />
      ) : items.length === 0 ? (
        <Text size="sm" c="dimmed">
          No messages sent yet.
        </Text>
      ) : (
        <ul className="plain-list" aria-label="Message history">
          {items.map((m) => (
            <MessageRow key={m.id} m={m} timeZone={workspace.timezone} />
          ))}
        </ul>
      )}
      {q.hasNextPage && (
        <Button
          variant="subtle"
          size="xs"
          mt="xs"
          loading={q.isFetchingNextPage}
          onClick={() => void q.fetchNextPage()}
        >
          Show older messages
        </Button>
      )}
    </Paper>
  );
}

function MessageRow({ m, timeZone }: { m: Message; timeZone: string }) {
  const [open, setOpen] = useState(false);
  const s = STATUS_WORDS[m.status];
  const when = m.sentAt ?? m.createdAt;
  const wait = waitWords(m, timeZone);
  const problem = ['failed', 'bounced', 'skipped', 'uncertain', 'cancelled'].includes(m.status);
  return (
    <li className="list-row" data-status={m.status}>
      <Group gap={6} wrap="wrap" justify="space-between">
        <Group gap={6} wrap="wrap">
          <Badge color={s.color} variant="light" title={s.meaning}>
            {s.label}
          </Badge>
          <Text size="sm" fw={500}>
            {CHANNEL_WORDS[m.channel]}
          </Text>
          <Text size="xs" c="dimmed">
            {PURPOSE_WORDS[m.purpose].label}
            {m.campaignId ? ' · campaign' : ''}
          </Text>
        </Group>
        <Text size="xs" c="dimmed" title={dateTime(when, timeZone)}>
          {timeAgo(when)}
        </Text>
      </Group>
      {m.subject && (
        <Text size="sm" fw={600} mt={4}>
          {m.subject}
        </Text>
      )}
      {m.body && (
        <UnstyledButton
          onClick={() => setOpen((o) => !o)}
          aria-expanded={open}
          aria-label={open ? 'Show less of this message' : 'Show all of this message'}
          w="100%"
          className="row-link"
        >
          <Text size="sm" c="dimmed" lineClamp={open ? undefined : 2} className="pre-wrap">
            {m.body}
          </Text>
        </UnstyledButton>
      )}
      {m.to && (
        <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
          To {m.to}
        </Text>
      )}
      {(problem || wait || (['queued', 'sent'].includes(m.status) && m.reason)) && (
        <Text size="sm" c={problem ? (m.status === 'skipped' ? 'orange.9' : 'red.8') : 'blue.8'} mt={2}>
          {wait ?? m.reason ?? s.meaning}
        </Text>
      )}
    </li>
  );
}

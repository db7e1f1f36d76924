import { Badge, Button, Group, Select, Stack, Text, TextInput } from '@mantine/core';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '../../lib/api.ts';
import { dateTime } from '../../lib/format.ts';
import { fieldErrors } from '../../lib/problems.ts';
import { isOwner, useMe } from '../../lib/session.ts';
import { PageLoader, QueryError } from '../shell/RouteError.tsx';
import { outreachApi, outreachKeys, type MessageChannel, type Suppression } from './api.ts';
import { Section } from './MessagesSettings.tsx';
import { CHANNELS, CHANNEL_WORDS, SUPPRESSION_WORDS } from './words.ts';

/** The addresses and numbers nothing is sent to: why and since when; add one, or (the owner) take one off. */
export function SuppressionList() {
  const q = useInfiniteQuery({
    queryKey: outreachKeys.suppressions,
    queryFn: ({ pageParam }) => outreachApi.suppressions(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = q.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Section
      title="Suppression list"
      intro="Nothing is ever sent to these addresses and numbers, from any screen: people who unsubscribed, replied STOP, complained, or whose address bounced."
    >
      <AddSuppression />
      {q.isPending ? (
        <PageLoader />
      ) : q.isError ? (
        <QueryError error={q.error} onRetry={() => void q.refetch()} />
      ) : items.length === 0 ? (
        <Text size="sm" c="dimmed">
          Nobody on the list yet.
        </Text>
      ) : (
        <Stack gap={0} component="ul" aria-label="Suppressed addresses" className="plain-list">
          {items.map((s) => (
            <SuppressionRow key={`${s.channel}:${s.address}`} s={s} />
          ))}
        </Stack>
      )}
      {q.hasNextPage && (
        <Group>
          <Button
            variant="subtle"
            size="xs"
            loading={q.isFetchingNextPage}
            onClick={() => void q.fetchNextPage()}
          >
            Show more
          </Button>
        </Group>
      )}
    </Section>
  );
}

function SuppressionRow({ s }: { s: Suppression }) {
  const me = useMe();
  const qc = useQueryClient();
  const [asking, setAsking] = useState(false);
  const remove = useMutation({
    mutationFn: () => outreachApi.removeSuppression(s.channel, s.address),
    onSuccess: () => void qc.invalidateQueries({ queryKey: outreachKeys.suppressions }),
  });
  return (
    <li className="list-row" aria-label={s.address}>
      <Group justify="space-between" gap="xs" wrap="nowrap" align="flex-start">
        <div style={{ minWidth: 0 }}>
          <Group gap={6}>
            <Text fw={600} size="sm" style={{ overflowWrap: 'anywhere' }}>
              {s.address}
            </Text>
            <Badge size="sm" variant="light" color="gray">
              {CHANNEL_WORDS[s.channel]}
            </Badge>
          </Group>
          <Text size="xs" c="dimmed">
            {SUPPRESSION_WORDS[s.reason] ?? s.reason}
            {s.scope === 'marketing' ? ' (marketing only)' : ''} ·{' '}
            {dateTime(s.createdAt, me.workspace.timezone)}
          </Text>
        </div>
        {isOwner(me) && !asking && (
          <Button
            size="compact-sm"
            variant="subtle"
            color="gray.8"
            onClick={() => setAsking(true)}
            aria-label={`Remove ${s.address}`}
            style={{ flexShrink: 0 }}
          >
            Remove
          </Button>
        )}
      </Group>
      {asking && (
        <Stack gap={6} mt={6}>
          <Text size="sm">
            Take {s.address} off the list only when the customer asked to hear from you again.
          </Text>
          <Group gap="xs">
            <Button size="xs" color="red" loading={remove.isPending} onClick={() => remove.mutate()}>
              Take off the list
            </Button>
            <Button size="xs" variant="default" onClick={() => setAsking(false)}>
              Keep
            </Button>
          </Group>
          {remove.isError && (
            <Text size="sm" c="red.8" role="alert">
              {errorMessage(remove.error)}
            </Text>
          )}
        </Stack>
      )}
    </li>
  );
}

const REASONS = [
  { value: 'manual', label: 'They asked to stop' },
  { value: 'complaint', label: 'They complained (spam)' },
  { value: 'hard_bounce', label: 'The address does not exist' },
] as const;

function AddSuppression() {
  const qc = useQueryClient();
  const [channel, setChannel] = useState<MessageChannel>('email');
  const [address, setAddress] = useState('');
  const [reason, setReason] = useState<(typeof REASONS)[number]['value']>('manual');
  const [added, setAdded] = useState<string | null>(null);
  const add = useMutation({
    mutationFn: () => outreachApi.addSuppression({ channel, address: address.trim(), reason }),
    onSuccess: (s) => {
      setAdded(s.address);
      setAddress('');
      void qc.invalidateQueries({ queryKey: outreachKeys.suppressions });
    },
  });
  const err = add.isError ? (fieldErrors(add.error).address ?? errorMessage(add.error)) : undefined;
  return (
    <form
      aria-label="Add to the suppression list"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setAdded(null);
        if (address.trim() && !add.isPending) add.mutate();
      }}
    >
      <Stack gap="xs">
        <Group gap="xs" align="flex-start" wrap="wrap">
          <Select
            label="Channel"
            data={CHANNELS.map((c) => ({ value: c, label: CHANNEL_WORDS[c] }))}
            value={channel}
            onChange={(v) => v && setChannel(v as MessageChannel)}
            allowDeselect={false}
            w={130}
          />
          <TextInput
            label={channel === 'email' ? 'Email address' : 'Phone number'}
            value={address}
            onChange={(e) => setAddress(e.currentTarget.value)}
            inputMode={channel === 'email' ? 'email' : 'tel'}
            error={err}
            style={{ flex: '1 1 220px' }}
          />
          <Select
            label="Why"
            data={[...REASONS]}
            value={reason}
            onChange={(v) => v && setReason(v as typeof reason)}
            allowDeselect={false}
            w={230}
          />
        </Group>
        <Group gap="sm">
          <Button type="submit" variant="light" loading={add.isPending} disabled={!address.trim()}>
            Add to the list
          </Button>
          {added && (
            <Text size="sm" c="teal.8" role="status">
              {added} will get nothing more.
            </Text>
          )}
        </Group>
      </Stack>
    </form>
  );
}

import { Alert, Badge, Button, Group, Paper, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '../../lib/api.ts';
import { useMe } from '../../lib/session.ts';
import { CustomerSelect } from '../complaints/CustomerSelect.tsx';
import { outreachApi, outreachKeys, type Content, type Message } from './api.ts';
import { STATUS_WORDS, PENDING } from './words.ts';

const ready = (c: Content) => c.body.trim() !== '' && (c.channel !== 'email' || !!c.subject?.trim());

/** The message filled in for one customer, as they would get it, and whether it could go to them now. */
export function RenderedMessage({ content, customerId }: { content: Content; customerId: string }) {
  const [debounced] = useDebouncedValue(content, 400);
  const input = { ...debounced, customerId };
  const q = useQuery({
    queryKey: outreachKeys.preview(input),
    queryFn: () => outreachApi.preview(input),
    enabled: ready(debounced),
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });
  if (!ready(content))
    return (
      <Text size="sm" c="dimmed">
        {content.channel === 'email' && !content.subject?.trim()
          ? 'Write a subject and a message to see it filled in.'
          : 'Write a message to see it filled in.'}
      </Text>
    );
  if (q.isError)
    return (
      <Alert color="red" role="alert" title="This cannot be filled in">
        {errorMessage(q.error)}
      </Alert>
    );
  if (!q.data)
    return (
      <Text size="sm" c="dimmed">
        Filling in…
      </Text>
    );
  const r = q.data;
  return (
    <Stack gap={6} aria-busy={q.isFetching} data-testid="rendered-message">
      <Text size="sm">
        <Text span c="dimmed" size="sm">
          To:{' '}
        </Text>
        {r.to ?? <i>nothing on record</i>}
      </Text>
      {r.subject !== null && (
        <Text size="sm">
          <Text span c="dimmed" size="sm">
            Subject:{' '}
          </Text>
          <b>{r.subject}</b>
        </Text>
      )}
      <Paper withBorder p="sm" className="message-paper">
        <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
          {r.text}
        </Text>
      </Paper>
      {r.sendable ? (
        <Text size="sm" c="teal.8">
          ✓ This could go to them now.
        </Text>
      ) : (
        <Alert color="orange" p="xs" role="status">
          <Text size="sm">Would not be sent to them: {r.reason}</Text>
        </Alert>
      )}
    </Stack>
  );
}

/** A preview panel: pick whose details fill the message, see it, and send a test to yourself. */
export function PreviewPanel({
  content,
  customerId,
  onCustomer,
}: {
  content: Content;
  customerId: string | null;
  onCustomer: (id: string | null) => void;
}) {
  return (
    <Stack gap="sm">
      <CustomerSelect value={customerId} onChange={onCustomer} label="Preview for" required={false} />
      {customerId ? (
        <RenderedMessage content={content} customerId={customerId} />
      ) : (
        <Text size="sm" c="dimmed">
          Pick a customer to see the message with their details filled in.
        </Text>
      )}
      <TestSend content={content} customerId={customerId} />
    </Stack>
  );
}

/** "Send a test to me": the message as a customer gets it, to your own email (or your phone for SMS). */
export function TestSend({ content, customerId }: { content: Content; customerId: string | null }) {
  const me = useMe();
  const [phone, setPhone] = useState('');
  const [sent, setSent] = useState<Message | null>(null);
  const byPhone = content.channel !== 'email';
  const send = useMutation({
    mutationFn: () =>
      outreachApi.sendTest({
        ...content,
        ...(customerId && { customerId }),
        ...(byPhone && { to: phone.trim() }),
      }),
    onSuccess: setSent,
  });
  const status = useQuery({
    queryKey: outreachKeys.message(sent?.id ?? ''),
    queryFn: () => outreachApi.message(sent?.id ?? ''),
    enabled: !!sent,
    refetchInterval: (q) => (q.state.data && !PENDING.includes(q.state.data.status) ? false : 1500),
  });
  const m = status.data ?? sent;
  const canSend = ready(content) && (!byPhone || phone.trim().length > 5);
  return (
    <Stack gap={6}>
      {byPhone && (
        <TextInput
          label="Your mobile number, for the test"
          inputMode="tel"
          value={phone}
          onChange={(e) => setPhone(e.currentTarget.value)}
        />
      )}
      <Group gap="sm">
        <Button
          variant="default"
          loading={send.isPending}
          disabled={!canSend}
          onClick={() => {
            setSent(null);
            send.mutate();
          }}
        >
          Send a test to me
        </Button>
        {!byPhone && me.user?.email && (
          <Text size="xs" c="dimmed">
            to {me.user.email}
          </Text>
        )}
      </Group>
      {send.isError && (
        <Alert color="red" role="alert">
          {errorMessage(send.error)}
        </Alert>
      )}
      {m && (
        <Group gap={6} role="status" aria-label="Test message">
          <Badge color={STATUS_WORDS[m.status].color} variant="light">
            {STATUS_WORDS[m.status].label}
          </Badge>
          <Text size="sm">
            {PENDING.includes(m.status)
              ? `Test on its way to ${m.to ?? ''}…`
              : m.status === 'sent' || m.status === 'delivered'
                ? `Test sent to ${m.to ?? ''}.`
                : (m.reason ?? STATUS_WORDS[m.status].meaning)}
          </Text>
        </Group>
      )}
    </Stack>
  );
}

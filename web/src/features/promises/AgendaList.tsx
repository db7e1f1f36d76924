import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  NativeSelect,
  Paper,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { DateTime } from 'luxon';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, errorMessage } from '../../lib/api.ts';
import { money } from '../../lib/format.ts';
import { enquiriesApi, enquiryKeys } from '../enquiries/api.ts';
import { phonesApi } from '../phones/api.ts';
import { QueryError } from '../shell/RouteError.tsx';
import { promiseKeys, promisesApi, useAgenda, type Agenda, type AgendaItem } from './api.ts';
import '../outreach/outreach.css';

const LINK: Record<AgendaItem['ref']['kind'], (id: string) => string> = {
  promise: () => '',
  complaint: (id) => `/complaints/${id}`,
  enquiry: () => '/enquiries',
  customer: (id) => `/customers/${id}`,
  call: () => '',
};
const URGENCY = [
  { label: 'Late', color: 'red' },
  { label: 'Today', color: 'orange' },
  { label: 'Today', color: 'blue' },
  { label: 'When you can', color: 'gray' },
] as const;
const SNOOZE = [
  { value: '1', label: 'Until tomorrow' },
  { value: '3', label: 'For 3 days' },
  { value: '7', label: 'For a week' },
];

/**
 * Home, first thing: today's list for the signed-in person — late and due promises, complaints near their deadline,
 * enquiries waiting, birthdays, valuable customers drifting away — most urgent then most valuable first, each done
 * or snoozed from here.
 */
export function AgendaList() {
  const q = useAgenda();
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="agenda-title">
      <Group justify="space-between" mb="xs">
        <Title order={2} fz="lg" id="agenda-title">
          Your day
        </Title>
        {q.data && (
          <Text size="sm" c="dimmed">
            {DateTime.fromISO(q.data.date).toFormat('cccc d LLLL')}
          </Text>
        )}
      </Group>
      {q.isError ? (
        <QueryError error={q.error} onRetry={() => void q.refetch()} />
      ) : !q.data ? (
        <Text size="sm" c="dimmed">
          Loading your day…
        </Text>
      ) : q.data.items.length === 0 ? (
        <Text size="sm" c="dimmed">
          Nothing needs you right now{q.data.snoozed ? ` (${q.data.snoozed} snoozed)` : ''}. Promises you make
          to customers, complaints and enquiries waiting for you, and birthdays show up here.
        </Text>
      ) : (
        <ul className="plain-list" aria-label="Today's list">
          {q.data.items.map((i) => (
            <AgendaRow key={i.key} item={i} agenda={q.data} />
          ))}
        </ul>
      )}
    </Paper>
  );
}

function AgendaRow({ item, agenda }: { item: AgendaItem; agenda: Agenda }) {
  const qc = useQueryClient();
  const [snoozing, setSnoozing] = useState(false);
  const [answering, setAnswering] = useState(false);
  const [note, setNote] = useState('');
  const [days, setDays] = useState('1');
  const [reason, setReason] = useState('');
  const refresh = () => void qc.invalidateQueries({ queryKey: promiseKeys.all });
  const tomorrow = () => DateTime.now().setZone(agenda.timezone).plus({ days: 1 }).toISODate() as string;
  const act = useMutation({
    mutationFn: async (what: 'keep' | 'late_notice' | 'contacted' | 'call_back' | 'dismiss') => {
      if (what === 'call_back') return void (await phonesApi.callBack(item.ref.id));
      if (what === 'dismiss') return void (await phonesApi.dismiss(item.ref.id));
      if (what === 'keep') return void (await promisesApi.keep(item.ref.id));
      if (what === 'late_notice') return void (await promisesApi.lateNotice(item.ref.id));
      const birthday = item.kind === 'birthday' || item.kind === 'anniversary';
      await api.addInteraction(item.customerId, {
        kind: 'note',
        body: birthday ? `Wished them a happy ${item.kind}` : `Got in touch (${item.title})`,
      });
      if (birthday) await promisesApi.snooze({ key: item.key, until: tomorrow(), reason: 'Done' });
    },
    onSuccess: refresh,
  });
  const answer = useMutation({
    mutationFn: () => enquiriesApi.respond(item.ref.id, { note: note.trim() }),
    onSuccess: () => {
      refresh();
      void qc.invalidateQueries({ queryKey: enquiryKeys.all });
    },
  });
  const snooze = useMutation({
    mutationFn: () =>
      promisesApi.snooze({
        key: item.key,
        until: DateTime.now()
          .setZone(agenda.timezone)
          .plus({ days: Number(days) })
          .toISODate() as string,
        reason: reason.trim(),
      }),
    onSuccess: refresh,
  });
  const u = URGENCY[item.urgency] ?? URGENCY[3];
  const href = LINK[item.ref.kind](item.ref.id);
  return (
    <li className="list-row" aria-label={item.title}>
      <Stack gap={4}>
        <Group gap={8} wrap="nowrap" align="flex-start">
          <Badge color={u.color} variant="light" size="sm" style={{ flexShrink: 0 }}>
            {u.label}
          </Badge>
          <Text size="sm" fw={600} style={{ overflowWrap: 'anywhere' }}>
            {item.title}
          </Text>
        </Group>
        <Text size="xs" c="dimmed">
          {item.why}
          {item.value ? ` · worth ${money(item.value, agenda.currency)}` : ''} ·{' '}
          <Anchor component={Link} to={`/customers/${item.customerId}`} size="xs" underline="always">
            {item.customerName}
          </Anchor>
        </Text>
        <Group gap="xs">
          {item.actions.includes('keep') && (
            <Button size="xs" onClick={() => act.mutate('keep')} loading={act.isPending}>
              Done
            </Button>
          )}
          {item.actions.includes('late_notice') && (
            <Button size="xs" variant="light" color="orange" onClick={() => act.mutate('late_notice')}>
              Tell them it will be late
            </Button>
          )}
          {item.actions.includes('contacted') && (
            <Button size="xs" onClick={() => act.mutate('contacted')} loading={act.isPending}>
              {item.kind === 'drifting' ? 'Got in touch' : 'Done'}
            </Button>
          )}
          {item.actions.includes('call_back') && (
            <Button size="xs" onClick={() => act.mutate('call_back')} loading={act.isPending}>
              Called back
            </Button>
          )}
          {item.actions.includes('dismiss') && (
            <Button size="xs" variant="light" onClick={() => act.mutate('dismiss')}>
              No need
            </Button>
          )}
          {item.actions.includes('answer') && (
            <Button size="xs" onClick={() => setAnswering((a) => !a)} aria-expanded={answering}>
              Answered
            </Button>
          )}
          {item.actions.includes('open') && href && (
            <Button size="xs" variant="light" component={Link} to={href}>
              Open
            </Button>
          )}
          <Button size="xs" variant="default" onClick={() => setSnoozing((s) => !s)} aria-expanded={snoozing}>
            Snooze
          </Button>
        </Group>
        {answering && (
          <form
            aria-label={`Answer ${item.customerName}`}
            onSubmit={(e) => {
              e.preventDefault();
              if (note.trim()) answer.mutate();
            }}
          >
            <Group gap="xs" align="flex-end" wrap="wrap">
              <TextInput
                label="What you told them"
                placeholder="e.g. Sent the price by WhatsApp"
                value={note}
                onChange={(e) => setNote(e.currentTarget.value)}
                required
                maxLength={2000}
                style={{ flex: 1, minWidth: 200 }}
              />
              <Button type="submit" size="sm" loading={answer.isPending} disabled={!note.trim()}>
                Save
              </Button>
            </Group>
          </form>
        )}
        {snoozing && (
          <form
            aria-label={`Snooze ${item.title}`}
            onSubmit={(e) => {
              e.preventDefault();
              if (reason.trim()) snooze.mutate();
            }}
          >
            <Group gap="xs" align="flex-end" wrap="wrap">
              <NativeSelect
                label="Hide it"
                data={SNOOZE}
                value={days}
                onChange={(e) => setDays(e.currentTarget.value)}
                w={150}
              />
              <TextInput
                label="Why"
                placeholder="e.g. Waiting for the supplier"
                value={reason}
                onChange={(e) => setReason(e.currentTarget.value)}
                required
                maxLength={500}
                style={{ flex: 1, minWidth: 160 }}
              />
              <Button type="submit" size="sm" loading={snooze.isPending} disabled={!reason.trim()}>
                Snooze
              </Button>
            </Group>
          </form>
        )}
        {(act.error ?? snooze.error ?? answer.error) && (
          <Alert color="red" p="xs" role="alert">
            {errorMessage(act.error ?? snooze.error ?? answer.error)}
          </Alert>
        )}
      </Stack>
    </li>
  );
}

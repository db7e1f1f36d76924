import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Paper,
  Progress,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useParams, useSearchParams } from 'react-router';
import { errorMessage } from '../../lib/api.ts';
import { PageLoader, QueryError } from '../shell/RouteError.tsx';
import { AttendeeList } from './AttendeeList.tsx';
import { eventKeys, eventsApi, localWhen, seatsWords, type EventItem } from './api.ts';

/** One event: when and where, answers against the seats, invitations, the guest list with check-in. */
export default function EventPage() {
  const { id = '' } = useParams();
  const q = useQuery({ queryKey: eventKeys.one(id), queryFn: () => eventsApi.get(id) });
  if (q.isPending) return <PageLoader />;
  if (q.isError) return <QueryError error={q.error} onRetry={() => void q.refetch()} />;
  const e = q.data;
  const open = e.status === 'scheduled';
  return (
    <Stack maw={900} gap="md">
      <div>
        <Group gap="xs">
          <Title order={1} fz={24}>
            {e.title}
          </Title>
          {!open && <Badge color="red">Cancelled</Badge>}
        </Group>
        <Text>{localWhen(e.startsAt)}</Text>
        {e.location && <Text c="dimmed">{e.location}</Text>}
        <Anchor href={e.publicUrl} target="_blank" size="sm">
          The event’s public page
        </Anchor>
      </div>
      <TokenCheckIn eventId={e.id} />
      <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
        {(
          [
            ['Invited', e.counts.invited],
            ['Coming', e.counts.yes],
            ['Not coming', e.counts.no],
            ['Here', e.counts.checkedIn],
          ] as const
        ).map(([label, n]) => (
          <Paper key={label} withBorder p="sm">
            <Text size="xs" c="dimmed">
              {label}
            </Text>
            <Text fz={22} fw={700}>
              {n}
            </Text>
          </Paper>
        ))}
      </SimpleGrid>
      <Paper withBorder p="md">
        <Text fw={600}>{seatsWords(e)}</Text>
        {e.capacity !== null && (
          <Progress
            mt={6}
            value={Math.min(100, (e.seatsTaken / e.capacity) * 100)}
            aria-label={seatsWords(e)}
          />
        )}
        <Text size="xs" c="dimmed" mt={4}>
          Each yes takes a seat for the guest and one for each person they bring.
        </Text>
      </Paper>
      {open && <Invite e={e} />}
      <Paper withBorder p="md" component="section" aria-label="Guests">
        <Title order={2} fz="lg" mb="sm">
          Guests and check-in
        </Title>
        <AttendeeList eventId={e.id} open={open} />
      </Paper>
      {open && <Cancel id={e.id} />}
    </Stack>
  );
}

/** /events/:id/checkin?token=… (the QR code of a guest's answer page): check that guest in with one tap. */
function TokenCheckIn({ eventId }: { eventId: string }) {
  const [params] = useSearchParams();
  const token = params.get('token');
  const qc = useQueryClient();
  const go = useMutation({
    mutationFn: () => eventsApi.checkIn(eventId, { token: token ?? '' }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: eventKeys.all }),
  });
  if (!token) return null;
  return (
    <Paper withBorder p="md" bg="blue.0">
      {go.isSuccess ? (
        <Text fw={600} role="status">
          Checked in. Welcome them in!
        </Text>
      ) : (
        <Group justify="space-between">
          <Text fw={600}>A guest’s entry pass was scanned.</Text>
          <Button onClick={() => go.mutate()} loading={go.isPending}>
            Check them in
          </Button>
        </Group>
      )}
      {go.isError && (
        <Text c="red.8" mt="xs" role="alert">
          {errorMessage(go.error)}
        </Text>
      )}
    </Paper>
  );
}

function Invite({ e }: { e: EventItem }) {
  const qc = useQueryClient();
  const [who, setWho] = useState<'all' | 'tag'>('all');
  const [tag, setTag] = useState('');
  const [channel, setChannel] = useState<'email' | 'sms' | 'whatsapp'>('email');
  const send = useMutation({
    mutationFn: () =>
      eventsApi.invite(e.id, {
        audience: who === 'all' ? { kind: 'all' } : { kind: 'tag', tag },
        channel,
      }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: eventKeys.all }),
  });
  const skipped = send.data ? Object.values(send.data.skipped).reduce((a, b) => a + b, 0) : 0;
  return (
    <Paper withBorder p="md" component="section" aria-label="Invite">
      <Title order={2} fz="lg">
        Invite
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        Each guest gets a personal link to answer (and bring guests), and a calendar file. Only customers who
        agreed to news from you are invited; nobody is invited twice.
      </Text>
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
        <Select
          label="Who"
          value={who}
          allowDeselect={false}
          onChange={(v) => setWho((v as 'all' | 'tag') ?? 'all')}
          data={[
            { value: 'all', label: 'All customers' },
            { value: 'tag', label: 'Customers with a tag' },
          ]}
        />
        {who === 'tag' && (
          <TextInput label="Tag" value={tag} onChange={(ev) => setTag(ev.currentTarget.value)} />
        )}
        <Select
          label="By"
          value={channel}
          allowDeselect={false}
          onChange={(v) => setChannel((v as 'email') ?? 'email')}
          data={[
            { value: 'email', label: 'Email' },
            { value: 'sms', label: 'SMS' },
            { value: 'whatsapp', label: 'WhatsApp' },
          ]}
        />
      </SimpleGrid>
      <Group mt="sm">
        <Button
          onClick={() => send.mutate()}
          loading={send.isPending}
          disabled={who === 'tag' && !tag.trim()}
        >
          Send invitations
        </Button>
      </Group>
      {send.data && (
        <Text mt="sm" role="status">
          {send.data.invited} invited{send.data.already ? `, ${send.data.already} already invited` : ''}
          {skipped ? `, ${skipped} left out (no consent or no address)` : ''}.
        </Text>
      )}
      {send.isError && (
        <Alert color="red" mt="sm" role="alert">
          {errorMessage(send.error)}
        </Alert>
      )}
    </Paper>
  );
}

function Cancel({ id }: { id: string }) {
  const qc = useQueryClient();
  const [sure, setSure] = useState(false);
  const cancel = useMutation({
    mutationFn: () => eventsApi.cancel(id),
    onSuccess: () => void qc.invalidateQueries({ queryKey: eventKeys.all }),
  });
  return (
    <Group>
      {sure ? (
        <>
          <Text size="sm">Those who said yes will be told. Cancel the event?</Text>
          <Button color="red" onClick={() => cancel.mutate()} loading={cancel.isPending}>
            Yes, cancel it
          </Button>
          <Button variant="default" onClick={() => setSure(false)}>
            Keep it
          </Button>
        </>
      ) : (
        <Button variant="subtle" color="red" onClick={() => setSure(true)}>
          Cancel the event
        </Button>
      )}
    </Group>
  );
}

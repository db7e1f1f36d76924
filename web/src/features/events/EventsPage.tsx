import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  NumberInput,
  Paper,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Textarea,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { errorMessage } from '../../lib/api.ts';
import { PageLoader, QueryError } from '../shell/RouteError.tsx';
import { eventKeys, eventsApi, localWhen, seatsWords } from './api.ts';

/** Events: the upcoming (or past) ones with their answers against the seats, and a new event. */
export default function EventsPage() {
  const [when, setWhen] = useState<'upcoming' | 'past'>('upcoming');
  const [adding, setAdding] = useState(false);
  const q = useQuery({ queryKey: eventKeys.list(when), queryFn: () => eventsApi.list(when) });
  return (
    <Stack maw={900} gap="md">
      <Group justify="space-between">
        <Title order={1} fz={24}>
          Events
        </Title>
        <Button onClick={() => setAdding((a) => !a)} variant={adding ? 'default' : 'filled'}>
          {adding ? 'Close' : 'New event'}
        </Button>
      </Group>
      {adding && <NewEvent />}
      <SegmentedControl
        aria-label="Which events"
        value={when}
        onChange={(v) => setWhen(v as 'upcoming' | 'past')}
        data={[
          { value: 'upcoming', label: 'Coming up' },
          { value: 'past', label: 'Past' },
        ]}
        maw={300}
      />
      {q.isPending ? (
        <PageLoader />
      ) : q.isError ? (
        <QueryError error={q.error} onRetry={() => void q.refetch()} />
      ) : q.data.items.length === 0 ? (
        <Text c="dimmed">
          {when === 'upcoming' ? 'No events coming up. Plan one with “New event”.' : 'No past events.'}
        </Text>
      ) : (
        <Stack gap="sm" component="ul" className="plain-list" aria-label="Events" p={0} m={0}>
          {q.data.items.map((e) => (
            <Paper key={e.id} withBorder p="md" component="li" style={{ listStyle: 'none' }}>
              <Group justify="space-between" wrap="wrap" gap="xs">
                <div>
                  <Anchor component={Link} to={`/events/${e.id}`} fw={600} fz="lg">
                    {e.title}
                  </Anchor>
                  <Text size="sm">{localWhen(e.startsAt)}</Text>
                  {e.location && (
                    <Text size="sm" c="dimmed">
                      {e.location}
                    </Text>
                  )}
                </div>
                <Stack gap={4} align="flex-end">
                  {e.status === 'cancelled' && <Badge color="red">Cancelled</Badge>}
                  <Text size="sm">{seatsWords(e)}</Text>
                  <Text size="xs" c="dimmed">
                    {e.counts.invited} invited · {e.counts.yes} yes · {e.counts.no} no
                  </Text>
                </Stack>
              </Group>
            </Paper>
          ))}
        </Stack>
      )}
    </Stack>
  );
}

function NewEvent() {
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [v, setV] = useState({
    title: '',
    date: '',
    time: '18:00',
    location: '',
    capacity: '' as number | '',
    description: '',
  });
  const create = useMutation({
    mutationFn: () =>
      eventsApi.create({
        title: v.title,
        startsAt: `${v.date}T${v.time}`,
        location: v.location || null,
        description: v.description || null,
        capacity: v.capacity === '' ? null : v.capacity,
        durationMinutes: 120,
      }),
    onSuccess: (e) => {
      void qc.invalidateQueries({ queryKey: eventKeys.all });
      void navigate(`/events/${e.id}`);
    },
  });
  const set = (k: keyof typeof v) => (e: { currentTarget: { value: string } }) =>
    setV({ ...v, [k]: e.currentTarget.value });
  return (
    <Paper withBorder p="md" component="section" aria-label="New event">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <Stack gap="sm">
          <Title order={2} fz="lg">
            New event
          </Title>
          <TextInput
            label="What"
            placeholder="Summer tasting evening"
            required
            value={v.title}
            onChange={set('title')}
          />
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
            <TextInput label="Date" type="date" required value={v.date} onChange={set('date')} />
            <TextInput label="Time" type="time" required value={v.time} onChange={set('time')} />
            <NumberInput
              label="Seats"
              description="Leave empty for no limit"
              min={1}
              allowDecimal={false}
              allowNegative={false}
              value={v.capacity}
              onChange={(n) => setV({ ...v, capacity: typeof n === 'number' ? n : '' })}
            />
          </SimpleGrid>
          <TextInput
            label="Where"
            placeholder="The shop, 12 High Street"
            value={v.location}
            onChange={set('location')}
          />
          <Textarea
            label="Details for guests"
            autosize
            minRows={2}
            value={v.description}
            onChange={set('description')}
          />
          {create.isError && (
            <Alert color="red" role="alert">
              {errorMessage(create.error)}
            </Alert>
          )}
          <Group>
            <Button type="submit" loading={create.isPending}>
              Create event
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

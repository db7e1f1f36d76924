import { Alert, Anchor, Badge, Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../../lib/api.ts';
import { eventKeys, eventsApi, type Attendee } from './api.ts';

const ANSWER: Record<Attendee['answer'], { label: string; color: string }> = {
  yes: { label: 'Coming', color: 'teal' },
  no: { label: 'Not coming', color: 'gray' },
  pending: { label: 'No answer yet', color: 'yellow' },
};

/** The invited, searchable by name or phone, each with a Check in button (at the door). */
export function AttendeeList({ eventId, open }: { eventId: string; open: boolean }) {
  const [q, setQ] = useState('');
  const qc = useQueryClient();
  const list = useQuery({
    queryKey: eventKeys.attendees(eventId, q.trim()),
    queryFn: () => eventsApi.attendees(eventId, q.trim()),
  });
  const checkIn = useMutation({
    mutationFn: (invitationId: string) => eventsApi.checkIn(eventId, { invitationId }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: eventKeys.all }),
  });
  return (
    <Stack gap="sm">
      <TextInput
        label="Find a guest"
        placeholder="Name or phone number"
        value={q}
        onChange={(e) => setQ(e.currentTarget.value)}
        type="search"
      />
      {checkIn.isError && (
        <Alert color="red" role="alert">
          {errorMessage(checkIn.error)}
        </Alert>
      )}
      {list.data && list.data.items.length === 0 && (
        <Text size="sm" c="dimmed">
          {q ? 'Nobody invited matches.' : 'Nobody invited yet.'}
        </Text>
      )}
      <Stack gap={6} component="ul" p={0} m={0} aria-label="Guests">
        {list.data?.items.map((a) => (
          <Group
            key={a.invitationId}
            component="li"
            justify="space-between"
            wrap="nowrap"
            style={{ listStyle: 'none', borderBottom: '1px solid var(--mantine-color-gray-3)' }}
            py={6}
          >
            <div style={{ minWidth: 0 }}>
              <Anchor component={Link} to={`/customers/${a.customerId}`} fw={600} truncate display="block">
                {a.name}
              </Anchor>
              <Group gap={6}>
                <Badge size="sm" variant="light" color={ANSWER[a.answer].color}>
                  {ANSWER[a.answer].label}
                </Badge>
                {a.answer === 'yes' && a.guests > 0 && (
                  <Text size="xs">
                    + {a.guests} {a.guests === 1 ? 'guest' : 'guests'}
                  </Text>
                )}
              </Group>
            </div>
            {a.checkedInAt ? (
              <Badge color="teal" variant="filled">
                Here
              </Badge>
            ) : (
              open && (
                <Button
                  size="sm"
                  variant="default"
                  loading={checkIn.isPending && checkIn.variables === a.invitationId}
                  onClick={() => checkIn.mutate(a.invitationId)}
                  aria-label={`Check in ${a.name}`}
                >
                  Check in
                </Button>
              )
            )}
          </Group>
        ))}
      </Stack>
    </Stack>
  );
}

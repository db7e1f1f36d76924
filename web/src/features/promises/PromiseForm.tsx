import { Alert, Button, Group, NativeSelect, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { DateTime } from 'luxon';
import { useId, useState } from 'react';
import { api, errorMessage } from '../../lib/api.ts';
import { useMe } from '../../lib/session.ts';
import { userKeys } from '../complaints/api.ts';
import { customerKeys } from '../customers/queries.ts';
import { promiseKeys, promisesApi, type PromiseInput, type PromiseOut } from './api.ts';
import { dueAtOf, parsePromise } from './parse.ts';

/** "Thu 2 Apr, 3:00 pm" for a picked date and time in the workspace zone. */
const label = (date: string, time: string | null, zone: string) => {
  const d = DateTime.fromISO(time ? `${date}T${time}` : date, { zone });
  return d.isValid
    ? time
      ? d.toFormat('ccc d LLL, h:mm a')
      : `${d.toFormat('ccc d LLL')}, any time that day`
    : '';
};

/**
 * One line to make a promise: "Call back Thursday 3 pm" fills the date and time (workspace time zone), which can be
 * changed with the pickers; the owner defaults to you. Used on the customer page, the caller pop-up, a complaint and
 * an enquiry.
 */
export function PromiseForm({
  customerId,
  source,
  compact = false,
  onMade,
}: {
  customerId: string;
  source?: PromiseInput['source'];
  compact?: boolean;
  onMade?: (p: PromiseOut) => void;
}) {
  const me = useMe();
  const zone = me.workspace.timezone;
  const qc = useQueryClient();
  const uid = useId();
  const [text, setText] = useState('');
  const [date, setDate] = useState('');
  const [time, setTime] = useState('');
  const [owner, setOwner] = useState(me.user?.id ?? '');
  const [done, setDone] = useState<string | null>(null);
  const users = useQuery({
    queryKey: userKeys.all,
    queryFn: api.users,
    staleTime: 300_000,
    enabled: !compact,
  });
  const make = useMutation({
    mutationFn: (body: PromiseInput) => promisesApi.create(body),
    onSuccess: (p) => {
      setDone(`Promised: ${p.what}`);
      setText('');
      setDate('');
      setTime('');
      void qc.invalidateQueries({ queryKey: promiseKeys.all });
      void qc.invalidateQueries({ queryKey: customerKeys.timeline(customerId) });
      onMade?.(p);
    },
  });
  const onText = (v: string) => {
    setText(v);
    setDone(null);
    const p = parsePromise(v, zone);
    if (p.date) {
      setDate(p.date);
      setTime(p.time ?? '');
    }
  };
  const what = parsePromise(text, zone).what || text.trim();
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (!what || !date) return;
    make.mutate({
      customerId,
      what,
      dueAt: dueAtOf(date, time || null),
      ...(owner && owner !== me.user?.id && { ownerId: owner }),
      ...(source && { source }),
    });
  };
  return (
    <form onSubmit={submit} aria-label="Make a promise">
      <Stack gap="xs">
        <TextInput
          label="Promise"
          description={compact ? undefined : 'What you said you would do, and when'}
          placeholder="e.g. Call back Thursday 3 pm"
          value={text}
          onChange={(e) => onText(e.currentTarget.value)}
          maxLength={500}
        />
        <Group gap="xs" align="flex-end" wrap="wrap">
          <TextInput
            id={`${uid}-date`}
            type="date"
            label="By"
            value={date}
            onChange={(e) => setDate(e.currentTarget.value)}
            required
            w={160}
          />
          <TextInput
            type="time"
            label="Time (optional)"
            value={time}
            onChange={(e) => setTime(e.currentTarget.value)}
            w={130}
          />
          {!compact && users.data && users.data.items.length > 1 && (
            <NativeSelect
              label="Who"
              value={owner}
              onChange={(e) => setOwner(e.currentTarget.value)}
              data={users.data.items
                .filter((u) => !u.disabledAt)
                .map((u) => ({ value: u.id, label: u.id === me.user?.id ? `${u.name} (you)` : u.name }))}
              w={180}
            />
          )}
          <Button type="submit" loading={make.isPending} disabled={!what || !date}>
            Promise
          </Button>
        </Group>
        {date && (
          <Text size="xs" c="dimmed" aria-live="polite">
            {what
              ? `“${what}” — by ${label(date, time || null, zone)}`
              : `By ${label(date, time || null, zone)}`}
          </Text>
        )}
        {make.isError && (
          <Alert color="red" p="xs" role="alert">
            {errorMessage(make.error)}
          </Alert>
        )}
        {done && (
          <Text size="sm" c="teal.8" role="status">
            {done}
          </Text>
        )}
      </Stack>
    </form>
  );
}

import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  NumberInput,
  Paper,
  Select,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../../lib/api.ts';
import { money, timeAgo } from '../../lib/format.ts';
import { useMe } from '../../lib/session.ts';
import { useUsers } from '../complaints/api.ts';
import { PageLoader, QueryError } from '../shell/RouteError.tsx';
import { loyaltyApi, loyaltyKeys, type ValuedCustomer } from './api.ts';

const OCCASION = { birthday: 'Birthday', anniversary: 'Anniversary' } as const;
const inDays = (n: number) => (n === 0 ? 'today' : n === 1 ? 'tomorrow' : `in ${n} days`);

/** The most valued: each listed customer's owner, perks, last contact, coming occasions and a "call them" alert. */
export function ValuedList() {
  const { user } = useMe();
  const qc = useQueryClient();
  const [mine, setMine] = useState(false);
  const [count, setCount] = useState<number | string>(20);
  const q = useQuery({ queryKey: loyaltyKeys.valued, queryFn: loyaltyApi.valued });
  const add = useMutation({
    mutationFn: () => loyaltyApi.addFromPredicted(Number(count) || 20),
    onSuccess: () => void qc.invalidateQueries({ queryKey: loyaltyKeys.valued }),
  });
  const items = (q.data?.items ?? []).filter((i) => !mine || i.ownerId === user?.id);
  const alerts = items.filter((i) => i.alert).length;
  return (
    <Stack gap="md">
      <Paper withBorder p="md" component="section" aria-label="Add customers">
        <Text size="sm" mb="xs">
          Put customers on the list from their page (“Add to the most valued”), or add those worth the most
          next year by the predictions.
        </Text>
        <Group align="flex-end">
          <NumberInput label="How many" min={1} max={500} value={count} onChange={setCount} w={120} />
          <Button variant="light" onClick={() => add.mutate()} loading={add.isPending}>
            Add the highest predicted value
          </Button>
        </Group>
        {add.isSuccess && (
          <Text size="sm" mt="xs" role="status">
            {add.data.considered === 0
              ? 'No predictions yet: they appear after the first refit in Insights.'
              : `Added ${add.data.added} of the top ${add.data.considered}.`}
          </Text>
        )}
        {add.isError && (
          <Alert color="red" mt="xs" role="alert">
            {errorMessage(add.error)}
          </Alert>
        )}
      </Paper>
      <Group justify="space-between">
        <Title order={2} fz="lg">
          {items.length} customer{items.length === 1 ? '' : 's'}
          {alerts > 0 && (
            <Badge ml="xs" color="orange" variant="light">
              {alerts} to contact
            </Badge>
          )}
        </Title>
        <Button
          variant={mine ? 'filled' : 'default'}
          size="xs"
          onClick={() => setMine((m) => !m)}
          aria-pressed={mine}
        >
          Only mine
        </Button>
      </Group>
      {q.isPending ? (
        <PageLoader />
      ) : q.isError ? (
        <QueryError error={q.error} onRetry={() => void q.refetch()} />
      ) : items.length === 0 ? (
        <Text size="sm">Nobody on the list yet.</Text>
      ) : (
        <Stack gap="sm" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {items.map((i) => (
            <ValuedRow key={i.customerId} item={i} />
          ))}
        </Stack>
      )}
    </Stack>
  );
}

function ValuedRow({ item }: { item: ValuedCustomer }) {
  const { workspace } = useMe();
  const qc = useQueryClient();
  const users = useUsers();
  const [editing, setEditing] = useState(false);
  const [owner, setOwner] = useState<string | null>(item.ownerId);
  const [perks, setPerks] = useState(item.perks ?? '');
  const [days, setDays] = useState<number | string>(item.alertDays);
  const refresh = () => void qc.invalidateQueries({ queryKey: loyaltyKeys.valued });
  const save = useMutation({
    mutationFn: () =>
      loyaltyApi.putValued(item.customerId, {
        ownerId: owner,
        perks: perks.trim() || null,
        alertDays: Number(days) || 30,
      }),
    onSuccess: () => {
      setEditing(false);
      refresh();
    },
  });
  const remove = useMutation({
    mutationFn: () => loyaltyApi.removeValued(item.customerId),
    onSuccess: refresh,
  });
  return (
    <Paper withBorder p="sm" component="li" data-alert={item.alert}>
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="xs">
        <div style={{ minWidth: 0 }}>
          <Anchor component={Link} to={`/customers/${item.customerId}`} fw={700}>
            {item.name}
          </Anchor>
          <Text size="sm" c="dimmed">
            {item.ownerEmail ? `Looked after by ${item.ownerEmail}` : 'Nobody looks after them yet'}
            {item.predictedValue !== null &&
              ` · worth ${money(item.predictedValue, workspace.currency)} next year`}
          </Text>
          {item.perks && <Text size="sm">Perks: {item.perks}</Text>}
          <Text size="sm">
            {item.lastContactAt ? `Last contact ${timeAgo(item.lastContactAt)}` : 'Never contacted'}
          </Text>
          {item.occasions.map((o) => (
            <Text size="sm" key={o.kind} c="grape.8">
              {OCCASION[o.kind]} {inDays(o.inDays)} ({o.on})
            </Text>
          ))}
        </div>
        <Group gap="xs">
          {item.alert && (
            <Badge color="orange" variant="light">
              Not contacted in {item.alertDays} days
            </Badge>
          )}
          <Button size="compact-sm" variant="default" onClick={() => setEditing((e) => !e)}>
            Edit
          </Button>
          <Button
            size="compact-sm"
            variant="subtle"
            color="red"
            onClick={() => remove.mutate()}
            loading={remove.isPending}
            aria-label={`Take ${item.name} off the list`}
          >
            Remove
          </Button>
        </Group>
      </Group>
      {editing && (
        <Stack gap="xs" mt="sm">
          <Group grow align="flex-start" wrap="wrap">
            <Select
              label="Looked after by"
              clearable
              data={(users.data?.items ?? []).map((u) => ({ value: u.id, label: u.name || u.email }))}
              value={owner}
              onChange={setOwner}
            />
            <NumberInput label="Alert after (days)" min={1} max={3650} value={days} onChange={setDays} />
          </Group>
          <TextInput
            label="Perks"
            placeholder="Free delivery, first look at new stock…"
            value={perks}
            onChange={(e) => setPerks(e.currentTarget.value)}
          />
          {save.isError && (
            <Alert color="red" role="alert">
              {errorMessage(save.error)}
            </Alert>
          )}
          <Group>
            <Button size="xs" onClick={() => save.mutate()} loading={save.isPending}>
              Save
            </Button>
            <Button size="xs" variant="subtle" onClick={() => setEditing(false)}>
              Cancel
            </Button>
          </Group>
        </Stack>
      )}
    </Paper>
  );
}

import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Code,
  Group,
  Paper,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '../../lib/api.ts';
import { dateTime } from '../../lib/format.ts';
import { isOwner, useMe } from '../../lib/session.ts';
import { PageLoader, QueryError } from '../shell/RouteError.tsx';
import { DeliveryLog } from './DeliveryLog.tsx';
import { SecretShown } from './SecretShown.tsx';
import { eventLabel, groupEvents, type Webhook, type WebhookEvent, webhookKeys, webhooksApi } from './api.ts';

/** Settings → Webhooks: tell another system (accounting, a website, Zapier…) what happens in Rapport. */
export function WebhooksSettings() {
  const me = useMe();
  if (!isOwner(me)) return <Alert color="gray">Only the owner can see and add webhooks.</Alert>;
  return <Webhooks timezone={me.workspace.timezone} />;
}

function Webhooks({ timezone }: { timezone: string }) {
  const list = useQuery({ queryKey: webhookKeys.all, queryFn: webhooksApi.list });
  const [secret, setSecret] = useState<{ title: string; value: string } | null>(null);
  return (
    <Stack>
      <AddWebhook onCreated={(w) => setSecret({ title: `Webhook added for ${w.url}`, value: w.secret })} />
      {secret && <SecretShown secret={secret.value} title={secret.title} onClose={() => setSecret(null)} />}
      <Title order={2} fz="lg">
        Your webhooks
      </Title>
      {list.isPending ? (
        <PageLoader />
      ) : list.isError ? (
        <QueryError error={list.error} onRetry={() => void list.refetch()} />
      ) : list.data.items.length === 0 ? (
        <Text size="sm" c="dimmed">
          No webhooks yet.
        </Text>
      ) : (
        list.data.items.map((w) => (
          <WebhookCard
            key={w.id}
            webhook={w}
            timezone={timezone}
            onRotated={(s) => setSecret({ title: `New secret for ${w.url}`, value: s })}
          />
        ))
      )}
    </Stack>
  );
}

function AddWebhook({ onCreated }: { onCreated: (w: Webhook & { secret: string }) => void }) {
  const qc = useQueryClient();
  const catalogue = useQuery({ queryKey: webhookKeys.events, queryFn: webhooksApi.events });
  const [url, setUrl] = useState('');
  const [every, setEvery] = useState(true);
  const [events, setEvents] = useState<string[]>([]);
  const create = useMutation({
    mutationFn: () =>
      webhooksApi.create({ url: url.trim(), events: every ? [] : (events as WebhookEvent[]) }),
    onSuccess: (w) => {
      onCreated(w);
      setUrl('');
      setEvents([]);
      setEvery(true);
      void qc.invalidateQueries({ queryKey: webhookKeys.all });
    },
  });
  return (
    <Paper withBorder p="md">
      <Title order={2} fz="lg" mb={4}>
        Add a webhook
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        Rapport sends a signed message to this address each time something happens (a new customer, an order,
        a complaint closed…). It tries again for a day if the address does not answer.
      </Text>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <Stack gap="sm">
          <TextInput
            label="Address (URL)"
            placeholder="https://example.com/rapport-hook"
            value={url}
            onChange={(e) => setUrl(e.currentTarget.value)}
            required
            type="url"
          />
          <Switch
            label="Send every event"
            checked={every}
            onChange={(e) => setEvery(e.currentTarget.checked)}
          />
          {!every && catalogue.data && (
            <Checkbox.Group label="Only these events" value={events} onChange={setEvents}>
              <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="xs" mt={6}>
                {groupEvents(catalogue.data.items).map(([group, items]) => (
                  <Stack key={group} gap={4}>
                    {items.map((e) => (
                      <Checkbox key={e} value={e} label={eventLabel(e)} size="sm" />
                    ))}
                  </Stack>
                ))}
              </SimpleGrid>
            </Checkbox.Group>
          )}
          {create.isError && (
            <Alert color="red" role="alert">
              {errorMessage(create.error)}
            </Alert>
          )}
          <Button
            type="submit"
            loading={create.isPending}
            disabled={!url.trim() || (!every && events.length === 0)}
            style={{ alignSelf: 'flex-start' }}
          >
            Add webhook
          </Button>
        </Stack>
      </form>
    </Paper>
  );
}

function WebhookCard({
  webhook: w,
  timezone,
  onRotated,
}: {
  webhook: Webhook;
  timezone: string;
  onRotated: (secret: string) => void;
}) {
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const refresh = () => void qc.invalidateQueries({ queryKey: webhookKeys.all });
  const toggle = useMutation({
    mutationFn: () => webhooksApi.update(w.id, { enabled: !w.enabled }),
    onSettled: refresh,
  });
  const rotate = useMutation({
    mutationFn: () => webhooksApi.rotate(w.id),
    onSuccess: (r) => onRotated(r.secret),
    onSettled: refresh,
  });
  const test = useMutation({
    mutationFn: () => webhooksApi.test(w.id),
    onSuccess: () => {
      setOpen(true);
      void qc.invalidateQueries({ queryKey: ['webhooks', 'deliveries', w.id] });
    },
  });
  const remove = useMutation({ mutationFn: () => webhooksApi.remove(w.id), onSettled: refresh });
  const failed = [toggle, rotate, test, remove].find((m) => m.isError);
  return (
    <Paper withBorder p="md" aria-label={`Webhook ${w.url}`} component="section">
      <Stack gap="xs">
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Code style={{ overflowWrap: 'anywhere' }}>{w.url}</Code>
          <Badge color={w.enabled ? 'teal' : 'gray'} variant="light">
            {w.enabled ? 'On' : 'Off'}
          </Badge>
        </Group>
        {w.disabledReason && (
          <Alert color="orange">{w.disabledReason}. Check the address, then turn it on.</Alert>
        )}
        <Text size="sm">{w.events.length === 0 ? 'Every event' : w.events.map(eventLabel).join(', ')}</Text>
        {w.previousSecretValidUntil && (
          <Text size="xs" c="dimmed">
            The old secret still signs too until {dateTime(w.previousSecretValidUntil, timezone)}.
          </Text>
        )}
        {failed && <Alert color="red">{errorMessage(failed.error)}</Alert>}
        <Group gap="xs">
          <Button size="compact-sm" variant="light" onClick={() => setOpen((o) => !o)} aria-expanded={open}>
            {open ? 'Hide deliveries' : 'Deliveries'}
          </Button>
          <Button size="compact-sm" variant="light" loading={test.isPending} onClick={() => test.mutate()}>
            Send a test
          </Button>
          <Button
            size="compact-sm"
            variant="light"
            loading={rotate.isPending}
            onClick={() => {
              if (window.confirm('Make a new secret? The old one keeps working for 24 hours.'))
                rotate.mutate();
            }}
          >
            New secret
          </Button>
          <Button
            size="compact-sm"
            variant="light"
            loading={toggle.isPending}
            onClick={() => toggle.mutate()}
          >
            {w.enabled ? 'Turn off' : 'Turn on'}
          </Button>
          <Button
            size="compact-sm"
            variant="subtle"
            color="red"
            loading={remove.isPending}
            onClick={() => {
              if (window.confirm(`Delete the webhook to ${w.url}? Its delivery log goes too.`))
                remove.mutate();
            }}
          >
            Delete
          </Button>
        </Group>
        {open && <DeliveryLog webhookId={w.id} timezone={timezone} />}
      </Stack>
    </Paper>
  );
}

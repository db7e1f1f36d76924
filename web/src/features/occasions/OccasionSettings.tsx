import { Alert, Button, Group, Paper, Select, SimpleGrid, Stack, Switch, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '../../lib/api.ts';
import { isOwner, useMe } from '../../lib/session.ts';
import { useTemplates } from '../outreach/api.ts';
import { PageLoader, QueryError } from '../shell/RouteError.tsx';
import { occasionKeys, occasionsApi, type OccasionSettings } from './api.ts';

type Kind = keyof OccasionSettings;
const KINDS: { kind: Kind; label: string; hint: string }[] = [
  {
    kind: 'birthday',
    label: 'Birthdays',
    hint: 'Born on 29 February? Greeted on 28 February in other years.',
  },
  { kind: 'anniversary', label: 'Anniversaries', hint: 'The anniversary date on the customer’s card.' },
  { kind: 'custom', label: 'Other dates', hint: 'Dates you add on a customer’s card (“Shop opening”, …).' },
];
const HOURS = Array.from({ length: 15 }, (_, i) => i + 6).map((h) => ({
  value: String(h),
  label: `${String(h).padStart(2, '0')}:00`,
}));

/** Settings → Occasions: a greeting per kind (on/off, template, channel, hour), sent once on the day. */
export function OccasionSettingsPanel() {
  const q = useQuery({ queryKey: occasionKeys.settings, queryFn: occasionsApi.settings });
  if (q.isPending) return <PageLoader />;
  if (q.isError) return <QueryError error={q.error} onRetry={() => void q.refetch()} />;
  return <Form s={q.data} />;
}

function Form({ s }: { s: OccasionSettings }) {
  const owner = isOwner(useMe());
  const qc = useQueryClient();
  const templates = useTemplates();
  const [v, setV] = useState(s);
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: () => occasionsApi.update(v),
    onSuccess: (next) => {
      qc.setQueryData(occasionKeys.settings, next);
      setSaved(true);
    },
  });
  const set = (k: Kind, patch: Partial<OccasionSettings[Kind]>) => {
    setSaved(false);
    setV({ ...v, [k]: { ...v[k], ...patch } });
  };
  return (
    <Paper withBorder p="md" component="section" aria-label="Occasions">
      <Stack gap="md">
        <div>
          <Title order={2} fz="lg">
            Occasions
          </Title>
          <Text size="sm" c="dimmed">
            Greet customers on their day, once, on the date where your shop is — only those who agreed to news
            from you. Pick an hour before your quiet hours (Settings → Messages): a greeting that could only
            go out tomorrow is not sent.
          </Text>
        </div>
        {KINDS.map(({ kind, label, hint }) => {
          const g = v[kind];
          const choices = (templates.data?.items ?? [])
            .filter((t) => t.channel === g.channel)
            .map((t) => ({ value: t.id, label: t.name }));
          return (
            <Stack key={kind} gap="xs">
              <Switch
                label={`Greet on ${label.toLowerCase()}`}
                description={hint}
                checked={g.enabled}
                disabled={!owner}
                onChange={(e) => set(kind, { enabled: e.currentTarget.checked })}
              />
              {g.enabled && (
                <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm" pl={{ base: 0, sm: 'xl' }}>
                  <Select
                    label="Send by"
                    value={g.channel}
                    allowDeselect={false}
                    disabled={!owner}
                    onChange={(c) => set(kind, { channel: (c as 'email') ?? 'email', templateId: null })}
                    data={[
                      { value: 'email', label: 'Email' },
                      { value: 'sms', label: 'SMS' },
                      { value: 'whatsapp', label: 'WhatsApp' },
                    ]}
                  />
                  <Select
                    label="Message"
                    placeholder="A short built-in greeting"
                    value={g.templateId}
                    clearable
                    disabled={!owner}
                    onChange={(t) => set(kind, { templateId: t })}
                    data={choices}
                  />
                  <Select
                    label="From"
                    value={String(g.hour)}
                    allowDeselect={false}
                    disabled={!owner}
                    onChange={(h) => set(kind, { hour: Number(h ?? 9) })}
                    data={HOURS}
                  />
                </SimpleGrid>
              )}
            </Stack>
          );
        })}
        {save.isError && (
          <Alert color="red" role="alert">
            {errorMessage(save.error)}
          </Alert>
        )}
        {owner ? (
          <Group>
            <Button onClick={() => save.mutate()} loading={save.isPending}>
              Save
            </Button>
            {saved && (
              <Text size="sm" c="teal.8" role="status">
                Saved.
              </Text>
            )}
          </Group>
        ) : (
          <Text size="sm" c="dimmed">
            Only the owner can change these.
          </Text>
        )}
      </Stack>
    </Paper>
  );
}

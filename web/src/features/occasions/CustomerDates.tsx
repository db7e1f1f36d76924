import { Alert, Button, Checkbox, Group, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '../../lib/api.ts';
import { calendarDate } from '../../lib/format.ts';
import { occasionKeys, occasionsApi } from './api.ts';

/** A customer's own dates to remember (besides birthday and anniversary): greeted when Settings → Occasions says so. */
export function CustomerDates({ customerId }: { customerId: string }) {
  const qc = useQueryClient();
  const q = useQuery({
    queryKey: occasionKeys.custom(customerId),
    queryFn: () => occasionsApi.custom(customerId),
  });
  const [adding, setAdding] = useState(false);
  const [v, setV] = useState({ label: '', date: '', noYear: false, yearly: true });
  const done = () => {
    void qc.invalidateQueries({ queryKey: occasionKeys.custom(customerId) });
    void qc.invalidateQueries({ queryKey: occasionKeys.upcoming });
  };
  const add = useMutation({
    mutationFn: () =>
      occasionsApi.addCustom(customerId, {
        label: v.label,
        date: v.noYear ? `--${v.date.slice(5)}` : v.date,
        yearly: v.noYear || v.yearly,
      }),
    onSuccess: () => {
      done();
      setAdding(false);
      setV({ label: '', date: '', noYear: false, yearly: true });
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => occasionsApi.removeCustom(customerId, id),
    onSuccess: done,
  });
  const items = q.data?.items ?? [];
  return (
    <Paper withBorder p="md" component="section" aria-label="Dates to remember">
      <Group justify="space-between" mb="xs" gap="xs">
        <Title order={2} fz="lg">
          Dates to remember
        </Title>
        {!adding && (
          <Button size="xs" variant="default" onClick={() => setAdding(true)}>
            Add a date
          </Button>
        )}
      </Group>
      {adding && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            add.mutate();
          }}
        >
          <Stack gap="xs" mb="sm">
            <TextInput
              label="What"
              placeholder="Shop opening, graduation…"
              required
              value={v.label}
              onChange={(e) => setV({ ...v, label: e.currentTarget.value })}
            />
            <TextInput
              label="Date"
              type="date"
              required
              value={v.date}
              onChange={(e) => setV({ ...v, date: e.currentTarget.value })}
            />
            <Checkbox
              label="The year does not matter"
              checked={v.noYear}
              onChange={(e) => setV({ ...v, noYear: e.currentTarget.checked })}
            />
            {!v.noYear && (
              <Checkbox
                label="Every year"
                checked={v.yearly}
                onChange={(e) => setV({ ...v, yearly: e.currentTarget.checked })}
              />
            )}
            {add.isError && (
              <Alert color="red" role="alert">
                {errorMessage(add.error)}
              </Alert>
            )}
            <Group>
              <Button type="submit" size="sm" loading={add.isPending}>
                Save date
              </Button>
              <Button size="sm" variant="default" onClick={() => setAdding(false)}>
                Cancel
              </Button>
            </Group>
          </Stack>
        </form>
      )}
      {items.length === 0 && !adding ? (
        <Text size="sm" c="dimmed">
          No other dates. Birthday and anniversary are in the details.
        </Text>
      ) : (
        <Stack gap={4} component="ul" p={0} m={0} aria-label="Dates">
          {items.map((d) => (
            <Group
              key={d.id}
              component="li"
              justify="space-between"
              wrap="nowrap"
              style={{ listStyle: 'none' }}
            >
              <Text size="sm">
                <strong>{d.label}</strong> — {calendarDate(d.date)}
                {d.yearly ? ', every year' : ''}
              </Text>
              <Button
                size="xs"
                variant="subtle"
                color="red"
                aria-label={`Remove ${d.label}`}
                onClick={() => remove.mutate(d.id)}
              >
                Remove
              </Button>
            </Group>
          ))}
        </Stack>
      )}
    </Paper>
  );
}

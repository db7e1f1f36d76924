import { Button, Group, NumberInput, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '../../lib/api.ts';
import { scorecardApi, scorecardKeys, type Metric, type Scorecard, type Targets } from './api.ts';

const UNIT_SUFFIX = { percent: ' %', minutes: ' min', hours: ' h', per100: ' per 100', score: '' } as const;

/** The owner's targets: one number per figure; an empty box removes the target. */
export function TargetsForm({ card, onDone }: { card: Scorecard; onDone: () => void }) {
  const qc = useQueryClient();
  const [values, setValues] = useState<Record<string, number | ''>>(() =>
    Object.fromEntries(card.metrics.map((m) => [m.metric, m.target ?? ''])),
  );
  const save = useMutation({
    mutationFn: () => {
      const targets: Targets = {};
      for (const m of card.metrics) {
        const v = values[m.metric];
        targets[m.metric as Metric] = v === '' || v === undefined ? null : v;
      }
      return scorecardApi.setTargets(targets);
    },
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: scorecardKeys.all });
      onDone();
    },
  });
  return (
    <Paper withBorder p="md" component="section" aria-label="Targets">
      <form
        aria-label="Targets"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <Stack gap="sm">
          <div>
            <Title order={2} fz="lg">
              Targets
            </Title>
            <Text size="sm" c="dimmed">
              What good looks like for your shop. Times are “at most”, everything else “at least”. Leave a box
              empty for no target.
            </Text>
          </div>
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="sm">
            {card.metrics.map((m) => (
              <NumberInput
                key={m.metric}
                label={m.label}
                suffix={UNIT_SUFFIX[m.unit]}
                min={m.unit === 'score' ? -100 : 0}
                max={m.unit === 'percent' || m.unit === 'score' ? 100 : undefined}
                decimalScale={1}
                value={values[m.metric] ?? ''}
                onChange={(v) => setValues((s) => ({ ...s, [m.metric]: typeof v === 'number' ? v : '' }))}
              />
            ))}
          </SimpleGrid>
          {save.isError && (
            <Text c="red.8" size="sm" role="alert">
              {errorMessage(save.error)}
            </Text>
          )}
          <Group>
            <Button type="submit" loading={save.isPending}>
              Save targets
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

import { Alert, Button, Group, Paper, Stack, TagsInput, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '../../lib/api.ts';
import { money } from '../../lib/format.ts';
import { referralKeys, referralsApi } from './api.ts';

/** On the customer page: what this business offers and needs (for introductions) and what the shop passed them. */
export function CustomerBusiness({ customerId }: { customerId: string }) {
  const qc = useQueryClient();
  const q = useQuery({
    queryKey: referralKeys.business(customerId),
    queryFn: () => referralsApi.business(customerId),
  });
  const [editing, setEditing] = useState(false);
  const [offers, setOffers] = useState<string[]>([]);
  const [needs, setNeeds] = useState<string[]>([]);
  const save = useMutation({
    mutationFn: () => referralsApi.saveBusiness(customerId, { offers, needs }),
    onSuccess: (data) => {
      qc.setQueryData(referralKeys.business(customerId), data);
      void qc.invalidateQueries({ queryKey: referralKeys.allIntroductions });
      setEditing(false);
    },
  });
  const b = q.data;
  const isBusiness = !!b && (b.offers.length > 0 || b.needs.length > 0);
  return (
    <Paper withBorder p="md" component="section" aria-label="Passing business">
      <Group justify="space-between" mb="xs" gap="xs">
        <Title order={2} fz="lg">
          Passing business
        </Title>
        {b && !editing && (
          <Button
            size="xs"
            variant="default"
            onClick={() => {
              setOffers(b.offers);
              setNeeds(b.needs);
              setEditing(true);
            }}
          >
            {isBusiness ? 'Edit offers and needs' : 'Add offers and needs'}
          </Button>
        )}
      </Group>
      {editing ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate();
          }}
        >
          <Stack gap="xs">
            <TagsInput
              label="What they offer"
              description="Press Enter after each"
              value={offers}
              onChange={setOffers}
              splitChars={[',']}
            />
            <TagsInput
              label="What they need"
              description="Press Enter after each"
              value={needs}
              onChange={setNeeds}
              splitChars={[',']}
            />
            {save.isError && (
              <Alert color="red" role="alert">
                {errorMessage(save.error)}
              </Alert>
            )}
            <Group>
              <Button type="submit" size="sm" loading={save.isPending}>
                Save
              </Button>
              <Button size="sm" variant="default" onClick={() => setEditing(false)}>
                Cancel
              </Button>
            </Group>
          </Stack>
        </form>
      ) : !b ? (
        <Text size="sm" c="dimmed">
          {q.isError ? errorMessage(q.error) : 'Loading…'}
        </Text>
      ) : !isBusiness ? (
        <Text size="sm" c="dimmed">
          A business customer? Say what they offer and need, and Rapport suggests whom to introduce them to.
        </Text>
      ) : (
        <Stack gap={4}>
          <Text size="sm">
            <strong>Offers:</strong> {b.offers.join(', ') || '—'}
          </Text>
          <Text size="sm">
            <strong>Needs:</strong> {b.needs.join(', ') || '—'}
          </Text>
          <Text size="sm" data-testid="business-ledger">
            We introduced them{' '}
            {b.ledger.introductionsMade === 1 ? 'once' : `${b.ledger.introductionsMade} times`}
            {b.ledger.valuePassed > 0 &&
              `, passing business worth ${money(b.ledger.valuePassed, b.ledger.currency)}`}
            .
          </Text>
        </Stack>
      )}
    </Paper>
  );
}

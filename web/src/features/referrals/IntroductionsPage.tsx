import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  NumberInput,
  Paper,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../../lib/api.ts';
import { money } from '../../lib/format.ts';
import { PageLoader, QueryError } from '../shell/RouteError.tsx';
import { referralKeys, referralsApi, type Introduction } from './api.ts';

const digitsOf = (currency: string) => {
  try {
    return (
      new Intl.NumberFormat(undefined, { style: 'currency', currency }).resolvedOptions()
        .maximumFractionDigits ?? 2
    );
  } catch {
    return 2;
  }
};
const CONSENT = { asked: 'not answered yet', yes: 'said yes', no: 'said no' } as const;

/** Passing business: suggested introductions (with why), both parties' consent, and what was passed to whom. */
export default function IntroductionsPage() {
  const qc = useQueryClient();
  const refresh = () => void qc.invalidateQueries({ queryKey: referralKeys.allIntroductions });
  const suggestions = useQuery({ queryKey: referralKeys.suggestions, queryFn: referralsApi.suggestions });
  const list = useQuery({ queryKey: referralKeys.list, queryFn: referralsApi.introductions });
  const ledger = useQuery({ queryKey: referralKeys.ledger, queryFn: referralsApi.ledger });
  const ask = useMutation({ mutationFn: referralsApi.introduce, onSuccess: refresh });
  const items = list.data?.items ?? [];
  return (
    <Stack maw={900} gap="lg">
      <Title order={1} fz={24}>
        Introductions
      </Title>
      <Text size="sm" c="dimmed">
        Put business customers who can help each other in touch. Ask both first: an introduction is made only
        when both say yes. Add what each business offers and needs on its customer page.
      </Text>

      <section aria-labelledby="suggested">
        <Title order={2} fz="lg" id="suggested" mb="xs">
          Suggested
        </Title>
        {ask.isError && (
          <Alert color="red" role="alert" mb="xs">
            {errorMessage(ask.error)}
          </Alert>
        )}
        {suggestions.isPending ? (
          <PageLoader />
        ) : suggestions.isError ? (
          <QueryError error={suggestions.error} onRetry={() => void suggestions.refetch()} />
        ) : suggestions.data.items.length === 0 ? (
          <Text c="dimmed">
            No matches to suggest. Record what business customers offer and need to get some.
          </Text>
        ) : (
          <Stack gap="sm" component="ul" p={0} m={0} aria-label="Suggested introductions">
            {suggestions.data.items.map((s) => (
              <Paper
                key={`${s.a.id}|${s.b.id}`}
                withBorder
                p="md"
                component="li"
                style={{ listStyle: 'none' }}
              >
                <Group justify="space-between" wrap="wrap" gap="xs">
                  <Text fw={600}>
                    {s.a.name} and {s.b.name}
                  </Text>
                  <Badge variant="light">Match {s.score}</Badge>
                </Group>
                <Stack gap={0} component="ul" pl="md" my="xs">
                  {s.reasons.map((r) => (
                    <Text key={r} component="li" size="sm">
                      {r}
                    </Text>
                  ))}
                </Stack>
                <Button
                  size="xs"
                  loading={ask.isPending}
                  onClick={() =>
                    ask.mutate({ needsId: s.a.id, offersId: s.b.id, reason: s.reasons.join('; ') })
                  }
                >
                  Ask both
                </Button>
              </Paper>
            ))}
          </Stack>
        )}
      </section>

      <section aria-labelledby="recorded">
        <Title order={2} fz="lg" id="recorded" mb="xs">
          Asked and made
        </Title>
        {list.isError ? (
          <QueryError error={list.error} onRetry={() => void list.refetch()} />
        ) : items.length === 0 ? (
          <Text c="dimmed">No introductions yet.</Text>
        ) : (
          <Stack gap="sm" component="ul" p={0} m={0} aria-label="Introductions">
            {items.map((i) => (
              <IntroductionItem key={i.id} i={i} onChange={refresh} />
            ))}
          </Stack>
        )}
      </section>

      <section aria-labelledby="ledger">
        <Title order={2} fz="lg" id="ledger" mb="xs">
          What we did for each business
        </Title>
        {ledger.isError ? (
          <QueryError error={ledger.error} onRetry={() => void ledger.refetch()} />
        ) : !ledger.data || ledger.data.items.length === 0 ? (
          <Text c="dimmed">No business customers yet.</Text>
        ) : (
          <Paper withBorder>
            <Table.ScrollContainer minWidth={340}>
              <Table aria-label="Business passed" striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Business</Table.Th>
                    <Table.Th ta="right">Introductions made</Table.Th>
                    <Table.Th ta="right">Business passed to them</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {ledger.data.items.map((r) => (
                    <Table.Tr key={r.customerId}>
                      <Table.Td>
                        <Anchor component={Link} to={`/customers/${r.customerId}`}>
                          {r.name}
                        </Anchor>
                      </Table.Td>
                      <Table.Td ta="right">{r.introductionsMade}</Table.Td>
                      <Table.Td ta="right">{money(r.valuePassed, ledger.data.currency)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </Paper>
        )}
      </section>
    </Stack>
  );
}

function IntroductionItem({ i, onChange }: { i: Introduction; onChange: () => void }) {
  const digits = digitsOf(i.currency);
  const [value, setValue] = useState<number | string>(i.value === null ? '' : i.value / 10 ** digits);
  const answer = useMutation({
    mutationFn: (v: { customerId: string; answer: 'yes' | 'no' }) =>
      referralsApi.answer(i.id, v.customerId, v.answer),
    onSuccess: onChange,
  });
  const save = useMutation({
    mutationFn: () =>
      referralsApi.setValue(i.id, value === '' ? null : Math.round(Number(value) * 10 ** digits)),
    onSuccess: onChange,
  });
  const status = i.status === 'made' ? 'Made' : i.status === 'declined' ? 'Declined' : 'Waiting for answers';
  return (
    <Paper withBorder p="md" component="li" style={{ listStyle: 'none' }}>
      <Group justify="space-between" wrap="wrap" gap="xs" mb="xs">
        <Text fw={600}>
          {i.a.name} and {i.b.name}
        </Text>
        <Badge color={i.status === 'made' ? 'green' : i.status === 'declined' ? 'gray' : 'yellow'}>
          {status}
        </Badge>
      </Group>
      <Text size="sm" c="dimmed" mb="xs">
        {i.reason}
      </Text>
      <Stack gap={6}>
        {[i.a, i.b].map((p) => (
          <Group key={p.id} gap="xs" wrap="wrap">
            <Text size="sm">
              {p.name}: {CONSENT[p.consent]}
            </Text>
            {p.consent === 'asked' && i.status === 'asked' && (
              <>
                <Button
                  size="xs"
                  aria-label={`${p.name} said yes`}
                  onClick={() => answer.mutate({ customerId: p.id, answer: 'yes' })}
                >
                  Yes
                </Button>
                <Button
                  size="xs"
                  variant="default"
                  aria-label={`${p.name} said no`}
                  onClick={() => answer.mutate({ customerId: p.id, answer: 'no' })}
                >
                  No
                </Button>
              </>
            )}
          </Group>
        ))}
      </Stack>
      {answer.isError && (
        <Alert color="red" role="alert" mt="xs">
          {errorMessage(answer.error)}
        </Alert>
      )}
      {i.status === 'made' && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate();
          }}
        >
          <Group align="flex-end" gap="xs" mt="sm">
            <NumberInput
              label={`Business passed to ${i.b.name}`}
              min={0}
              decimalScale={digits}
              value={value}
              onChange={setValue}
              maw={220}
            />
            <Button type="submit" size="sm" variant="default" loading={save.isPending}>
              Save
            </Button>
          </Group>
          {save.isError && (
            <Alert color="red" role="alert" mt="xs">
              {errorMessage(save.error)}
            </Alert>
          )}
        </form>
      )}
    </Paper>
  );
}

import { Alert, Anchor, Button, Group, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../../lib/api.ts';
import { money } from '../../lib/format.ts';
import { referralKeys, referralsApi } from './api.ts';
import './referrals.css';

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Print only the referral card (see referrals.css). */
function printCard() {
  document.body.classList.add('printing-referral');
  const done = () => {
    document.body.classList.remove('printing-referral');
    window.removeEventListener('afterprint', done);
  };
  window.addEventListener('afterprint', done);
  window.print();
}

/** On the customer page: who referred them, whom they referred and what those customers brought, their code. */
export function CustomerReferrals({ customerId, name }: { customerId: string; name: string }) {
  const qc = useQueryClient();
  const q = useQuery({
    queryKey: referralKeys.customer(customerId),
    queryFn: () => referralsApi.customer(customerId),
  });
  const [setting, setSetting] = useState(false);
  const [ref, setRef] = useState('');
  const save = useMutation({
    mutationFn: () => referralsApi.setReferrer(customerId, ref.trim()),
    onSuccess: (data) => {
      qc.setQueryData(referralKeys.customer(customerId), data);
      void qc.invalidateQueries({ queryKey: ['referrals'] });
      void qc.invalidateQueries({ queryKey: ['timeline'] });
      setSetting(false);
      setRef('');
    },
  });
  const r = q.data;
  return (
    <Paper withBorder p="md" component="section" aria-label="Referrals">
      <Title order={2} fz="lg" mb="xs">
        Referrals
      </Title>
      {!r ? (
        <Text size="sm" c="dimmed">
          {q.isError ? errorMessage(q.error) : 'Loading…'}
        </Text>
      ) : (
        <Stack gap="sm">
          {r.referredBy ? (
            <Text size="sm">
              Referred by{' '}
              <Anchor component={Link} to={`/customers/${r.referredBy.id}`}>
                {r.referredBy.name}
              </Anchor>
            </Text>
          ) : setting ? (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                save.mutate();
              }}
            >
              <Stack gap="xs">
                <TextInput
                  label="Who referred them? (referral code)"
                  description="Set once. The code is on the referrer's card and customer page."
                  required
                  value={ref}
                  onChange={(e) => setRef(e.currentTarget.value)}
                  autoComplete="off"
                />
                {save.isError && (
                  <Alert color="red" role="alert">
                    {errorMessage(save.error)}
                  </Alert>
                )}
                <Group>
                  <Button type="submit" size="sm" loading={save.isPending}>
                    Save referrer
                  </Button>
                  <Button size="sm" variant="default" onClick={() => setSetting(false)}>
                    Cancel
                  </Button>
                </Group>
              </Stack>
            </form>
          ) : (
            <Group justify="space-between" gap="xs">
              <Text size="sm" c="dimmed">
                No referrer recorded.
              </Text>
              <Button size="xs" variant="default" onClick={() => setSetting(true)}>
                Set who referred them
              </Button>
            </Group>
          )}
          <Text size="sm" data-testid="referred-summary">
            {r.referred.length === 0
              ? 'Has not referred anyone yet.'
              : `Referred ${plural(r.referred.length, 'customer', 'customers')} bringing ${money(r.revenue.amount, r.revenue.currency)}`}
          </Text>
          {r.referred.length > 0 && (
            <Stack gap={2} component="ul" p={0} m={0} aria-label="Customers they referred">
              {r.referred.map((x) => (
                <Group
                  key={x.id}
                  component="li"
                  justify="space-between"
                  wrap="nowrap"
                  style={{ listStyle: 'none' }}
                >
                  <Anchor component={Link} to={`/customers/${x.id}`} size="sm">
                    {x.name}
                  </Anchor>
                  <Text size="sm">{money(x.revenue, r.revenue.currency)}</Text>
                </Group>
              ))}
            </Stack>
          )}
          <div className="referral-card" data-testid="referral-card">
            <Text size="sm">{name}’s referral code</Text>
            <div className="referral-code">{r.code}</div>
            <Text size="xs" style={{ wordBreak: 'break-all' }}>
              {r.link}
            </Text>
            <Text size="xs" c="dimmed">
              Give this code to friends: when they come in, we thank {name.split(/\s+/)[0]}.
            </Text>
            <Button size="xs" variant="default" mt="xs" onClick={printCard}>
              Print card
            </Button>
          </div>
        </Stack>
      )}
    </Paper>
  );
}

import {
  Alert,
  Anchor,
  Button,
  Group,
  NumberInput,
  Paper,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../../lib/api.ts';
import { useState } from 'react';
import { Link } from 'react-router';
import { money } from '../../lib/format.ts';
import { PageLoader, QueryError } from '../shell/RouteError.tsx';
import { referralKeys, referralsApi } from './api.ts';

/** The referral leaderboard: who sent the most customers, and what those customers spent (net of refunds). */
export default function ReferralsPage() {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const q = useQuery({
    queryKey: referralKeys.leaderboard(from, to),
    queryFn: () => referralsApi.leaderboard(from, to),
  });
  return (
    <Stack maw={900} gap="md">
      <Title order={1} fz={24}>
        Referrals
      </Title>
      <Text size="sm" c="dimmed">
        Every customer has a referral code (on their page, ready to print). Customers who come through it, or
        whose referrer you set, count here.
      </Text>
      <Group gap="sm" align="flex-end">
        <TextInput
          label="Referred from"
          type="date"
          value={from}
          onChange={(e) => setFrom(e.currentTarget.value)}
        />
        <TextInput label="to" type="date" value={to} onChange={(e) => setTo(e.currentTarget.value)} />
      </Group>
      <RewardSetting />
      {q.isPending ? (
        <PageLoader />
      ) : q.isError ? (
        <QueryError error={q.error} onRetry={() => void q.refetch()} />
      ) : q.data.items.length === 0 ? (
        <Text c="dimmed">No referrals in this period yet.</Text>
      ) : (
        <Paper withBorder>
          <Table.ScrollContainer minWidth={340}>
            <Table aria-label="Referral leaderboard" striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>#</Table.Th>
                  <Table.Th>Referrer</Table.Th>
                  <Table.Th ta="right">Customers referred</Table.Th>
                  <Table.Th ta="right">They spent</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {q.data.items.map((r) => (
                  <Table.Tr key={r.customerId}>
                    <Table.Td>{r.rank}</Table.Td>
                    <Table.Td>
                      <Anchor component={Link} to={`/customers/${r.customerId}`}>
                        {r.name}
                      </Anchor>
                      {r.code && (
                        <Text size="xs" c="dimmed" ff="monospace">
                          {r.code}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td ta="right">{r.referred}</Table.Td>
                    <Table.Td ta="right">{money(r.revenue, q.data.currency)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}
    </Stack>
  );
}

/** The referrer's reward: loyalty points for each referred customer's first purchase (when loyalty is there). */
function RewardSetting() {
  const qc = useQueryClient();
  const q = useQuery({ queryKey: referralKeys.settings, queryFn: referralsApi.settings });
  const [points, setPoints] = useState<number | string | null>(null);
  const save = useMutation({
    mutationFn: () => referralsApi.saveSettings(Number(points ?? q.data?.rewardPoints ?? 0)),
    onSuccess: (data) => {
      qc.setQueryData(referralKeys.settings, data);
      setPoints(null);
    },
  });
  if (!q.data?.rewardsAvailable) return null;
  return (
    <form
      aria-label="Referral reward"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <Group align="flex-end" gap="xs">
        <NumberInput
          label="Points for the referrer"
          description="For each referred customer's first purchase, given once (0: none)"
          min={0}
          max={1_000_000}
          allowDecimal={false}
          value={points ?? q.data.rewardPoints}
          onChange={setPoints}
          maw={320}
        />
        <Button type="submit" variant="default" loading={save.isPending}>
          Save
        </Button>
      </Group>
      {save.isError && (
        <Alert color="red" role="alert" mt="xs">
          {errorMessage(save.error)}
        </Alert>
      )}
    </form>
  );
}

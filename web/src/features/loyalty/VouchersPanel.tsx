import {
  Alert,
  Badge,
  Button,
  Group,
  Paper,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '../../lib/api.ts';
import { money } from '../../lib/format.ts';
import { useMe } from '../../lib/session.ts';
import { toMinor } from '../sales/api.ts';
import { PageLoader, QueryError } from '../shell/RouteError.tsx';
import { loyaltyApi, loyaltyKeys, type IssuedVoucher, type Voucher } from './api.ts';
import './loyalty.css';

const STATUS: Record<Voucher['status'], { label: string; color: string }> = {
  active: { label: 'Active', color: 'teal' },
  used: { label: 'Used', color: 'gray' },
  void: { label: 'Cancelled', color: 'red' },
  expired: { label: 'Expired', color: 'orange' },
};
const worth = (v: Voucher) => (v.kind === 'percent' ? `${v.percent}% off` : money(v.value ?? 0, v.currency));

/** Issue a voucher (its code shown once, to print or read out), redeem one by its code, and the list. */
export function VouchersPanel() {
  return (
    <Stack gap="md">
      <IssueVoucher />
      <RedeemVoucher />
      <VoucherList />
    </Stack>
  );
}

function IssueVoucher() {
  const { workspace } = useMe();
  const qc = useQueryClient();
  const [kind, setKind] = useState<'amount' | 'percent'>('amount');
  const [mode, setMode] = useState<'once' | 'balance'>('once');
  const [valueText, setValueText] = useState('');
  const [expires, setExpires] = useState('');
  const [issued, setIssued] = useState<IssuedVoucher | null>(null);
  const value = kind === 'amount' ? toMinor(valueText, workspace.currency) : Number(valueText);
  const problem =
    !valueText.trim() ||
    !value ||
    value <= 0 ||
    (kind === 'percent' && (!Number.isInteger(value) || value > 100))
      ? kind === 'amount'
        ? 'Type what it is worth'
        : 'Type a percentage from 1 to 100'
      : null;
  const issue = useMutation({
    mutationFn: () =>
      loyaltyApi.issueVoucher({
        ...(kind === 'amount' ? { value: value ?? 0, mode } : { percent: value ?? 0, mode: 'once' }),
        ...(expires && { expiresAt: new Date(`${expires}T23:59:59`).toISOString() }),
        source: 'manual',
      }),
    onSuccess: (v) => {
      setIssued(v);
      setValueText('');
      void qc.invalidateQueries({ queryKey: loyaltyKeys.vouchers });
    },
  });
  return (
    <Paper withBorder p="md" component="section" aria-label="Issue a voucher">
      <Title order={2} fz="lg" mb="sm">
        Issue a gift voucher
      </Title>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!problem) issue.mutate();
        }}
      >
        <Stack gap="sm">
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <SegmentedControl
              fullWidth
              aria-label="Kind of voucher"
              value={kind}
              onChange={(v) => setKind(v as 'amount' | 'percent')}
              data={[
                { value: 'amount', label: 'An amount' },
                { value: 'percent', label: 'A percentage' },
              ]}
            />
            {kind === 'amount' && (
              <SegmentedControl
                fullWidth
                aria-label="How it is spent"
                value={mode}
                onChange={(v) => setMode(v as 'once' | 'balance')}
                data={[
                  { value: 'once', label: 'All at once' },
                  { value: 'balance', label: 'A bit at a time' },
                ]}
              />
            )}
          </SimpleGrid>
          <Group grow align="flex-start">
            <TextInput
              label={kind === 'amount' ? `Worth (${workspace.currency})` : 'Percent off'}
              inputMode="decimal"
              value={valueText}
              onChange={(e) => setValueText(e.currentTarget.value)}
            />
            <TextInput
              label="Expires on (optional)"
              type="date"
              value={expires}
              onChange={(e) => setExpires(e.currentTarget.value)}
            />
          </Group>
          {issue.isError && (
            <Alert color="red" role="alert">
              {errorMessage(issue.error)}
            </Alert>
          )}
          <Group>
            <Button type="submit" disabled={!!problem} loading={issue.isPending}>
              Issue voucher
            </Button>
            {problem && valueText && (
              <Text size="sm" c="dimmed">
                {problem}
              </Text>
            )}
          </Group>
        </Stack>
      </form>
      {issued && (
        <Paper withBorder p="md" mt="md" className="voucher-print" role="status" aria-label="New voucher">
          <Text size="xs" tt="uppercase" fw={700} c="dimmed">
            Gift voucher · {workspace.name}
          </Text>
          <Text className="voucher-code" data-testid="voucher-code">
            {issued.code}
          </Text>
          <Text fw={600}>
            {worth(issued)}
            {issued.mode === 'balance' ? ', spend it a bit at a time' : ''}
            {issued.expiresAt ? ` · until ${issued.expiresAt.slice(0, 10)}` : ''}
          </Text>
          <Text size="xs" c="dimmed" mt={4} className="no-print">
            This code is shown only now: print it or write it down. Letters and digits that look alike (0 and
            O, 1 and I) are never used.
          </Text>
          <Group mt="sm" className="no-print">
            <Button variant="default" size="xs" onClick={() => window.print()}>
              Print
            </Button>
            <Button variant="subtle" size="xs" onClick={() => setIssued(null)}>
              Done
            </Button>
          </Group>
        </Paper>
      )}
    </Paper>
  );
}

function RedeemVoucher() {
  const qc = useQueryClient();
  const [code, setCode] = useState('');
  const [amountText, setAmountText] = useState('');
  const look = useMutation({ mutationFn: () => loyaltyApi.lookupVoucher(code) });
  const redeem = useMutation({
    mutationFn: () => {
      const v = look.data;
      const amount = v && v.mode === 'balance' && amountText ? toMinor(amountText, v.currency) : undefined;
      return loyaltyApi.redeemVoucher(code, amount ?? undefined);
    },
    onSuccess: () => void qc.invalidateQueries({ queryKey: loyaltyKeys.vouchers }),
  });
  const v = look.data;
  return (
    <Paper withBorder p="md" component="section" aria-label="Redeem a voucher">
      <Title order={2} fz="lg" mb="sm">
        Redeem a voucher
      </Title>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          redeem.reset();
          look.mutate();
        }}
      >
        <Group align="flex-end" wrap="wrap">
          <TextInput
            label="Code"
            placeholder="ABCD-EFGH-JKLM"
            autoComplete="off"
            value={code}
            onChange={(e) => {
              setCode(e.currentTarget.value.toUpperCase());
              look.reset();
              redeem.reset();
            }}
            style={{ flex: '1 1 220px' }}
          />
          <Button type="submit" variant="default" disabled={code.trim().length < 4} loading={look.isPending}>
            Check
          </Button>
        </Group>
      </form>
      {look.isError && (
        <Alert color="red" mt="sm" role="alert">
          {errorMessage(look.error)}
        </Alert>
      )}
      {v && (
        <Stack gap="xs" mt="sm">
          <Group gap="xs">
            <Badge color={STATUS[v.status].color} variant="light">
              {STATUS[v.status].label}
            </Badge>
            <Text fw={600}>{worth(v)}</Text>
            {v.mode === 'balance' && v.remaining !== null && (
              <Text size="sm">{money(v.remaining, v.currency)} left</Text>
            )}
          </Group>
          {v.status === 'active' && !redeem.isSuccess && (
            <Group align="flex-end">
              {v.mode === 'balance' && (
                <TextInput
                  label={`Amount to use (${v.currency}), empty for all`}
                  inputMode="decimal"
                  value={amountText}
                  onChange={(e) => setAmountText(e.currentTarget.value)}
                />
              )}
              <Button onClick={() => redeem.mutate()} loading={redeem.isPending}>
                Redeem
              </Button>
            </Group>
          )}
          {redeem.isSuccess && (
            <Alert color="teal" role="status">
              Redeemed{redeem.data.amount !== null ? `: ${money(redeem.data.amount, v.currency)}` : ''}.
            </Alert>
          )}
          {redeem.isError && (
            <Alert color="red" role="alert">
              {errorMessage(redeem.error)}
            </Alert>
          )}
        </Stack>
      )}
    </Paper>
  );
}

function VoucherList() {
  const qc = useQueryClient();
  const q = useQuery({ queryKey: loyaltyKeys.vouchers, queryFn: loyaltyApi.vouchers });
  const cancel = useMutation({
    mutationFn: (id: string) => loyaltyApi.voidVoucher(id),
    onSuccess: () => void qc.invalidateQueries({ queryKey: loyaltyKeys.vouchers }),
  });
  return (
    <Paper withBorder p="md" component="section" aria-label="Vouchers">
      <Title order={2} fz="lg" mb="sm">
        Vouchers
      </Title>
      {q.isPending ? (
        <PageLoader />
      ) : q.isError ? (
        <QueryError error={q.error} onRetry={() => void q.refetch()} />
      ) : q.data.items.length === 0 ? (
        <Text size="sm">No vouchers yet.</Text>
      ) : (
        <Table.ScrollContainer minWidth={480}>
          <Table verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Code ends</Table.Th>
                <Table.Th>Worth</Table.Th>
                <Table.Th>Left</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Issued</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {q.data.items.map((v) => (
                <Table.Tr key={v.id}>
                  <Table.Td ff="monospace">…{v.codeHint}</Table.Td>
                  <Table.Td>{worth(v)}</Table.Td>
                  <Table.Td>{v.remaining === null ? '—' : money(v.remaining, v.currency)}</Table.Td>
                  <Table.Td>
                    <Badge color={STATUS[v.status].color} variant="light">
                      {STATUS[v.status].label}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{v.createdAt.slice(0, 10)}</Table.Td>
                  <Table.Td>
                    {v.status === 'active' && (
                      <Button
                        size="compact-sm"
                        variant="subtle"
                        color="red"
                        onClick={() => cancel.mutate(v.id)}
                        aria-label={`Cancel the voucher ending ${v.codeHint}`}
                      >
                        Cancel
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Paper>
  );
}

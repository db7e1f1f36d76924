import {
  Alert,
  Badge,
  Button,
  Group,
  Paper,
  SegmentedControl,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '../../lib/api.ts';
import { dateTime, money } from '../../lib/format.ts';
import { useMe } from '../../lib/session.ts';
import { PageLoader, QueryError } from '../shell/RouteError.tsx';
import { PAYMENT_LABELS, fromMinor, salesApi, toMinor, useCustomerOrders, type Order } from './api.ts';

const STATUS: Partial<Record<Order['status'], { label: string; color: string }>> = {
  partially_refunded: { label: 'Part refunded', color: 'orange' },
  refunded: { label: 'Refunded', color: 'red' },
  cancelled: { label: 'Cancelled', color: 'gray' },
};

/** The customer's latest orders, each with what was refunded and a way to refund or take back part of it. */
export function CustomerOrders({ customerId }: { customerId: string }) {
  const q = useCustomerOrders(customerId);
  return (
    <Paper withBorder p="md" component="section" aria-label="Orders">
      <Title order={2} fz="lg" mb="sm">
        Orders
      </Title>
      {q.isPending ? (
        <PageLoader label="Loading orders…" />
      ) : q.isError ? (
        <QueryError error={q.error} onRetry={() => void q.refetch()} />
      ) : q.data.items.length === 0 ? (
        <Text size="sm" c="dimmed">
          No orders yet.
        </Text>
      ) : (
        <Stack gap="sm">
          {q.data.items.map((o) => (
            <OrderRow key={o.id} o={o} customerId={customerId} />
          ))}
        </Stack>
      )}
    </Paper>
  );
}

function OrderRow({ o, customerId }: { o: Order; customerId: string }) {
  const { workspace } = useMe();
  const [refunding, setRefunding] = useState(false);
  const status = STATUS[o.status];
  const left = o.total - o.refunded;
  const what =
    o.lines.length === 1
      ? `${o.lines[0]?.quantity === 1 ? '' : `${o.lines[0]?.quantity} × `}${o.lines[0]?.name ?? ''}`
      : o.lines.map((l) => (l.quantity === 1 ? l.name : `${l.quantity} × ${l.name}`)).join(', ');
  return (
    <Paper withBorder p="sm" role="group" aria-label={`Order of ${dateTime(o.placedAt, workspace.timezone)}`}>
      <Group justify="space-between" wrap="nowrap" align="flex-start" gap="xs">
        <div style={{ minWidth: 0 }}>
          <Text fw={600} size="sm" lineClamp={2}>
            {what}
          </Text>
          <Text size="xs" c="dimmed">
            {dateTime(o.placedAt, workspace.timezone)}
            {o.number ? ` · #${o.number}` : ''}
            {o.channel === 'counter' ? ' · at the counter' : o.channel ? ` · ${o.channel}` : ''}
            {o.paymentMethod ? ` · ${PAYMENT_LABELS[o.paymentMethod]}` : ''}
          </Text>
        </div>
        <div style={{ textAlign: 'right', flexShrink: 0 }}>
          <Text fw={700}>{money(o.total, o.currency)}</Text>
          {status && (
            <Badge size="sm" variant="light" color={status.color}>
              {status.label}
            </Badge>
          )}
        </div>
      </Group>
      {o.refunds.map((r) => (
        <Text key={r.id} size="xs" c="red.9" mt={4}>
          {r.kind === 'return' ? 'Returned' : 'Refunded'} {money(r.amount, o.currency)} — {r.reason}
        </Text>
      ))}
      {left > 0 && o.status !== 'cancelled' && !refunding && (
        <Button variant="subtle" size="compact-sm" mt={6} onClick={() => setRefunding(true)}>
          Refund or return
        </Button>
      )}
      {refunding && <RefundForm o={o} customerId={customerId} onDone={() => setRefunding(false)} />}
    </Paper>
  );
}

function RefundForm({ o, customerId, onDone }: { o: Order; customerId: string; onDone: () => void }) {
  const qc = useQueryClient();
  const left = o.total - o.refunded;
  const [amount, setAmount] = useState(fromMinor(left, o.currency));
  const [kind, setKind] = useState<'refund' | 'return'>('refund');
  const [reason, setReason] = useState('');
  const minor = toMinor(amount, o.currency);
  const bad =
    minor === null || minor <= 0
      ? 'Enter an amount'
      : minor > left
        ? `At most ${money(left, o.currency)}`
        : null;
  const save = useMutation({
    mutationFn: () => salesApi.refund(o.id, { amount: minor ?? 0, kind, reason: reason.trim() }),
    onSuccess: () => {
      for (const k of ['orders', 'totals', 'timeline', 'customer'])
        void qc.invalidateQueries({ queryKey: [k, customerId] });
      onDone();
    },
  });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (!bad && reason.trim() && !save.isPending) save.mutate();
      }}
      aria-label="Refund or return"
    >
      <Stack gap="xs" mt="xs">
        <SegmentedControl
          size="sm"
          value={kind}
          onChange={(v) => setKind(v as 'refund' | 'return')}
          data={[
            { value: 'refund', label: 'Money back' },
            { value: 'return', label: 'Goods returned' },
          ]}
          aria-label="Refund or return"
        />
        <Group grow align="flex-start">
          <TextInput
            label={`Amount (${o.currency})`}
            inputMode="decimal"
            value={amount}
            onChange={(e) => setAmount(e.currentTarget.value)}
            error={amount && bad ? bad : undefined}
            required
          />
          <TextInput
            label="Why"
            placeholder="e.g. the cake was stale"
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            required
          />
        </Group>
        {save.isError && (
          <Alert color="red" role="alert">
            {errorMessage(save.error)}
          </Alert>
        )}
        <Group gap="xs">
          <Button type="submit" color="red" loading={save.isPending} disabled={!!bad || !reason.trim()}>
            {kind === 'return' ? 'Record return' : 'Record refund'}
          </Button>
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

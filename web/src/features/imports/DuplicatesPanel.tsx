import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Modal,
  Paper,
  Radio,
  SimpleGrid,
  Stack,
  Text,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { importKeys } from './api.ts';
import { customerKeys } from '../customers/queries.ts';
import { useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../../lib/api.ts';
import { timeAgo } from '../../lib/format.ts';
import type { CustomerSummary } from '../../lib/api.ts';
import { QueryError } from '../shell/RouteError.tsx';
import { dataApi, type DuplicateDismissal, type DuplicatePair } from './api.ts';

const REASON: Record<string, string> = { phone: 'Same phone', email: 'Same email', name: 'Same name' };
const pairKey = (p: DuplicatePair) => p.customers.map((c) => c.id).join('|');

/**
 * Duplicates: likely pairs side by side with why, a merge that keeps everything of both, and "not the same
 * person" for pairs that only look alike (never suggested again; undo from the notice or the list below).
 */
export function DuplicatesPanel() {
  const qc = useQueryClient();
  const pairs = useQuery({ queryKey: importKeys.duplicates, queryFn: () => dataApi.duplicates(100) });
  const [merged, setMerged] = useState<{ id: string; name: string; other: string } | null>(null);
  const [dismissed, setDismissed] = useState<[CustomerSummary, CustomerSummary] | null>(null);
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: importKeys.duplicates });
    void qc.invalidateQueries({ queryKey: importKeys.dismissals });
  };
  const undo = useMutation({
    mutationFn: ([a, b]: [CustomerSummary, CustomerSummary]) => dataApi.undoDismiss(a.id, b.id),
    onSuccess: () => {
      setDismissed(null);
      refresh();
    },
  });

  if (pairs.isError) return <QueryError error={pairs.error} onRetry={() => void pairs.refetch()} />;
  if (!pairs.data) return <Text c="dimmed">Looking for duplicates…</Text>;
  const items = pairs.data.items;
  return (
    <Stack gap="md">
      <Text size="sm" c="dimmed" maw={640}>
        Customers who share a phone number or an email, or have the same name. Merging keeps one page with
        everything of both: every phone, email, tag, timeline item and order.
      </Text>
      {merged && (
        <Alert color="teal" title="Merged" withCloseButton onClose={() => setMerged(null)} role="status">
          {merged.other} is now part of{' '}
          <Anchor component={Link} to={`/customers/${merged.id}`} fw={600}>
            {merged.name}
          </Anchor>
          .
        </Alert>
      )}
      {dismissed && (
        <Alert
          color="blue"
          title="Marked as different people"
          withCloseButton
          onClose={() => setDismissed(null)}
          role="status"
        >
          <Group gap="sm" justify="space-between" wrap="wrap">
            <Text size="sm">
              {dismissed[0].name} and {dismissed[1].name} will not be suggested as duplicates again.
            </Text>
            <Button size="xs" variant="white" onClick={() => undo.mutate(dismissed)} loading={undo.isPending}>
              Undo
            </Button>
          </Group>
          {undo.isError && (
            <Text size="sm" c="red" role="alert">
              {errorMessage(undo.error)}
            </Text>
          )}
        </Alert>
      )}
      {items.length === 0 && (
        <Paper withBorder p="lg" radius="md">
          <Text>No likely duplicates. Nothing to merge.</Text>
        </Paper>
      )}
      {items.map((p) => (
        <PairCard
          key={pairKey(p)}
          pair={p}
          onDismissed={(a, b) => {
            setMerged(null);
            setDismissed([a, b]);
            qc.setQueryData<{ items: DuplicatePair[] }>(
              ['duplicates'],
              (d) => d && { items: d.items.filter((x) => pairKey(x) !== pairKey(p)) },
            );
            refresh();
          }}
          onMerged={(keep, other) => {
            setDismissed(null);
            setMerged({ id: keep.id, name: keep.name, other: other.name });
            // the merged-away customer is gone: drop every pair it was in, then ask the server again
            qc.setQueryData<{ items: DuplicatePair[] }>(
              ['duplicates'],
              (d) => d && { items: d.items.filter((x) => !x.customers.some((c) => c.id === other.id)) },
            );
            void qc.invalidateQueries({ queryKey: importKeys.duplicates });
            void qc.invalidateQueries({ queryKey: customerKeys.lists });
            void qc.invalidateQueries({ queryKey: customerKeys.detail(keep.id) });
            void qc.invalidateQueries({ queryKey: importKeys.dismissals });
          }}
        />
      ))}
      <DismissedPairs
        onUndone={(pair) => {
          if (dismissed && pair.every((c) => dismissed.some((d) => d.id === c.id))) setDismissed(null);
          refresh();
        }}
      />
    </Stack>
  );
}

/** The pairs said to be different people, newest first, each with an undo. */
function DismissedPairs({ onUndone }: { onUndone: (pair: CustomerSummary[]) => void }) {
  const list = useQuery({ queryKey: importKeys.dismissals, queryFn: () => dataApi.dismissals(100) });
  const undo = useMutation({
    mutationFn: (d: DuplicateDismissal) =>
      dataApi.undoDismiss(d.customers[0]?.id ?? '', d.customers[1]?.id ?? ''),
    onSuccess: (_r, d) => onUndone(d.customers),
  });
  const items = list.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <Stack gap="xs" component="section" aria-label="Not duplicates" mt="md">
      <Text fw={600}>Not duplicates ({items.length})</Text>
      <Text size="sm" c="dimmed">
        Pairs you said are different people. They are not suggested again unless you undo.
      </Text>
      {undo.isError && (
        <Alert color="red" role="alert">
          {errorMessage(undo.error)}
        </Alert>
      )}
      {items.map((d) => {
        const [a, b] = d.customers as [CustomerSummary, CustomerSummary];
        return (
          <Group
            key={`${a.id}|${b.id}`}
            gap="sm"
            justify="space-between"
            wrap="nowrap"
            aria-label={`Not duplicates: ${a.name} and ${b.name}`}
            role="group"
          >
            <div style={{ minWidth: 0 }}>
              <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
                <Anchor component={Link} to={`/customers/${a.id}`}>
                  {a.name}
                </Anchor>{' '}
                and{' '}
                <Anchor component={Link} to={`/customers/${b.id}`}>
                  {b.name}
                </Anchor>
              </Text>
              <Text size="xs" c="dimmed">
                Marked {timeAgo(d.dismissedAt)}
              </Text>
            </div>
            <Button
              size="xs"
              variant="default"
              onClick={() => undo.mutate(d)}
              loading={undo.isPending && undo.variables === d}
              aria-label={`Undo: suggest ${a.name} and ${b.name} again`}
            >
              Undo
            </Button>
          </Group>
        );
      })}
    </Stack>
  );
}

function PairCard({
  pair,
  onMerged,
  onDismissed,
}: {
  pair: DuplicatePair;
  onMerged: (keep: CustomerSummary, other: CustomerSummary) => void;
  onDismissed: (a: CustomerSummary, b: CustomerSummary) => void;
}) {
  const [a, b] = pair.customers as [CustomerSummary, CustomerSummary];
  // keep the one that was in touch most recently by default
  const [keepId, setKeepId] = useState(
    (b.lastInteractionAt ?? '') > (a.lastInteractionAt ?? '') ? b.id : a.id,
  );
  const [confirming, setConfirming] = useState(false);
  const keep = keepId === a.id ? a : b;
  const other = keepId === a.id ? b : a;
  const merge = useMutation({
    mutationFn: () => dataApi.merge(keep.id, other.id),
    onSuccess: () => {
      setConfirming(false);
      onMerged(keep, other);
    },
  });
  const dismiss = useMutation({
    mutationFn: () => dataApi.dismiss(a.id, b.id),
    onSuccess: () => onDismissed(a, b),
  });
  const label = `${a.name} and ${b.name}`;
  return (
    <Paper
      withBorder
      p={{ base: 'sm', sm: 'md' }}
      radius="md"
      component="section"
      aria-label={`Possible duplicate: ${label}`}
    >
      <Stack gap="sm">
        <Group gap={6}>
          {pair.reasons.map((r) => (
            <Badge key={`${r.reason}:${r.value}`} variant="light" color="orange" tt="none" radius="sm">
              {REASON[r.reason] ?? r.reason}: {r.value}
            </Badge>
          ))}
        </Group>
        <Radio.Group
          value={keepId}
          onChange={setKeepId}
          label="Which one to keep?"
          aria-label={`Which to keep: ${label}`}
        >
          <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm" mt={6}>
            {[a, b].map((c) => (
              <Paper
                key={c.id}
                withBorder
                p="sm"
                radius="md"
                style={{
                  borderColor: c.id === keepId ? 'var(--mantine-color-teal-6)' : undefined,
                  borderWidth: c.id === keepId ? 2 : 1,
                }}
              >
                <Stack gap={4}>
                  <Radio value={c.id} label={<Text fw={600}>{c.name}</Text>} aria-label={`Keep ${c.name}`} />
                  <CustomerFacts c={c} />
                  <Anchor component={Link} to={`/customers/${c.id}`} size="sm">
                    Open page
                  </Anchor>
                </Stack>
              </Paper>
            ))}
          </SimpleGrid>
        </Radio.Group>
        <Group gap="sm">
          <Button onClick={() => setConfirming(true)} disabled={dismiss.isPending}>
            Merge into {keep.name}…
          </Button>
          <Button variant="default" onClick={() => dismiss.mutate()} loading={dismiss.isPending}>
            Not the same person
          </Button>
        </Group>
        {dismiss.isError && (
          <Alert color="red" role="alert">
            {errorMessage(dismiss.error)}
          </Alert>
        )}
      </Stack>
      <Modal
        opened={confirming}
        onClose={() => setConfirming(false)}
        title={`Merge ${other.name} into ${keep.name}?`}
        centered
      >
        <Stack gap="sm">
          <Text size="sm">
            <b>{keep.name}</b> keeps every phone, email, tag, timeline item and order of both. Where{' '}
            {keep.name} has no address, birthday or notes, {other.name}&apos;s are taken.
          </Text>
          <Text size="sm">
            {other.name}&apos;s own page goes away; the merge is recorded on {keep.name}&apos;s timeline. It
            cannot be undone.
          </Text>
          {merge.isError && (
            <Alert color="red" role="alert">
              {errorMessage(merge.error)}
            </Alert>
          )}
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={() => setConfirming(false)} disabled={merge.isPending}>
              Cancel
            </Button>
            <Button onClick={() => merge.mutate()} loading={merge.isPending}>
              Merge into {keep.name}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Paper>
  );
}

function CustomerFacts({ c }: { c: CustomerSummary }) {
  const facts = [
    c.kind === 'business' ? 'Business' : c.jobTitle,
    c.phone,
    c.email,
    c.tags.length ? c.tags.join(', ') : null,
    c.lastInteractionAt ? `Last contact ${timeAgo(c.lastInteractionAt)}` : 'No contact yet',
  ].filter(Boolean);
  return (
    <>
      {facts.map((f) => (
        <Text key={f} size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
          {f}
        </Text>
      ))}
    </>
  );
}

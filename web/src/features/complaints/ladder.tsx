import {
  ActionIcon,
  Badge,
  Button,
  Checkbox,
  Group,
  NumberInput,
  Paper,
  Radio,
  Select,
  Stack,
  Text,
  TextInput,
  Textarea,
} from '@mantine/core';
import { useState } from 'react';
import { money } from '../../lib/format.ts';
import { OFFER_KINDS, complaintsApi, type ComplaintDetail, type Offer, type OfferKind } from './api.ts';
import { offerLabel } from './format.ts';
import { ActionError } from './parts.tsx';
import { useStep } from './useStep.ts';

type Row = { kind: OfferKind; detail: string; amount: number | '' };
const MONEY_KINDS: OfferKind[] = ['discount', 'credit', 'refund'];
const kinds = OFFER_KINDS.map((k) => ({
  value: k,
  label: k === 'refund' ? 'Refund (last resort)' : offerLabel(k),
}));

const fractionDigits = (currency: string) => {
  try {
    return (
      new Intl.NumberFormat(undefined, { style: 'currency', currency }).resolvedOptions()
        .maximumFractionDigits ?? 2
    );
  } catch {
    return 2;
  }
};

/** The offers since the complaint was last reopened: the ladder being climbed now. */
export function currentOffers(c: ComplaintDetail): Offer[] {
  const reopened = c.history.filter((h) => h.kind === 'reopen').at(-1)?.at ?? '';
  return c.offers.filter((o) => o.at >= reopened);
}

export const optionText = (o: Offer['options'][number], currency: string) =>
  [offerLabel(o.kind), o.detail, o.amount !== null ? money(o.amount, currency) : null]
    .filter(Boolean)
    .join(' · ');

/** The offers made so far, with the customer's answer to each. */
export function OfferList({ c }: { c: ComplaintDetail }) {
  const offers = currentOffers(c);
  if (offers.length === 0) return null;
  return (
    <Stack gap={6} aria-label="Offers made">
      {offers.map((o, i) => (
        <Paper key={o.id} withBorder p="xs" bg={o.response === 'refused' ? 'gray.0' : undefined}>
          <Group justify="space-between" gap="xs">
            <Text size="sm" fw={600}>
              {i === 0 ? 'First offer' : 'Alternatives'}
            </Text>
            <Badge
              size="sm"
              color={o.response === 'accepted' ? 'teal' : o.response === 'refused' ? 'red' : 'gray'}
              variant="light"
            >
              {o.response === 'accepted'
                ? 'Chosen'
                : o.response === 'refused'
                  ? 'Refused'
                  : 'Waiting for answer'}
            </Badge>
          </Group>
          <Stack gap={0}>
            {o.options.map((opt, j) => (
              <Text
                key={j}
                size="sm"
                fw={o.choice === j ? 700 : 400}
                td={o.response === 'refused' ? 'line-through' : undefined}
              >
                {o.choice === j ? '✓ ' : '• '}
                {optionText(opt, c.currency)}
              </Text>
            ))}
          </Stack>
          {o.refundReason && (
            <Text size="xs" c="dimmed">
              Refund reason: {o.refundReason}
            </Text>
          )}
        </Paper>
      ))}
    </Stack>
  );
}

/** Offer a choice of options, and record the customer's answer: a choice, a refusal, or still thinking. */
export function OfferForm({ c }: { c: ComplaintDetail }) {
  const [rows, setRows] = useState<Row[]>([
    { kind: 'redo', detail: '', amount: '' },
    { kind: 'credit', detail: '', amount: '' },
  ]);
  const [answer, setAnswer] = useState('pending');
  const [refundReason, setRefundReason] = useState('');
  const step = useStep(c, complaintsApi.offer, () => {
    setAnswer('pending');
    setRefundReason('');
  });
  const digits = fractionDigits(c.currency);
  const hasRefund = rows.some((r) => r.kind === 'refund');
  const refusedBefore = currentOffers(c).at(-1)?.response === 'refused';
  const set = (i: number, patch: Partial<Row>) =>
    setRows((rs) => rs.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <form
      aria-label="Offer options"
      onSubmit={(e) => {
        e.preventDefault();
        step.mutate({
          options: rows.map((r) => ({
            kind: r.kind,
            ...(r.detail.trim() && { detail: r.detail.trim() }),
            ...(r.amount !== '' && { amount: Math.round(Number(r.amount) * 10 ** digits) }),
          })),
          ...(answer === 'refused' && { refused: true }),
          ...(answer.startsWith('choice:') && { choice: Number(answer.slice(7)) }),
          ...(hasRefund && refundReason.trim() && { refundReason: refundReason.trim() }),
        });
      }}
    >
      <Stack gap="xs">
        {refusedBefore && (
          <Text size="sm" c="orange.8">
            The customer refused the last offer: offer at least one alternative.
          </Text>
        )}
        {rows.map((r, i) => (
          <Group key={i} gap="xs" align="flex-end" wrap="wrap">
            <Select
              label={`Option ${i + 1}`}
              data={kinds}
              value={r.kind}
              onChange={(v) => v && set(i, { kind: v as OfferKind })}
              allowDeselect={false}
              w={180}
            />
            <TextInput
              label="Detail"
              aria-label={`Option ${i + 1} detail`}
              placeholder="New cake tomorrow at 10"
              value={r.detail}
              onChange={(e) => set(i, { detail: e.currentTarget.value })}
              style={{ flex: 1, minWidth: 160 }}
            />
            {MONEY_KINDS.includes(r.kind) && (
              <NumberInput
                label={`Amount (${c.currency})`}
                aria-label={`Option ${i + 1} amount`}
                value={r.amount}
                onChange={(v) => set(i, { amount: v === '' ? '' : Number(v) })}
                min={0}
                decimalScale={digits}
                w={130}
              />
            )}
            {rows.length > 1 && (
              <ActionIcon
                variant="subtle"
                color="gray"
                aria-label={`Remove option ${i + 1}`}
                onClick={() => setRows((rs) => rs.filter((_, j) => j !== i))}
                mb={4}
              >
                ✕
              </ActionIcon>
            )}
          </Group>
        ))}
        {rows.length < 8 && (
          <Button
            variant="subtle"
            size="xs"
            style={{ alignSelf: 'flex-start' }}
            onClick={() => setRows((rs) => [...rs, { kind: 'discount', detail: '', amount: '' }])}
          >
            + Add option
          </Button>
        )}
        {hasRefund && (
          <Textarea
            label="Why a refund? (the last resort)"
            withAsterisk
            aria-required
            description="Say why no other option will do. A refund is counted."
            value={refundReason}
            onChange={(e) => setRefundReason(e.currentTarget.value)}
            autosize
            minRows={2}
          />
        )}
        <Radio.Group label="The customer's answer" value={answer} onChange={setAnswer}>
          <Stack gap={4} mt={4}>
            <Radio value="pending" label="Still deciding (record the choice when resolving)" />
            {rows.map((r, i) => (
              <Radio
                key={i}
                value={`choice:${i}`}
                label={`Chose option ${i + 1}: ${offerLabel(r.kind)}${r.detail ? ` · ${r.detail}` : ''}`}
              />
            ))}
            <Radio value="refused" label="Refused all of these" />
          </Stack>
        </Radio.Group>
        <Group>
          <Button type="submit" loading={step.isPending}>
            Record offer
          </Button>
        </Group>
        <ActionError error={step.error} />
      </Stack>
    </form>
  );
}

/** Resolve with the option the customer chose, after apologising; the follow-up check is scheduled. */
export function ResolveForm({ c }: { c: ComplaintDetail }) {
  const offers = currentOffers(c);
  const last = offers.at(-1);
  const accepted = [...offers].reverse().find((o) => o.response === 'accepted');
  const pending = last?.response === 'pending' ? last : undefined;
  const [choice, setChoice] = useState<string | null>(null);
  const [summary, setSummary] = useState('');
  const [apologized, setApologized] = useState(false);
  const [rootCause, setRootCause] = useState(c.rootCause ?? '');
  const step = useStep(c, complaintsApi.resolve);
  const chosen = accepted && accepted.choice !== null ? accepted.options[accepted.choice] : undefined;
  return (
    <form
      aria-label="Resolve"
      onSubmit={(e) => {
        e.preventDefault();
        step.mutate({
          ...(!accepted && pending && choice !== null && { offerId: pending.id, choice: Number(choice) }),
          summary: summary.trim(),
          apologized,
          ...(rootCause.trim() && { rootCause: rootCause.trim() }),
        });
      }}
    >
      <Stack gap="xs">
        {chosen ? (
          <Text size="sm">
            The customer chose: <strong>{optionText(chosen, c.currency)}</strong>
          </Text>
        ) : pending ? (
          <Select
            label="Which option did the customer accept?"
            placeholder="Pick the option they chose"
            data={pending.options.map((o, i) => ({ value: String(i), label: optionText(o, c.currency) }))}
            value={choice}
            onChange={setChoice}
          />
        ) : (
          <Text size="sm" c="dimmed">
            No option accepted yet: offer options first.
          </Text>
        )}
        <TextInput
          label="What was done"
          placeholder="New cake delivered at 10, she was pleased"
          value={summary}
          onChange={(e) => setSummary(e.currentTarget.value)}
          required
        />
        <Checkbox
          label="I apologised for the inconvenience"
          checked={apologized}
          onChange={(e) => setApologized(e.currentTarget.checked)}
        />
        <TextInput
          label="Root cause (optional)"
          placeholder="Order ticket misread"
          value={rootCause}
          onChange={(e) => setRootCause(e.currentTarget.value)}
        />
        <Group>
          <Button type="submit" loading={step.isPending} disabled={!summary.trim()} color="teal">
            Resolve
          </Button>
        </Group>
        <ActionError error={step.error} />
      </Stack>
    </form>
  );
}

import { OfferLine } from '../grow/OfferLine.tsx';
import { Badge, Button, CloseButton, Group, Paper, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { customerKeys } from '../customers/queries.ts';
import { Link } from 'react-router';
import { api } from '../../lib/api.ts';
import { usePhoneFormat } from '../../lib/usePhoneFormat.ts';
import { kindLabel, money, timeAgo } from '../../lib/format.ts';
import { useMe } from '../../lib/session.ts';
import type { CallerCard, CallEvent } from '../../lib/api.ts';
import { stageWords } from '../analytics/words.ts';
import { PromiseForm } from '../promises/PromiseForm.tsx';
import { saleStore } from '../sales/saleStore.ts';
import { CallerLoyalty } from '../loyalty/CallerLoyalty.tsx';
import { callStore, useCalls } from './callStore.ts';

/** Who is calling: a card at the top right of every screen for each incoming call, until dismissed. */
export function CallerPopups() {
  const { open } = useCalls();
  if (open.length === 0) return null;
  return (
    <section className="caller-stack" aria-label="Incoming calls" aria-live="assertive">
      {open.map((c) => (
        <CallerCardPopup key={c.interaction.id} call={c} />
      ))}
    </section>
  );
}

function CallerCardPopup({ call }: { call: CallEvent }) {
  const me = useMe();
  const formatPhone = usePhoneFormat();
  const region = me.workspace.region;
  const c = call.customer;
  const number = formatPhone(call.e164 ?? call.phone, region);
  const dismiss = () => callStore.dismiss(call.interaction.id);
  const [promising, setPromising] = useState(false);
  const title = c ? c.name : 'Unknown number';
  return (
    <Paper
      className="caller-card"
      data-unknown={c ? 'false' : 'true'}
      withBorder
      shadow="lg"
      p="md"
      role="dialog"
      aria-label={`Incoming call: ${title}`}
    >
      <Group justify="space-between" align="flex-start" wrap="nowrap" gap="xs">
        <div style={{ minWidth: 0 }}>
          <Text size="xs" tt="uppercase" fw={700} c={c ? 'teal.8' : 'orange.8'} lts={0.5}>
            Incoming call · {number}
          </Text>
          <Text fw={700} fz="lg" lh={1.3} truncate>
            {title}
          </Text>
          {c?.business && (
            <Text size="sm" c="dimmed" truncate>
              {c.business.jobTitle ? `${c.business.jobTitle}, ` : ''}
              {c.business.name}
            </Text>
          )}
        </div>
        <CloseButton aria-label="Dismiss" onClick={dismiss} />
      </Group>
      {c ? (
        <Stack gap={6} mt="xs">
          {c.tags.length > 0 && (
            <Group gap={4}>
              {c.tags.slice(0, 6).map((t) => (
                <Badge key={t} size="sm" variant="light">
                  {t}
                </Badge>
              ))}
            </Group>
          )}
          {c.prediction && <CallerStatus p={c.prediction} />}
          <OfferLine customerId={c.id} />
          <LastContact call={call} />
          {(c.openItems.promises ?? 0) > 0 && (
            <Text size="sm" fw={600} c="orange.9">
              {c.openItems.promises === 1
                ? 'One promise to them still open'
                : `${c.openItems.promises} promises to them still open`}
            </Text>
          )}
          <CallerLoyalty customerId={c.id} />
          {c.purchases && c.purchases.orderCount > 0 && (
            <Text size="sm">
              {c.purchases.orderCount} order{c.purchases.orderCount === 1 ? '' : 's'},{' '}
              {money(c.purchases.totalSpent, c.purchases.currency)}
              {c.purchases.lastPurchaseAt ? `, last ${timeAgo(c.purchases.lastPurchaseAt)}` : ''}
            </Text>
          )}
          {c.needs && (
            <Text size="sm" c="dimmed" lineClamp={2}>
              Needs: {c.needs}
            </Text>
          )}
          <Group mt={4} gap="xs">
            <Button component={Link} to={`/customers/${c.id}`} onClick={dismiss} size="sm">
              Open
            </Button>
            <Button
              variant="light"
              size="sm"
              onClick={() => {
                saleStore.open({ id: c.id, name: c.name });
                dismiss();
              }}
            >
              Sale
            </Button>
            <Button
              variant="light"
              size="sm"
              onClick={() => setPromising((v) => !v)}
              aria-expanded={promising}
            >
              Promise
            </Button>
            <Button variant="default" size="sm" onClick={dismiss}>
              Dismiss
            </Button>
          </Group>
          {promising && (
            <PromiseForm customerId={c.id} source={{ kind: 'call', id: call.interaction.id }} compact />
          )}
        </Stack>
      ) : (
        <Stack gap={6} mt="xs">
          <Text size="sm">This number is not on any customer.</Text>
          <Group gap="xs">
            <Button
              component={Link}
              to={`/customers/new?phone=${encodeURIComponent(call.e164 ?? call.phone)}&call=${encodeURIComponent(call.interaction.id)}`}
              onClick={dismiss}
              color="orange"
              size="sm"
            >
              Create customer
            </Button>
            <Button variant="default" size="sm" onClick={dismiss}>
              Dismiss
            </Button>
          </Group>
        </Stack>
      )}
    </Paper>
  );
}

/** The customer's status in the same words as everywhere (at risk, lapsed…), with the rhythm behind it. */
function CallerStatus({ p }: { p: NonNullable<CallerCard['prediction']> }) {
  const stage = stageWords(p.lifecycleStage);
  return (
    <Group gap={6} wrap="nowrap" align="baseline">
      {stage && (
        <Badge size="sm" variant="light" color={stage.color} style={{ flexShrink: 0 }}>
          {stage.label}
        </Badge>
      )}
      <Text size="xs" c="dimmed" lineClamp={2}>
        {p.explanation}
        {p.pAlive !== null && `; still a customer: ${Math.round(p.pAlive * 100)}%`}
      </Text>
    </Group>
  );
}

/**
 * The contact before this call. The card's `lastInteraction` is usually this very call (it is recorded
 * first), so then the one before it is read from the timeline.
 */
function LastContact({ call }: { call: CallEvent }) {
  const c = call.customer;
  const isThisCall = !!c?.lastInteraction && c.lastInteraction.at === call.interaction.occurredAt;
  const previous = useQuery({
    queryKey: customerKeys.timelineBefore(call.interaction.id),
    queryFn: () => api.timeline(c?.id ?? '', null, 3),
    enabled: !!c && isThisCall,
    staleTime: Infinity,
  });
  const last = isThisCall
    ? previous.data?.items.find((i) => i.id !== call.interaction.id)
    : (c?.lastInteraction ?? undefined);
  if (isThisCall && previous.isPending)
    return (
      <Text size="sm" c="dimmed">
        Looking up the last contact…
      </Text>
    );
  return (
    <Text size="sm">
      {last ? (
        <>
          Last: <b>{kindLabel(last.kind)}</b> {timeAgo('occurredAt' in last ? last.occurredAt : last.at)}
          {last.body ? ` — ${last.body.slice(0, 90)}` : ''}
        </>
      ) : (
        'First contact: nothing earlier on record.'
      )}
    </Text>
  );
}

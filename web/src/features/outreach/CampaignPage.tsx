import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Paper,
  Progress,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { errorMessage, isApiError } from '../../lib/api.ts';
import { dateTime } from '../../lib/format.ts';
import { useMe } from '../../lib/session.ts';
import { PageLoader, QueryError } from '../shell/RouteError.tsx';
import { Outcome } from './CampaignOutcome.tsx';
import { AudienceCount, useAudienceCount } from './AudienceCount.tsx';
import { CampaignStatus, ChannelNotReady, ConfirmSend, channelReady, resultsOf } from './CampaignParts.tsx';
import {
  outreachApi,
  outreachKeys,
  useOutreachSettings,
  type Campaign,
  type Exclusion,
  type MessageStatus,
} from './api.ts';
import {
  CHANNEL_WORDS,
  PURPOSE_WORDS,
  STATUS_WORDS,
  audienceWords,
  exclusionWords,
  plural,
} from './words.ts';
import './outreach.css';

const MOVING: Campaign['status'][] = ['queuing', 'sending'];

/** One campaign: a draft's count and its Send; once sent, its results by status, refreshed while sending. */
export default function CampaignPage() {
  const { id = '' } = useParams();
  const q = useQuery({
    queryKey: outreachKeys.campaign(id),
    queryFn: () => outreachApi.campaign(id),
    refetchInterval: (query) => (query.state.data && MOVING.includes(query.state.data.status) ? 2000 : false),
  });
  if (q.isPending) return <PageLoader label="Opening campaign…" />;
  if (q.isError)
    return isApiError(q.error, 404) ? (
      <Stack maw={480} py="xl">
        <Title order={1} fz={24}>
          Campaign not found
        </Title>
        <Button component={Link} to="/messages" style={{ alignSelf: 'flex-start' }}>
          Back to campaigns
        </Button>
      </Stack>
    ) : (
      <QueryError error={q.error} onRetry={() => void q.refetch()} />
    );
  const c = q.data;
  return (
    <Stack gap="md" maw={1000}>
      <Header c={c} />
      {c.status === 'draft' ? (
        <Draft c={c} />
      ) : c.status === 'cancelled' && resultsOf(c.counts).total === 0 ? (
        <Alert color="gray">Stopped before sending: nobody got this campaign.</Alert>
      ) : (
        <>
          <Results c={c} />
          <Outcome c={c} />
        </>
      )}
      <Paper withBorder p="md" component="section" aria-label="The message">
        <Title order={2} fz="lg" mb="xs">
          The message
        </Title>
        {c.subject && (
          <Text size="sm" mb={4}>
            <Text span c="dimmed" size="sm">
              Subject:{' '}
            </Text>
            <b>{c.subject}</b>
          </Text>
        )}
        <Paper withBorder p="sm" className="message-paper">
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
            {c.body}
          </Text>
        </Paper>
        <Text size="xs" c="dimmed" mt={4}>
          As written: the merge fields ({'{{ … }}'}) are filled in for each customer.
        </Text>
      </Paper>
    </Stack>
  );
}

function Header({ c }: { c: Campaign }) {
  const { workspace } = useMe();
  return (
    <div>
      <Anchor component={Link} to="/messages" size="sm">
        ← Campaigns
      </Anchor>
      <Group gap="xs" align="center">
        <Title order={1} fz={{ base: 22, sm: 26 }} style={{ overflowWrap: 'anywhere' }}>
          {c.name}
        </Title>
        <CampaignStatus status={c.status} />
      </Group>
      <Text size="sm" c="dimmed">
        {CHANNEL_WORDS[c.channel]} · {PURPOSE_WORDS[c.purpose].label} · {audienceWords(c.audience)} ·{' '}
        {c.queuedAt
          ? `sent ${dateTime(c.queuedAt, workspace.timezone)}`
          : `created ${dateTime(c.createdAt, workspace.timezone)}`}
      </Text>
    </div>
  );
}

function useCampaignAction(c: Campaign) {
  const qc = useQueryClient();
  return (fn: (id: string) => Promise<Campaign>) =>
    ({
      mutationFn: () => fn(c.id),
      onSuccess: (next: Campaign) => {
        qc.setQueryData(outreachKeys.campaign(c.id), next);
        void qc.invalidateQueries({ queryKey: outreachKeys.campaigns });
        void qc.invalidateQueries({ queryKey: outreachKeys.campaign(c.id) });
      },
    }) as const;
}

/** A draft: the count now (it changes as customers come and go), Send (asked once more) or discard. */
function Draft({ c }: { c: Campaign }) {
  const action = useCampaignAction(c);
  const send = useMutation(action(outreachApi.sendCampaign));
  const discard = useMutation(action(outreachApi.cancelCampaign));
  const [confirming, setConfirming] = useState(false);
  const count = useAudienceCount(c.audience, c.channel, c.purpose, c.holdoutPercent);
  const settings = useOutreachSettings().data;
  const ready = settings ? channelReady(settings, c.channel) : true;
  const eligible = (count.data?.eligible ?? 0) - (count.data?.holdout ?? 0);
  return (
    <Paper withBorder p="md" component="section" aria-label="Who it reaches">
      <Stack gap="sm">
        <Title order={2} fz="lg">
          Who it reaches
        </Title>
        <AudienceCount
          audience={c.audience}
          channel={c.channel}
          purpose={c.purpose}
          holdoutPercent={c.holdoutPercent}
          linkNames
        />
        {!ready && settings && <ChannelNotReady channel={c.channel} s={settings} />}
        {(send.isError || discard.isError) && (
          <Alert color="red" role="alert">
            {errorMessage(send.error ?? discard.error)}
          </Alert>
        )}
        <Group gap="sm">
          <Button disabled={eligible === 0 || !ready} onClick={() => setConfirming(true)}>
            {eligible > 0
              ? `Send to ${count.data?.holdout ? 'about ' : ''}${plural(eligible, 'customer')}…`
              : 'Send…'}
          </Button>
          <Button
            variant="subtle"
            color="gray.8"
            loading={discard.isPending}
            onClick={() => discard.mutate()}
          >
            Discard draft
          </Button>
        </Group>
      </Stack>
      {count.data && (
        <ConfirmSend
          opened={confirming}
          onClose={() => setConfirming(false)}
          onConfirm={() => send.mutate(undefined, { onSettled: () => setConfirming(false) })}
          sending={send.isPending}
          name={c.name}
          channel={c.channel}
          preview={count.data}
        />
      )}
    </Paper>
  );
}

function Figure({
  label,
  value,
  color,
  note,
}: {
  label: string;
  value: number;
  color?: string;
  note?: string;
}) {
  return (
    <div role="group" aria-label={label}>
      <Text size="xs" c="dimmed" fw={700} tt="uppercase" lts={0.4}>
        {label}
      </Text>
      <div className="count-figure" style={color ? { color: `var(--mantine-color-${color}-8)` } : undefined}>
        {value.toLocaleString()}
      </div>
      {note && (
        <Text size="xs" c="dimmed">
          {note}
        </Text>
      )}
    </div>
  );
}

const EXCLUSION_KEYS: Exclusion[] = ['no_consent', 'no_address', 'suppressed'];

/** What happened: sent, delivered, waiting, failed, left out (by reason); refreshed while it sends. */
function Results({ c }: { c: Campaign }) {
  const action = useCampaignAction(c);
  const stop = useMutation(action(outreachApi.cancelCampaign));
  const [asking, setAsking] = useState(false);
  const r = resultsOf(c.counts);
  const done = r.total - r.waiting;
  const moving = MOVING.includes(c.status);
  const reasons = EXCLUSION_KEYS.filter((k) => (c.counts[`skipped:${k}`] ?? 0) > 0);
  return (
    <Paper withBorder p="md" component="section" aria-label="Results">
      <Stack gap="sm">
        <Group justify="space-between" gap="xs">
          <Title order={2} fz="lg">
            Results
          </Title>
          {moving && (
            <Text size="sm" c="dimmed" role="status">
              {c.status === 'queuing'
                ? 'Preparing the messages…'
                : 'Sending… this page keeps itself up to date.'}
            </Text>
          )}
        </Group>
        {r.total > 0 && (
          <Progress
            value={(done / r.total) * 100}
            aria-label={`${done} of ${r.total} handled`}
            animated={moving}
          />
        )}
        <SimpleGrid cols={{ base: 2, sm: r.heldBack > 0 ? 5 : 4 }} spacing="md">
          <Figure
            label="Sent"
            value={r.sent}
            color="teal"
            {...(r.delivered > 0 && { note: `${r.delivered.toLocaleString()} delivered` })}
          />
          <Figure label="Waiting" value={r.waiting} color="blue" />
          <Figure label="Failed" value={r.failed} color="red" />
          <Figure label="Left out" value={r.skipped} color="orange" />
          {r.heldBack > 0 && (
            <Figure
              label="Kept back"
              value={r.heldBack}
              color="gray"
              note="The holdout: not messaged, to compare"
            />
          )}
        </SimpleGrid>
        {reasons.length > 0 && (
          <Text size="sm" data-testid="left-out-reasons">
            Left out:{' '}
            {reasons
              .map(
                (k) => `${(c.counts[`skipped:${k}`] ?? 0).toLocaleString()} ${exclusionWords(k, c.channel)}`,
              )
              .join(', ')}
            .
          </Text>
        )}
        {r.cancelled > 0 && (
          <Text size="sm" c="dimmed">
            {plural(r.cancelled, 'message')} stopped before going out.
          </Text>
        )}
        {moving &&
          (asking ? (
            <Group gap="xs">
              <Text size="sm">Stop sending? What has gone stays sent; the rest is not sent.</Text>
              <Button size="xs" color="red" loading={stop.isPending} onClick={() => stop.mutate()}>
                Stop sending
              </Button>
              <Button size="xs" variant="default" onClick={() => setAsking(false)}>
                Keep sending
              </Button>
            </Group>
          ) : (
            <Group>
              <Button size="xs" variant="default" onClick={() => setAsking(true)}>
                Stop sending…
              </Button>
            </Group>
          ))}
        {stop.isError && (
          <Alert color="red" role="alert">
            {errorMessage(stop.error)}
          </Alert>
        )}
        {r.total > 0 && <CampaignMessages c={c} />}
      </Stack>
    </Paper>
  );
}

const LIST_ORDER: MessageStatus[] = [
  'skipped',
  'failed',
  'bounced',
  'uncertain',
  'queued',
  'sending',
  'sent',
  'delivered',
  'read',
  'cancelled',
];

/** Who got it and who did not: the messages of one status, each with its customer and, when left out, why. */
function CampaignMessages({ c }: { c: Campaign }) {
  const present = LIST_ORDER.filter((s) => (c.counts[s] ?? 0) > 0);
  const [picked, setPicked] = useState<MessageStatus | null>(null);
  const status = picked && present.includes(picked) ? picked : (present[0] ?? 'sent');
  const q = useInfiniteQuery({
    queryKey: outreachKeys.campaignMessages(c.id, status),
    queryFn: ({ pageParam }) => outreachApi.campaignMessages(c.id, status, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: MOVING.includes(c.status) ? 4000 : false,
  });
  const items = q.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack gap="xs" mt="xs">
      <Select
        label="Show"
        data={present.map((s) => ({
          value: s,
          label: `${STATUS_WORDS[s].label} (${(c.counts[s] ?? 0).toLocaleString()})`,
        }))}
        value={status}
        onChange={(v) => v && setPicked(v as MessageStatus)}
        allowDeselect={false}
        maw={260}
      />
      {q.isPending ? (
        <PageLoader />
      ) : q.isError ? (
        <QueryError error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <ul className="plain-list" aria-label={`Messages: ${STATUS_WORDS[status].label}`}>
          {items.map((m) => (
            <li key={m.id} className="list-row">
              <Group gap={6} wrap="wrap">
                {m.customerId ? (
                  <Anchor component={Link} to={`/customers/${m.customerId}`} size="sm" fw={600}>
                    {m.customerName ?? 'Customer'}
                  </Anchor>
                ) : (
                  <Text size="sm" fw={600}>
                    {m.to}
                  </Text>
                )}
                <Badge size="sm" variant="light" color={STATUS_WORDS[m.status].color}>
                  {STATUS_WORDS[m.status].label}
                </Badge>
                {m.to && (
                  <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                    {m.to}
                  </Text>
                )}
              </Group>
              {m.reason && (
                <Text size="sm" c={m.status === 'skipped' ? 'orange.9' : 'red.8'}>
                  {m.reason}
                </Text>
              )}
            </li>
          ))}
        </ul>
      )}
      {q.hasNextPage && (
        <Group>
          <Button
            variant="subtle"
            size="xs"
            loading={q.isFetchingNextPage}
            onClick={() => void q.fetchNextPage()}
          >
            Show more
          </Button>
        </Group>
      )}
    </Stack>
  );
}

import { Anchor, Group, Stack, Text } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { PageLoader, QueryError } from '../shell/RouteError.tsx';
import {
  outreachApi,
  outreachKeys,
  type Audience,
  type AudiencePreview,
  type Exclusion,
  type MessageChannel,
  type MessagePurpose,
} from './api.ts';
import { exclusionWords, plural } from './words.ts';

const EXCLUSIONS: Exclusion[] = ['no_consent', 'no_address', 'suppressed'];

export function useAudienceCount(
  audience: Audience | null,
  channel: MessageChannel,
  purpose: MessagePurpose,
  holdoutPercent = 0,
) {
  const input = audience && { audience, channel, purpose, holdoutPercent };
  return useQuery({
    queryKey: outreachKeys.audience(input),
    queryFn: () => outreachApi.previewAudience(input as NonNullable<typeof input>),
    enabled: !!input,
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });
}

/** "312 customers: 240 will get it; 41 no consent, 25 no email, 6 unsubscribed or blocked". */
export function countSentence(p: AudiencePreview, channel: MessageChannel): string {
  const out = EXCLUSIONS.filter((e) => p.excluded[e] > 0).map(
    (e) => `${p.excluded[e].toLocaleString()} ${exclusionWords(e, channel)}`,
  );
  return `${plural(p.total, 'customer')}: ${p.eligible.toLocaleString()} will get it${
    out.length ? `; ${out.join(', ')}` : ''
  }.${
    p.holdout > 0
      ? ` About ${p.holdout.toLocaleString()} of them are kept back (holdout), so about ${(p.eligible - p.holdout).toLocaleString()} get it.`
      : ''
  }`;
}

/**
 * The count before sending: who the audience is, how many will get the message, who is left out and why,
 * with a few names to check it is the right people.
 */
export function AudienceCount({
  audience,
  channel,
  purpose,
  linkNames = false,
  holdoutPercent = 0,
}: {
  audience: Audience | null;
  channel: MessageChannel;
  purpose: MessagePurpose;
  /** Share kept back at random (the holdout). */
  holdoutPercent?: number;
  /** Names link to the customer (not while a form would be lost). */
  linkNames?: boolean;
}) {
  const q = useAudienceCount(audience, channel, purpose, holdoutPercent);
  if (!audience)
    return (
      <Text size="sm" c="dimmed">
        Choose who gets it to see how many customers it reaches.
      </Text>
    );
  if (q.isPending) return <PageLoader label="Counting…" />;
  if (q.isError) return <QueryError error={q.error} onRetry={() => void q.refetch()} />;
  const p = q.data;
  const left = p.examples.filter((e) => e.excluded);
  const kept = p.examples.filter((e) => !e.excluded);
  const name = (e: AudiencePreview['examples'][number]) =>
    linkNames ? (
      <Anchor component={Link} to={`/customers/${e.customerId}`} size="sm">
        {e.name}
      </Anchor>
    ) : (
      <Text span size="sm" fw={500}>
        {e.name}
      </Text>
    );
  return (
    <Stack gap="xs" aria-busy={q.isFetching} data-testid="audience-count">
      <Group gap="xl" align="flex-end">
        <div>
          <div className="count-figure">{(p.eligible - p.holdout).toLocaleString()}</div>
          <Text size="sm" c="teal.8" fw={600}>
            will get it
          </Text>
        </div>
        {p.holdout > 0 && (
          <div>
            <div className="count-figure">{p.holdout.toLocaleString()}</div>
            <Text size="sm" c="dimmed">
              kept back
            </Text>
          </div>
        )}
        <div>
          <div className="count-figure">{p.total.toLocaleString()}</div>
          <Text size="sm" c="dimmed">
            in the audience
          </Text>
        </div>
      </Group>
      <Text size="sm" data-testid="count-sentence" role="status">
        {countSentence(p, channel)}
      </Text>
      {p.total === 0 && (
        <Text size="sm" c="dimmed">
          {audience.kind === 'list' || audience.kind === 'stage' || audience.kind === 'segment'
            ? 'Nobody is in this audience right now. These lists come from the predictions (Insights), which fill in as customers buy.'
            : 'Nobody is in this audience right now.'}
        </Text>
      )}
      {left.length > 0 && (
        <div>
          <Text size="xs" c="dimmed" fw={700} tt="uppercase" lts={0.4}>
            Left out, for example
          </Text>
          <Stack gap={0}>
            {left.map((e) => (
              <Text size="sm" key={e.customerId}>
                {name(e)}{' '}
                <Text span size="sm" c="dimmed">
                  — {exclusionWords(e.excluded as Exclusion, channel)}
                </Text>
              </Text>
            ))}
          </Stack>
        </div>
      )}
      {kept.length > 0 && (
        <div>
          <Text size="xs" c="dimmed" fw={700} tt="uppercase" lts={0.4}>
            Will get it, for example
          </Text>
          <Text size="sm">
            {kept.map((e, i) => (
              <span key={e.customerId}>
                {i > 0 && ', '}
                {name(e)}
              </span>
            ))}
          </Text>
        </div>
      )}
      {p.excluded.no_consent > 0 && purpose === 'marketing' && (
        <Text size="xs" c="dimmed">
          A marketing message goes only to customers who agreed to it. Record consent on the customer’s page
          when they give it.
        </Text>
      )}
    </Stack>
  );
}

import { Alert, Button, CopyButton, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '../../lib/api.ts';
import { timeAgo } from '../../lib/format.ts';
import { QueryError } from '../shell/RouteError.tsx';
import { promiseKeys, promisesApi } from './api.ts';

/** Settings → Calendar: a secret link that puts your promises in any calendar app; made, copied or revoked here. */
export function CalendarSettings() {
  const qc = useQueryClient();
  const feed = useQuery({ queryKey: promiseKeys.feed, queryFn: promisesApi.feed });
  const [url, setUrl] = useState<string | null>(null);
  const refresh = () => void qc.invalidateQueries({ queryKey: promiseKeys.feed });
  const make = useMutation({
    mutationFn: promisesApi.makeFeed,
    onSuccess: (f) => (setUrl(f.url), refresh()),
  });
  const revoke = useMutation({
    mutationFn: promisesApi.revokeFeed,
    onSuccess: () => (setUrl(null), refresh()),
  });
  return (
    <Stack gap="md" maw={640}>
      <div>
        <Title order={2} fz="lg">
          Your promises in your calendar
        </Title>
        <Text size="sm" c="dimmed">
          Add this link to Google Calendar, Apple Calendar or Outlook (“subscribe by URL”) and the promises
          you make show up there, in the shop’s time zone. Anyone with the link can see them: keep it to
          yourself.
        </Text>
      </div>
      {feed.isError && <QueryError error={feed.error} onRetry={() => void feed.refetch()} />}
      {url && (
        <Stack gap="xs">
          <TextInput
            label="Your calendar link"
            value={url}
            readOnly
            onFocus={(e) => e.currentTarget.select()}
          />
          <Group gap="xs">
            <CopyButton value={url}>
              {({ copied, copy }) => (
                <Button onClick={copy} color={copied ? 'teal' : undefined}>
                  {copied ? 'Copied' : 'Copy link'}
                </Button>
              )}
            </CopyButton>
          </Group>
          <Text size="xs" c="dimmed">
            This link is shown once. If you lose it, make a new one (the old one stops working).
          </Text>
        </Stack>
      )}
      {feed.data && !url && (
        <Text size="sm">
          {feed.data.active
            ? `You have a calendar link, made ${timeAgo(feed.data.createdAt)}${feed.data.lastUsedAt ? `; last read by a calendar ${timeAgo(feed.data.lastUsedAt)}` : '; no calendar has read it yet'}.`
            : 'You have no calendar link.'}
        </Text>
      )}
      <Group gap="xs">
        <Button
          variant={feed.data?.active ? 'default' : 'filled'}
          onClick={() => make.mutate()}
          loading={make.isPending}
        >
          {feed.data?.active ? 'Make a new link' : 'Make my calendar link'}
        </Button>
        {feed.data?.active && (
          <Button variant="light" color="red" onClick={() => revoke.mutate()} loading={revoke.isPending}>
            Turn the link off
          </Button>
        )}
      </Group>
      {(make.error ?? revoke.error) && <Alert color="red">{errorMessage(make.error ?? revoke.error)}</Alert>}
    </Stack>
  );
}

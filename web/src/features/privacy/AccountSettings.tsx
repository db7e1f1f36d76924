import { Alert, Badge, Button, Group, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '../../lib/api.ts';
import { timeAgo } from '../../lib/format.ts';
import { privacyApi, privacyKeys, type AccountSession } from './api.ts';

/** Settings → Account: change my password, see where I am signed in and sign out there. */
export function AccountSettings() {
  return (
    <Stack gap="md">
      <PasswordPanel />
      <SessionsPanel />
    </Stack>
  );
}

function PasswordPanel() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const qc = useQueryClient();
  const change = useMutation({
    mutationFn: () => privacyApi.changePassword({ currentPassword: current, newPassword: next }),
    onSuccess: () => {
      setCurrent('');
      setNext('');
      void qc.invalidateQueries({ queryKey: privacyKeys.sessions });
    },
  });
  return (
    <Paper withBorder p="md">
      <Title order={2} fz="lg" mb="xs">
        Password
      </Title>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          change.mutate();
        }}
      >
        <Stack gap="sm" maw={420}>
          <PasswordInput
            label="Current password"
            autoComplete="current-password"
            value={current}
            onChange={(e) => setCurrent(e.currentTarget.value)}
            required
          />
          <PasswordInput
            label="New password"
            description="At least 8 characters, not a common one"
            autoComplete="new-password"
            value={next}
            onChange={(e) => setNext(e.currentTarget.value)}
            required
          />
          {change.isError && <Alert color="red">{errorMessage(change.error)}</Alert>}
          {change.isSuccess && (
            <Alert color="green">
              Password changed.
              {change.data.sessionsEnded === 1
                ? ' You were signed out on 1 other device.'
                : change.data.sessionsEnded > 1
                  ? ` You were signed out on ${change.data.sessionsEnded} other devices.`
                  : ''}
            </Alert>
          )}
          <Group>
            <Button type="submit" loading={change.isPending} disabled={!current || !next}>
              Change password
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

function SessionsPanel() {
  const qc = useQueryClient();
  const sessions = useQuery({ queryKey: privacyKeys.sessions, queryFn: privacyApi.sessions });
  const refresh = () => void qc.invalidateQueries({ queryKey: privacyKeys.sessions });
  const revoke = useMutation({ mutationFn: privacyApi.revokeSession, onSuccess: refresh });
  const others = useMutation({ mutationFn: privacyApi.revokeOthers, onSuccess: refresh });
  const items = sessions.data?.items ?? [];
  return (
    <Paper withBorder p="md">
      <Group justify="space-between" mb="xs">
        <Title order={2} fz="lg">
          Where you are signed in
        </Title>
        <Button
          size="xs"
          variant="light"
          color="red"
          disabled={items.length < 2}
          loading={others.isPending}
          onClick={() => others.mutate()}
        >
          Sign out everywhere else
        </Button>
      </Group>
      {sessions.isError && <Alert color="red">{errorMessage(sessions.error)}</Alert>}
      {(revoke.isError || others.isError) && (
        <Alert color="red">{errorMessage(revoke.error ?? others.error)}</Alert>
      )}
      <Stack gap={0} component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {items.map((s) => (
          <SessionRow key={s.id} s={s} onRevoke={() => revoke.mutate(s.id)} />
        ))}
      </Stack>
      {sessions.isSuccess && items.length === 0 && (
        <Text c="dimmed" size="sm">
          Signed in with an API key: there are no sessions to show.
        </Text>
      )}
    </Paper>
  );
}

function SessionRow({ s, onRevoke }: { s: AccountSession; onRevoke: () => void }) {
  return (
    <Group
      component="li"
      justify="space-between"
      wrap="nowrap"
      py="xs"
      style={{ borderTop: '1px solid var(--mantine-color-gray-3)' }}
    >
      <div style={{ minWidth: 0 }}>
        <Text size="sm" fw={500} style={{ overflowWrap: 'anywhere' }}>
          {deviceOf(s.userAgent)}{' '}
          {s.current && (
            <Badge size="xs" variant="light">
              This device
            </Badge>
          )}
        </Text>
        <Text size="xs" c="dimmed">
          {s.ip ?? 'Unknown address'} · signed in {timeAgo(s.createdAt)}
          {s.lastSeenAt ? ` · last seen ${timeAgo(s.lastSeenAt)}` : ''}
        </Text>
      </div>
      {!s.current && (
        <Button
          size="xs"
          variant="subtle"
          color="red"
          onClick={onRevoke}
          aria-label={`Sign out ${deviceOf(s.userAgent)}`}
        >
          Sign out
        </Button>
      )}
    </Group>
  );
}

/** A short name for a browser's user agent ("Chrome on Android"), or the text itself. */
export function deviceOf(ua: string | null): string {
  if (!ua) return 'Unknown device';
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /Firefox\//.test(ua)
      ? 'Firefox'
      : /Chrome\//.test(ua)
        ? 'Chrome'
        : /Safari\//.test(ua)
          ? 'Safari'
          : undefined;
  const os = /Android/.test(ua)
    ? 'Android'
    : /iPhone|iPad/.test(ua)
      ? 'iPhone'
      : /Windows/.test(ua)
        ? 'Windows'
        : /Mac OS X/.test(ua)
          ? 'Mac'
          : /Linux/.test(ua)
            ? 'Linux'
            : undefined;
  return browser && os ? `${browser} on ${os}` : ua.slice(0, 80);
}

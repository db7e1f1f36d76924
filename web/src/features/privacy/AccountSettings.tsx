import {
  Alert,
  Badge,
  Button,
  Group,
  Paper,
  PasswordInput,
  Stack,
  Table,
  Text,
  Title,
  VisuallyHidden,
} from '@mantine/core';
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
              Password changed.{' '}
              {change.data.sessionsEnded === 1
                ? 'You were signed out on 1 other device.'
                : `You were signed out on ${change.data.sessionsEnded} other devices.`}
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
      <Table.ScrollContainer minWidth={480}>
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Device</Table.Th>
              <Table.Th>Address</Table.Th>
              <Table.Th>Signed in</Table.Th>
              <Table.Th>Last seen</Table.Th>
              <Table.Th>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((s) => (
              <SessionRow key={s.id} s={s} onRevoke={() => revoke.mutate(s.id)} />
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
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
    <Table.Tr>
      <Table.Td style={{ maxWidth: 280, overflowWrap: 'anywhere' }}>
        {deviceOf(s.userAgent)}{' '}
        {s.current && (
          <Badge size="xs" variant="light">
            This device
          </Badge>
        )}
      </Table.Td>
      <Table.Td>{s.ip ?? '—'}</Table.Td>
      <Table.Td>{timeAgo(s.createdAt)}</Table.Td>
      <Table.Td>{s.lastSeenAt ? timeAgo(s.lastSeenAt) : '—'}</Table.Td>
      <Table.Td>
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
      </Table.Td>
    </Table.Tr>
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

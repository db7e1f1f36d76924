import {
  Alert,
  Anchor,
  Badge,
  Button,
  Code,
  Group,
  NumberInput,
  Paper,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '../../lib/api.ts';
import { dateTime } from '../../lib/format.ts';
import { isOwner, useMe } from '../../lib/session.ts';
import { PageLoader, QueryError } from '../shell/RouteError.tsx';
import { backupKeys, backupsApi, downloadUrl, type Backup, type BackupSettings } from './api.ts';

const HOURS = Array.from({ length: 24 }, (_, h) => ({
  value: String(h),
  label: `${String(h).padStart(2, '0')}:00`,
}));

const size = (bytes: number | null) =>
  bytes === null
    ? '—'
    : bytes >= 1_048_576
      ? `${(bytes / 1_048_576).toFixed(1)} MB`
      : `${Math.max(1, Math.round(bytes / 1024))} KB`;

/** Settings → Backups: the daily backup (on/off, hour, how many to keep, folder), the list, "Back up now". */
export function BackupSettingsPanel() {
  const owner = isOwner(useMe());
  const q = useQuery({ queryKey: backupKeys.settings, queryFn: backupsApi.settings, enabled: owner });
  if (!owner)
    return (
      <Alert color="gray" title="Backups">
        Only an owner can see and change backups.
      </Alert>
    );
  if (q.isPending) return <PageLoader />;
  if (q.isError) return <QueryError error={q.error} onRetry={() => void q.refetch()} />;
  return (
    <Stack gap="md">
      <Schedule s={q.data} />
      {q.data.database === 'sqlite' && <BackupList />}
    </Stack>
  );
}

function Schedule({ s }: { s: BackupSettings }) {
  const qc = useQueryClient();
  const [v, setV] = useState({ enabled: s.enabled, hour: s.hour, keep: s.keep, folder: s.folder });
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: () => backupsApi.update(v),
    onSuccess: (next) => {
      qc.setQueryData(backupKeys.settings, next);
      setSaved(true);
    },
  });
  const set = (patch: Partial<typeof v>) => {
    setSaved(false);
    setV({ ...v, ...patch });
  };
  if (s.database === 'postgres')
    return (
      <Paper withBorder p="md" component="section" aria-label="Backups">
        <Title order={2} fz="lg">
          Backups
        </Title>
        <Text size="sm" mt="xs">
          This Rapport keeps its data in PostgreSQL. Back it up with PostgreSQL’s own tool, on the server:
        </Text>
        <Code block mt="xs">
          {'pg_dump -Fc --no-owner -f rapport.dump "$DATABASE_URL"'}
        </Code>
        <Text size="sm" mt="xs">
          and restore into an empty database with{' '}
          <Code>pg_restore --no-owner --exit-on-error -d DATABASE rapport.dump</Code>.
        </Text>
      </Paper>
    );
  return (
    <Paper withBorder p="md" component="section" aria-label="Backups">
      <Stack gap="md">
        <div>
          <Title order={2} fz="lg">
            Backups
          </Title>
          <Text size="sm" c="dimmed">
            A copy of all your data, taken once a day while Rapport keeps working, checked after it is made,
            and kept on the server. The oldest are deleted when there are more than you keep.
          </Text>
        </div>
        <Switch
          label="Back up every day"
          checked={v.enabled}
          onChange={(e) => set({ enabled: e.currentTarget.checked })}
        />
        <Group grow align="flex-start" wrap="wrap">
          <Select
            label="At"
            value={String(v.hour)}
            allowDeselect={false}
            onChange={(h) => set({ hour: Number(h ?? 2) })}
            data={HOURS}
            miw={140}
          />
          <NumberInput
            label="Backups to keep"
            min={1}
            max={365}
            value={v.keep}
            onChange={(n) => set({ keep: typeof n === 'number' ? n : v.keep })}
            miw={140}
          />
          <TextInput
            label="Folder (in the data folder)"
            value={v.folder}
            onChange={(e) => set({ folder: e.currentTarget.value })}
            miw={140}
          />
        </Group>
        {save.isError && (
          <Alert color="red" role="alert">
            {errorMessage(save.error)}
          </Alert>
        )}
        <Group>
          <Button onClick={() => save.mutate()} loading={save.isPending}>
            Save
          </Button>
          {saved && (
            <Text size="sm" c="teal" role="status">
              Saved
            </Text>
          )}
        </Group>
      </Stack>
    </Paper>
  );
}

function BackupList() {
  const qc = useQueryClient();
  const list = useQuery({ queryKey: backupKeys.list, queryFn: backupsApi.list, refetchInterval: 5000 });
  const now = useMutation({
    mutationFn: backupsApi.now,
    onSuccess: () => void qc.invalidateQueries({ queryKey: backupKeys.list }),
  });
  const items = list.data?.items ?? [];
  return (
    <Paper withBorder p="md" component="section" aria-label="Backups kept">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={2} fz="lg">
            Backups kept
          </Title>
          <Button variant="light" onClick={() => now.mutate()} loading={now.isPending}>
            Back up now
          </Button>
        </Group>
        {now.isSuccess && (
          <Text size="sm" role="status">
            A backup has started; it appears below when it is done.
          </Text>
        )}
        {now.isError && (
          <Alert color="red" role="alert">
            {errorMessage(now.error)}
          </Alert>
        )}
        {list.isError && <QueryError error={list.error} onRetry={() => void list.refetch()} />}
        {items.length === 0 ? (
          <Text size="sm" c="dimmed">
            No backups yet.
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={320}>
            <Table verticalSpacing="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Taken</Table.Th>
                  <Table.Th>Size</Table.Th>
                  <Table.Th>Checked</Table.Th>
                  <Table.Th>File</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((b) => (
                  <Row key={b.id} b={b} />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
    </Paper>
  );
}

function Row({ b }: { b: Backup }) {
  return (
    <Table.Tr>
      <Table.Td>
        {dateTime(b.startedAt)}
        <Text size="xs" c="dimmed">
          {b.trigger === 'schedule' ? 'daily' : 'by hand'}
        </Text>
      </Table.Td>
      <Table.Td>{size(b.sizeBytes)}</Table.Td>
      <Table.Td>
        {b.status === 'ok' && b.verified ? (
          <Text size="sm" c="teal.9" fw={600} style={{ whiteSpace: 'nowrap' }}>
            ✓ verified
          </Text>
        ) : b.status === 'running' ? (
          <Badge color="gray" variant="light">
            in progress
          </Badge>
        ) : (
          <Badge color="red" variant="light" title={b.reason ?? undefined}>
            failed
          </Badge>
        )}
        {b.status === 'failed' && b.reason && (
          <Text size="xs" c="red.8">
            {b.reason}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        {b.status === 'ok' ? (
          <Anchor href={downloadUrl(b.name)} download size="sm">
            Download
          </Anchor>
        ) : (
          '—'
        )}
      </Table.Td>
    </Table.Tr>
  );
}

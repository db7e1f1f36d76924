import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Code,
  CopyButton,
  Group,
  Paper,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { accessKeys } from '../../lib/session.ts';
import { useState } from 'react';
import { api, errorMessage } from '../../lib/api.ts';
import { dateTime } from '../../lib/format.ts';
import { isOwner, useMe } from '../../lib/session.ts';
import type { Scope } from '../../lib/api.ts';
import { PageLoader, QueryError } from '../shell/RouteError.tsx';

export function ApiKeysSettings() {
  const me = useMe();
  if (!isOwner(me)) return <Alert color="gray">Only the owner can see and create API keys.</Alert>;
  return <ApiKeys />;
}

function ApiKeys() {
  const me = useMe();
  const qc = useQueryClient();
  const keys = useQuery({ queryKey: accessKeys.apiKeys, queryFn: api.apiKeys });
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Scope[]>(['read', 'write']);
  const [created, setCreated] = useState<{ key: string; name: string } | null>(null);
  const create = useMutation({
    mutationFn: () => api.createApiKey(name.trim() || 'API key', scopes),
    onSuccess: (r) => {
      setCreated({ key: r.key, name: r.apiKey.name });
      setName('');
      void qc.invalidateQueries({ queryKey: accessKeys.apiKeys });
    },
  });
  const revoke = useMutation({
    mutationFn: api.revokeApiKey,
    onSettled: () => void qc.invalidateQueries({ queryKey: accessKeys.apiKeys }),
  });
  return (
    <Stack>
      <Paper withBorder p="md">
        <Title order={2} fz="lg" mb={4}>
          Create an API key
        </Title>
        <Text size="sm" c="dimmed" mb="sm">
          For your phone system (call pop-ups), your shop or scripts. Send it as{' '}
          <Code>Authorization: Bearer …</Code>.
        </Text>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate();
          }}
        >
          <Stack gap="sm">
            <TextInput
              label="Name"
              placeholder="Phone system"
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              maxLength={100}
            />
            <Checkbox.Group
              label="Scopes"
              value={scopes}
              onChange={(v) => setScopes(v as Scope[])}
              error={scopes.length === 0 ? 'Pick at least one scope' : null}
            >
              <Group gap="md" mt={6}>
                <Checkbox value="read" label="Read" />
                <Checkbox value="write" label="Write" />
                <Checkbox value="admin" label="Admin (users, keys, settings)" />
              </Group>
            </Checkbox.Group>
            {create.isError && (
              <Alert color="red" role="alert">
                {errorMessage(create.error)}
              </Alert>
            )}
            <Button
              type="submit"
              loading={create.isPending}
              disabled={scopes.length === 0}
              style={{ alignSelf: 'flex-start' }}
            >
              Create key
            </Button>
          </Stack>
        </form>
        {created && (
          <Alert
            color="orange"
            title={`Your new key “${created.name}”`}
            mt="md"
            withCloseButton
            onClose={() => setCreated(null)}
            closeButtonLabel="I have copied it"
          >
            <Stack gap="xs">
              <Text size="sm" fw={600}>
                Copy it now: it is shown only once and cannot be seen again.
              </Text>
              <Code
                block
                data-testid="new-api-key"
                style={{ overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' }}
              >
                {created.key}
              </Code>
              <CopyButton value={created.key}>
                {({ copied, copy }) => (
                  <Button
                    size="xs"
                    color={copied ? 'teal' : 'dark'}
                    onClick={copy}
                    style={{ alignSelf: 'flex-start' }}
                  >
                    {copied ? 'Copied' : 'Copy key'}
                  </Button>
                )}
              </CopyButton>
            </Stack>
          </Alert>
        )}
      </Paper>
      <Paper withBorder p="md">
        <Title order={2} fz="lg" mb="sm">
          Keys
        </Title>
        {revoke.isError && (
          <Alert color="red" mb="sm">
            {errorMessage(revoke.error)}
          </Alert>
        )}
        {keys.isPending ? (
          <PageLoader />
        ) : keys.isError ? (
          <QueryError error={keys.error} onRetry={() => void keys.refetch()} />
        ) : keys.data.items.length === 0 ? (
          <Text size="sm" c="dimmed">
            No API keys yet.
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={560}>
            <Table verticalSpacing="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Scopes</Table.Th>
                  <Table.Th>Last used</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {keys.data.items.map((k) => (
                  <Table.Tr key={k.id} style={{ opacity: k.revokedAt ? 0.55 : 1 }}>
                    <Table.Td>
                      <Text size="sm" fw={500}>
                        {k.name}
                      </Text>
                      <Code>{k.prefix}…</Code>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        {k.scopes.map((s) => (
                          <Badge key={s} size="sm" variant="light" color={s === 'admin' ? 'red' : 'gray'}>
                            {s}
                          </Badge>
                        ))}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Text size="xs">
                        {k.lastUsedAt ? dateTime(k.lastUsedAt, me.workspace.timezone) : 'never'}
                      </Text>
                    </Table.Td>
                    <Table.Td ta="right">
                      {k.revokedAt ? (
                        <Badge color="red" variant="light">
                          revoked
                        </Badge>
                      ) : (
                        <Button
                          size="compact-sm"
                          variant="subtle"
                          color="red"
                          loading={revoke.isPending && revoke.variables === k.id}
                          onClick={() => {
                            if (window.confirm(`Revoke “${k.name}”? Anything using it will stop working.`))
                              revoke.mutate(k.id);
                          }}
                        >
                          Revoke
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>
    </Stack>
  );
}

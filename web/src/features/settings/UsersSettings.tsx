import {
  Alert,
  Input,
  Badge,
  Button,
  Group,
  Paper,
  PasswordInput,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { userKeys } from '../complaints/api.ts';
import { api, errorMessage } from '../../lib/api.ts';
import { dateTime } from '../../lib/format.ts';
import { fieldErrors } from '../../lib/problems.ts';
import { isOwner, useMe } from '../../lib/session.ts';
import type { Role } from '../../lib/api.ts';
import { PageLoader, QueryError } from '../shell/RouteError.tsx';

export function UsersSettings() {
  const me = useMe();
  const qc = useQueryClient();
  const users = useQuery({ queryKey: userKeys.all, queryFn: api.users });
  const toggle = useMutation({
    mutationFn: ({ id, enabled }: { id: string; enabled: boolean }) => api.setUserEnabled(id, enabled),
    onSettled: () => void qc.invalidateQueries({ queryKey: userKeys.all }),
  });
  const owner = isOwner(me);
  return (
    <Stack>
      {owner && <NewUser />}
      <Paper withBorder p="md">
        <Title order={2} fz="lg" mb="sm">
          People who can sign in
        </Title>
        {toggle.isError && (
          <Alert color="red" mb="sm">
            {errorMessage(toggle.error)}
          </Alert>
        )}
        {users.isPending ? (
          <PageLoader />
        ) : users.isError ? (
          <QueryError error={users.error} onRetry={() => void users.refetch()} />
        ) : (
          <Table.ScrollContainer minWidth={520}>
            <Table verticalSpacing="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Role</Table.Th>
                  <Table.Th>Added</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {users.data.items.map((u) => (
                  <Table.Tr key={u.id}>
                    <Table.Td>
                      <Text size="sm" fw={500}>
                        {u.name || u.email}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {u.email}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={u.role === 'owner' ? 'teal' : 'gray'}>
                        {u.role}
                      </Badge>
                      {u.disabledAt && (
                        <Badge variant="light" color="red" ml={4}>
                          disabled
                        </Badge>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Text size="xs">{dateTime(u.createdAt, me.workspace.timezone)}</Text>
                    </Table.Td>
                    <Table.Td ta="right">
                      {owner && u.id !== me.user?.id && (
                        <Button
                          size="compact-sm"
                          variant="subtle"
                          color={u.disabledAt ? 'teal' : 'red'}
                          onClick={() => toggle.mutate({ id: u.id, enabled: !!u.disabledAt })}
                        >
                          {u.disabledAt ? 'Enable' : 'Disable'}
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

function NewUser() {
  const qc = useQueryClient();
  const form = useForm({
    initialValues: { name: '', email: '', password: '', role: 'staff' as Role },
    validate: {
      email: (v) => (/^\S+@\S+\.\S+$/.test(v.trim()) ? null : 'Enter a valid email address'),
      password: (v) => (v.length >= 8 ? null : 'Use at least 8 characters'),
    },
  });
  const create = useMutation({
    mutationFn: (v: typeof form.values) =>
      api.createUser({
        email: v.email.trim(),
        password: v.password,
        role: v.role,
        ...(v.name.trim() && { name: v.name.trim() }),
      }),
    onSuccess: () => {
      form.reset();
      void qc.invalidateQueries({ queryKey: userKeys.all });
    },
    onError: (e) => form.setErrors(fieldErrors(e)),
  });
  return (
    <Paper withBorder p="md">
      <Title order={2} fz="lg" mb="sm">
        Add a user
      </Title>
      <form onSubmit={form.onSubmit((v) => create.mutate(v))} noValidate>
        <Stack gap="sm">
          {create.isError && Object.keys(fieldErrors(create.error)).length === 0 && (
            <Alert color="red" role="alert">
              {errorMessage(create.error)}
            </Alert>
          )}
          {create.isSuccess && (
            <Alert color="teal" role="status">
              User added. Give them their email and password; they can sign in now.
            </Alert>
          )}
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <TextInput label="Name" {...form.getInputProps('name')} />
            <TextInput label="Email" type="email" autoComplete="off" {...form.getInputProps('email')} />
            <PasswordInput
              label="Password"
              placeholder="At least 8 characters"
              autoComplete="new-password"
              {...form.getInputProps('password')}
            />
          </SimpleGrid>
          <Group align="flex-end">
            <Input.Wrapper label="Role">
              <SegmentedControl
                aria-label="Role"
                data={[
                  { value: 'staff', label: 'Staff' },
                  { value: 'owner', label: 'Owner' },
                ]}
                {...form.getInputProps('role')}
              />
            </Input.Wrapper>
            <Button type="submit" loading={create.isPending}>
              Add user
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

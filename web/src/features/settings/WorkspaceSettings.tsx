import { Alert, Button, Group, Paper, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { api, errorMessage } from '../../lib/api.ts';
import { currencyOptions, regionOptions, timezoneOptions } from '../../lib/locale.ts';
import { fieldErrors } from '../../lib/problems.ts';
import { ME_KEY, isOwner, useMe } from '../../lib/session.ts';

export function WorkspaceSettings() {
  const me = useMe();
  const qc = useQueryClient();
  const owner = isOwner(me);
  const regions = useMemo(regionOptions, []);
  const currencies = useMemo(currencyOptions, []);
  const zones = useMemo(timezoneOptions, []);
  const [saved, setSaved] = useState(false);
  const w = me.workspace;
  const form = useForm({
    initialValues: { name: w.name, timezone: w.timezone, currency: w.currency, region: w.region },
    validate: { name: (v) => (v.trim() ? null : 'Enter the name of your business') },
  });
  const save = useMutation({
    mutationFn: (v: typeof form.values) => api.updateWorkspace({ ...v, name: v.name.trim() }),
    onSuccess: (ws) => {
      qc.setQueryData(ME_KEY, { ...me, workspace: ws });
      form.resetDirty();
      setSaved(true);
    },
    onError: (e) => form.setErrors(fieldErrors(e)),
  });
  return (
    <Paper withBorder p="md">
      <form onSubmit={form.onSubmit((v) => save.mutate(v))} noValidate onChange={() => setSaved(false)}>
        <Stack>
          {!owner && <Alert color="gray">Only the owner can change these settings.</Alert>}
          {save.isError && (
            <Alert color="red" role="alert">
              {errorMessage(save.error)}
            </Alert>
          )}
          <TextInput label="Business name" disabled={!owner} {...form.getInputProps('name')} />
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <Select
              label="Phone region"
              data={regions}
              searchable
              allowDeselect={false}
              disabled={!owner}
              {...form.getInputProps('region')}
            />
            <Select
              label="Currency"
              data={currencies}
              searchable
              allowDeselect={false}
              disabled={!owner}
              {...form.getInputProps('currency')}
            />
            <Select
              label="Time zone"
              data={zones}
              searchable
              allowDeselect={false}
              limit={100}
              disabled={!owner}
              {...form.getInputProps('timezone')}
            />
          </SimpleGrid>
          <Text size="xs" c="dimmed">
            The phone region decides how local numbers (without +country code) are read.
          </Text>
          {owner && (
            <Group>
              <Button type="submit" loading={save.isPending} disabled={!form.isDirty()}>
                Save
              </Button>
              {saved && (
                <Text size="sm" c="teal.8" role="status">
                  Saved.
                </Text>
              )}
            </Group>
          )}
        </Stack>
      </form>
    </Paper>
  );
}

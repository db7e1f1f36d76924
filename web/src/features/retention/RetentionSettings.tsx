import {
  Alert,
  Button,
  Group,
  NumberInput,
  Paper,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '../../lib/api.ts';
import { fieldErrors } from '../../lib/problems.ts';
import { isOwner, useMe } from '../../lib/session.ts';
import { PageLoader, QueryError } from '../shell/RouteError.tsx';
import { retentionApi, retentionKeys, useRetentionSettings, type RetentionSettings } from './api.ts';

/** Settings → Keeping customers: the NPS question (on/off, channel, how often, when), the review link, "not contacted". */
export function RetentionSettingsPanel() {
  const q = useRetentionSettings();
  if (q.isPending) return <PageLoader />;
  if (q.isError) return <QueryError error={q.error} onRetry={() => void q.refetch()} />;
  return <SettingsForm s={q.data} />;
}

function SettingsForm({ s }: { s: RetentionSettings }) {
  const owner = isOwner(useMe());
  const qc = useQueryClient();
  const [saved, setSaved] = useState(false);
  const form = useForm({
    initialValues: {
      npsEnabled: s.npsEnabled,
      npsChannel: s.npsChannel,
      npsEveryDays: s.npsEveryDays,
      npsDelayHours: s.npsDelayHours,
      reviewUrl: s.reviewUrl ?? '',
      notContactedDays: s.notContactedDays,
    },
  });
  const save = useMutation({
    mutationFn: (v: typeof form.values) =>
      retentionApi.updateSettings({ ...v, reviewUrl: v.reviewUrl.trim() || null }),
    onSuccess: (next) => {
      qc.setQueryData(retentionKeys.settings, next);
      void qc.invalidateQueries({ queryKey: retentionKeys.notContacted });
      form.resetDirty();
      setSaved(true);
    },
    onError: (e) => form.setErrors(fieldErrors(e)),
  });
  const v = form.values;
  return (
    <Paper withBorder p="md" component="section" aria-label="Keeping customers">
      <form
        noValidate
        aria-label="Keeping customers"
        onChange={() => setSaved(false)}
        onSubmit={form.onSubmit((values) => save.mutate(values))}
      >
        <Stack gap="md">
          <div>
            <Title order={2} fz="lg">
              Keeping customers
            </Title>
            <Text size="sm" c="dimmed">
              Ask customers how you did, send the happy ones to leave a review, and get told when a good
              customer has gone quiet.
            </Text>
          </div>
          <Switch
            label="Ask “How likely are you to recommend us?” (NPS)"
            description="After a purchase, and after a complaint is closed. The answers show in Insights."
            disabled={!owner}
            {...form.getInputProps('npsEnabled', { type: 'checkbox' })}
            onChange={(e) => {
              setSaved(false);
              form.setFieldValue('npsEnabled', e.currentTarget.checked);
            }}
          />
          {v.npsEnabled && (
            <Stack gap="sm" pl={{ base: 0, sm: 'xl' }}>
              <div>
                <Text size="sm" fw={500} id="nps-channel-label">
                  Ask by
                </Text>
                <SegmentedControl
                  aria-labelledby="nps-channel-label"
                  data={[
                    { value: 'email', label: 'Email' },
                    { value: 'sms', label: 'SMS' },
                    { value: 'whatsapp', label: 'WhatsApp' },
                  ]}
                  disabled={!owner}
                  value={v.npsChannel}
                  onChange={(c) => {
                    setSaved(false);
                    form.setFieldValue('npsChannel', c as RetentionSettings['npsChannel']);
                  }}
                />
              </div>
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
                <NumberInput
                  label="Ask each customer at most every"
                  suffix=" days"
                  min={7}
                  max={730}
                  allowDecimal={false}
                  allowNegative={false}
                  disabled={!owner}
                  {...form.getInputProps('npsEveryDays')}
                />
                <NumberInput
                  label="Ask after"
                  description="Hours after the purchase or the close"
                  suffix=" hours"
                  min={1}
                  max={336}
                  allowDecimal={false}
                  allowNegative={false}
                  disabled={!owner}
                  {...form.getInputProps('npsDelayHours')}
                />
              </SimpleGrid>
            </Stack>
          )}
          <TextInput
            label="Review link"
            description="Where a happy customer can leave a review (your Google or Facebook page). Those who answer 9 or 10 are sent there."
            placeholder="https://g.page/r/…"
            type="url"
            disabled={!owner}
            {...form.getInputProps('reviewUrl')}
          />
          <NumberInput
            label="Warn me about a valuable customer not contacted in"
            description="They show on Home with why they matter."
            suffix=" days"
            min={7}
            max={730}
            allowDecimal={false}
            allowNegative={false}
            disabled={!owner}
            maw={360}
            {...form.getInputProps('notContactedDays')}
          />
          {save.isError && Object.keys(fieldErrors(save.error)).length === 0 && (
            <Alert color="red" role="alert">
              {errorMessage(save.error)}
            </Alert>
          )}
          {owner ? (
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
          ) : (
            <Text size="sm" c="dimmed">
              Only the owner can change these.
            </Text>
          )}
        </Stack>
      </form>
    </Paper>
  );
}

import {
  Alert,
  Anchor,
  Button,
  Checkbox,
  Group,
  NumberInput,
  Paper,
  Pill,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMediaQuery } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { complaintKeys } from '../complaints/api.ts';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../../lib/api.ts';
import { useMe } from '../../lib/session.ts';
import { PageLoader, QueryError } from '../shell/RouteError.tsx';
import { SEVERITIES, WEEKDAYS, complaintsApi, type ComplaintSettingsView } from '../complaints/api.ts';
import { SEVERITY_LABEL } from '../complaints/format.ts';
import {
  DAY_NAME,
  settingsErrors,
  toApi,
  toForm,
  usualDayHours,
  validateLocally,
  type SettingsValues,
} from './complaintSettingsForm.ts';
import { SlaPreview } from './SlaPreview.tsx';

const KEY = complaintKeys.settings;
/** Time boxes share a phone's row with the day: they shrink (12-hour clocks need ~110 px), up to 130 px. */
const TIME_BOX = { flex: '1 1 0', minWidth: 0, maxWidth: 130 };
const TIME_INPUT = { input: { paddingInline: 8 } };
const DAY_TEXT = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeZone: 'UTC' });
/** '2026-12-25' → "Friday, December 25, 2026" (a calendar date: no time zone shifts it). */
const dayText = (iso: string) => {
  const t = Date.parse(`${iso}T00:00:00Z`);
  return Number.isNaN(t) ? iso : DAY_TEXT.format(t);
};

/** Settings → Complaints: SLA targets per severity, opening hours, holidays; owners change them, staff read. */
export function ComplaintSettings() {
  const q = useQuery({ queryKey: KEY, queryFn: complaintsApi.settings });
  if (q.isPending) return <PageLoader label="Loading complaint settings…" />;
  if (q.isError) return <QueryError error={q.error} onRetry={() => void q.refetch()} />;
  return <SettingsForm saved={q.data} />;
}

function SettingsForm({ saved }: { saved: ComplaintSettingsView }) {
  const me = useMe();
  const qc = useQueryClient();
  // Changing them needs the admin scope (PATCH /complaints/settings); staff see them read-only.
  const canEdit = me.scopes.includes('admin');
  const ro = !canEdit;
  const [done, setDone] = useState(false);
  const [holiday, setHoliday] = useState('');
  const phone = useMediaQuery('(max-width: 30em)', false, { getInitialValueInEffect: false });
  const form = useForm<SettingsValues>({
    initialValues: toForm(saved),
    validate: validateLocally,
    onValuesChange: () => setDone(false),
  });
  const save = useMutation({
    mutationFn: (v: SettingsValues) => complaintsApi.updateSettings(toApi(v)),
    onSuccess: (next) => {
      qc.setQueryData(KEY, next);
      const values = toForm(next);
      form.setValues(values);
      form.resetDirty(values);
      setDone(true);
    },
    onError: (e) => form.setErrors(settingsErrors(e)),
  });
  const v = form.values;
  const draft = useMemo(() => (Object.keys(validateLocally(v)).length ? null : toApi(v)), [v]);
  const day = usualDayHours(v);
  const refused = save.isError ? settingsErrors(save.error) : {};
  // Said beside the Save button too, since the field it concerns may be scrolled out of sight.
  const general = !save.isError
    ? null
    : (refused._ ??
      (Object.keys(refused).length
        ? 'Not saved: correct the settings marked in red.'
        : errorMessage(save.error)));
  const addHoliday = () => {
    if (holiday && !v.holidays.includes(holiday))
      form.setFieldValue('holidays', [...v.holidays, holiday].sort());
    setHoliday('');
  };

  return (
    <form
      onSubmit={form.onSubmit((values) => save.mutate(values))}
      noValidate
      aria-label="Complaint settings"
    >
      <Stack>
        {ro && <Alert color="gray">Only the owner can change these settings.</Alert>}
        <Text size="sm">
          Times are in <strong>{saved.timezone}</strong>, the workspace time zone
          {canEdit && (
            <>
              {' '}
              (
              <Anchor component={Link} to="/settings/workspace" inherit>
                change it
              </Anchor>
              )
            </>
          )}
          . New complaints use these settings; deadlines already set stay as they are.
        </Text>

        <Paper withBorder p="md" component="section" aria-label="Targets">
          <Title order={2} fz="md">
            Answer and resolve within
          </Title>
          <Text size="sm" c="dimmed" mb="xs">
            In business hours: the clock runs only while you are open
            {day ? ` (a usual day here is ${day} h, so ${2 * day} h is two days)` : ''}.
          </Text>
          <Table verticalSpacing={6} horizontalSpacing="xs" layout="fixed" maw={560}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={84}>Severity</Table.Th>
                <Table.Th>First answer (h)</Table.Th>
                <Table.Th>Resolved (h)</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {[...SEVERITIES].reverse().map((s) => (
                <Table.Tr key={s}>
                  <Table.Td style={{ verticalAlign: 'top' }}>
                    <Text size="sm" fw={600} pt={8}>
                      {SEVERITY_LABEL[s]}
                    </Text>
                  </Table.Td>
                  <Table.Td style={{ verticalAlign: 'top' }}>
                    <NumberInput
                      aria-label={`${SEVERITY_LABEL[s]}: first answer within (hours)`}
                      min={0}
                      decimalScale={2}
                      suffix=" h"
                      disabled={ro}
                      maw={160}
                      {...form.getInputProps(`targets.${s}.firstResponse`)}
                    />
                  </Table.Td>
                  <Table.Td style={{ verticalAlign: 'top' }}>
                    <NumberInput
                      aria-label={`${SEVERITY_LABEL[s]}: resolved within (hours)`}
                      min={0}
                      decimalScale={2}
                      suffix=" h"
                      disabled={ro}
                      maw={160}
                      {...form.getInputProps(`targets.${s}.resolution`)}
                    />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>

        <Paper withBorder p="md" component="section" aria-label="Opening hours">
          <Title order={2} fz="md">
            Opening hours
          </Title>
          <Text size="sm" c="dimmed" mb="xs">
            Close at 00:00 to stay open until midnight.
          </Text>
          {form.errors.week && (
            <Text size="sm" c="red.7" role="alert" mb="xs">
              {form.errors.week}
            </Text>
          )}
          <Stack gap={6}>
            {WEEKDAYS.map((d) => (
              <Group
                key={d}
                gap={phone ? 6 : 'xs'}
                wrap="nowrap"
                align="flex-start"
                role="group"
                aria-label={DAY_NAME[d]}
              >
                <Checkbox
                  label={phone ? DAY_NAME[d].slice(0, 3) : DAY_NAME[d]}
                  aria-label={DAY_NAME[d]}
                  disabled={ro}
                  w={phone ? 64 : 108}
                  mt={8}
                  style={{ flexShrink: 0 }}
                  {...form.getInputProps(`week.${d}.open`, { type: 'checkbox' })}
                />
                {v.week[d].open ? (
                  <>
                    <TextInput
                      type="time"
                      aria-label={`${DAY_NAME[d]} opens`}
                      disabled={ro}
                      style={TIME_BOX}
                      styles={TIME_INPUT}
                      {...form.getInputProps(`week.${d}.from`)}
                    />
                    <Text mt={6}>–</Text>
                    <TextInput
                      type="time"
                      aria-label={`${DAY_NAME[d]} closes`}
                      disabled={ro}
                      style={TIME_BOX}
                      styles={TIME_INPUT}
                      {...form.getInputProps(`week.${d}.to`)}
                    />
                  </>
                ) : (
                  <Text size="sm" c="dimmed" mt={8}>
                    Closed
                  </Text>
                )}
              </Group>
            ))}
          </Stack>
        </Paper>

        <Paper withBorder p="md" component="section" aria-label="Closed days">
          <Title order={2} fz="md">
            Closed days
          </Title>
          <Text size="sm" c="dimmed" mb="xs">
            Holidays and days off: the clocks stop.
          </Text>
          {canEdit && (
            <Group gap="xs" align="flex-end" mb="xs">
              <TextInput
                type="date"
                label="Date"
                value={holiday}
                onChange={(e) => setHoliday(e.currentTarget.value)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') {
                    e.preventDefault();
                    addHoliday();
                  }
                }}
                w={170}
              />
              <Button variant="default" onClick={addHoliday} disabled={!holiday}>
                Add closed day
              </Button>
            </Group>
          )}
          {v.holidays.length ? (
            <Pill.Group aria-label="Closed days list">
              {v.holidays.map((h) => (
                <Pill
                  key={h}
                  size="md"
                  withRemoveButton={canEdit}
                  onRemove={() =>
                    form.setFieldValue(
                      'holidays',
                      v.holidays.filter((x) => x !== h),
                    )
                  }
                  removeButtonProps={{ 'aria-label': `Remove ${h}` }}
                  title={h}
                >
                  {dayText(h)}
                </Pill>
              ))}
            </Pill.Group>
          ) : (
            <Text size="sm" c="dimmed">
              None.
            </Text>
          )}
          {form.errors.holidays && (
            <Text size="sm" c="red.7" role="alert" mt={4}>
              {form.errors.holidays}
            </Text>
          )}
        </Paper>

        <Paper withBorder p="md" component="section" aria-label="Warnings and follow-up">
          <Title order={2} fz="md" mb="xs">
            Warnings and follow-up
          </Title>
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <NumberInput
              label="Warn “due soon” after"
              description="of the time has gone"
              suffix=" %"
              min={0}
              disabled={ro}
              {...form.getInputProps('dueSoonPercent')}
            />
            <NumberInput
              label="Follow-up check after"
              description="days after resolving"
              suffix=" days"
              min={0}
              disabled={ro}
              {...form.getInputProps('followUpDays')}
            />
            <NumberInput
              label="Answer enquiries within"
              description="business hours"
              suffix=" h"
              min={0}
              decimalScale={2}
              disabled={ro}
              {...form.getInputProps('enquiryHours')}
            />
          </SimpleGrid>
        </Paper>

        <SlaPreview draft={draft} timezone={saved.timezone} />

        {general && (
          <Alert color="red" role="alert">
            {general}
          </Alert>
        )}
        {canEdit && (
          <Group>
            <Button type="submit" loading={save.isPending} disabled={!form.isDirty()}>
              Save
            </Button>
            {done && (
              <Text size="sm" c="teal.8" role="status">
                Saved.
              </Text>
            )}
          </Group>
        )}
      </Stack>
    </form>
  );
}

import { Group, Loader, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { complaintKeys } from '../complaints/api.ts';
import { useMemo, useState } from 'react';
import { errorMessage } from '../../lib/api.ts';
import { SEVERITIES, complaintsApi, type ComplaintSettings } from '../complaints/api.ts';
import { nextWeekday, zoneCity } from '../complaints/zone.ts';
import { refusalText } from './complaintSettingsForm.ts';

const FRIDAY = 5;

function formatters(timeZone: string) {
  const f = (o: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(undefined, { ...o, timeZone });
  return {
    weekday: f({ weekday: 'long' }),
    date: f({ day: 'numeric', month: 'short' }),
    time: f({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
  };
}

/**
 * What the settings mean, worked out by the server with the same arithmetic intake uses: for a complaint
 * received at an example time (next Friday 16:00 unless changed), when each severity must be answered and
 * resolved. `draft` is the form as it stands (unsaved); null while the form has empty boxes.
 */
export function SlaPreview({ draft, timezone }: { draft: ComplaintSettings | null; timezone: string }) {
  const [date, setDate] = useState(() => nextWeekday(FRIDAY, timezone));
  const [time, setTime] = useState('16:00');
  const [settings] = useDebouncedValue(draft, 400);
  const receivedAt = date && time ? `${date}T${time}` : '';
  const preview = useQuery({
    queryKey: complaintKeys.settingsPreview(receivedAt, settings),
    queryFn: () => complaintsApi.previewSettings({ receivedAt, settings: settings ?? {} }),
    enabled: !!receivedAt && settings !== null,
    placeholderData: keepPreviousData,
    retry: false,
    staleTime: Infinity,
  });
  const fmt = useMemo(() => formatters(timezone), [timezone]);
  const received = preview.data ? Date.parse(preview.data.receivedAt) : 0;
  /** "Monday 12:00", with the date once it is a week or more after the receipt. */
  const when = (iso: string) => {
    const d = new Date(iso);
    const far = d.getTime() - received >= 6 * 86_400_000;
    return `${fmt.weekday.format(d)}${far ? ` ${fmt.date.format(d)},` : ''} ${fmt.time.format(d)}`;
  };

  return (
    <Paper withBorder p="md" component="section" aria-label="What this means">
      <Title order={2} fz="md" mb={4}>
        What this means
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        Deadlines for an example complaint, worked out from the settings above (unsaved changes included).
      </Text>
      <Group gap="sm" align="flex-end" wrap="wrap" mb="sm">
        <TextInput
          type="date"
          label="Received on"
          value={date}
          onChange={(e) => setDate(e.currentTarget.value)}
          w={160}
        />
        <TextInput
          type="time"
          label={`At (${zoneCity(timezone)} time)`}
          value={time}
          onChange={(e) => setTime(e.currentTarget.value)}
          w={130}
        />
        {preview.isFetching && <Loader size="xs" mb={10} aria-label="Working it out" />}
      </Group>
      {settings === null ? (
        <Text size="sm" c="dimmed">
          Fill in the empty boxes above to see the deadlines.
        </Text>
      ) : preview.isError ? (
        <Text size="sm" c="orange.8" role="status">
          No example until the settings are valid.{' '}
          {refusalText(preview.error, 'settings.') ?? errorMessage(preview.error)}
        </Text>
      ) : preview.data ? (
        <Stack gap={6} component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {[...SEVERITIES].reverse().map((s) => {
            const t = preview.data.targets[s];
            return (
              <Text key={s} component="li" size="sm" data-severity={s}>
                A{' '}
                <Text span fw={700} inherit>
                  {s === 'critical' ? 'critical' : `${s}-severity`}
                </Text>{' '}
                complaint must get a first answer by <strong>{when(t.firstResponseDueAt)}</strong> and be
                resolved by <strong>{when(t.resolutionDueAt)}</strong>.
              </Text>
            );
          })}
        </Stack>
      ) : null}
    </Paper>
  );
}

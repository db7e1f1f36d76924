import { Button, Chip, Group, Input, Stack, Text, TextInput } from '@mantine/core';
import { WEEKDAYS, type ComplaintSettings, type Weekday } from '../complaints/api.ts';

const DAY_LABEL: Record<Weekday, string> = {
  mon: 'Mon',
  tue: 'Tue',
  wed: 'Wed',
  thu: 'Thu',
  fri: 'Fri',
  sat: 'Sat',
  sun: 'Sun',
};

export type Hours = { days: Weekday[]; open: string; close: string };
export const DEFAULT_HOURS: Hours = {
  days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  open: '09:00',
  close: '17:00',
};

/** The week's opening hours as the complaint settings store them (the same hours every open day). */
export const toBusinessHours = (h: Hours): ComplaintSettings['businessHours'] =>
  Object.fromEntries(
    WEEKDAYS.map((d) => [d, h.days.includes(d) ? { open: h.open, close: h.close } : null]),
  ) as ComplaintSettings['businessHours'];

/**
 * Opening hours at setup: complaint deadlines count only the hours the shop is open, so a Friday-evening
 * complaint at a shop open on Saturday is due Saturday, not Monday. Saturday is one click away.
 */
export function OpeningHours({ value, onChange }: { value: Hours; onChange: (h: Hours) => void }) {
  const sorted = (days: string[]) => WEEKDAYS.filter((d) => days.includes(d));
  return (
    <Stack gap={6}>
      <Input.Wrapper
        label="Open on"
        description="Complaint deadlines count only the hours you are open."
        withAsterisk
      >
        <Chip.Group multiple value={value.days} onChange={(v) => onChange({ ...value, days: sorted(v) })}>
          <Group gap={6} mt={6} role="group" aria-label="Days open">
            {WEEKDAYS.map((d) => (
              <Chip key={d} value={d} size="sm">
                {DAY_LABEL[d]}
              </Chip>
            ))}
          </Group>
        </Chip.Group>
      </Input.Wrapper>
      {!value.days.includes('sat') && (
        <Button
          variant="light"
          size="xs"
          style={{ alignSelf: 'flex-start' }}
          onClick={() => onChange({ ...value, days: sorted([...value.days, 'sat']) })}
        >
          We are open on Saturdays
        </Button>
      )}
      <Group gap="sm" align="flex-end">
        <TextInput
          type="time"
          label="Opens"
          value={value.open}
          onChange={(e) => onChange({ ...value, open: e.currentTarget.value })}
          w={130}
        />
        <TextInput
          type="time"
          label="Closes"
          value={value.close}
          onChange={(e) => onChange({ ...value, close: e.currentTarget.value })}
          w={130}
        />
      </Group>
      {value.days.length === 0 && (
        <Text size="sm" c="red.8">
          Pick at least one day you are open.
        </Text>
      )}
    </Stack>
  );
}

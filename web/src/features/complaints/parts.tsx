import { Alert, Badge, Group, Text, Tooltip } from '@mantine/core';
import { ApiError } from '../../lib/api.ts';
import { problemSentence } from '../../lib/problems.ts';
import { wholeMoney } from '../analytics/format.ts';
import { dateTime } from '../../lib/format.ts';
import type { Complaint, SlaState, Timer } from './api.ts';
import {
  SEVERITY_COLOR,
  SEVERITY_LABEL,
  SLA_COLOR,
  SLA_LABEL,
  complaintState,
  liveState,
  tenureText,
  timerText,
  valueSourceText,
  valueText,
} from './format.ts';

export function SlaBadge({ state, size = 'sm' }: { state: SlaState; size?: 'xs' | 'sm' | 'md' | 'lg' }) {
  return (
    <Badge
      color={SLA_COLOR[state]}
      variant={state === 'ok' ? 'light' : 'filled'}
      size={size}
      data-sla={state}
    >
      {SLA_LABEL[state]}
    </Badge>
  );
}

export function SeverityBadge({ severity }: { severity: Complaint['severity'] }) {
  return (
    <Badge color={SEVERITY_COLOR[severity]} variant="light" size="sm">
      {SEVERITY_LABEL[severity]}
    </Badge>
  );
}

/** One SLA timer: what it is for, a live countdown, the deadline on hover. */
export function TimerLine({
  label,
  timer,
  now,
  timeZone,
}: {
  label: string;
  timer: Timer;
  now: number;
  timeZone: string;
}) {
  const state = liveState(timer, now);
  return (
    <Tooltip
      label={`Due ${dateTime(timer.dueAt, timeZone)}${timer.doneAt ? ` · done ${dateTime(timer.doneAt, timeZone)}` : ''}`}
    >
      <Group gap={6} wrap="nowrap" aria-label={`${label}: ${SLA_LABEL[state]}, ${timerText(timer, now)}`}>
        <Text size="xs" c="dimmed" w={74} style={{ flexShrink: 0 }}>
          {label}
        </Text>
        <Text
          size="sm"
          fw={state === 'breached' || state === 'due_soon' ? 600 : 400}
          c={state === 'breached' ? 'red.7' : state === 'due_soon' ? 'orange.8' : undefined}
        >
          {timerText(timer, now)}
        </Text>
      </Group>
    </Tooltip>
  );
}

export function ComplaintSlaBadge({ c, now }: { c: Complaint; now: number }) {
  return <SlaBadge state={complaintState(c, now)} />;
}

/** The money at stake, big, with where the figure comes from and the customer's tenure. */
export function ValueAtStake({
  c,
  size = 'md',
  tenure = true,
}: {
  c: Complaint;
  size?: 'md' | 'lg';
  tenure?: boolean;
}) {
  return (
    <div>
      <Text
        fw={700}
        fz={size === 'lg' ? 28 : 'lg'}
        lh={1.1}
        c="teal.8"
        data-testid="value-at-stake"
        title={valueText(c)}
      >
        {wholeMoney(c.valueAtStake, c.currency)}
      </Text>
      <Text size="xs" c="dimmed">
        at stake · {valueSourceText(c)}
      </Text>
      {tenure && (
        <Text size="xs" c="dimmed">
          {tenureText(c.value)}
        </Text>
      )}
    </div>
  );
}

/** The API's refusal next to the action that caused it, as a sentence saying what to do (never a code). */
export function ActionError({ error }: { error: unknown }) {
  if (!error) return null;
  const rule = error instanceof ApiError && error.status === 409;
  return (
    <Alert color={rule ? 'orange' : 'red'} title={rule ? 'Not yet' : 'Could not save'} role="alert" p="xs">
      <Text size="sm">{problemSentence(error)}</Text>
    </Alert>
  );
}

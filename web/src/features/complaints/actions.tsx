import { Button, Checkbox, Group, Select, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useState } from 'react';
import { useMe } from '../../lib/session.ts';
import {
  COMPLAINT_CHANNELS,
  SEVERITIES,
  complaintsApi,
  useUsers,
  type ComplaintChannel,
  type ComplaintDetail,
  type Severity,
} from './api.ts';
import { SEVERITY_LABEL, channelLabel } from './format.ts';
import { ActionError } from './parts.tsx';
import { useStep } from './useStep.ts';

type P = { c: ComplaintDetail };
const channels = COMPLAINT_CHANNELS.map((v) => ({ value: v, label: channelLabel(v) }));

/** Record a response to the customer (stops the first-response clock), or a failed attempt to reach them. */
export function RespondForm({ c, attempt = false }: P & { attempt?: boolean }) {
  const [note, setNote] = useState('');
  const [channel, setChannel] = useState<ComplaintChannel>(c.channel);
  const step = useStep(c, complaintsApi.respond, () => setNote(''));
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        step.mutate({ note: note.trim(), channel, reached: !attempt });
      }}
      aria-label={attempt ? 'Attempt to reach the customer' : 'Response'}
    >
      <Stack gap="xs">
        <Group gap="sm" align="flex-end" wrap="wrap">
          <Select
            label="How"
            data={channels}
            value={channel}
            onChange={(v) => v && setChannel(v as ComplaintChannel)}
            allowDeselect={false}
            w={150}
          />
          <TextInput
            label={attempt ? 'What you tried' : 'What you said or sent'}
            placeholder={attempt ? 'Rang twice, no answer' : 'Greeted her, said we will sort it today'}
            value={note}
            onChange={(e) => setNote(e.currentTarget.value)}
            required
            style={{ flex: 1, minWidth: 200 }}
          />
        </Group>
        <Group>
          <Button
            type="submit"
            loading={step.isPending}
            disabled={!note.trim()}
            variant={attempt ? 'default' : 'filled'}
          >
            {attempt ? 'Log attempt (no answer)' : 'Record response'}
          </Button>
        </Group>
        <ActionError error={step.error} />
      </Stack>
    </form>
  );
}

/** The problem statement: the concern in the staff member's words, checked back with the customer. */
export function ProblemForm({ c }: P) {
  const [paraphrase, setParaphrase] = useState(c.paraphrase ?? '');
  const [category, setCategory] = useState(c.category ?? '');
  const step = useStep(c, complaintsApi.update);
  const changed = paraphrase.trim() !== (c.paraphrase ?? '') || category.trim() !== (c.category ?? '');
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        step.mutate({
          ...(paraphrase.trim() && { paraphrase: paraphrase.trim() }),
          ...(category.trim() && { category: category.trim() }),
        });
      }}
      aria-label="Problem statement"
    >
      <Stack gap="xs">
        <Textarea
          label="Problem statement (your paraphrase)"
          withAsterisk
          aria-required
          autosize
          minRows={2}
          value={paraphrase}
          onChange={(e) => setParaphrase(e.currentTarget.value)}
        />
        <TextInput
          label="Category"
          placeholder="e.g. quality"
          value={category}
          onChange={(e) => setCategory(e.currentTarget.value)}
          w={220}
        />
        <Group>
          <Button type="submit" loading={step.isPending} disabled={!changed || !paraphrase.trim()}>
            Save problem statement
          </Button>
        </Group>
        <ActionError error={step.error} />
      </Stack>
    </form>
  );
}

/** Re-grade the severity (pending deadlines follow). */
export function SeverityForm({ c }: P) {
  const step = useStep(c, complaintsApi.update);
  return (
    <Stack gap="xs">
      <Select
        label="Severity"
        description="Re-grade if it is worse (or milder) than first thought: the deadlines follow."
        data={SEVERITIES.map((s) => ({ value: s, label: SEVERITY_LABEL[s] }))}
        value={c.severity}
        onChange={(v) => v && v !== c.severity && step.mutate({ severity: v as Severity })}
        allowDeselect={false}
        disabled={step.isPending || c.status === 'closed'}
        w={220}
      />
      <ActionError error={step.error} />
    </Stack>
  );
}

/** Pass the complaint to someone else: a reason is required, and the problem must be understood first. */
export function TransferForm({ c, onDone }: P & { onDone: () => void }) {
  const me = useMe();
  const users = useUsers();
  const [to, setTo] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const step = useStep(c, complaintsApi.transfer, onDone);
  const options = (users.data?.items ?? [])
    .filter((u) => !u.disabledAt && u.id !== c.ownerId)
    .map((u) => ({
      value: u.id,
      label: u.id === me.user?.id ? `${u.name || u.email} (me)` : u.name || u.email,
    }));
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (to) step.mutate({ toUserId: to, ...(reason.trim() && { reason: reason.trim() }) });
      }}
      aria-label="Transfer"
    >
      <Stack gap="xs">
        <Select
          label="Pass to"
          placeholder="Who takes it over"
          data={options}
          value={to}
          onChange={setTo}
          required
        />
        <TextInput
          label="Reason"
          withAsterisk
          aria-required
          description="Why they are the right person. Never pass it on without listening first."
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
        />
        <Group>
          <Button type="submit" loading={step.isPending} disabled={!to}>
            Transfer
          </Button>
          <Button variant="subtle" onClick={onDone}>
            Cancel
          </Button>
        </Group>
        <ActionError error={step.error} />
      </Stack>
    </form>
  );
}

/** Close: the customer confirmed, or two documented attempts to reach them since it was resolved. */
export function CloseForm({ c }: P) {
  const [confirmed, setConfirmed] = useState(false);
  const [note, setNote] = useState('');
  const step = useStep(c, complaintsApi.close);
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        step.mutate({ customerConfirmed: confirmed, ...(note.trim() && { note: note.trim() }) });
      }}
      aria-label="Close"
    >
      <Stack gap="xs">
        <Checkbox
          label="The customer confirmed it is resolved to their satisfaction"
          checked={confirmed}
          onChange={(e) => setConfirmed(e.currentTarget.checked)}
        />
        <TextInput
          label="Note"
          placeholder="Happy on the phone"
          value={note}
          onChange={(e) => setNote(e.currentTarget.value)}
        />
        <Text size="xs" c="dimmed">
          Without confirmation it closes only after two documented attempts to reach them (
          {c.contactAttemptsSinceResolved} so far).
        </Text>
        <Group>
          <Button type="submit" loading={step.isPending} color="teal">
            Close complaint
          </Button>
        </Group>
        <ActionError error={step.error} />
      </Stack>
    </form>
  );
}

export function ReopenForm({ c }: P) {
  const [reason, setReason] = useState('');
  const step = useStep(c, complaintsApi.reopen, () => setReason(''));
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        step.mutate({ reason: reason.trim() });
      }}
      aria-label="Reopen"
    >
      <Stack gap="xs">
        <Group gap="sm" align="flex-end" wrap="wrap">
          <TextInput
            label="Reopen because"
            withAsterisk
            aria-required
            placeholder="She called back: still not right"
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            style={{ flex: 1, minWidth: 200 }}
          />
          <Button type="submit" variant="default" loading={step.isPending} disabled={!reason.trim()}>
            Reopen
          </Button>
        </Group>
        <ActionError error={step.error} />
      </Stack>
    </form>
  );
}

/** The follow-up check a few days after resolution; "still unhappy" reopens it. */
export function FollowUpForm({ c }: P) {
  const [note, setNote] = useState('');
  const step = useStep(c, complaintsApi.followUp, () => setNote(''));
  const send = (outcome: 'satisfied' | 'unhappy' | 'unreachable') =>
    step.mutate({ outcome, ...(note.trim() && { note: note.trim() }) });
  return (
    <Stack gap="xs" role="group" aria-label="Follow-up check">
      <TextInput label="Follow-up note" value={note} onChange={(e) => setNote(e.currentTarget.value)} />
      <Group gap="xs">
        <Button size="sm" color="teal" onClick={() => send('satisfied')} loading={step.isPending}>
          Satisfied
        </Button>
        <Button
          size="sm"
          color="red"
          variant="light"
          onClick={() => send('unhappy')}
          loading={step.isPending}
        >
          Still unhappy (reopen)
        </Button>
        <Button size="sm" variant="default" onClick={() => send('unreachable')} loading={step.isPending}>
          Could not reach
        </Button>
      </Group>
      <ActionError error={step.error} />
    </Stack>
  );
}

import {
  Button,
  Group,
  Input,
  NumberInput,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  TextInput,
  Textarea,
  Title,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { enquiryKeys } from './api.ts';
import { customerKeys } from '../customers/queries.ts';
import { useState } from 'react';
import { useMe } from '../../lib/session.ts';
import { useUsers } from '../complaints/api.ts';
import { CustomerSelect } from '../complaints/CustomerSelect.tsx';
import { capitalise, channelLabel } from '../complaints/format.ts';
import { ActionError } from '../complaints/parts.tsx';
import {
  ENQUIRY_CHANNELS,
  ENQUIRY_KINDS,
  enquiriesApi,
  type Enquiry,
  type EnquiryChannel,
  type EnquiryKind,
  type EnquiryOutcome,
  type NewEnquiry,
} from './api.ts';

const channels = ENQUIRY_CHANNELS.map((v) => ({ value: v, label: channelLabel(v) }));

export const toMinor = (major: number, currency: string) => {
  let digits = 2;
  try {
    digits =
      new Intl.NumberFormat(undefined, { style: 'currency', currency }).resolvedOptions()
        .maximumFractionDigits ?? 2;
  } catch {
    // unknown currency: cents
  }
  return Math.round(major * 10 ** digits);
};

function useEnquiryStep<I>(e: Enquiry, run: (id: string, input: I) => Promise<Enquiry>, onDone: () => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: I) => run(e.id, input),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: enquiryKeys.all });
      void qc.invalidateQueries({ queryKey: customerKeys.timeline(e.customerId) });
      onDone();
    },
  });
}

/** Log a question, quote or booking request, from a known customer or a new contact. */
export function NewEnquiryForm({ onDone }: { onDone: () => void }) {
  const { workspace } = useMe();
  const qc = useQueryClient();
  const [who, setWho] = useState<'customer' | 'contact'>('customer');
  const [customerId, setCustomerId] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [phone, setPhone] = useState('');
  const [kind, setKind] = useState<EnquiryKind>('question');
  const [channel, setChannel] = useState<EnquiryChannel>('phone');
  const [body, setBody] = useState('');
  const [value, setValue] = useState<number | ''>('');
  const create = useMutation({
    mutationFn: (b: NewEnquiry) => enquiriesApi.create(b),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: enquiryKeys.all });
      onDone();
    },
  });
  return (
    <Paper withBorder p="md">
      <form
        aria-label="New enquiry"
        onSubmit={(ev) => {
          ev.preventDefault();
          create.mutate({
            ...(who === 'customer' && customerId ? { customerId } : {}),
            ...(who === 'contact' && { contact: { name: name.trim(), phone: phone.trim() } }),
            kind,
            channel,
            body: body.trim(),
            ...(value !== '' && { value: toMinor(value, workspace.currency) }),
          });
        }}
      >
        <Stack gap="sm">
          <Title order={2} fz="lg">
            New enquiry
          </Title>
          <SegmentedControl
            aria-label="Who is asking"
            value={who}
            onChange={(v) => setWho(v as 'customer' | 'contact')}
            data={[
              { value: 'customer', label: 'A customer' },
              { value: 'contact', label: 'A new contact' },
            ]}
            style={{ alignSelf: 'flex-start' }}
          />
          {who === 'customer' ? (
            <CustomerSelect value={customerId} onChange={setCustomerId} />
          ) : (
            <Group grow gap="sm" align="flex-start" wrap="wrap">
              <TextInput
                label="Name"
                required
                value={name}
                onChange={(e) => setName(e.currentTarget.value)}
              />
              <TextInput
                label="Phone"
                required
                value={phone}
                onChange={(e) => setPhone(e.currentTarget.value)}
              />
            </Group>
          )}
          <Group gap="md" align="flex-end" wrap="wrap">
            <Input.Wrapper label="Kind">
              <SegmentedControl
                aria-label="Kind"
                value={kind}
                onChange={(v) => setKind(v as EnquiryKind)}
                data={ENQUIRY_KINDS.map((k) => ({ value: k, label: capitalise(k) }))}
              />
            </Input.Wrapper>
            <Select
              label="Channel"
              data={channels}
              value={channel}
              onChange={(v) => v && setChannel(v as EnquiryChannel)}
              allowDeselect={false}
              w={150}
            />
          </Group>
          <Textarea
            label="What they asked"
            description="In their words."
            required
            autosize
            minRows={2}
            value={body}
            onChange={(e) => setBody(e.currentTarget.value)}
          />
          {kind !== 'question' && (
            <NumberInput
              label={`Estimated value (${workspace.currency})`}
              value={value}
              onChange={(v) => setValue(v === '' ? '' : Number(v))}
              min={0}
              w={200}
            />
          )}
          <ActionError error={create.error} />
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={onDone}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending} disabled={!body.trim()}>
              Log enquiry
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

export function AnswerForm({ e, onDone }: { e: Enquiry; onDone: () => void }) {
  const [note, setNote] = useState('');
  const [channel, setChannel] = useState<EnquiryChannel>(e.channel);
  const step = useEnquiryStep(e, enquiriesApi.respond, onDone);
  return (
    <form
      aria-label="Answer"
      onSubmit={(ev) => {
        ev.preventDefault();
        step.mutate({ note: note.trim(), channel });
      }}
    >
      <Stack gap="xs">
        <Group gap="sm" align="flex-end" wrap="wrap">
          <Select
            label="How"
            data={channels}
            value={channel}
            onChange={(v) => v && setChannel(v as EnquiryChannel)}
            allowDeselect={false}
            w={140}
          />
          <TextInput
            label="What you answered"
            value={note}
            onChange={(ev) => setNote(ev.currentTarget.value)}
            style={{ flex: 1, minWidth: 180 }}
          />
          <Button type="submit" loading={step.isPending} disabled={!note.trim()}>
            Record answer
          </Button>
        </Group>
        <ActionError error={step.error} />
      </Stack>
    </form>
  );
}

export function OutcomeForm({ e, onDone }: { e: Enquiry; onDone: () => void }) {
  const { workspace } = useMe();
  const [note, setNote] = useState('');
  const [value, setValue] = useState<number | ''>('');
  const step = useEnquiryStep(e, enquiriesApi.outcome, onDone);
  const send = (outcome: EnquiryOutcome) =>
    step.mutate({
      outcome,
      ...(note.trim() && { note: note.trim() }),
      ...(outcome === 'won' && value !== '' && { value: toMinor(value, workspace.currency) }),
    });
  return (
    <Stack gap="xs" role="group" aria-label="Outcome">
      <Group gap="sm" align="flex-end" wrap="wrap">
        <TextInput
          label="Note"
          value={note}
          onChange={(ev) => setNote(ev.currentTarget.value)}
          style={{ flex: 1, minWidth: 160 }}
        />
        {e.kind !== 'question' && (
          <NumberInput
            label={`Value won (${workspace.currency})`}
            value={value}
            onChange={(v) => setValue(v === '' ? '' : Number(v))}
            min={0}
            w={160}
          />
        )}
      </Group>
      <Group gap="xs">
        <Button color="teal" onClick={() => send('won')} loading={step.isPending}>
          Won
        </Button>
        <Button color="red" variant="light" onClick={() => send('lost')} loading={step.isPending}>
          Lost
        </Button>
        <Button variant="default" onClick={() => send('no_answer')} loading={step.isPending}>
          No answer
        </Button>
      </Group>
      <ActionError error={step.error} />
    </Stack>
  );
}

export function EnquiryTransferForm({ e, onDone }: { e: Enquiry; onDone: () => void }) {
  const me = useMe();
  const users = useUsers();
  const [to, setTo] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const step = useEnquiryStep(e, enquiriesApi.transfer, onDone);
  const options = (users.data?.items ?? [])
    .filter((u) => !u.disabledAt && u.id !== e.ownerId)
    .map((u) => ({
      value: u.id,
      label: u.id === me.user?.id ? `${u.name || u.email} (me)` : u.name || u.email,
    }));
  return (
    <form
      aria-label="Transfer enquiry"
      onSubmit={(ev) => {
        ev.preventDefault();
        if (to) step.mutate({ toUserId: to, ...(reason.trim() && { reason: reason.trim() }) });
      }}
    >
      <Stack gap="xs">
        <Group gap="sm" align="flex-end" wrap="wrap">
          <Select label="Pass to" data={options} value={to} onChange={setTo} w={200} />
          <TextInput
            label="Reason"
            value={reason}
            onChange={(ev) => setReason(ev.currentTarget.value)}
            style={{ flex: 1, minWidth: 160 }}
          />
          <Button type="submit" loading={step.isPending} disabled={!to}>
            Transfer
          </Button>
        </Group>
        <ActionError error={step.error} />
      </Stack>
    </form>
  );
}

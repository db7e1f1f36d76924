import {
  Alert,
  Autocomplete,
  Badge,
  Button,
  Checkbox,
  Group,
  Paper,
  SegmentedControl,
  Stack,
  Text,
  TextInput,
  Textarea,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../lib/api.ts';
import { dateTime } from '../../lib/format.ts';
import { useMe } from '../../lib/session.ts';
import { customerKeys } from '../customers/queries.ts';
import { PageLoader, QueryError } from '../shell/RouteError.tsx';
import { outreachApi, outreachKeys, type Consent, type MessageChannel } from './api.ts';
import { CHANNELS, CHANNEL_WORDS } from './words.ts';

const SOURCES = ['At the counter', 'On the phone', 'Paper form', 'Web form', 'By email', 'By WhatsApp'];
const BY: Record<MessageChannel, string> = {
  email: 'by email',
  sms: 'by text message',
  whatsapp: 'on WhatsApp',
};
const defaultText = (shop: string, channel: MessageChannel) =>
  `Yes, ${shop} may send me news and offers ${BY[channel]}. I can stop at any time.`;

/**
 * What the customer agreed to receive, per channel: marketing yes or no, with where they said it and the
 * words they agreed to. Service messages need no consent; a customer may still ask for none at all.
 */
export function ConsentEditor({
  customerId,
  editing,
  onEditing,
}: {
  customerId: string;
  /** The channel whose form is open (the send dialog opens one after a NO_CONSENT refusal). */
  editing: MessageChannel | null;
  onEditing: (c: MessageChannel | null) => void;
}) {
  const q = useQuery({
    queryKey: outreachKeys.consents(customerId),
    queryFn: () => outreachApi.consents(customerId),
  });
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    if (editing) ref.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }, [editing]);
  return (
    <Paper withBorder p="md" component="section" aria-label="Consent" ref={ref}>
      <Title order={2} fz="lg">
        What they agreed to receive
      </Title>
      <Text size="sm" c="dimmed" mb="xs">
        Marketing (offers, news, invitations) goes only with their yes. Service messages — an order ready, a
        reminder, a reply to a complaint — need no consent.
      </Text>
      {q.isPending ? (
        <PageLoader />
      ) : q.isError ? (
        <QueryError error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <ul className="plain-list">
          {CHANNELS.map((channel) => {
            const marketing = q.data.items.find((c) => c.channel === channel && c.purpose === 'marketing');
            const service = q.data.items.find((c) => c.channel === channel && c.purpose === 'service');
            if (!marketing || !service) return null;
            return (
              <ConsentRow
                key={channel}
                customerId={customerId}
                channel={channel}
                marketing={marketing}
                service={service}
                open={editing === channel}
                onOpen={(o) => onEditing(o ? channel : null)}
              />
            );
          })}
        </ul>
      )}
    </Paper>
  );
}

function ConsentRow({
  customerId,
  channel,
  marketing,
  service,
  open,
  onOpen,
}: {
  customerId: string;
  channel: MessageChannel;
  marketing: Consent;
  service: Consent;
  open: boolean;
  onOpen: (open: boolean) => void;
}) {
  const { workspace } = useMe();
  const ch = CHANNEL_WORDS[channel];
  const when = marketing.at ? dateTime(marketing.at, workspace.timezone) : null;
  return (
    <li className="list-row" aria-label={ch}>
      <Group justify="space-between" gap="xs" wrap="nowrap" align="flex-start">
        <div style={{ minWidth: 0 }}>
          <Group gap={6}>
            <Text fw={600} size="sm" w={80}>
              {ch}
            </Text>
            <Badge
              color={marketing.granted ? 'teal' : 'gray'}
              variant={marketing.granted ? 'filled' : 'light'}
              data-testid={`consent-${channel}`}
            >
              {marketing.granted ? 'Marketing: yes' : 'Marketing: no'}
            </Badge>
            {!service.granted && (
              <Badge color="red" variant="light">
                No service messages either
              </Badge>
            )}
          </Group>
          {(marketing.source || when) && (
            <Text size="xs" c="dimmed" mt={2}>
              {[marketing.source, when].filter(Boolean).join(' · ')}
            </Text>
          )}
          {marketing.textShown && (
            <Text size="xs" c="dimmed" fs="italic" className="pre-wrap">
              “{marketing.textShown}”
            </Text>
          )}
        </div>
        {!open && (
          <Button
            size="compact-sm"
            variant="default"
            onClick={() => onOpen(true)}
            aria-label={`Change ${ch} consent`}
            style={{ flexShrink: 0 }}
          >
            Change
          </Button>
        )}
      </Group>
      {open && (
        <ConsentForm
          customerId={customerId}
          channel={channel}
          marketing={marketing}
          service={service}
          onDone={() => onOpen(false)}
        />
      )}
    </li>
  );
}

function ConsentForm({
  customerId,
  channel,
  marketing,
  service,
  onDone,
}: {
  customerId: string;
  channel: MessageChannel;
  marketing: Consent;
  service: Consent;
  onDone: () => void;
}) {
  const { workspace } = useMe();
  const qc = useQueryClient();
  const [granted, setGranted] = useState(!marketing.granted);
  const [source, setSource] = useState('');
  const [text, setText] = useState(defaultText(workspace.name, channel));
  const [proof, setProof] = useState('');
  const [noService, setNoService] = useState(!service.granted);
  const [tried, setTried] = useState(false);
  const ch = CHANNEL_WORDS[channel];
  const save = useMutation({
    mutationFn: async () => {
      const common = { channel, source: source.trim(), ...(proof.trim() && { proof: proof.trim() }) };
      let items = (
        await outreachApi.setConsent(customerId, {
          ...common,
          purpose: 'marketing',
          granted,
          ...(granted && text.trim() && { textShown: text.trim() }),
        })
      ).items;
      if (noService === service.granted)
        items = (
          await outreachApi.setConsent(customerId, { ...common, purpose: 'service', granted: !noService })
        ).items;
      return items;
    },
    onSuccess: (items) => {
      qc.setQueryData(outreachKeys.consents(customerId), { items });
      void qc.invalidateQueries({ queryKey: customerKeys.detail(customerId) });
      void qc.invalidateQueries({ queryKey: customerKeys.timeline(customerId) });
      void qc.invalidateQueries({ queryKey: ['outreach', 'audience'] });
      onDone();
    },
  });
  return (
    <form
      aria-label={`${ch} consent`}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setTried(true);
        if (source.trim() && !save.isPending) save.mutate();
      }}
    >
      <Stack gap="xs" mt="xs">
        <div>
          <Text size="sm" fw={600} mb={4}>
            Marketing {BY[channel]}
          </Text>
          <SegmentedControl
            aria-label={`Marketing ${BY[channel]}`}
            value={granted ? 'yes' : 'no'}
            onChange={(v) => setGranted(v === 'yes')}
            data={[
              { value: 'yes', label: 'Yes, they agreed' },
              { value: 'no', label: 'No' },
            ]}
          />
        </div>
        <Autocomplete
          label={granted ? 'Where did they agree?' : 'Where did they say no?'}
          placeholder="At the counter"
          data={SOURCES}
          value={source}
          onChange={setSource}
          required
          error={tried && !source.trim() ? 'Say where: it is the record if anyone asks' : undefined}
          autoFocus
        />
        {granted && (
          <Textarea
            label="The words they agreed to"
            description="Read them out or show them; keep them as said"
            autosize
            minRows={2}
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
          />
        )}
        <TextInput
          label="Proof (optional)"
          description="A signed form number, a call, an email"
          value={proof}
          onChange={(e) => setProof(e.currentTarget.value)}
        />
        <Checkbox
          label={`They want no ${channel === 'email' ? 'email' : ch} messages at all, service ones too`}
          checked={noService}
          onChange={(e) => setNoService(e.currentTarget.checked)}
        />
        {save.isError && (
          <Alert color="red" role="alert">
            {errorMessage(save.error)}
          </Alert>
        )}
        <Group gap="xs">
          <Button type="submit" size="sm" loading={save.isPending}>
            Save consent
          </Button>
          <Button size="sm" variant="default" onClick={onDone}>
            Cancel
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

import { Alert, Button, Group, Modal, Select, Stack, Text } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { ApiError, errorMessage } from '../../lib/api.ts';
import { fieldErrors } from '../../lib/problems.ts';
import {
  outreachApi,
  outreachKeys,
  useOutreachSettings,
  useTemplates,
  type Message,
  type MessageChannel,
} from './api.ts';
import { ChannelNotReady, channelReady } from './CampaignParts.tsx';
import { RenderedMessage } from './MessagePreview.tsx';
import {
  EMPTY_DRAFT,
  MessageFields,
  contentOf,
  draftOf,
  draftProblems,
  type Draft,
} from './MessageFields.tsx';
import { SettingsLink } from './MessagesSettings.tsx';
import { ADDRESS_WORDS, CHANNEL_WORDS } from './words.ts';

/** An idempotency key: a retry of the same message (a lost answer) sends it once. Works without https too. */
const newKey = () =>
  typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

/** A refusal (409) in shop words: what is missing, and what to do about it. */
function Refusal({
  error,
  channel,
  name,
  onConsent,
}: {
  error: unknown;
  channel: MessageChannel;
  name: string;
  onConsent: () => void;
}) {
  const code = error instanceof ApiError ? error.code : null;
  const ch = CHANNEL_WORDS[channel];
  const by = channel === 'email' ? 'by email' : channel === 'sms' ? 'by SMS' : 'on WhatsApp';
  const [title, body] =
    code === 'NO_CONSENT'
      ? [
          `${name} has not agreed to marketing ${by}`,
          <>
            Record their consent if they give it now, or send a <b>service</b> message if it is about
            something they bought or asked for.
          </>,
        ]
      : code === 'NO_ADDRESS'
        ? [
            `No ${channel === 'email' ? 'email address' : 'mobile number'} for ${name}`,
            <>Add {ADDRESS_WORDS[channel]} with Edit on their page, or pick another channel.</>,
          ]
        : code === 'ADDRESS_SUPPRESSED'
          ? [
              `Their ${channel === 'email' ? 'address' : 'number'} is on the suppression list`,
              <>
                They unsubscribed, replied STOP, complained or the address bounced: nothing is sent to it. See
                the list in <SettingsLink />.
              </>,
            ]
          : code === 'CHANNEL_NOT_CONFIGURED'
            ? [
                `${ch} is not set up`,
                <>
                  {errorMessage(error)} <SettingsLink />
                </>,
              ]
            : ['Not sent', <>{errorMessage(error)}</>];
  return (
    <Alert color="orange" title={title} role="alert" data-code={code ?? undefined}>
      <Stack gap={6}>
        <Text size="sm">{body}</Text>
        {code === 'NO_CONSENT' && (
          <Group>
            <Button size="xs" variant="white" color="orange.9" onClick={onConsent}>
              Record their consent
            </Button>
          </Group>
        )}
      </Stack>
    </Alert>
  );
}

/** "Send a message" to one customer: a template or your own words, checked and queued (202). */
export function SendMessageDialog({
  opened,
  onClose,
  customerId,
  name,
  onSent,
  onConsent,
}: {
  opened: boolean;
  onClose: () => void;
  customerId: string;
  name: string;
  onSent: (m: Message) => void;
  /** Open the consent editor for a channel (after a NO_CONSENT refusal). */
  onConsent: (channel: MessageChannel) => void;
}) {
  const qc = useQueryClient();
  const phone = useMediaQuery('(max-width: 36em)');
  const templates = useTemplates().data?.items ?? [];
  const settings = useOutreachSettings().data;
  const [draft, setDraft] = useState<Draft>(EMPTY_DRAFT);
  const [templateId, setTemplateId] = useState<string | null>(null);
  const [tried, setTried] = useState(false);
  const [preview, setPreview] = useState(false);
  const [key, setKey] = useState(newKey);
  const send = useMutation({
    mutationFn: () => outreachApi.send(customerId, { ...contentOf(draft), key }),
    onSuccess: (m) => {
      void qc.invalidateQueries({ queryKey: outreachKeys.history(customerId) });
      void qc.invalidateQueries({ queryKey: ['timeline', customerId] });
      setDraft(EMPTY_DRAFT);
      setTemplateId(null);
      setTried(false);
      setPreview(false);
      setKey(newKey());
      onSent(m);
    },
  });
  const problems = draftProblems(draft);
  const serverErrors = send.isError ? fieldErrors(send.error) : {};
  const errors = { ...serverErrors, ...(tried ? problems : {}) };
  const ready = settings ? channelReady(settings, draft.channel) : true;
  const refused = send.isError && send.error instanceof ApiError && send.error.status === 409;
  const alertRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (send.isError) alertRef.current?.scrollIntoView({ block: 'nearest' });
  }, [send.isError]);
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={`Message to ${name}`}
      closeButtonProps={{ 'aria-label': 'Close without sending' }}
      size="lg"
      fullScreen={!!phone}
      radius={phone ? 0 : 'md'}
      styles={{ title: { fontWeight: 700, fontSize: 20 } }}
    >
      <form
        aria-label="Send a message"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setTried(true);
          if (Object.keys(problems).length === 0 && !send.isPending) send.mutate();
        }}
      >
        <Stack gap="sm">
          {templates.length > 0 && (
            <Select
              label="Start from a template"
              placeholder="Write it here instead"
              data={templates.map((t) => ({ value: t.id, label: `${t.name} (${CHANNEL_WORDS[t.channel]})` }))}
              value={templateId}
              clearable
              searchable
              onChange={(v) => {
                setTemplateId(v);
                const t = templates.find((x) => x.id === v);
                if (t) setDraft(draftOf(t));
                send.reset();
              }}
            />
          )}
          <MessageFields
            draft={draft}
            onChange={(d) => {
              setDraft(d);
              setKey(newKey());
              if (send.isError) send.reset();
            }}
            errors={errors}
          />
          {!ready && settings && <ChannelNotReady channel={draft.channel} s={settings} />}
          {refused ? (
            <Refusal
              error={send.error}
              channel={draft.channel}
              name={name}
              onConsent={() => onConsent(draft.channel)}
            />
          ) : (
            send.isError &&
            Object.keys(serverErrors).length === 0 && (
              <Alert color="red" role="alert">
                {errorMessage(send.error)}
              </Alert>
            )
          )}
          <div ref={alertRef} />
          {preview && <RenderedMessage content={contentOf(draft)} customerId={customerId} />}
          <Group gap="sm" justify="flex-end">
            <Button variant="subtle" onClick={() => setPreview((p) => !p)} aria-pressed={preview}>
              {preview ? 'Hide preview' : 'Preview'}
            </Button>
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={send.isPending} disabled={!ready}>
              Send
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

import {
  Button,
  Group,
  Radio,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Textarea,
} from '@mantine/core';
import { useRef } from 'react';
import type { Content, MessageChannel, MessagePurpose } from './api.ts';
import { useTemplates } from './api.ts';
import { CHANNELS, CHANNEL_WORDS, PURPOSES, PURPOSE_WORDS } from './words.ts';

/** A message being written: what the fields hold (text boxes as typed). */
export type Draft = {
  channel: MessageChannel;
  purpose: MessagePurpose;
  subject: string;
  body: string;
  /** WhatsApp: the approved template sent outside the 24-hour window. */
  waName: string;
  waLanguage: string;
  /** Its parameters {{1}}, {{2}}…, one per line. */
  waParams: string;
};

export const EMPTY_DRAFT: Draft = {
  channel: 'email',
  purpose: 'service',
  subject: '',
  body: '',
  waName: '',
  waLanguage: 'en',
  waParams: '',
};

/** A template's (or campaign's) content as a draft. */
export function draftOf(c: Content): Draft {
  return {
    channel: c.channel,
    purpose: c.purpose,
    subject: c.subject ?? '',
    body: c.body,
    waName: c.whatsappTemplate?.name ?? '',
    waLanguage: c.whatsappTemplate?.language ?? 'en',
    waParams: (c.whatsappTemplate?.parameters ?? []).join('\n'),
  };
}

/** What the API takes for a draft: a subject only for email, a WhatsApp template only for WhatsApp. */
export function contentOf(d: Draft): Content {
  return {
    channel: d.channel,
    purpose: d.purpose,
    subject: d.channel === 'email' ? d.subject : null,
    body: d.body,
    whatsappTemplate:
      d.channel === 'whatsapp' && d.waName.trim()
        ? {
            name: d.waName.trim(),
            language: d.waLanguage.trim() || 'en',
            parameters: d.waParams
              .split('\n')
              .map((p) => p.trim())
              .filter(Boolean),
          }
        : null,
  };
}

/** Why a draft cannot be sent or saved yet, by field (before asking the server). */
export function draftProblems(d: Draft): Partial<Record<'subject' | 'body', string>> {
  const out: Partial<Record<'subject' | 'body', string>> = {};
  if (d.channel === 'email' && !d.subject.trim()) out.subject = 'An email needs a subject';
  if (!d.body.trim()) out.body = 'Write the message';
  return out;
}

/** Short button labels of the known merge fields (others: their description up to the first parenthesis). */
const SHORT: Record<string, string> = {
  'customer.first_name': 'First name',
  'customer.name': 'Full name',
  'customer.email': 'Email',
  'customer.phone': 'Phone',
  'customer.birthday': 'Birthday',
  'shop.name': 'Your business name',
  unsubscribe_url: 'Unsubscribe link',
  preferences_url: 'Preferences link',
  survey_url: 'Survey link',
};
const shortLabel = (field: string, description: string) =>
  SHORT[field] ?? description.replace(/\s*\(.*$/, '');

/**
 * The fields of a message: channel, purpose, subject (email), body with the merge fields to insert at the
 * cursor, and for WhatsApp the approved template. Used by templates, campaigns and the send dialog.
 */
export function MessageFields({
  draft,
  onChange,
  errors = {},
  fixedChannel = false,
  autoFocus = false,
}: {
  draft: Draft;
  onChange: (d: Draft) => void;
  errors?: Partial<Record<string, string>>;
  /** The channel is chosen elsewhere (a template keeps its channel once saved). */
  fixedChannel?: boolean;
  autoFocus?: boolean;
}) {
  const mergeFields = useTemplates().data?.mergeFields ?? {};
  const subjectRef = useRef<HTMLInputElement>(null);
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const lastFocus = useRef<'subject' | 'body'>('body');
  const set = (patch: Partial<Draft>) => onChange({ ...draft, ...patch });

  /** Put `{{ field }}` where the cursor was (in the subject or the body), and put the cursor after it. */
  function insert(field: string) {
    const tag = `{{ ${field} }}`;
    const which = draft.channel === 'email' ? lastFocus.current : 'body';
    const el = which === 'subject' ? subjectRef.current : bodyRef.current;
    const text = which === 'subject' ? draft.subject : draft.body;
    const from = el?.selectionStart ?? text.length;
    const to = el?.selectionEnd ?? text.length;
    const next = text.slice(0, from) + tag + text.slice(to);
    set(which === 'subject' ? { subject: next } : { body: next });
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(from + tag.length, from + tag.length);
    });
  }

  return (
    <Stack gap="sm">
      {!fixedChannel && (
        <div>
          <Text size="sm" fw={600} mb={4}>
            Channel
          </Text>
          <SegmentedControl
            aria-label="Channel"
            value={draft.channel}
            onChange={(v) => set({ channel: v as MessageChannel })}
            data={CHANNELS.map((c) => ({ value: c, label: CHANNEL_WORDS[c] }))}
          />
        </div>
      )}
      <Radio.Group
        label="Purpose"
        value={draft.purpose}
        onChange={(v) => set({ purpose: v as MessagePurpose })}
      >
        <Stack gap={6} mt={4}>
          {PURPOSES.map((p) => (
            <Radio key={p} value={p} label={PURPOSE_WORDS[p].label} description={PURPOSE_WORDS[p].hint} />
          ))}
        </Stack>
      </Radio.Group>
      {draft.channel === 'email' && (
        <TextInput
          ref={subjectRef}
          label="Subject"
          required
          value={draft.subject}
          onChange={(e) => set({ subject: e.currentTarget.value })}
          onFocus={() => (lastFocus.current = 'subject')}
          error={errors.subject}
          autoFocus={autoFocus}
        />
      )}
      <Textarea
        ref={bodyRef}
        label="Message"
        required
        autosize
        minRows={5}
        maxRows={16}
        value={draft.body}
        onChange={(e) => set({ body: e.currentTarget.value })}
        onFocus={() => (lastFocus.current = 'body')}
        error={errors.body}
        autoFocus={autoFocus && draft.channel !== 'email'}
        description={
          draft.channel === 'sms'
            ? `${draft.body.length} characters: a text message holds 160 (70 with emoji or accents), longer ones go as several`
            : undefined
        }
      />
      {Object.keys(mergeFields).length > 0 && (
        <div role="group" aria-label="Insert a merge field">
          <Text size="sm" fw={600}>
            Fill in for each customer
          </Text>
          <Text size="xs" c="dimmed" mb={4}>
            Click to insert at the cursor. A fallback for a missing value:{' '}
            <code>{'{{ customer.first_name | default: "there" }}'}</code>
          </Text>
          <Group gap={6}>
            {Object.entries(mergeFields).map(([field, description]) => (
              <Button
                key={field}
                size="compact-xs"
                variant="light"
                color="gray"
                title={`${description}: {{ ${field} }}`}
                aria-label={`Insert ${shortLabel(field, description)}`}
                onClick={() => insert(field)}
              >
                {shortLabel(field, description)}
              </Button>
            ))}
          </Group>
        </div>
      )}
      {draft.channel === 'whatsapp' && (
        <Stack gap={6}>
          <Text size="sm" fw={600}>
            WhatsApp template
          </Text>
          <Text size="xs" c="dimmed">
            WhatsApp lets a business write first only with a template Meta approved. When the customer has not
            written to you in the last 24 hours, this template is sent instead of the message above.
          </Text>
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <TextInput
              label="Approved template name"
              placeholder="order_ready"
              value={draft.waName}
              onChange={(e) => set({ waName: e.currentTarget.value })}
              error={errors['whatsappTemplate.name']}
            />
            <TextInput
              label="Language"
              placeholder="en"
              value={draft.waLanguage}
              onChange={(e) => set({ waLanguage: e.currentTarget.value })}
              error={errors['whatsappTemplate.language']}
            />
          </SimpleGrid>
          <Textarea
            label="Template values, one per line"
            description="They fill {{1}}, {{2}}… of the approved template; merge fields work here too"
            autosize
            minRows={2}
            value={draft.waParams}
            onChange={(e) => set({ waParams: e.currentTarget.value })}
          />
        </Stack>
      )}
    </Stack>
  );
}

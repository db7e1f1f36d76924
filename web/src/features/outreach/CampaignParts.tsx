import { Alert, Badge, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useMe } from '../../lib/session.ts';
import type { AudiencePreview, Campaign, MessageChannel, OutreachSettings } from './api.ts';
import { useOutreachSettings } from './api.ts';
import { countSentence } from './AudienceCount.tsx';
import { SettingsLink } from './MessagesSettings.tsx';
import { CAMPAIGN_STATUS, CHANNEL_WORDS, plural, quietWords } from './words.ts';

/** Whether a channel can send now (email: the server's SMTP and a From address; SMS, WhatsApp: credentials). */
export const channelReady = (s: OutreachSettings, channel: MessageChannel) =>
  channel === 'email' ? s.email.configured : channel === 'sms' ? s.sms !== null : s.whatsapp !== null;

/** Why a channel cannot send yet, and where to fix it. */
export function ChannelNotReady({ channel, s }: { channel: MessageChannel; s: OutreachSettings }) {
  const what =
    channel === 'email'
      ? s.email.smtp
        ? 'Email needs a From address.'
        : 'Email is not set up on the server (it needs RAPPORT_SMTP_URL).'
      : `${CHANNEL_WORDS[channel]} is not set up: it needs the provider's credentials.`;
  return (
    <Alert color="orange" title={`${CHANNEL_WORDS[channel]} cannot be sent yet`}>
      <Text size="sm">
        {what} See <SettingsLink />.
      </Text>
    </Alert>
  );
}

export function CampaignStatus({ status }: { status: Campaign['status'] }) {
  const w = CAMPAIGN_STATUS[status];
  return (
    <Badge color={w.color} variant="light">
      {w.label}
    </Badge>
  );
}

/** A campaign's counts grouped the way a shop owner reads them. */
export function resultsOf(counts: Record<string, number>) {
  const n = (...keys: string[]) => keys.reduce((s, k) => s + (counts[k] ?? 0), 0);
  return {
    sent: n('sent', 'delivered', 'read'),
    delivered: n('delivered', 'read'),
    waiting: n('queued', 'claimed', 'sending'),
    failed: n('failed', 'bounced', 'uncertain'),
    /** Left out (no consent, no address, unsubscribed): not the holdout, which is kept back on purpose. */
    skipped: n('skipped') - n('skipped:holdout'),
    heldBack: n('skipped:holdout'),
    cancelled: n('cancelled'),
    total: Object.entries(counts)
      .filter(([k]) => !k.includes(':'))
      .reduce((s, [, v]) => s + v, 0),
  };
}

/** "240 sent · 3 failed · 69 left out". */
export function resultsLine(c: Campaign): string {
  if (c.status === 'draft') return 'Not sent yet';
  const r = resultsOf(c.counts);
  if (r.total === 0) return c.status === 'cancelled' ? 'Stopped before sending' : 'Preparing…';
  return [
    `${r.sent.toLocaleString()} sent`,
    r.delivered ? `${r.delivered.toLocaleString()} delivered` : '',
    r.waiting ? `${r.waiting.toLocaleString()} waiting` : '',
    r.failed ? `${r.failed.toLocaleString()} failed` : '',
    r.skipped ? `${r.skipped.toLocaleString()} left out` : '',
    r.heldBack ? `${r.heldBack.toLocaleString()} kept back` : '',
    r.cancelled ? `${r.cancelled.toLocaleString()} stopped` : '',
  ]
    .filter(Boolean)
    .join(' · ');
}

/** The last question before a campaign goes: to how many, who is left out, when it arrives. */
export function ConfirmSend({
  opened,
  onClose,
  onConfirm,
  sending,
  name,
  channel,
  preview,
}: {
  opened: boolean;
  onClose: () => void;
  onConfirm: () => void;
  sending: boolean;
  name: string;
  channel: MessageChannel;
  preview: AudiencePreview;
}) {
  const me = useMe();
  const s = useOutreachSettings().data;
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title="Send this campaign?"
      closeButtonProps={{ 'aria-label': 'Close without sending' }}
      centered
    >
      <Stack gap="sm">
        <Text>
          Send “{name}” by {channel === 'email' ? 'email' : CHANNEL_WORDS[channel]} to{' '}
          <b>
            {preview.holdout > 0 && 'about '}
            {plural(preview.eligible - preview.holdout, 'customer')}
          </b>{' '}
          now?
        </Text>
        <Text size="sm">{countSentence(preview, channel)}</Text>
        {s && s.quietHours.start !== s.quietHours.end && (
          <Text size="sm" c="dimmed">
            {quietWords(s.quietHours.start, s.quietHours.end, me.workspace.timezone)}
          </Text>
        )}
        <Text size="sm" c="dimmed">
          Each customer gets it once. You can stop what has not gone yet, but not take back what has.
        </Text>
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose}>
            Not yet
          </Button>
          <Button onClick={onConfirm} loading={sending} data-autofocus>
            Send now
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

import {
  Alert,
  Anchor,
  Button,
  Group,
  NumberInput,
  Paper,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../../lib/api.ts';
import { fieldErrors } from '../../lib/problems.ts';
import { isOwner, useMe } from '../../lib/session.ts';
import { PageLoader, QueryError } from '../shell/RouteError.tsx';
import {
  outreachApi,
  outreachKeys,
  useOutreachSettings,
  type OutreachSettings,
  type SettingsInput,
} from './api.ts';
import { SmsSettings, WhatsAppSettings } from './ProviderSettings.tsx';
import { SuppressionList } from './SuppressionList.tsx';
import './outreach.css';
import { quietWords } from './words.ts';

/** Settings → Messages: who emails come from, when messages may go, SMS and WhatsApp, the suppression list. */
export function MessagesSettings() {
  const q = useOutreachSettings();
  const me = useMe();
  if (q.isPending) return <PageLoader />;
  if (q.isError) return <QueryError error={q.error} onRetry={() => void q.refetch()} />;
  const s = q.data;
  return (
    <Stack>
      {!isOwner(me) && <Alert color="gray">Only the owner can change these settings.</Alert>}
      <SenderForm s={s} />
      <TimingForm s={s} />
      <SmsSettings s={s} />
      <WhatsAppSettings s={s} />
      <SuppressionList />
    </Stack>
  );
}

/** A settings section: a title, a line of what it is for, its fields. */
export function Section({
  title,
  intro,
  children,
  aside,
}: {
  title: string;
  intro?: ReactNode;
  children: ReactNode;
  aside?: ReactNode;
}) {
  return (
    <Paper withBorder p="md" component="section" aria-label={title}>
      <Stack gap="sm">
        <div>
          <Group justify="space-between" gap="xs" align="baseline">
            <Title order={2} fz="lg">
              {title}
            </Title>
            {aside}
          </Group>
          {intro && (
            <Text size="sm" c="dimmed">
              {intro}
            </Text>
          )}
        </div>
        {children}
      </Stack>
    </Paper>
  );
}

/** Save a part of the settings; the answer replaces the cached settings. */
export function useSaveSettings(onSaved?: () => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: SettingsInput) => outreachApi.updateSettings(body),
    onSuccess: (s) => {
      qc.setQueryData(outreachKeys.settings, s);
      onSaved?.();
    },
  });
}

function EmailStatus({ s }: { s: OutreachSettings }) {
  if (!s.email.smtp)
    return (
      <Alert color="orange" title="Email cannot go out yet: the server has no mail server">
        <Text size="sm">
          Whoever runs Rapport sets <code>RAPPORT_SMTP_URL</code> (for example{' '}
          <code>smtp://user:password@mail.example.com:587</code>, from your email provider) and restarts it.
          You can fill in the sender now.
        </Text>
      </Alert>
    );
  if (!s.email.configured)
    return (
      <Alert color="orange" title="Add the address your emails come from">
        <Text size="sm">Email is ready on the server; it needs a From email below.</Text>
      </Alert>
    );
  return (
    <Text size="sm" c="teal.8" fw={500}>
      Email is set up ✓
    </Text>
  );
}

/** Whether Rapport reads bounces, spam complaints and unsubscribe emails itself (from the server's configuration). */
function ReturnedMail({ s }: { s: OutreachSettings }) {
  const i = s.email.inbound;
  if (!i.enabled)
    return (
      <Text size="sm" c="dimmed" data-testid="returned-mail">
        Returned mail is off: a bounce reported later by email is not seen by Rapport (an address the mail
        server refuses straight away is still caught). Whoever runs Rapport can turn it on with{' '}
        <code>RAPPORT_INBOUND_SMTP</code> and <code>RAPPORT_INBOUND_DOMAIN</code>.
      </Text>
    );
  return (
    <Stack gap={4} data-testid="returned-mail">
      <Text size="sm" c="teal.8" fw={500}>
        Returned mail is on ✓ Bounces, spam complaints and unsubscribe emails are read by Rapport.
      </Text>
      <Text size="sm">
        Point bounces and complaint reports at{' '}
        <code style={{ overflowWrap: 'anywhere' }}>{i.bounceAddress}</code>. Each email goes out with the
        return path <code style={{ overflowWrap: 'anywhere' }}>{i.returnPath}</code>, so a bounce names its
        message.
      </Text>
      <Text size="xs" c="dimmed">
        The server listens on {i.listen}; the mail domain {i.domain} needs an MX record (or a mail-server
        transport) pointing at it.
      </Text>
    </Stack>
  );
}

function SenderForm({ s }: { s: OutreachSettings }) {
  const me = useMe();
  const owner = isOwner(me);
  const [saved, setSaved] = useState(false);
  const form = useForm({
    initialValues: { fromName: s.fromName ?? '', fromEmail: s.fromEmail ?? '', replyTo: s.replyTo ?? '' },
  });
  const save = useSaveSettings(() => {
    form.resetDirty();
    setSaved(true);
  });
  return (
    <Section title="Email sender" intro="What customers see in their inbox, and where their replies go.">
      <EmailStatus s={s} />
      <ReturnedMail s={s} />
      <form
        noValidate
        aria-label="Email sender"
        onChange={() => setSaved(false)}
        onSubmit={form.onSubmit((v) =>
          save.mutate(
            {
              fromName: v.fromName.trim() || null,
              fromEmail: v.fromEmail.trim() || null,
              replyTo: v.replyTo.trim() || null,
            },
            { onError: (e) => form.setErrors(fieldErrors(e)) },
          ),
        )}
      >
        <Stack gap="sm">
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
            <TextInput
              label="From name"
              placeholder={me.workspace.name}
              description="Usually your business name"
              disabled={!owner}
              {...form.getInputProps('fromName')}
            />
            <TextInput
              label="From email"
              type="email"
              placeholder="hello@yourshop.com"
              description="An address of your own domain"
              disabled={!owner}
              {...form.getInputProps('fromEmail')}
            />
            <TextInput
              label="Reply-To"
              type="email"
              placeholder="owner@yourshop.com"
              description="Where replies go: an inbox you read"
              disabled={!owner}
              {...form.getInputProps('replyTo')}
            />
          </SimpleGrid>
          {save.isError && Object.keys(fieldErrors(save.error)).length === 0 && (
            <Alert color="red" role="alert">
              {errorMessage(save.error)}
            </Alert>
          )}
          {owner && (
            <Group>
              <Button type="submit" loading={save.isPending} disabled={!form.isDirty()}>
                Save sender
              </Button>
              {saved && (
                <Text size="sm" c="teal.8" role="status">
                  Saved.
                </Text>
              )}
            </Group>
          )}
        </Stack>
      </form>
    </Section>
  );
}

const DEFAULT_QUIET = { start: '20:00', end: '08:00' };

function TimingForm({ s }: { s: OutreachSettings }) {
  const me = useMe();
  const owner = isOwner(me);
  const [saved, setSaved] = useState(false);
  const none = s.quietHours.start === s.quietHours.end;
  const [quiet, setQuiet] = useState(!none);
  const [start, setStart] = useState(none ? DEFAULT_QUIET.start : s.quietHours.start);
  const [end, setEnd] = useState(none ? DEFAULT_QUIET.end : s.quietHours.end);
  const [rate, setRate] = useState<number | string>(s.ratePerMinute);
  const save = useSaveSettings(() => setSaved(true));
  const badTime = quiet && (!/^\d\d:\d\d$/.test(start) || !/^\d\d:\d\d$/.test(end));
  const sameTime = quiet && start === end;
  const badRate = typeof rate !== 'number' || rate < 1 || rate > 10_000;
  const sentence = quietWords(quiet ? start : '', quiet ? end : '', me.workspace.timezone);
  return (
    <Section
      title="When messages go"
      intro="Nobody wants a shop's message at midnight. Messages (one at a time and campaigns) wait for the morning."
    >
      <form
        noValidate
        aria-label="When messages go"
        onSubmit={(e) => {
          e.preventDefault();
          if (badTime || sameTime || badRate) return;
          setSaved(false);
          save.mutate({
            quietHours: quiet ? { start, end } : { start: '00:00', end: '00:00' },
            ratePerMinute: rate,
          });
        }}
      >
        <Stack gap="sm">
          <Switch
            label="Quiet hours: hold messages at night"
            checked={quiet}
            disabled={!owner}
            onChange={(e) => {
              setQuiet(e.currentTarget.checked);
              setSaved(false);
            }}
          />
          {quiet && (
            <Group gap="sm" align="flex-start">
              <TextInput
                type="time"
                label="Quiet from"
                value={start}
                disabled={!owner}
                onChange={(e) => {
                  setStart(e.currentTarget.value);
                  setSaved(false);
                }}
                w={140}
              />
              <TextInput
                type="time"
                label="Until"
                value={end}
                disabled={!owner}
                onChange={(e) => {
                  setEnd(e.currentTarget.value);
                  setSaved(false);
                }}
                error={sameTime ? 'Pick two different times' : undefined}
                w={140}
              />
            </Group>
          )}
          <Text size="sm" data-testid="quiet-words">
            {sentence}
          </Text>
          <NumberInput
            label="Send at most this many messages a minute"
            description="Mail and SMS providers block senders who go too fast. 300 a minute sends 1,000 customers in under 4 minutes."
            value={rate}
            onChange={(v) => {
              setRate(v);
              setSaved(false);
            }}
            min={1}
            max={10_000}
            allowDecimal={false}
            disabled={!owner}
            error={badRate ? 'A number from 1 to 10,000' : undefined}
            maw={360}
          />
          {save.isError && (
            <Alert color="red" role="alert">
              {errorMessage(save.error)}
            </Alert>
          )}
          {owner && (
            <Group>
              <Button type="submit" loading={save.isPending}>
                Save timing
              </Button>
              {saved && (
                <Text size="sm" c="teal.8" role="status">
                  Saved.
                </Text>
              )}
            </Group>
          )}
        </Stack>
      </form>
    </Section>
  );
}

/** A link to Settings → Messages, for screens that find a channel not set up. */
export function SettingsLink({ children = 'Settings → Messages' }: { children?: ReactNode }) {
  return (
    <Anchor component={Link} to="/settings/messages" size="sm">
      {children}
    </Anchor>
  );
}

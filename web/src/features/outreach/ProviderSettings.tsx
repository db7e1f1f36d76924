import {
  Alert,
  Badge,
  Button,
  Code,
  CopyButton,
  Group,
  PasswordInput,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { errorMessage } from '../../lib/api.ts';
import { fieldErrors } from '../../lib/problems.ts';
import { isOwner, useMe } from '../../lib/session.ts';
import type { OutreachSettings } from './api.ts';
import { Section, useSaveSettings } from './MessagesSettings.tsx';

/** A webhook address to paste into a provider's console, with a copy button. */
function HookUrl({ label, url }: { label: string; url: string }) {
  return (
    <div>
      <Text size="sm" fw={600}>
        {label}
      </Text>
      <Group gap={6} wrap="nowrap" align="flex-start">
        <Code block style={{ flex: 1, minWidth: 0, overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' }}>
          {url}
        </Code>
        <CopyButton value={url}>
          {({ copied, copy }) => (
            <Button
              variant="default"
              size="sm"
              onClick={copy}
              aria-label={copied ? `${label}: copied` : `Copy ${label}`}
              style={{ flexShrink: 0 }}
            >
              {copied ? 'Copied ✓' : 'Copy'}
            </Button>
          )}
        </CopyButton>
      </Group>
    </div>
  );
}

/** The field errors of a refusal, for a form whose fields sit under `prefix` in the request body. */
const errorsUnder = (e: unknown, prefix: string) =>
  Object.fromEntries(Object.entries(fieldErrors(e)).map(([k, v]) => [k.replace(prefix, ''), v]));

/** Providers call these addresses from the internet: a local or plain-http address will not do. */
function PublicUrlNote({ s }: { s: OutreachSettings }) {
  if (/^https:\/\//.test(s.publicUrl) && !/\/\/(localhost|127\.|0\.0\.0\.0)/.test(s.publicUrl)) return null;
  return (
    <Alert color="orange" p="xs">
      <Text size="sm">
        These addresses start with {s.publicUrl}, which the provider cannot reach. Whoever runs Rapport sets{' '}
        <code>RAPPORT_PUBLIC_URL</code> to its public https address (for example https://crm.yourshop.com).
      </Text>
    </Alert>
  );
}

function Configured({ ok }: { ok: boolean }) {
  return ok ? (
    <Badge color="teal" variant="light">
      Configured ✓
    </Badge>
  ) : (
    <Badge color="gray" variant="light">
      Not set up
    </Badge>
  );
}

/** The buttons under a provider's form, and its removal (asked twice). */
function ProviderButtons({
  configured,
  editing,
  saving,
  onEdit,
  onCancel,
  onRemove,
  what,
}: {
  configured: boolean;
  editing: boolean;
  saving: boolean;
  onEdit: () => void;
  onCancel: () => void;
  onRemove: () => void;
  what: string;
}) {
  const [asking, setAsking] = useState(false);
  if (editing)
    return (
      <Group gap="xs">
        <Button type="submit" loading={saving}>
          Save {what}
        </Button>
        {configured && (
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
        )}
      </Group>
    );
  if (asking)
    return (
      <Group gap="xs">
        <Text size="sm">Remove {what}? Nothing more is sent by it until you add it again.</Text>
        <Button color="red" size="xs" loading={saving} onClick={onRemove}>
          Remove
        </Button>
        <Button variant="default" size="xs" onClick={() => setAsking(false)}>
          Keep
        </Button>
      </Group>
    );
  return (
    <Group gap="xs">
      <Button variant="default" onClick={onEdit}>
        {configured ? 'Change credentials' : `Set up ${what}`}
      </Button>
      {configured && (
        <Button variant="subtle" color="red" onClick={() => setAsking(true)}>
          Remove {what}
        </Button>
      )}
    </Group>
  );
}

export function SmsSettings({ s }: { s: OutreachSettings }) {
  const owner = isOwner(useMe());
  const [editing, setEditing] = useState(false);
  const form = useForm({
    initialValues: { accountSid: s.sms?.accountSid ?? '', authToken: '', from: s.sms?.from ?? '' },
  });
  const save = useSaveSettings(() => {
    setEditing(false);
    form.setFieldValue('authToken', '');
  });
  const open = editing && owner;
  return (
    <Section
      title="SMS (Twilio)"
      intro="Text messages go through your Twilio account. The auth token is stored encrypted and never shown again."
      aside={<Configured ok={s.sms !== null} />}
    >
      {s.sms && !open && (
        <Text size="sm">
          Sends from <b>{s.sms.from}</b> · account {s.sms.accountSid}
        </Text>
      )}
      {open && (
        <form
          noValidate
          aria-label="SMS credentials"
          onSubmit={form.onSubmit((v) =>
            save.mutate(
              {
                sms: {
                  provider: 'twilio',
                  accountSid: v.accountSid.trim(),
                  authToken: v.authToken.trim(),
                  from: v.from.replace(/[\s()-]/g, ''),
                },
              },
              { onError: (e) => form.setErrors(errorsUnder(e, 'sms.')) },
            ),
          )}
        >
          <Stack gap="sm">
            <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
              <TextInput
                label="Account SID"
                placeholder="AC…"
                required
                autoComplete="off"
                {...form.getInputProps('accountSid')}
              />
              <PasswordInput
                label="Auth token"
                required
                autoComplete="off"
                {...form.getInputProps('authToken')}
              />
              <TextInput
                label="From number"
                placeholder="+2348031234567"
                description="Your Twilio number, or a Messaging Service SID (MG…)"
                required
                autoComplete="off"
                {...form.getInputProps('from')}
              />
            </SimpleGrid>
            <ProviderButtons
              what="SMS"
              configured={s.sms !== null}
              editing
              saving={save.isPending}
              onEdit={() => {}}
              onCancel={() => setEditing(false)}
              onRemove={() => {}}
            />
          </Stack>
        </form>
      )}
      {save.isError && Object.keys(fieldErrors(save.error)).length === 0 && (
        <Alert color="red" role="alert">
          {errorMessage(save.error)}
        </Alert>
      )}
      {owner && !open && (
        <ProviderButtons
          what="SMS"
          configured={s.sms !== null}
          editing={false}
          saving={save.isPending}
          onEdit={() => setEditing(true)}
          onCancel={() => setEditing(false)}
          onRemove={() => save.mutate({ sms: null })}
        />
      )}
      {s.sms && (
        <Stack gap="xs">
          <Text size="sm">
            In Twilio's console, under your number's messaging settings, paste these so delivery reports and
            replies (STOP) reach Rapport:
          </Text>
          <PublicUrlNote s={s} />
          <HookUrl label="Status callback URL" url={s.sms.statusCallbackUrl} />
          <HookUrl label="A message comes in (webhook)" url={s.sms.inboundUrl} />
        </Stack>
      )}
    </Section>
  );
}

export function WhatsAppSettings({ s }: { s: OutreachSettings }) {
  const owner = isOwner(useMe());
  const [editing, setEditing] = useState(false);
  const form = useForm({
    initialValues: {
      phoneNumberId: s.whatsapp?.phoneNumberId ?? '',
      accessToken: '',
      appSecret: '',
      verifyToken: '',
    },
  });
  const save = useSaveSettings(() => {
    setEditing(false);
    form.setValues({ accessToken: '', appSecret: '', verifyToken: '' });
  });
  const open = editing && owner;
  return (
    <Section
      title="WhatsApp (Cloud API)"
      intro="WhatsApp Business messages through Meta's Cloud API. Outside the 24 hours after a customer wrote to you, only an approved template can be sent. Secrets are stored encrypted and never shown again."
      aside={<Configured ok={s.whatsapp !== null} />}
    >
      {s.whatsapp && !open && <Text size="sm">Phone number ID {s.whatsapp.phoneNumberId}</Text>}
      {open && (
        <form
          noValidate
          aria-label="WhatsApp credentials"
          onSubmit={form.onSubmit((v) =>
            save.mutate(
              {
                whatsapp: {
                  phoneNumberId: v.phoneNumberId.trim(),
                  accessToken: v.accessToken.trim(),
                  appSecret: v.appSecret.trim(),
                  verifyToken: v.verifyToken.trim(),
                },
              },
              { onError: (e) => form.setErrors(errorsUnder(e, 'whatsapp.')) },
            ),
          )}
        >
          <Stack gap="sm">
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
              <TextInput
                label="Phone number ID"
                description="Digits, from WhatsApp Manager → API setup"
                required
                inputMode="numeric"
                autoComplete="off"
                {...form.getInputProps('phoneNumberId')}
              />
              <PasswordInput
                label="Access token"
                description="A permanent token of a system user"
                required
                autoComplete="off"
                {...form.getInputProps('accessToken')}
              />
              <PasswordInput
                label="App secret"
                description="App settings → Basic; checks the webhook is really from Meta"
                required
                autoComplete="off"
                {...form.getInputProps('appSecret')}
              />
              <TextInput
                label="Verify token"
                description="Any phrase of 8 or more characters; type the same in Meta's webhook settings"
                required
                autoComplete="off"
                {...form.getInputProps('verifyToken')}
              />
            </SimpleGrid>
            <ProviderButtons
              what="WhatsApp"
              configured={s.whatsapp !== null}
              editing
              saving={save.isPending}
              onEdit={() => {}}
              onCancel={() => setEditing(false)}
              onRemove={() => {}}
            />
          </Stack>
        </form>
      )}
      {save.isError && Object.keys(fieldErrors(save.error)).length === 0 && (
        <Alert color="red" role="alert">
          {errorMessage(save.error)}
        </Alert>
      )}
      {owner && !open && (
        <ProviderButtons
          what="WhatsApp"
          configured={s.whatsapp !== null}
          editing={false}
          saving={save.isPending}
          onEdit={() => setEditing(true)}
          onCancel={() => setEditing(false)}
          onRemove={() => save.mutate({ whatsapp: null })}
        />
      )}
      {s.whatsapp && (
        <Stack gap="xs">
          <Text size="sm">
            In your Meta app, under WhatsApp → Configuration, set the callback URL to this address with the
            verify token you typed here, and subscribe to <b>messages</b>:
          </Text>
          <PublicUrlNote s={s} />
          <HookUrl label="Callback URL" url={s.whatsapp.webhookUrl} />
        </Stack>
      )}
    </Section>
  );
}

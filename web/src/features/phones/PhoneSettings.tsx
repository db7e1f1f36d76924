import {
  Alert,
  Button,
  Code,
  CopyButton,
  Group,
  Paper,
  PasswordInput,
  SegmentedControl,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { errorMessage } from '../../lib/api.ts';
import { isOwner, useMe } from '../../lib/session.ts';
import { PageLoader, QueryError } from '../shell/RouteError.tsx';
import { phoneKeys, phonesApi, type PhoneSettings, type PhoneSystem } from './api.ts';

/** Settings → Phone systems: what to paste into Twilio, 3CX or FreePBX so a ringing phone pops the caller's card. */
export function PhoneSystemsSettings() {
  const me = useMe();
  if (!isOwner(me)) return <Alert color="gray">Only the owner can connect phone systems.</Alert>;
  return <PhoneSystems />;
}

function PhoneSystems() {
  const q = useQuery({ queryKey: phoneKeys.settings, queryFn: phonesApi.settings });
  if (q.isError) return <QueryError error={q.error} onRetry={() => void q.refetch()} />;
  if (!q.data) return <PageLoader />;
  return (
    <Stack gap="md" maw={720}>
      <Text size="sm" c="dimmed">
        When your phone rings, Rapport shows who is calling on every screen, logs the call on their timeline,
        and puts a missed call from a customer on the owner’s list to call back. Connect the phone system you
        have:
      </Text>
      <TestCall />
      <TwilioPanel settings={q.data} />
      <ThreeCxPanel url={q.data.urls.threecxTemplate} />
      <AsteriskPanel settings={q.data} />
    </Stack>
  );
}

function CopyField({ label, value, help }: { label: string; value: string; help?: ReactNode }) {
  return (
    <Stack gap={4}>
      <Group gap="xs" align="flex-end" wrap="nowrap">
        <TextInput
          label={label}
          value={value}
          readOnly
          onFocus={(e) => e.currentTarget.select()}
          style={{ flex: 1, minWidth: 0 }}
        />
        <CopyButton value={value}>
          {({ copied, copy }) => (
            <Button variant="light" onClick={copy} aria-label={`Copy ${label}`}>
              {copied ? 'Copied' : 'Copy'}
            </Button>
          )}
        </CopyButton>
      </Group>
      {help && (
        <Text size="xs" c="dimmed">
          {help}
        </Text>
      )}
    </Stack>
  );
}

function TwilioPanel({ settings }: { settings: PhoneSettings }) {
  const qc = useQueryClient();
  const [sid, setSid] = useState(settings.twilio?.accountSid ?? '');
  const [token, setToken] = useState('');
  const [forward, setForward] = useState(settings.forwardTo ?? '');
  const save = useMutation({
    mutationFn: () =>
      phonesApi.update({
        ...(token.trim() && { twilio: { accountSid: sid.trim(), authToken: token.trim() } }),
        forwardTo: forward.trim() || null,
      }),
    onSuccess: (s) => {
      setToken('');
      qc.setQueryData(phoneKeys.settings, s);
    },
  });
  const remove = useMutation({
    mutationFn: () => phonesApi.update({ twilio: null }),
    onSuccess: (s) => qc.setQueryData(phoneKeys.settings, s),
  });
  return (
    <Paper withBorder p="md">
      <Title order={2} fz="lg" mb={4}>
        Twilio (a cloud phone number)
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {settings.twilio
          ? `Connected to account ${settings.twilio.accountSid}.`
          : 'Not connected yet. Your auth token is kept encrypted and never shown again.'}
      </Text>
      <Stack gap="sm">
        <CopyField
          label="A call comes in (webhook, HTTP POST)"
          value={settings.urls.twilioVoice}
          help="Twilio console → Phone numbers → your number → Voice configuration."
        />
        <CopyField
          label="Call status changes (HTTP POST)"
          value={settings.urls.twilioStatus}
          help="The same page: this records how long calls last and which were missed."
        />
        <form
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate();
          }}
        >
          <Stack gap="sm">
            <TextInput
              label="Account SID"
              placeholder="AC…"
              value={sid}
              onChange={(e) => setSid(e.currentTarget.value)}
              maxLength={34}
            />
            <PasswordInput
              label="Auth token"
              description={settings.twilio ? 'Leave empty to keep the one saved' : undefined}
              value={token}
              onChange={(e) => setToken(e.currentTarget.value)}
              maxLength={200}
              autoComplete="off"
            />
            <TextInput
              label="Forward calls to (the shop’s phone)"
              description="Empty: callers hear a short message that you will call them back"
              placeholder="+234 803 123 4567"
              value={forward}
              onChange={(e) => setForward(e.currentTarget.value)}
              maxLength={50}
            />
            {save.isError && <Alert color="red">{errorMessage(save.error)}</Alert>}
            {save.isSuccess && <Text size="sm">Saved.</Text>}
            <Group gap="xs">
              <Button type="submit" loading={save.isPending}>
                Save Twilio settings
              </Button>
              {settings.twilio && (
                <Button variant="default" onClick={() => remove.mutate()} loading={remove.isPending}>
                  Disconnect
                </Button>
              )}
            </Group>
          </Stack>
        </form>
      </Stack>
    </Paper>
  );
}

function ThreeCxPanel({ url }: { url: string }) {
  const download = useMutation({
    mutationFn: async () => {
      const blob = await phonesApi.threecxTemplate();
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = 'rapport-3cx.xml';
      a.click();
      URL.revokeObjectURL(a.href);
    },
  });
  return (
    <Paper withBorder p="md">
      <Title order={2} fz="lg" mb={4}>
        3CX (an office phone system)
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        Download the template, then in 3CX go to Settings → CRM Integration → Server side and upload it. Paste
        an API key (Settings → API keys, with read and write) into “Rapport API key”. 3CX then shows your
        customers’ names, creates contacts for new numbers and logs every call here.
      </Text>
      <Group gap="xs">
        <Button onClick={() => download.mutate()} loading={download.isPending}>
          Download the 3CX template
        </Button>
      </Group>
      {download.isError && (
        <Alert color="red" mt="sm">
          {errorMessage(download.error)}
        </Alert>
      )}
      <Text size="xs" c="dimmed" mt="xs">
        It points at <Code>{url.replace(/\/api\/v1\/.*$/, '')}</Code>.
      </Text>
    </Paper>
  );
}

function AsteriskPanel({ settings }: { settings: PhoneSettings }) {
  return (
    <Paper withBorder p="md">
      <Title order={2} fz="lg" mb={4}>
        Asterisk or FreePBX
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        These links carry a secret for this shop: keep them inside your phone system.
      </Text>
      <Stack gap="sm">
        <CopyField
          label="Caller name lookup (CallerID Superfecta or Lookup Sources)"
          value={settings.urls.asteriskLookup}
          help="The number goes at the end (Superfecta: [thenumber]). Answers the customer’s name, or nothing."
        />
        <CopyField
          label="Call events (HTTP POST, JSON or form)"
          value={settings.urls.asteriskEvents}
          help="Fields: event (start, end or missed), uniqueid, caller, called, duration in seconds."
        />
      </Stack>
    </Paper>
  );
}

function TestCall() {
  const [system, setSystem] = useState<PhoneSystem>('twilio');
  const [from, setFrom] = useState('');
  const send = useMutation({ mutationFn: () => phonesApi.testCall(system, from.trim()) });
  return (
    <Paper withBorder p="md">
      <Title order={2} fz="lg" mb={4}>
        Send a test call
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        Pretend a number rings through one of the systems: the caller’s card pops up on every screen, as it
        will for a real call, and the call is logged.
      </Text>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (from.trim()) send.mutate();
        }}
      >
        <Stack gap="sm">
          <SegmentedControl
            aria-label="Phone system"
            value={system}
            onChange={(v) => setSystem(v as PhoneSystem)}
            data={[
              { value: 'twilio', label: 'Twilio' },
              { value: '3cx', label: '3CX' },
              { value: 'asterisk', label: 'Asterisk' },
            ]}
          />
          <Group gap="xs" align="flex-end" wrap="wrap">
            <TextInput
              label="Calling from"
              placeholder="A customer’s number"
              value={from}
              onChange={(e) => setFrom(e.currentTarget.value)}
              maxLength={50}
              required
              style={{ flex: 1, minWidth: 180 }}
            />
            <Button type="submit" loading={send.isPending} disabled={!from.trim()}>
              Send a test call
            </Button>
          </Group>
          {send.isError && <Alert color="red">{errorMessage(send.error)}</Alert>}
          {send.data && (
            <Text size="sm" role="status">
              {send.data.customerName
                ? `Sent: ${send.data.customerName}’s card should be on screen now.`
                : 'Sent: nobody has this number, so an “unknown caller” card pops up.'}
            </Text>
          )}
        </Stack>
      </form>
    </Paper>
  );
}

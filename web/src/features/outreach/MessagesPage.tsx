import { Alert, Anchor, Button, Group, Paper, Stack, Tabs, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useLocation, useNavigate } from 'react-router';
import { dateTime } from '../../lib/format.ts';
import { useMe } from '../../lib/session.ts';
import { PageLoader, QueryError } from '../shell/RouteError.tsx';
import { outreachApi, outreachKeys, useOutreachSettings, type Campaign } from './api.ts';
import { CampaignStatus, resultsLine } from './CampaignParts.tsx';
import { SettingsLink } from './MessagesSettings.tsx';
import { TemplatesList } from './TemplatesList.tsx';
import { CHANNEL_WORDS, PURPOSE_WORDS, audienceWords } from './words.ts';
import './outreach.css';

/** Messages (loaded on demand): campaigns to many customers, and the templates they start from. */
export default function MessagesPage() {
  const { pathname } = useLocation();
  const navigate = useNavigate();
  const tab = pathname.startsWith('/messages/templates') ? 'templates' : 'campaigns';
  return (
    <Stack maw={1000} gap="md">
      <Title order={1} fz={24}>
        Messages
      </Title>
      <NothingSetUp />
      <Tabs
        value={tab}
        onChange={(v) =>
          void navigate(v === 'templates' ? '/messages/templates' : '/messages', { replace: true })
        }
        keepMounted={false}
      >
        <Tabs.List>
          <Tabs.Tab value="campaigns">Campaigns</Tabs.Tab>
          <Tabs.Tab value="templates">Templates</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="campaigns" pt="md">
          <CampaignsList />
        </Tabs.Panel>
        <Tabs.Panel value="templates" pt="md">
          <TemplatesList />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

/** Before any channel can send, say so once, with where to fix it. */
function NothingSetUp() {
  const s = useOutreachSettings().data;
  if (!s || s.email.configured || s.sms || s.whatsapp) return null;
  return (
    <Alert color="orange" title="Nothing can be sent yet">
      <Text size="sm">
        Set up email (a From address{s.email.smtp ? '' : ', and RAPPORT_SMTP_URL on the server'}), SMS or
        WhatsApp in <SettingsLink />. You can write templates and campaigns meanwhile.
      </Text>
    </Alert>
  );
}

function CampaignsList() {
  const q = useQuery({
    queryKey: outreachKeys.campaigns,
    queryFn: outreachApi.campaigns,
    refetchInterval: (query) =>
      query.state.data?.items.some((c) => c.status === 'queuing' || c.status === 'sending') ? 3000 : false,
  });
  return (
    <Paper withBorder p="md" component="section" aria-label="Campaigns">
      <Stack gap="sm">
        <Group justify="space-between" gap="xs">
          <Title order={2} fz="lg">
            Campaigns
          </Title>
          <Group gap="xs">
            <Button component={Link} to="/messages/campaigns/new?audience=at_risk" variant="light" size="sm">
              Win back the at-risk customers
            </Button>
            <Button component={Link} to="/messages/campaigns/new?audience=all" size="sm">
              New campaign
            </Button>
          </Group>
        </Group>
        {q.isPending ? (
          <PageLoader />
        ) : q.isError ? (
          <QueryError error={q.error} onRetry={() => void q.refetch()} />
        ) : q.data.items.length === 0 ? (
          <Text size="sm" c="dimmed">
            No campaigns yet. A campaign sends one message to many customers — those slipping away, a tag, a
            status, or everyone — and tells you before sending how many it reaches.
          </Text>
        ) : (
          <ul className="plain-list" aria-label="Campaign list">
            {q.data.items.map((c) => (
              <CampaignRow key={c.id} c={c} />
            ))}
          </ul>
        )}
      </Stack>
    </Paper>
  );
}

function CampaignRow({ c }: { c: Campaign }) {
  const { workspace } = useMe();
  return (
    <li className="list-row">
      <Group gap={6} wrap="wrap">
        <Anchor component={Link} to={`/messages/campaigns/${c.id}`} fw={600}>
          {c.name}
        </Anchor>
        <CampaignStatus status={c.status} />
      </Group>
      <Text size="sm">{resultsLine(c)}</Text>
      <Text size="xs" c="dimmed">
        {CHANNEL_WORDS[c.channel]} · {PURPOSE_WORDS[c.purpose].label} · {audienceWords(c.audience)} ·{' '}
        {dateTime(c.queuedAt ?? c.createdAt, workspace.timezone)}
      </Text>
    </li>
  );
}

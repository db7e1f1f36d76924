import { Stack, Tabs, Title } from '@mantine/core';
import { useNavigate, useParams } from 'react-router';
import { ApiKeysSettings } from './ApiKeysSettings.tsx';
import { ComplaintSettings } from './ComplaintSettings.tsx';
import { MessagesSettings } from '../outreach/MessagesSettings.tsx';
import { ProductsSettings } from './ProductsSettings.tsx';
import { RetentionSettingsPanel } from '../retention/RetentionSettings.tsx';
import { UsersSettings } from './UsersSettings.tsx';
import { CalendarSettings } from '../promises/CalendarSettings.tsx';
import { OccasionSettingsPanel } from '../occasions/OccasionSettings.tsx';
import { WorkspaceSettings } from './WorkspaceSettings.tsx';
import { WebhooksSettings } from '../webhooks/WebhooksSettings.tsx';
import { PhoneSystemsSettings } from '../phones/PhoneSettings.tsx';
import { AccountSettings } from '../privacy/AccountSettings.tsx';
import { BackupSettingsPanel } from '../backups/BackupSettings.tsx';

const TABS = [
  'workspace',
  'products',
  'users',
  'api-keys',
  'complaints',
  'messages',
  'keeping-customers',
  'calendar',
  'occasions',
  'webhooks',
  'phones',
  'account',
  'backups',
] as const;

/** Settings (loaded on demand): the workspace, its products, users, API keys, the complaint SLA settings and messages. */
export default function SettingsPage() {
  const { tab } = useParams();
  const navigate = useNavigate();
  const current = TABS.find((t) => t === tab) ?? 'workspace';
  return (
    <Stack maw={900} gap="md">
      <Title order={1} fz={24}>
        Settings
      </Title>
      <Tabs
        value={current}
        onChange={(v) => void navigate(`/settings/${v ?? 'workspace'}`, { replace: true })}
        keepMounted={false}
      >
        <Tabs.List>
          <Tabs.Tab value="workspace">Workspace</Tabs.Tab>
          <Tabs.Tab value="products">Products</Tabs.Tab>
          <Tabs.Tab value="users">Users</Tabs.Tab>
          <Tabs.Tab value="api-keys">API keys</Tabs.Tab>
          <Tabs.Tab value="complaints">Complaints</Tabs.Tab>
          <Tabs.Tab value="messages">Messages</Tabs.Tab>
          <Tabs.Tab value="keeping-customers">Keeping customers</Tabs.Tab>
          <Tabs.Tab value="calendar">Calendar</Tabs.Tab>
          <Tabs.Tab value="occasions">Occasions</Tabs.Tab>
          <Tabs.Tab value="webhooks">Webhooks</Tabs.Tab>
          <Tabs.Tab value="phones">Phone systems</Tabs.Tab>
          <Tabs.Tab value="account">My account</Tabs.Tab>
          <Tabs.Tab value="backups">Backups</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="workspace" pt="md">
          <WorkspaceSettings />
        </Tabs.Panel>
        <Tabs.Panel value="products" pt="md">
          <ProductsSettings />
        </Tabs.Panel>
        <Tabs.Panel value="users" pt="md">
          <UsersSettings />
        </Tabs.Panel>
        <Tabs.Panel value="api-keys" pt="md">
          <ApiKeysSettings />
        </Tabs.Panel>
        <Tabs.Panel value="complaints" pt="md">
          <ComplaintSettings />
        </Tabs.Panel>
        <Tabs.Panel value="messages" pt="md">
          <MessagesSettings />
        </Tabs.Panel>
        <Tabs.Panel value="keeping-customers" pt="md">
          <RetentionSettingsPanel />
        </Tabs.Panel>
        <Tabs.Panel value="calendar" pt="md">
          <CalendarSettings />
        </Tabs.Panel>
        <Tabs.Panel value="occasions" pt="md">
          <OccasionSettingsPanel />
        </Tabs.Panel>
        <Tabs.Panel value="webhooks" pt="md">
          <WebhooksSettings />
        </Tabs.Panel>
        <Tabs.Panel value="phones" pt="md">
          <PhoneSystemsSettings />
        </Tabs.Panel>
        <Tabs.Panel value="account" pt="md">
          <AccountSettings />
        </Tabs.Panel>
        <Tabs.Panel value="backups" pt="md">
          <BackupSettingsPanel />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

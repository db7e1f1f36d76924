import {
  AppShell,
  Avatar,
  Burger,
  Button,
  Group,
  Menu,
  NavLink,
  Stack,
  Text,
  Tooltip,
  UnstyledButton,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Suspense } from 'react';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import { api } from '../../lib/api.ts';
import { initials } from '../../lib/format.ts';
import { forgetSession, useMe } from '../../lib/session.ts';
import { Brand } from '../auth/AuthFrame.tsx';
import { CallerPopups } from '../calls/CallerPopups.tsx';
import { SaleHost } from '../sales/SaleHost.tsx';
import { useLiveEvents, type LiveState } from '../calls/useLiveEvents.ts';
import { HeaderSearch } from './HeaderSearch.tsx';
import { PageLoader } from './RouteError.tsx';

const NAV = [
  { to: '/', label: 'Home', match: (p: string) => p === '/' },
  { to: '/customers', label: 'Customers', match: (p: string) => p.startsWith('/customers') },
  { to: '/complaints', label: 'Complaints', match: (p: string) => p.startsWith('/complaints') },
  { to: '/enquiries', label: 'Enquiries', match: (p: string) => p.startsWith('/enquiries') },
  { to: '/insights', label: 'Insights', match: (p: string) => p.startsWith('/insights') },
  { to: '/scorecard', label: 'Scorecard', match: (p: string) => p.startsWith('/scorecard') },
  { to: '/messages', label: 'Messages', match: (p: string) => p.startsWith('/messages') },
  { to: '/events', label: 'Events', match: (p: string) => p.startsWith('/events') },
  { to: '/loyalty', label: 'Rewards', match: (p: string) => p.startsWith('/loyalty') },
  { to: '/referrals', label: 'Referrals', match: (p: string) => p.startsWith('/referrals') },
  { to: '/introductions', label: 'Introductions', match: (p: string) => p.startsWith('/introductions') },
  {
    to: '/import',
    label: 'Import & export',
    match: (p: string) => /^\/(import|export|duplicates)(\/|$)/.test(p),
  },
  { to: '/settings', label: 'Settings', match: (p: string) => p.startsWith('/settings') },
];

/** The signed-in frame: header (search, user menu), navigation (a burger on phones), the caller pop-ups. */
export function AppLayout() {
  const [opened, { toggle, close }] = useDisclosure(false);
  const { pathname } = useLocation();
  const live = useLiveEvents();
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 210, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding={{ base: 'sm', sm: 'lg' }}
    >
      <AppShell.Header>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <Group h="100%" px={{ base: 'xs', sm: 'md' }} gap="sm" wrap="nowrap">
          <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Menu" />
          <UnstyledButton component={Link} to="/" aria-label="Rapport home" visibleFrom="xs">
            <Brand size={26} />
          </UnstyledButton>
          <HeaderSearch />
          <LiveDot state={live} />
          <UserMenu />
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" aria-label="Main">
        <Stack gap={4}>
          {NAV.map((n) => (
            <NavLink
              key={n.to}
              component={Link}
              to={n.to}
              label={n.label}
              active={n.match(pathname)}
              onClick={close}
              fw={500}
              style={{ borderRadius: 'var(--mantine-radius-md)' }}
            />
          ))}
          <Button component={Link} to="/customers/new" onClick={close} variant="light" mt="sm">
            New customer
          </Button>
        </Stack>
      </AppShell.Navbar>
      <AppShell.Main id="main" tabIndex={-1}>
        <Suspense fallback={<PageLoader />}>
          <Outlet />
        </Suspense>
      </AppShell.Main>
      <CallerPopups />
      <SaleHost />
    </AppShell>
  );
}

function UserMenu() {
  const me = useMe();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const logout = useMutation({
    mutationFn: api.logout,
    onSettled: () => {
      forgetSession(qc);
      void navigate('/login', { replace: true });
    },
  });
  const name = me.user?.name || me.user?.email || 'API key';
  return (
    <Menu position="bottom-end" width={240} shadow="md">
      <Menu.Target>
        <UnstyledButton aria-label={`Account: ${name}`} style={{ flexShrink: 0 }}>
          <Group gap={8} wrap="nowrap">
            <Avatar color="teal" radius="xl" size={34}>
              {initials(name) || '?'}
            </Avatar>
            <Text size="sm" fw={500} visibleFrom="md" maw={160} truncate>
              {name}
            </Text>
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>
          <Text size="sm" fw={600} c="dark" truncate>
            {name}
          </Text>
          <Text size="xs" c="dimmed" truncate>
            {me.user?.email} · {me.user?.role}
          </Text>
          <Text size="xs" c="dimmed" truncate>
            {me.workspace.name}
          </Text>
        </Menu.Label>
        <Menu.Divider />
        <Menu.Item component={Link} to="/settings">
          Settings
        </Menu.Item>
        <Menu.Item color="red" onClick={() => logout.mutate()}>
          Sign out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

const LIVE_TEXT: Record<LiveState, string> = {
  live: 'Live: caller pop-ups are on',
  connecting: 'Connecting to live updates…',
  down: 'Live updates are off: reload the page',
};

/** A dot that tells staff whether calls will pop up on this screen. */
function LiveDot({ state }: { state: LiveState }) {
  return (
    <Tooltip label={LIVE_TEXT[state]}>
      <span
        role="status"
        aria-label={LIVE_TEXT[state]}
        data-live={state}
        style={{
          width: 10,
          height: 10,
          borderRadius: 5,
          flexShrink: 0,
          background: `var(--mantine-color-${state === 'live' ? 'teal-6' : state === 'connecting' ? 'yellow-5' : 'red-6'})`,
        }}
      />
    </Tooltip>
  );
}

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
import { HeaderSearch } from './HeaderSearch.tsx';
import { PageLoader } from './RouteError.tsx';

const NAV = [
  { to: '/', label: 'Home', match: (p: string) => p === '/' },
  { to: '/customers', label: 'Customers', match: (p: string) => p.startsWith('/customers') },
  { to: '/settings', label: 'Settings', match: (p: string) => p.startsWith('/settings') },
];

/** The signed-in frame: header (search, user menu), navigation (a burger on phones), the caller pop-ups. */
export function AppLayout() {
  const [opened, { toggle, close }] = useDisclosure(false);
  const { pathname } = useLocation();
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 210, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding={{ base: 'sm', sm: 'lg' }}
    >
      <AppShell.Header>
        <Group h="100%" px={{ base: 'xs', sm: 'md' }} gap="sm" wrap="nowrap">
          <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Menu" />
          <UnstyledButton component={Link} to="/" aria-label="Rapport home" visibleFrom="xs">
            <Brand size={26} />
          </UnstyledButton>
          <HeaderSearch />
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
      <AppShell.Main>
        <Suspense fallback={<PageLoader />}>
          <Outlet />
        </Suspense>
      </AppShell.Main>
      <CallerPopups />
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

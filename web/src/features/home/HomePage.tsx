import { Anchor, Badge, Button, Group, Kbd, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { usePhoneFormat } from '../../lib/usePhoneFormat.ts';
import { timeAgo } from '../../lib/format.ts';
import { useMe } from '../../lib/session.ts';
import { useCalls } from '../calls/callStore.ts';
import { ComplaintsTile } from '../complaints/ComplaintsTile.tsx';
import { readRecent } from '../customers/queries.ts';
import { saleStore } from '../sales/saleStore.ts';
import { NotContactedTile } from '../retention/NotContactedTile.tsx';
import { AgendaList } from '../promises/AgendaList.tsx';
import { UpcomingTile } from '../occasions/UpcomingTile.tsx';
import { AttentionTile } from './AttentionTile.tsx';
import { GetStarted } from './GetStarted.tsx';

/** Home: where to start — search, add, complaints, who needs attention, the calls that came in, the customers just seen. */
export function HomePage() {
  const me = useMe();
  const formatPhone = usePhoneFormat();
  const { recent: calls } = useCalls();
  const viewed = readRecent();
  const first = me.user?.name?.split(' ')[0];
  return (
    <Stack gap="lg" maw={1000}>
      <div>
        <Title order={1} fz={26}>
          {first ? `Hello, ${first}` : 'Hello'}
        </Title>
        <Text c="dimmed">{me.workspace.name}</Text>
      </div>
      <AgendaList />
      <Group gap="sm">
        <Button onClick={() => saleStore.open(null)} size="md">
          Record a sale
        </Button>
        <Button component={Link} to="/customers" variant="default" size="md">
          Find a customer
        </Button>
        <Button component={Link} to="/customers/new" variant="default" size="md">
          New customer
        </Button>
        <Text size="sm" c="dimmed" visibleFrom="sm">
          Tip: press <Kbd size="xs">/</Kbd> anywhere to search.
        </Text>
      </Group>
      <GetStarted />
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <ComplaintsTile />
        <Paper withBorder p="md">
          <Title order={2} fz="lg" mb="sm">
            Calls while you were here
          </Title>
          {calls.length === 0 ? (
            <Text size="sm" c="dimmed">
              No calls yet. When the phone rings, the caller’s card pops up on this screen.
            </Text>
          ) : (
            <Stack gap={6}>
              {calls.map((c) => (
                <Group key={c.interaction.id} justify="space-between" wrap="nowrap">
                  {c.customer ? (
                    <Anchor component={Link} to={`/customers/${c.customer.id}`} fw={500} truncate>
                      {c.customer.name}
                    </Anchor>
                  ) : (
                    <Anchor
                      component={Link}
                      to={`/customers/new?phone=${encodeURIComponent(c.e164 ?? c.phone)}&call=${encodeURIComponent(c.interaction.id)}`}
                      truncate
                    >
                      {formatPhone(c.e164 ?? c.phone, me.workspace.region)}{' '}
                      <Badge size="xs" color="orange" variant="light">
                        unknown
                      </Badge>
                    </Anchor>
                  )}
                  <Text size="xs" c="dimmed" style={{ flexShrink: 0 }}>
                    {timeAgo(c.interaction.occurredAt)}
                  </Text>
                </Group>
              ))}
            </Stack>
          )}
        </Paper>
        <AttentionTile />
        <NotContactedTile />
        <UpcomingTile />
        <Paper withBorder p="md">
          <Title order={2} fz="lg" mb="sm">
            Recently viewed
          </Title>
          {viewed.length === 0 ? (
            <Text size="sm" c="dimmed">
              Customers you open will be listed here.
            </Text>
          ) : (
            <Stack gap={6}>
              {viewed.map((r) => (
                <Anchor key={r.id} component={Link} to={`/customers/${r.id}`} fw={500}>
                  {r.name}
                  {r.kind === 'business' && (
                    <Text span size="xs" c="dimmed">
                      {' '}
                      · business
                    </Text>
                  )}
                </Anchor>
              ))}
            </Stack>
          )}
        </Paper>
      </SimpleGrid>
    </Stack>
  );
}

import { Anchor, Badge, Button, Group, Paper, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { PageLoader, QueryError } from '../shell/RouteError.tsx';
import { useTemplates, type Template } from './api.ts';
import { CHANNEL_WORDS, PURPOSE_WORDS } from './words.ts';

/** Messages → Templates: the messages you send again and again, ready to fill in for each customer. */
export function TemplatesList() {
  const [archived, setArchived] = useState(false);
  const q = useTemplates(archived);
  const items = q.data?.items.filter((t) => t.archived === archived) ?? [];
  return (
    <Paper withBorder p="md" component="section" aria-label="Templates">
      <Stack gap="sm">
        <Group justify="space-between" gap="xs">
          <Title order={2} fz="lg">
            Templates
          </Title>
          <Group gap="xs">
            <SegmentedControl
              size="xs"
              aria-label="Which templates"
              value={archived ? 'archived' : 'active'}
              onChange={(v) => setArchived(v === 'archived')}
              data={[
                { value: 'active', label: 'In use' },
                { value: 'archived', label: 'Archived' },
              ]}
            />
            <Button component={Link} to="/messages/templates/new" size="sm">
              New template
            </Button>
          </Group>
        </Group>
        {q.isPending ? (
          <PageLoader />
        ) : q.isError ? (
          <QueryError error={q.error} onRetry={() => void q.refetch()} />
        ) : items.length === 0 ? (
          <Text size="sm" c="dimmed">
            {archived
              ? 'Nothing archived.'
              : 'No templates yet. Write the messages you send often once — “Your order is ready”, “We miss you” — and fill them in for each customer with a click.'}
          </Text>
        ) : (
          <ul className="plain-list" aria-label="Message templates">
            {items.map((t) => (
              <TemplateRow key={t.id} t={t} />
            ))}
          </ul>
        )}
      </Stack>
    </Paper>
  );
}

function TemplateRow({ t }: { t: Template }) {
  const first = t.subject ?? t.body.split('\n').find((l) => l.trim()) ?? '';
  return (
    <li className="list-row">
      <Group gap={6} wrap="wrap">
        <Anchor component={Link} to={`/messages/templates/${t.id}`} fw={600}>
          {t.name}
        </Anchor>
        <Badge size="sm" variant="light" color="gray">
          {CHANNEL_WORDS[t.channel]}
        </Badge>
        <Badge size="sm" variant="light" color={t.purpose === 'marketing' ? 'blue' : 'teal'}>
          {PURPOSE_WORDS[t.purpose].label}
        </Badge>
      </Group>
      <Text size="sm" c="dimmed" lineClamp={1}>
        {first}
      </Text>
    </li>
  );
}

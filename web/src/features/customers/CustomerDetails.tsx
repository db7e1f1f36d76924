import { Anchor, Badge, Divider, Group, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { CHANNEL_LABELS, calendarDate, dateTime } from '../../lib/format.ts';
import { formatPhone } from '../../lib/phone.ts';
import { useMe } from '../../lib/session.ts';
import type { Customer } from '../../lib/api.ts';

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section aria-label={title}>
      <Text size="xs" tt="uppercase" fw={700} c="dimmed" lts={0.4} mb={4}>
        {title}
      </Text>
      {children}
    </section>
  );
}

/** The customer's details, read-only: contact, needs, dates, links between people and businesses (consent: ConsentEditor). */
export function CustomerDetails({ c }: { c: Customer }) {
  const { workspace } = useMe();
  const address = c.address
    ? [
        c.address.line1,
        c.address.line2,
        [c.address.postalCode, c.address.city].filter(Boolean).join(' '),
        c.address.region,
        c.address.country,
      ].filter(Boolean)
    : [];
  const custom = Object.entries(c.customFields).filter(([, v]) => v !== null && v !== '');
  return (
    <Paper withBorder p="md">
      <Stack gap="md">
        <Title order={2} fz="lg">
          Details
        </Title>
        <Section title="Phones">
          {c.phones.length === 0 ? (
            <Text size="sm" c="dimmed">
              No phone
            </Text>
          ) : (
            <Stack gap={4}>
              {c.phones.map((p) => (
                <Group key={p.id} gap="xs" wrap="nowrap">
                  <Anchor href={`tel:${p.e164 ?? p.number}`} fw={500}>
                    {p.valid ? formatPhone(p.e164, workspace.region) : p.number}
                  </Anchor>
                  {p.label && (
                    <Text size="sm" c="dimmed">
                      {p.label}
                    </Text>
                  )}
                  {!p.valid && (
                    <Badge
                      color="orange"
                      variant="light"
                      size="sm"
                      title={`Not a valid number for region ${workspace.region}`}
                    >
                      invalid number
                    </Badge>
                  )}
                </Group>
              ))}
            </Stack>
          )}
        </Section>
        <Section title="Emails">
          {c.emails.length === 0 ? (
            <Text size="sm" c="dimmed">
              No email
            </Text>
          ) : (
            <Stack gap={4}>
              {c.emails.map((e) => (
                <Group key={e.id} gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
                  <Anchor href={`mailto:${e.address}`} fw={500} style={{ overflowWrap: 'anywhere' }}>
                    {e.address}
                  </Anchor>
                  {e.label && (
                    <Text size="sm" c="dimmed">
                      {e.label}
                    </Text>
                  )}
                </Group>
              ))}
            </Stack>
          )}
        </Section>
        <Section title="Needs and preferences">
          <Text size="sm" className="pre-wrap" c={c.needs ? undefined : 'dimmed'}>
            {c.needs || 'Nothing noted yet. What do they need, like, dislike?'}
          </Text>
          {c.preferredChannel && (
            <Text size="sm" mt={4}>
              Prefers: <b>{CHANNEL_LABELS[c.preferredChannel] ?? c.preferredChannel}</b>
            </Text>
          )}
        </Section>
        {c.kind === 'business' && (
          <Section title="People">
            {c.people.length === 0 ? (
              <Text size="sm" c="dimmed">
                No people linked. Add a person and pick this business under “Works at”.
              </Text>
            ) : (
              <Stack gap={2}>
                {c.people.map((p) => (
                  <Text size="sm" key={p.id}>
                    <Anchor component={Link} to={`/customers/${p.id}`}>
                      {p.name}
                    </Anchor>
                    {p.jobTitle && <Text span c="dimmed" size="sm">{` · ${p.jobTitle}`}</Text>}
                  </Text>
                ))}
              </Stack>
            )}
            <Anchor
              component={Link}
              to={`/customers/new?businessId=${c.id}`}
              size="sm"
              mt={4}
              display="inline-block"
            >
              + Add a person
            </Anchor>
          </Section>
        )}
        {(c.birthday || c.anniversary) && (
          <Group gap="xl">
            {c.birthday && (
              <Section title="Birthday">
                <Text size="sm">{calendarDate(c.birthday)}</Text>
              </Section>
            )}
            {c.anniversary && (
              <Section title="Anniversary">
                <Text size="sm">{calendarDate(c.anniversary)}</Text>
              </Section>
            )}
          </Group>
        )}
        {address.length > 0 && (
          <Section title="Address">
            <Text size="sm" className="pre-wrap">
              {address.join('\n')}
            </Text>
          </Section>
        )}
        {custom.length > 0 && (
          <Section title="Other">
            <Stack gap={2}>
              {custom.map(([k, v]) => (
                <Text size="sm" key={k}>
                  <Text span c="dimmed" size="sm">
                    {k}:
                  </Text>{' '}
                  {String(v)}
                </Text>
              ))}
            </Stack>
          </Section>
        )}
        <Divider />
        <Text size="xs" c="dimmed">
          Added to Rapport {dateTime(c.createdAt, workspace.timezone)}
        </Text>
      </Stack>
    </Paper>
  );
}

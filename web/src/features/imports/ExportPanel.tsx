import { Button, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { EXPORT_JSON, EXPORTS } from './api.ts';

const WHAT: Record<(typeof EXPORTS)[number]['table'], string> = {
  customers: 'Everyone, with phones, emails, address, tags, consent and notes. One row per customer.',
  orders: 'Every order with its lines, discounts, tax, shipping and refunds.',
  interactions: 'Every call, visit, message and note on the timelines.',
};

/** Export: plain downloads (same-origin links, the session cookie signs them in). */
export function ExportPanel() {
  return (
    <Stack gap="md">
      <Text size="sm" c="dimmed" maw={640}>
        Your data is yours. Download it whenever you like: CSV opens in Excel, Numbers or Google Sheets, and a
        Rapport customers CSV can be imported back as it is. Cells that a spreadsheet would run as a formula
        (starting with = + - or @) get a leading apostrophe; importing the file back removes it.
      </Text>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
        {EXPORTS.map((e) => (
          <Paper key={e.table} withBorder p="md" radius="md">
            <Stack gap="xs" h="100%" justify="space-between">
              <div>
                <Title order={2} fz="md">
                  {e.label}
                </Title>
                <Text size="sm" c="dimmed">
                  {WHAT[e.table]}
                </Text>
              </div>
              <Button
                component="a"
                href={e.href}
                download
                variant="light"
                aria-label={`Download ${e.table} CSV`}
              >
                Download CSV
              </Button>
            </Stack>
          </Paper>
        ))}
        <Paper withBorder p="md" radius="md">
          <Stack gap="xs" h="100%" justify="space-between">
            <div>
              <Title order={2} fz="md">
                Everything
              </Title>
              <Text size="sm" c="dimmed">
                Customers, orders and timelines in one JSON file: for a backup or a move to another system.
              </Text>
            </div>
            <Button
              component="a"
              href={EXPORT_JSON}
              download
              variant="light"
              aria-label="Download everything as JSON"
            >
              Download JSON
            </Button>
          </Stack>
        </Paper>
      </SimpleGrid>
    </Stack>
  );
}

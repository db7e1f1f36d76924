import { Button, Group, Paper, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api } from '../../lib/api.ts';

/**
 * An empty workspace says what to do next: bring the customers in (a file from another app or a phone's
 * contacts), or add the first one and record their sale. Hidden once there is a customer.
 */
export function GetStarted() {
  const q = useQuery({
    queryKey: ['customers', 'any'],
    queryFn: () => api.customers({ limit: 1 }),
  });
  if (!q.data || q.data.items.length > 0) return null;
  return (
    <Paper withBorder p="md" component="section" aria-label="Get started" data-testid="get-started">
      <Title order={2} fz="lg" mb={4}>
        Start with your customers
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        Nothing here yet. Bring in the customers you already have, or add the first one who walks in and
        record their sale on their page: insights and who needs attention fill in from there.
      </Text>
      <Group gap="sm">
        <Button component={Link} to="/import">
          Import customers
        </Button>
        <Button component={Link} to="/customers/new" variant="default">
          Add the first customer
        </Button>
      </Group>
    </Paper>
  );
}

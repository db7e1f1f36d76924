import { Badge, Group, Text } from '@mantine/core';
import { useCustomerLoyalty } from './api.ts';

/** Points and tier on the caller pop-up (nothing while loading, nothing when there are none). */
export function CallerLoyalty({ customerId }: { customerId: string }) {
  const q = useCustomerLoyalty(customerId);
  if (!q.data || (q.data.points === 0 && !q.data.tier)) return null;
  return (
    <Group gap={6} wrap="nowrap" data-testid="caller-loyalty">
      {q.data.tier && (
        <Badge size="sm" variant="light" color="grape">
          {q.data.tier}
        </Badge>
      )}
      <Text size="sm">
        {q.data.points.toLocaleString()} point{q.data.points === 1 ? '' : 's'}
      </Text>
    </Group>
  );
}

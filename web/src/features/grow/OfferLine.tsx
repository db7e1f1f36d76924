import { Text } from '@mantine/core';
import { useSuggestions } from './api.ts';

/** One line for the caller pop-up: "Often buys bread; people like them also buy the coconut cake." */
export function OfferLine({ customerId }: { customerId: string }) {
  const q = useSuggestions(customerId);
  const top = q.data?.suggestions.find((s) => s.basis === 'co-purchase');
  if (!q.data || !top) return null;
  const often = q.data.oftenBuys[0];
  return (
    <Text size="sm">
      {often ? `Often buys ${often}; people` : 'People'} like them also buy <b>{top.name}</b>
    </Text>
  );
}

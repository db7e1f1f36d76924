import { Group, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { errorMessage } from '../../lib/api.ts';
import { money } from '../../lib/format.ts';
import { loyaltyApi, useCustomerLoyalty } from './api.ts';

const STATUS_WORDS = { used: 'has been used', void: 'was cancelled', expired: 'has expired' } as const;

/**
 * What points and a gift voucher take off a sale at the counter, worked out as the server will (the voucher first,
 * on what is left after the discount, then the points); the server uses both in the sale's own transaction.
 */
export function useSaleRewards(customerId: string | null, pointsText: string, code: string, left: number) {
  const loyalty = useCustomerLoyalty(customerId);
  const t = pointsText.trim();
  const points = t === '' ? 0 : /^\d+$/.test(t) ? Number(t) : null;
  const [typed] = useDebouncedValue(code.trim(), 300);
  const ready = typed.replace(/[\s-]/g, '').length >= 12;
  const voucher = useQuery({
    queryKey: ['voucher-lookup', typed],
    queryFn: () => loyaltyApi.lookupVoucher(typed),
    enabled: ready,
    retry: false,
    staleTime: 5_000,
  });
  const v = ready ? voucher.data : undefined;
  const usable = v && v.status === 'active';
  const voucherOff = !usable
    ? 0
    : v.kind === 'percent'
      ? Math.floor((Math.max(left, 0) * (v.percent ?? 0)) / 100)
      : Math.min(v.remaining ?? v.value ?? 0, Math.max(left, 0));
  const pointValue = loyalty.data?.pointValue ?? 0;
  const pointsOff = (points ?? 0) * pointValue;
  const balance = loyalty.data?.points ?? 0;
  const problem =
    points === null
      ? 'Points are a whole number'
      : points > 0 && !customerId
        ? 'Points are redeemed on a customer’s sale'
        : points > balance
          ? `Only ${balance.toLocaleString()} points to redeem`
          : code.trim() && ready && voucher.isError
            ? errorMessage(voucher.error)
            : v && v.status !== 'active'
              ? `This voucher ${STATUS_WORDS[v.status]}`
              : pointsOff + voucherOff > Math.max(left, 0) && points > 0
                ? 'The points are worth more than is left to pay'
                : null;
  return { points: points ?? 0, balance, pointValue, pointsOff, voucherOff, voucher: v, problem, loyalty };
}

export function SaleRewardsFields(p: {
  customerId: string | null;
  currency: string;
  pointsText: string;
  setPointsText: (s: string) => void;
  code: string;
  setCode: (s: string) => void;
  rewards: ReturnType<typeof useSaleRewards>;
}) {
  const r = p.rewards;
  return (
    <Group grow align="flex-start">
      {p.customerId && (
        <TextInput
          label="Redeem points"
          inputMode="numeric"
          size="md"
          placeholder="0"
          value={p.pointsText}
          onChange={(e) => p.setPointsText(e.currentTarget.value)}
          description={
            r.loyalty.data
              ? `${r.balance.toLocaleString()} available${r.pointsOff ? `; takes off ${money(r.pointsOff, p.currency)}` : ''}`
              : undefined
          }
        />
      )}
      <TextInput
        label="Gift voucher code"
        size="md"
        placeholder="ABCD-EFGH-JKLM"
        autoComplete="off"
        value={p.code}
        onChange={(e) => p.setCode(e.currentTarget.value.toUpperCase())}
        description={
          r.voucher && r.voucher.status === 'active' ? (
            <Text span size="xs" c="teal.8">
              Takes off {money(r.voucherOff, p.currency)}
            </Text>
          ) : undefined
        }
      />
    </Group>
  );
}

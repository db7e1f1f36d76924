import {
  ActionIcon,
  Alert,
  Anchor,
  Button,
  CloseButton,
  Group,
  Modal,
  Paper,
  SegmentedControl,
  Stack,
  Text,
  TextInput,
  UnstyledButton,
} from '@mantine/core';
import { useDebouncedValue, useMediaQuery } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useRef, useState } from 'react';
import { Link } from 'react-router';
import { api, errorMessage } from '../../lib/api.ts';
import { money } from '../../lib/format.ts';
import { useMe } from '../../lib/session.ts';
import {
  PAYMENT_LABELS,
  fromMinor,
  salesApi,
  toMinor,
  useProducts,
  type Order,
  type PaymentMethod,
  type Product,
  type SaleItem,
} from './api.ts';
import { saleStore, useSaleTarget } from './saleStore.ts';
import { SaleRewardsFields, useSaleRewards } from '../loyalty/SaleRewards.tsx';
import './sales.css';

type Line = {
  key: string;
  productId: string | null;
  name: string;
  listPrice: number | null;
  priceText: string;
  quantity: number;
};
type Who = { id: string; name: string } | null;

const newKey = () =>
  typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `${Date.now()}-${Math.random().toString(36).slice(2)}`;

/** The sale form, over whatever screen opened it (full screen on a phone). Rendered once in the layout. */
export default function SaleModal() {
  const target = useSaleTarget();
  const phone = useMediaQuery('(max-width: 36em)');
  return (
    <Modal
      opened={!!target}
      onClose={saleStore.close}
      title="New sale"
      closeButtonProps={{ 'aria-label': 'Close the sale' }}
      fullScreen={!!phone}
      size="lg"
      radius={phone ? 0 : 'md'}
      styles={{ title: { fontWeight: 700, fontSize: 20 } }}
    >
      {target && <SaleForm key={target.n} initial={target.customer} />}
    </Modal>
  );
}

function SaleForm({ initial }: { initial: Who }) {
  const { workspace } = useMe();
  const currency = workspace.currency;
  const qc = useQueryClient();
  const [who, setWho] = useState<Who>(initial);
  const [lines, setLines] = useState<Line[]>([]);
  const [search, setSearch] = useState('');
  const [newPrice, setNewPrice] = useState('');
  const [discountText, setDiscountText] = useState('');
  const [payment, setPayment] = useState<PaymentMethod>('cash');
  const [note, setNote] = useState('');
  const [pointsText, setPointsText] = useState('');
  const [voucherCode, setVoucherCode] = useState('');
  const [saleKey, setSaleKey] = useState(newKey);
  const [saved, setSaved] = useState<Order | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const products = useProducts();

  const term = search.trim().toLowerCase();
  const matches = useMemo(
    () =>
      term
        ? (products.data?.items ?? [])
            .filter((p) => p.name.toLowerCase().includes(term) || p.category?.toLowerCase().includes(term))
            .slice(0, 6)
        : (products.data?.items ?? []).slice(0, 6),
    [products.data, term],
  );
  const exact = (products.data?.items ?? []).some((p) => p.name.toLowerCase() === term);

  const priced = lines.map((l) => ({ ...l, unit: toMinor(l.priceText, currency) }));
  const subtotal = priced.reduce((s, l) => s + Math.round((l.unit ?? 0) * l.quantity), 0);
  const discount = toMinor(discountText, currency);
  const rewards = useSaleRewards(who?.id ?? null, pointsText, voucherCode, subtotal - (discount ?? 0));
  const total = subtotal - (discount ?? 0) - rewards.voucherOff - rewards.pointsOff;
  const problem =
    lines.length === 0
      ? 'Add at least one item'
      : priced.some((l) => l.unit === null)
        ? 'A price is not a number'
        : discount === null
          ? 'The discount is not a number'
          : total < 0 && !rewards.problem
            ? 'The discount is more than the sale'
            : rewards.problem;

  const addProduct = (p: Product) => {
    setLines((ls) => {
      const same = ls.find((l) => l.productId === p.id);
      if (same) return ls.map((l) => (l === same ? { ...l, quantity: l.quantity + 1 } : l));
      return [
        ...ls,
        {
          key: newKey(),
          productId: p.id,
          name: p.name,
          listPrice: p.price,
          priceText: fromMinor(p.price, currency),
          quantity: 1,
        },
      ];
    });
    setSearch('');
    searchRef.current?.focus();
  };
  const newPriceMinor = toMinor(newPrice, currency);
  const canAddNew = !!term && !exact && newPrice.trim() !== '' && newPriceMinor !== null;
  const addNew = () => {
    if (!canAddNew) return;
    setLines((ls) => [
      ...ls,
      {
        key: newKey(),
        productId: null,
        name: search.trim().replace(/\s+/g, ' '),
        listPrice: null,
        priceText: newPrice.trim(),
        quantity: 1,
      },
    ]);
    setSearch('');
    setNewPrice('');
    searchRef.current?.focus();
  };
  const update = (key: string, change: Partial<Line>) =>
    setLines((ls) => ls.map((l) => (l.key === key ? { ...l, ...change } : l)));

  const save = useMutation({
    mutationFn: () =>
      salesApi.recordSale({
        customerId: who?.id ?? null,
        items: priced.map((l): SaleItem => {
          const unit = l.unit ?? 0;
          return l.productId
            ? {
                productId: l.productId,
                quantity: l.quantity,
                ...(unit !== l.listPrice && { unitPrice: unit }),
              }
            : { name: l.name, unitPrice: unit, quantity: l.quantity };
        }),
        discount: discount ?? 0,
        paymentMethod: payment,
        ...(note.trim() && { note: note.trim() }),
        ...(rewards.points > 0 && who && { redeemPoints: rewards.points }),
        ...(voucherCode.trim() && { voucherCode: voucherCode.trim() }),
        key: saleKey,
      }),
    onSuccess: (order) => {
      setSaved(order);
      void qc.invalidateQueries({ queryKey: ['products'] });
      void qc.invalidateQueries({ queryKey: ['vouchers'] });
      if (order.customerId)
        for (const k of ['timeline', 'totals', 'orders', 'customer', 'prediction', 'loyalty'])
          void qc.invalidateQueries({ queryKey: [k, order.customerId] });
    },
  });

  if (saved)
    return (
      <Stack gap="md" role="status" aria-label="Sale saved">
        <Alert color="teal" variant="light" title="Sale saved">
          <Text size="lg" fw={700}>
            {money(saved.total, saved.currency)}
          </Text>
          <Text size="sm">
            {saved.lines.length === 1 ? saved.lines[0]?.name : `${saved.lines.length} items`} ·{' '}
            {saved.paymentMethod ? PAYMENT_LABELS[saved.paymentMethod] : ''} · {who ? who.name : 'Walk-in'}
          </Text>
        </Alert>
        <Group grow>
          <Button
            size="lg"
            variant="default"
            onClick={() => {
              setSaved(null);
              setLines([]);
              setDiscountText('');
              setNote('');
              setPointsText('');
              setVoucherCode('');
              setSaleKey(newKey());
              save.reset();
            }}
          >
            Next sale
          </Button>
          <Button size="lg" onClick={saleStore.close}>
            Done
          </Button>
        </Group>
        {who && (
          <Anchor component={Link} to={`/customers/${who.id}`} onClick={saleStore.close} ta="center">
            Open {who.name}
          </Anchor>
        )}
      </Stack>
    );

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (!problem && !save.isPending) save.mutate();
      }}
      aria-label="New sale"
    >
      <Stack gap="md">
        <CustomerPart who={who} onChange={setWho} />

        <Stack gap={6}>
          <TextInput
            ref={searchRef}
            label="Add an item"
            placeholder="Type to find a product, or a new one"
            size="md"
            value={search}
            onChange={(e) => setSearch(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key !== 'Enter') return;
              e.preventDefault();
              const [only] = matches;
              if (matches.length === 1 && only) addProduct(only);
              else if (canAddNew) addNew();
            }}
            autoComplete="off"
            data-autofocus
          />
          {products.isError && (
            <Text size="sm" c="red.8">
              {errorMessage(products.error)}
            </Text>
          )}
          <Group gap={6} role="group" aria-label="Products">
            {matches.map((p) => (
              <Button
                key={p.id}
                variant="light"
                size="md"
                onClick={() => addProduct(p)}
                styles={{ label: { whiteSpace: 'normal', textAlign: 'left' } }}
              >
                {p.name} · {money(p.price, currency)}
              </Button>
            ))}
          </Group>
          {term && !exact && (
            <Paper withBorder p="sm" bg="var(--mantine-color-gray-0)">
              <Text size="sm" mb={6}>
                New product: <b>{search.trim()}</b>
              </Text>
              <Group gap="xs" wrap="nowrap" align="flex-end">
                <TextInput
                  label={`Price (${currency})`}
                  inputMode="decimal"
                  size="md"
                  value={newPrice}
                  onChange={(e) => setNewPrice(e.currentTarget.value)}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter') {
                      e.preventDefault();
                      addNew();
                    }
                  }}
                  error={newPrice.trim() && newPriceMinor === null ? 'Not a price' : undefined}
                  style={{ flex: 1 }}
                />
                <Button size="md" onClick={addNew} disabled={!canAddNew}>
                  Add
                </Button>
              </Group>
            </Paper>
          )}
        </Stack>

        {lines.length > 0 && (
          <Stack gap="xs" role="group" aria-label="Items">
            {priced.map((l) => (
              <Paper key={l.key} withBorder p="xs" role="group" aria-label={l.name}>
                <Group justify="space-between" wrap="nowrap" gap="xs">
                  <Text fw={600} style={{ overflowWrap: 'anywhere', minWidth: 0 }}>
                    {l.name}
                    {!l.productId && (
                      <Text span size="xs" c="dimmed">
                        {' '}
                        · new
                      </Text>
                    )}
                  </Text>
                  <Group gap={4} wrap="nowrap" style={{ flexShrink: 0 }}>
                    <Text component="output" fw={700} ta="right" aria-label={`Line total of ${l.name}`}>
                      {l.unit === null ? '—' : money(Math.round(l.unit * l.quantity), currency)}
                    </Text>
                    <CloseButton
                      aria-label={`Remove ${l.name}`}
                      size="lg"
                      onClick={() => setLines((ls) => ls.filter((x) => x.key !== l.key))}
                    />
                  </Group>
                </Group>
                <Group gap="xs" wrap="nowrap" mt={4} align="center">
                  <ActionIcon
                    size={44}
                    variant="default"
                    aria-label={`One less ${l.name}`}
                    disabled={l.quantity <= 1}
                    onClick={() => update(l.key, { quantity: Math.max(1, l.quantity - 1) })}
                  >
                    −
                  </ActionIcon>
                  <Text component="output" fw={700} w={32} ta="center" aria-label={`Quantity of ${l.name}`}>
                    {l.quantity}
                  </Text>
                  <ActionIcon
                    size={44}
                    variant="default"
                    aria-label={`One more ${l.name}`}
                    onClick={() => update(l.key, { quantity: l.quantity + 1 })}
                  >
                    +
                  </ActionIcon>
                  <Text c="dimmed" aria-hidden>
                    ×
                  </Text>
                  <TextInput
                    aria-label={`Price of ${l.name}`}
                    inputMode="decimal"
                    size="md"
                    value={l.priceText}
                    onChange={(e) => update(l.key, { priceText: e.currentTarget.value })}
                    error={l.unit === null}
                    style={{ flex: 1, minWidth: 0 }}
                    leftSection={
                      <Text size="xs" c="dimmed">
                        {currency}
                      </Text>
                    }
                    leftSectionWidth={44}
                  />
                </Group>
              </Paper>
            ))}
          </Stack>
        )}

        <Group grow align="flex-start">
          <TextInput
            label={`Discount (${currency})`}
            inputMode="decimal"
            size="md"
            placeholder="0"
            value={discountText}
            onChange={(e) => setDiscountText(e.currentTarget.value)}
            error={discount === null ? 'Not a number' : undefined}
          />
          <TextInput
            label="Note"
            size="md"
            placeholder="Optional"
            value={note}
            onChange={(e) => setNote(e.currentTarget.value)}
          />
        </Group>
        <SaleRewardsFields
          customerId={who?.id ?? null}
          currency={currency}
          pointsText={pointsText}
          setPointsText={setPointsText}
          code={voucherCode}
          setCode={setVoucherCode}
          rewards={rewards}
        />
        <div>
          <Text size="sm" fw={500} mb={4} id="payment-label">
            Paid by
          </Text>
          <SegmentedControl
            aria-labelledby="payment-label"
            fullWidth
            size="md"
            value={payment}
            onChange={(v) => setPayment(v as PaymentMethod)}
            data={(Object.keys(PAYMENT_LABELS) as PaymentMethod[]).map((m) => ({
              value: m,
              label: PAYMENT_LABELS[m],
            }))}
          />
        </div>
        {save.isError && (
          <Alert color="red" role="alert">
            {errorMessage(save.error)}
          </Alert>
        )}
        <Paper withBorder p="sm" className="sale-total">
          <Group justify="space-between" wrap="nowrap">
            <div>
              <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
                Total
              </Text>
              <Text fz={{ base: 22, sm: 26 }} fw={800} aria-live="polite" data-testid="sale-total">
                {money(Math.max(total, 0), currency)}
              </Text>
            </div>
            <Button
              type="submit"
              size="lg"
              loading={save.isPending}
              disabled={!!problem}
              style={{ flexShrink: 0 }}
            >
              Save sale
            </Button>
          </Group>
          {problem && lines.length > 0 && (
            <Text size="sm" c="red.8" mt={4}>
              {problem}
            </Text>
          )}
        </Paper>
      </Stack>
    </form>
  );
}

/** Who is buying: the customer the form was opened for, or a walk-in, or someone found by name or phone. */
function CustomerPart({ who, onChange }: { who: Who; onChange: (w: Who) => void }) {
  const [q, setQ] = useState('');
  const [debounced] = useDebouncedValue(q.trim(), 150);
  const found = useQuery({
    queryKey: ['customer-pick', debounced],
    queryFn: () => api.customers({ q: debounced, limit: 5 }),
    enabled: debounced.length >= 2,
    staleTime: 30_000,
  });
  if (who)
    return (
      <Group justify="space-between" wrap="nowrap">
        <Text>
          For <b>{who.name}</b>
        </Text>
        <Button variant="subtle" size="sm" onClick={() => onChange(null)}>
          Walk-in instead
        </Button>
      </Group>
    );
  return (
    <Stack gap={6}>
      <TextInput
        label="Customer"
        description="Walk-in unless you find them: type their name or the last digits of their phone"
        placeholder="Walk-in"
        size="md"
        value={q}
        onChange={(e) => setQ(e.currentTarget.value)}
        autoComplete="off"
      />
      {debounced.length >= 2 && (
        <Stack gap={4} role="group" aria-label="Customers found">
          {(found.data?.items ?? []).map((c) => (
            <UnstyledButton
              key={c.id}
              className="pick-row"
              onClick={() => {
                onChange({ id: c.id, name: c.name });
                setQ('');
              }}
            >
              <Text fw={600} span>
                {c.name}
              </Text>
              {c.phone && (
                <Text span c="dimmed" size="sm">
                  {' '}
                  · {c.phone}
                </Text>
              )}
            </UnstyledButton>
          ))}
          {found.data && found.data.items.length === 0 && (
            <Text size="sm" c="dimmed">
              Nobody found: the sale will be a walk-in.
            </Text>
          )}
        </Stack>
      )}
    </Stack>
  );
}

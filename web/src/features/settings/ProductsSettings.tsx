import {
  Alert,
  Badge,
  Button,
  Group,
  Paper,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { errorMessage } from '../../lib/api.ts';
import { money } from '../../lib/format.ts';
import { useMe } from '../../lib/session.ts';
import { fromMinor, salesApi, toMinor, type Product, type ProductImport } from '../sales/api.ts';
import { PageLoader, QueryError } from '../shell/RouteError.tsx';
import '../sales/sales.css';

type Draft = { name: string; price: string; category: string; cost: string };
const EMPTY: Draft = { name: '', price: '', category: '', cost: '' };

/** What the form's texts mean in minor units, or why not. */
function readDraft(d: Draft, currency: string) {
  const price = toMinor(d.price, currency);
  const cost = d.cost.trim() ? toMinor(d.cost, currency) : undefined;
  const errors: Partial<Record<keyof Draft, string>> = {};
  if (!d.name.trim()) errors.name = 'Give it a name';
  if (!d.price.trim()) errors.price = 'Give it a price';
  else if (price === null) errors.price = 'Not a price';
  if (cost === null) errors.cost = 'Not a cost';
  return { price: price ?? 0, cost: cost ?? undefined, errors };
}

/** Settings → Products: the list the counter sells from. Add, edit, archive, import a CSV. */
export function ProductsSettings() {
  const [show, setShow] = useState<'exclude' | 'only'>('exclude');
  const list = useQuery({
    queryKey: ['products', show === 'exclude' ? 'active' : 'archived'],
    queryFn: () => salesApi.products({ archived: show }),
  });
  return (
    <Stack>
      <NewProduct />
      <Paper withBorder p="md" component="section" aria-label="Product list">
        <Group justify="space-between" mb="sm" gap="xs">
          <Title order={2} fz="lg">
            Products
          </Title>
          <SegmentedControl
            size="xs"
            value={show}
            onChange={(v) => setShow(v as 'exclude' | 'only')}
            data={[
              { value: 'exclude', label: 'On sale' },
              { value: 'only', label: 'Archived' },
            ]}
            aria-label="Which products"
          />
        </Group>
        {list.isPending ? (
          <PageLoader />
        ) : list.isError ? (
          <QueryError error={list.error} onRetry={() => void list.refetch()} />
        ) : list.data.items.length === 0 ? (
          <Text size="sm" c="dimmed">
            {show === 'exclude'
              ? 'No products yet. Add them above, import a CSV below, or type a new one while recording a sale.'
              : 'Nothing archived.'}
          </Text>
        ) : (
          <Stack gap={0} className="product-list">
            {list.data.items.map((p) => (
              <ProductRow key={p.id} p={p} />
            ))}
          </Stack>
        )}
      </Paper>
      <ImportProducts />
    </Stack>
  );
}

function DraftFields({
  d,
  set,
  errors,
  currency,
}: {
  d: Draft;
  set: (d: Draft) => void;
  errors: Partial<Record<keyof Draft, string>>;
  currency: string;
}) {
  return (
    <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="xs">
      <TextInput
        label="Name"
        required
        value={d.name}
        onChange={(e) => set({ ...d, name: e.currentTarget.value })}
        error={errors.name}
      />
      <TextInput
        label={`Price (${currency})`}
        required
        inputMode="decimal"
        value={d.price}
        onChange={(e) => set({ ...d, price: e.currentTarget.value })}
        error={errors.price}
      />
      <TextInput
        label="Category"
        value={d.category}
        onChange={(e) => set({ ...d, category: e.currentTarget.value })}
      />
      <TextInput
        label={`Cost (${currency})`}
        description="What one costs you"
        inputMode="decimal"
        value={d.cost}
        onChange={(e) => set({ ...d, cost: e.currentTarget.value })}
        error={errors.cost}
      />
    </SimpleGrid>
  );
}

function NewProduct() {
  const { workspace } = useMe();
  const qc = useQueryClient();
  const [d, setD] = useState<Draft>(EMPTY);
  const [tried, setTried] = useState(false);
  const r = readDraft(d, workspace.currency);
  const add = useMutation({
    mutationFn: () =>
      salesApi.createProduct({
        name: d.name.trim(),
        price: r.price,
        ...(d.category.trim() && { category: d.category.trim() }),
        ...(r.cost !== undefined && { cost: r.cost }),
      }),
    onSuccess: () => {
      setD(EMPTY);
      setTried(false);
      void qc.invalidateQueries({ queryKey: ['products'] });
    },
  });
  return (
    <Paper withBorder p="md" component="section" aria-label="Add a product">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setTried(true);
          if (Object.keys(r.errors).length === 0 && !add.isPending) add.mutate();
        }}
      >
        <Stack gap="sm">
          <Title order={2} fz="lg">
            Add a product
          </Title>
          <DraftFields d={d} set={setD} errors={tried ? r.errors : {}} currency={workspace.currency} />
          {add.isError && (
            <Alert color="red" role="alert">
              {errorMessage(add.error)}
            </Alert>
          )}
          <Group>
            <Button type="submit" loading={add.isPending}>
              Add product
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

function ProductRow({ p }: { p: Product }) {
  const { workspace } = useMe();
  const currency = workspace.currency;
  const qc = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [d, setD] = useState<Draft>(EMPTY);
  const r = readDraft(d, currency);
  const save = useMutation({
    mutationFn: (body: Parameters<typeof salesApi.updateProduct>[1]) => salesApi.updateProduct(p.id, body),
    onSuccess: () => {
      setEditing(false);
      void qc.invalidateQueries({ queryKey: ['products'] });
    },
  });
  if (editing)
    return (
      <form
        className="product-row"
        aria-label={`Edit ${p.name}`}
        onSubmit={(e) => {
          e.preventDefault();
          if (Object.keys(r.errors).length === 0 && !save.isPending)
            save.mutate({
              name: d.name.trim(),
              price: r.price,
              category: d.category.trim() || null,
              cost: r.cost ?? null,
            });
        }}
      >
        <Stack gap="xs">
          <DraftFields d={d} set={setD} errors={r.errors} currency={currency} />
          {save.isError && (
            <Alert color="red" role="alert">
              {errorMessage(save.error)}
            </Alert>
          )}
          <Group gap="xs">
            <Button type="submit" size="sm" loading={save.isPending}>
              Save
            </Button>
            <Button size="sm" variant="default" onClick={() => setEditing(false)}>
              Cancel
            </Button>
          </Group>
        </Stack>
      </form>
    );
  return (
    <div className="product-row" role="group" aria-label={p.name}>
      <Group justify="space-between" wrap="nowrap" gap="xs" align="baseline">
        <Text fw={600} style={{ overflowWrap: 'anywhere', minWidth: 0 }}>
          {p.name}
          {p.archived && (
            <Badge color="gray" variant="light" ml={6}>
              archived
            </Badge>
          )}
        </Text>
        <Text fw={700} style={{ whiteSpace: 'nowrap' }}>
          {money(p.price, currency)}
        </Text>
      </Group>
      <Group justify="space-between" wrap="nowrap" gap="xs">
        <Text size="sm" c="dimmed" style={{ minWidth: 0 }}>
          {[p.category, p.cost !== null ? `costs you ${money(p.cost, currency)}` : null]
            .filter(Boolean)
            .join(' · ') || 'No category'}
        </Text>
        <Group gap={4} wrap="nowrap" style={{ flexShrink: 0 }}>
          <Button
            size="compact-sm"
            variant="default"
            onClick={() => {
              setD({
                name: p.name,
                price: fromMinor(p.price, currency),
                category: p.category ?? '',
                cost: p.cost === null ? '' : fromMinor(p.cost, currency),
              });
              setEditing(true);
            }}
            aria-label={`Edit ${p.name}`}
          >
            Edit
          </Button>
          <Button
            size="compact-sm"
            variant="subtle"
            color={p.archived ? 'teal.8' : 'gray.8'}
            loading={save.isPending}
            onClick={() => save.mutate({ archived: !p.archived })}
            aria-label={`${p.archived ? 'Put back on sale' : 'Archive'} ${p.name}`}
          >
            {p.archived ? 'Put back' : 'Archive'}
          </Button>
        </Group>
      </Group>
    </div>
  );
}

function ImportProducts() {
  const qc = useQueryClient();
  const { workspace } = useMe();
  const input = useRef<HTMLInputElement>(null);
  const [result, setResult] = useState<ProductImport | null>(null);
  const run = useMutation({
    mutationFn: async (file: File) => salesApi.importProducts(await file.text()),
    onSuccess: (r) => {
      setResult(r);
      void qc.invalidateQueries({ queryKey: ['products'] });
    },
  });
  return (
    <Paper withBorder p="md" component="section" aria-label="Import products">
      <Stack gap="sm">
        <Title order={2} fz="lg">
          Import from a spreadsheet
        </Title>
        <Text size="sm">
          A CSV file with a first line <code>name,price,category,cost</code> and one product per line. Prices
          in {workspace.currency}, e.g. <code>Meat pie,800,pastry,300</code>. A name already on the list is
          updated.
        </Text>
        <input
          ref={input}
          type="file"
          accept=".csv,text/csv,text/plain"
          hidden
          aria-label="CSV file of products"
          onChange={(e) => {
            const f = e.currentTarget.files?.[0];
            if (f) run.mutate(f);
            e.currentTarget.value = '';
          }}
        />
        <Group>
          <Button variant="default" loading={run.isPending} onClick={() => input.current?.click()}>
            Choose a CSV file…
          </Button>
        </Group>
        {run.isError && (
          <Alert color="red" role="alert">
            {errorMessage(run.error)}
          </Alert>
        )}
        {result && (
          <Alert color={result.rejected.length ? 'orange' : 'teal'} role="status" title="Imported">
            <Text size="sm">
              {result.created} added, {result.updated} updated, {result.unchanged} unchanged
              {result.rejected.length ? `, ${result.rejected.length} refused:` : '.'}
            </Text>
            {result.rejected.length > 0 && (
              <Stack gap={0} mt={4}>
                {result.rejected.slice(0, 50).map((r) => (
                  <Text size="sm" key={r.line}>
                    Line {r.line}: {r.reason}
                  </Text>
                ))}
              </Stack>
            )}
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}

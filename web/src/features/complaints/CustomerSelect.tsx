import { Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { customerKeys } from '../customers/queries.ts';
import { useMemo, useState, type ReactNode } from 'react';
import { api } from '../../lib/api.ts';

/** Pick the customer, searching as you type; a customer given in the address is named straight away. */
export function CustomerSelect({
  value,
  onChange,
  error,
  label = 'Customer',
  required = true,
}: {
  value: string | null;
  onChange: (id: string | null) => void;
  error?: ReactNode;
  label?: string;
  required?: boolean;
}) {
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search, 150);
  const preset = useQuery({
    queryKey: customerKeys.detail(value),
    queryFn: () => api.customer(value ?? ''),
    enabled: !!value,
    staleTime: 60_000,
  });
  const found = useQuery({
    queryKey: customerKeys.pick(q),
    queryFn: () => api.customers({ q, limit: 20 }),
    staleTime: 30_000,
  });
  const data = useMemo(() => {
    const list = (found.data?.items ?? []).map((c) => ({
      value: c.id,
      label: c.phone ? `${c.name} · ${c.phone}` : c.name,
    }));
    if (preset.data && !list.some((o) => o.value === preset.data.id))
      list.unshift({ value: preset.data.id, label: preset.data.name });
    return list;
  }, [found.data, preset.data]);
  return (
    <Select
      label={label}
      placeholder="Search by name or phone"
      required={required}
      searchable
      data={data}
      value={value}
      onChange={onChange}
      searchValue={search}
      onSearchChange={setSearch}
      filter={({ options }) => options}
      nothingFoundMessage={found.isFetching ? 'Searching…' : 'No customer found: add them first'}
      error={error}
    />
  );
}

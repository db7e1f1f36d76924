import { Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { customerKeys } from './queries.ts';
import { useMemo, useState } from 'react';
import { api } from '../../lib/api.ts';

type Props = {
  value: string | null;
  initialLabel: string | null;
  onChange: (id: string | null) => void;
  error?: React.ReactNode;
};

/** Pick the business a person belongs to, searching the business customers as you type. */
export function BusinessSelect({ value, initialLabel, onChange, error }: Props) {
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search, 150);
  const [picked, setPicked] = useState<{ value: string; label: string } | null>(
    value && initialLabel ? { value, label: initialLabel } : null,
  );
  const found = useQuery({
    queryKey: customerKeys.businesses(q),
    queryFn: () => api.customers({ kind: 'business', q, limit: 20 }),
    staleTime: 30_000,
  });
  const data = useMemo(() => {
    const list = (found.data?.items ?? []).map((b) => ({ value: b.id, label: b.name }));
    if (picked && !list.some((o) => o.value === picked.value)) list.unshift(picked);
    return list;
  }, [found.data, picked]);
  return (
    <Select
      label="Works at (business)"
      placeholder="Search businesses"
      searchable
      clearable
      data={data}
      value={value}
      onChange={(id, option) => {
        setPicked(id && option ? { value: id, label: option.label } : null);
        onChange(id);
      }}
      searchValue={search}
      onSearchChange={setSearch}
      filter={({ options }) => options}
      nothingFoundMessage={found.isFetching ? 'Searching…' : 'No business found — add it as a customer first'}
      error={error}
    />
  );
}

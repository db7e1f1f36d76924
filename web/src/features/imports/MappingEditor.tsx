import { Alert, Button, Group, NativeSelect, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { importKeys } from './api.ts';
import { useState, type FormEvent } from 'react';
import { errorMessage, isApiError } from '../../lib/api.ts';
import { dataApi, type ColumnMapping, type ImportMapping, type PreviewColumn } from './api.ts';

const IGNORE = 'ignore';

/** The columns of a file that can be mapped: named ones, each once (a file may repeat a name). */
export function mappableColumns(columns: PreviewColumn[]): PreviewColumn[] {
  const seen = new Set<string>();
  return columns.filter((c) => {
    const key = c.header.trim().toLowerCase();
    if (!key || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Every column of the file with what the preview reads it as (unknown columns: ignored). */
export function mappingFromPreview(columns: PreviewColumn[]): ColumnMapping {
  return Object.fromEntries(mappableColumns(columns).map((c) => [c.header, c.field ?? IGNORE]));
}

export function useImportFields() {
  return useQuery({ queryKey: importKeys.fields, queryFn: dataApi.fields, staleTime: Infinity });
}

/**
 * The column mapping of a generic file: each column of the file (with its first values as a hint) to a
 * Rapport field or "Ignore", and "Save this mapping as…" so the next file with the same columns is read with
 * it. Columns are matched by name, so their order in the next file does not matter.
 */
export function MappingEditor({
  columns,
  value,
  onChange,
  savedAs,
  onSaved,
  disabled,
}: {
  columns: PreviewColumn[];
  value: ColumnMapping;
  onChange: (next: ColumnMapping) => void;
  /** The saved mapping this one started from (offered as the name to save under). */
  savedAs: { id: string; name: string } | null;
  onSaved: (m: ImportMapping) => void;
  disabled?: boolean;
}) {
  const fields = useImportFields();
  const qc = useQueryClient();
  const [name, setName] = useState(savedAs?.name ?? '');
  const [taken, setTaken] = useState<ImportMapping | null>(null);
  const save = useMutation({
    mutationFn: async (o: { replace?: string }) => {
      const n = name.trim();
      return o.replace ? dataApi.updateMapping(o.replace, n, value) : dataApi.saveMapping(n, value);
    },
    onSuccess: (m) => {
      setTaken(null);
      void qc.invalidateQueries({ queryKey: importKeys.mappings });
      onSaved(m);
    },
    onError: async (e) => {
      if (!isApiError(e, 409)) return;
      const { items } = await dataApi.mappings();
      setTaken(items.find((m) => m.name === name.trim()) ?? null);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) return;
    // saving under the name it was loaded from changes that mapping
    save.mutate(savedAs && name.trim() === savedAs.name ? { replace: savedAs.id } : {});
  };
  const options = [
    { value: IGNORE, label: '— Ignore this column —' },
    ...(fields.data?.items ?? []).map((f) => ({ value: f.id, label: f.label })),
  ];
  const rows = mappableColumns(columns);
  const read = rows.filter((c) => (value[c.header] ?? IGNORE) !== IGNORE).length;

  return (
    <Stack gap="sm" aria-label="Column mapping" component="section">
      <div>
        <Text fw={600} size="sm">
          What is in each column? ({read} of {rows.length} read)
        </Text>
        <Text size="xs" c="dimmed">
          Columns are matched by their names, so their order does not matter. The rows below update as you
          choose.
        </Text>
      </div>
      <Stack gap={0} role="list" aria-label="Columns of the file" maw={760}>
        {rows.map((c) => {
          const target = value[c.header] ?? IGNORE;
          return (
            <Group
              key={c.header}
              role="listitem"
              gap="xs"
              wrap="wrap"
              align="center"
              py={6}
              style={{ borderTop: '1px solid var(--mantine-color-gray-2)' }}
            >
              <div style={{ flex: '1 1 13rem', minWidth: 0 }}>
                <Text size="sm" fw={500} style={{ overflowWrap: 'anywhere' }}>
                  {c.header}
                </Text>
                <Text size="xs" c="dimmed" truncate="end" title={c.examples.join(' · ')}>
                  {c.examples.length ? c.examples.join(' · ') : 'empty in the first rows'}
                </Text>
              </div>
              <NativeSelect
                aria-label={`Read column "${c.header}" as`}
                data={options}
                value={target}
                disabled={disabled || !fields.data}
                onChange={(e) => {
                  save.reset();
                  onChange({ ...value, [c.header]: e.currentTarget.value });
                }}
                style={{ flex: '1 1 13rem' }}
                styles={{ input: target === IGNORE ? { color: 'var(--mantine-color-dimmed)' } : {} }}
              />
            </Group>
          );
        })}
      </Stack>
      <form onSubmit={submit} aria-label="Save mapping">
        <Group gap="xs" align="flex-end" wrap="wrap">
          <TextInput
            label="Save this mapping as…"
            description="The next file with these columns will be read with it"
            placeholder="e.g. Shop spreadsheet"
            value={name}
            maxLength={100}
            onChange={(e) => {
              setName(e.currentTarget.value);
              setTaken(null);
              save.reset();
            }}
            error={
              save.isError && !taken && !isApiError(save.error, 409) ? errorMessage(save.error) : undefined
            }
            style={{ flex: '1 1 14rem', maxWidth: '22rem' }}
            disabled={disabled}
          />
          <Button type="submit" variant="light" loading={save.isPending} disabled={disabled || !name.trim()}>
            {savedAs && name.trim() === savedAs.name ? 'Update mapping' : 'Save mapping'}
          </Button>
        </Group>
      </form>
      {taken && (
        <Alert color="orange" title={`"${taken.name}" exists already`} role="alert">
          <Group gap="sm" wrap="wrap">
            <Text size="sm">Replace it with this mapping, or choose another name.</Text>
            <Button size="xs" onClick={() => save.mutate({ replace: taken.id })} loading={save.isPending}>
              Replace &quot;{taken.name}&quot;
            </Button>
          </Group>
        </Alert>
      )}
      {save.isSuccess && (
        <Text size="sm" c="teal.8" role="status">
          Saved as &quot;{save.data.name}&quot;. Files with these columns will be read with it.
        </Text>
      )}
    </Stack>
  );
}

import { Group, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { importKeys } from './api.ts';
import { dataApi, type ImportPreset } from './api.ts';

export const presetLabel = (id: string, presets: ImportPreset[] | undefined) =>
  id === 'vcard'
    ? 'vCard contacts'
    : id === 'mapping'
      ? 'Your column mapping'
      : id.startsWith('mapping:')
        ? `Saved mapping "${id.slice('mapping:'.length)}"`
        : (presets?.find((p) => p.id === id)?.label ?? id);

export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(0)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

export function usePresets() {
  return useQuery({ queryKey: importKeys.presets, queryFn: dataApi.presets, staleTime: Infinity });
}

export function RejectedList({
  rows,
  title = 'Rejected rows',
}: {
  rows: { line: number; reason: string }[];
  title?: string;
}) {
  return (
    <Stack gap={4} aria-label={title}>
      <Text fw={600} size="sm">
        {title}
      </Text>
      {rows.map((r) => (
        <Group key={r.line} gap="sm" wrap="nowrap" align="flex-start">
          <Text size="sm" c="dimmed" w={64} style={{ flexShrink: 0 }}>
            Line {r.line}
          </Text>
          <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
            {r.reason}
          </Text>
        </Group>
      ))}
    </Stack>
  );
}

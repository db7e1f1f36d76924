import { Group, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useMe } from '../../lib/session.ts';
import { PageLoader, QueryError } from '../shell/RouteError.tsx';
import { asOfText } from './format.ts';

/** What the card reads of a query (a TanStack query result, or an infinite one's pages joined). */
export type QueryLike<T> =
  | { isPending: true; isError: false; data: undefined; error: null; refetch: () => unknown }
  | { isPending: false; isError: true; data: T | undefined; error: Error; refetch: () => unknown }
  | { isPending: false; isError: false; data: T; error: null; refetch: () => unknown };

/** One insight: a title, a one-line caption in plain words, "as of", then the chart (or its loading/error state). */
export function InsightCard<T extends { asOf: string | null }>({
  title,
  caption,
  query,
  children,
  empty,
}: {
  title: string;
  caption: string;
  query: QueryLike<T>;
  /** The chart, given the data; return null when there is nothing to show. */
  children: (data: T) => ReactNode;
  /** What to say when the chart has nothing to show. */
  empty?: ReactNode;
}) {
  const { workspace } = useMe();
  const body = query.isPending ? (
    <PageLoader />
  ) : query.isError ? (
    <QueryError error={query.error} onRetry={() => void query.refetch()} />
  ) : (
    (children(query.data) ?? (
      <Text size="sm" c="dimmed" py="lg">
        {empty ?? 'Nothing to show yet: this fills in as customers buy.'}
      </Text>
    ))
  );
  return (
    <Paper withBorder p="md" component="section" aria-label={title} style={{ minWidth: 0 }}>
      <Stack gap="sm">
        <div>
          <Group justify="space-between" align="baseline" gap="xs">
            <Title order={2} fz="lg">
              {title}
            </Title>
            {query.data?.asOf && (
              <Text size="xs" c="dimmed">
                {asOfText(query.data.asOf, workspace.timezone)}
              </Text>
            )}
          </Group>
          <Text size="sm" c="dimmed">
            {caption}
          </Text>
        </div>
        {body}
      </Stack>
    </Paper>
  );
}

import { Alert, Button, Center, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { Link, isRouteErrorResponse, useRouteError } from 'react-router';
import { errorMessage } from '../../lib/api.ts';

/** Shown instead of a blank page when rendering a route throws. */
export function RouteError() {
  const error = useRouteError();
  const message = isRouteErrorResponse(error) ? `${error.status} ${error.statusText}` : errorMessage(error);
  return (
    <Center mih="60vh" p="md">
      <Stack maw={480} gap="sm">
        <Title order={2}>Something went wrong</Title>
        <Alert color="red" title="This page could not be shown">
          {message}
        </Alert>
        <Group>
          <Button onClick={() => window.location.reload()}>Reload</Button>
          <Button component="a" href="/" variant="default">
            Go home
          </Button>
        </Group>
      </Stack>
    </Center>
  );
}

export function NotFound() {
  return (
    <Stack maw={480} gap="sm" py="xl">
      <Title order={2}>Page not found</Title>
      <Text c="dimmed">There is nothing at this address.</Text>
      <Group>
        <Button component={Link} to="/customers">
          Customers
        </Button>
      </Group>
    </Stack>
  );
}

/** A centred spinner with words, for pages still loading. */
export function PageLoader({ label = 'Loading…' }: { label?: string }) {
  return (
    <Center mih={200} aria-busy="true">
      <Group gap="sm">
        <Loader size="sm" />
        <Text c="dimmed">{label}</Text>
      </Group>
    </Center>
  );
}

/** An error with a retry button, for queries that failed. */
export function QueryError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <Alert color="red" title="Could not load this">
      <Stack gap="xs" align="flex-start">
        <Text size="sm">{errorMessage(error)}</Text>
        {onRetry && (
          <Button size="xs" variant="light" color="red" onClick={onRetry}>
            Try again
          </Button>
        )}
      </Stack>
    </Alert>
  );
}

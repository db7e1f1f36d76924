import {
  Alert,
  Anchor,
  Button,
  Group,
  NativeSelect,
  Paper,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Textarea,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '../../lib/api.ts';
import { calendarDate } from '../../lib/format.ts';
import { fieldErrors } from '../../lib/problems.ts';
import { customerKeys } from '../customers/queries.ts';
import { PageLoader, QueryError } from '../shell/RouteError.tsx';
import { retentionApi, retentionKeys, type Review } from './api.ts';
import '../outreach/outreach.css';

const today = () => new Date().toISOString().slice(0, 10);
const stars = (n: number) => `${'★'.repeat(n)}${'☆'.repeat(5 - n)}`;

/** The reviews this customer left (Google, Facebook, a letter…), newest first, and "Record a review". */
export function CustomerReviews({ customerId }: { customerId: string }) {
  const [adding, setAdding] = useState(false);
  const q = useQuery({
    queryKey: retentionKeys.reviews(customerId),
    queryFn: () => retentionApi.reviews(customerId),
  });
  return (
    <Paper withBorder p="md" component="section" aria-label="Reviews">
      <Group justify="space-between" mb="xs" gap="xs">
        <Title order={2} fz="lg">
          Reviews
        </Title>
        {!adding && (
          <Button size="xs" variant="default" onClick={() => setAdding(true)}>
            Record a review
          </Button>
        )}
      </Group>
      {adding && <ReviewForm customerId={customerId} onDone={() => setAdding(false)} />}
      {q.isPending ? (
        <PageLoader />
      ) : q.isError ? (
        <QueryError error={q.error} onRetry={() => void q.refetch()} />
      ) : q.data.items.length === 0 ? (
        !adding && (
          <Text size="sm" c="dimmed">
            No reviews recorded. When this customer reviews you online, record it here.
          </Text>
        )
      ) : (
        <ul className="plain-list" aria-label="Review list">
          {q.data.items.map((r) => (
            <ReviewRow key={r.id} r={r} />
          ))}
        </ul>
      )}
    </Paper>
  );
}

function ReviewRow({ r }: { r: Review }) {
  return (
    <li className="list-row">
      <Group gap={8} wrap="wrap">
        <Text size="sm" fw={600}>
          {r.platform}
        </Text>
        {r.stars !== null && (
          <Text size="sm" c="yellow.9" aria-label={`${r.stars} of 5 stars`} role="img">
            {stars(r.stars)}
          </Text>
        )}
        <Text size="xs" c="dimmed">
          {calendarDate(r.reviewedOn)}
        </Text>
        {r.url && (
          <Anchor href={r.url} target="_blank" rel="noreferrer noopener" size="xs">
            Open the review
          </Anchor>
        )}
      </Group>
      {r.text && (
        <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
          {r.text}
        </Text>
      )}
    </li>
  );
}

function ReviewForm({ customerId, onDone }: { customerId: string; onDone: () => void }) {
  const qc = useQueryClient();
  const form = useForm({
    initialValues: { platform: 'Google', stars: '', text: '', url: '', reviewedOn: today() },
    validate: {
      platform: (v) => (v.trim() ? null : 'Where was it left? (Google, Facebook, a letter…)'),
      reviewedOn: (v) => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? null : 'The day it was written'),
      url: (v) => (!v.trim() || /^https?:\/\/\S+$/.test(v.trim()) ? null : 'A link starting with https://'),
    },
  });
  const add = useMutation({
    mutationFn: (v: typeof form.values) =>
      retentionApi.addReview(customerId, {
        platform: v.platform.trim(),
        reviewedOn: v.reviewedOn,
        ...(v.stars && { stars: Number(v.stars) }),
        ...(v.text.trim() && { text: v.text.trim() }),
        ...(v.url.trim() && { url: v.url.trim() }),
      }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: retentionKeys.reviews(customerId) });
      void qc.invalidateQueries({ queryKey: customerKeys.timeline(customerId) });
      onDone();
    },
    onError: (e) => form.setErrors(fieldErrors(e)),
  });
  return (
    <form
      aria-label="Record a review"
      noValidate
      onSubmit={form.onSubmit((v) => add.mutate(v))}
      style={{ marginBottom: 'var(--mantine-spacing-md)' }}
    >
      <Stack gap="sm">
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
          <TextInput label="Where" required placeholder="Google" {...form.getInputProps('platform')} />
          <NativeSelect
            label="Stars"
            data={[
              { value: '', label: 'None given' },
              ...[5, 4, 3, 2, 1].map((n) => ({ value: String(n), label: `${n} of 5` })),
            ]}
            {...form.getInputProps('stars')}
          />
          <TextInput label="Written on" type="date" required {...form.getInputProps('reviewedOn')} />
        </SimpleGrid>
        <Textarea label="What they wrote" autosize minRows={2} maxRows={8} {...form.getInputProps('text')} />
        <TextInput
          label="Link to the review"
          placeholder="https://"
          type="url"
          {...form.getInputProps('url')}
        />
        {add.isError && Object.keys(fieldErrors(add.error)).length === 0 && (
          <Alert color="red" role="alert">
            {errorMessage(add.error)}
          </Alert>
        )}
        <Group gap="sm">
          <Button type="submit" loading={add.isPending}>
            Save review
          </Button>
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

import {
  Alert,
  Badge,
  Button,
  Chip,
  Group,
  Paper,
  SegmentedControl,
  Stack,
  Text,
  Textarea,
  Timeline as MTimeline,
  Title,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { customerKeys } from './queries.ts';
import { useMemo, useRef, useState } from 'react';
import { api, errorMessage } from '../../lib/api.ts';
import { dateTime, kindLabel, timeAgo } from '../../lib/format.ts';
import { formatPhone } from '../../lib/phone.ts';
import { useMe } from '../../lib/session.ts';
import type { Interaction, InteractionKind } from '../../lib/api.ts';
import { PageLoader, QueryError } from '../shell/RouteError.tsx';
import { useTimeline } from './queries.ts';

const COLORS: Record<string, string> = {
  call: 'teal',
  note: 'gray',
  visit: 'grape',
  message: 'blue',
  email: 'indigo',
  sms: 'cyan',
  whatsapp: 'green',
  meeting: 'violet',
  order: 'orange',
  purchase: 'orange',
  refund: 'red',
};
// The two everyday ones first.
const LOG_KINDS: InteractionKind[] = [
  'call',
  'note',
  'visit',
  'message',
  'whatsapp',
  'sms',
  'email',
  'meeting',
];
const DIRECTED = new Set(['call', 'message', 'email', 'sms', 'whatsapp']);

/** The customer's whole story, newest first, with a quick way to add to it. */
export function Timeline({ customerId }: { customerId: string }) {
  const timeline = useTimeline(customerId);
  const items = useMemo(() => timeline.data?.pages.flatMap((p) => p.items) ?? [], [timeline.data]);
  return (
    <Stack gap="md">
      <QuickLog customerId={customerId} />
      <Paper withBorder p="md">
        <Title order={2} fz="lg" mb="md">
          Timeline
        </Title>
        {timeline.isPending ? (
          <PageLoader label="Loading the timeline…" />
        ) : timeline.isError ? (
          <QueryError error={timeline.error} onRetry={() => void timeline.refetch()} />
        ) : items.length === 0 ? (
          <Text c="dimmed" size="sm">
            Nothing yet. Log the first call, visit or note above.
          </Text>
        ) : (
          <MTimeline bulletSize={26} lineWidth={2} aria-label="Timeline">
            {items.map((i) => (
              <MTimeline.Item key={i.id} bullet={<Bullet kind={i.kind} />} title={<ItemTitle i={i} />}>
                {i.body && (
                  <Text size="sm" className="pre-wrap" mt={2}>
                    {i.body}
                  </Text>
                )}
              </MTimeline.Item>
            ))}
          </MTimeline>
        )}
        {timeline.hasNextPage && (
          <Group justify="center" mt="md">
            <Button
              variant="default"
              size="sm"
              onClick={() => void timeline.fetchNextPage()}
              loading={timeline.isFetchingNextPage}
            >
              Load older
            </Button>
          </Group>
        )}
      </Paper>
    </Stack>
  );
}

function Bullet({ kind }: { kind: string }) {
  return (
    <Text size="xs" fw={700} c={`${COLORS[kind] ?? 'gray'}.8`} aria-hidden>
      {kindLabel(kind).charAt(0)}
    </Text>
  );
}

function ItemTitle({ i }: { i: Interaction }) {
  const { workspace } = useMe();
  return (
    <Group gap={6} wrap="wrap" align="baseline">
      <Badge size="sm" variant="light" color={COLORS[i.kind] ?? 'gray'}>
        {kindLabel(i.kind)}
      </Badge>
      {i.direction && (
        <Text size="xs" c="dimmed">
          {i.direction === 'inbound' ? 'in' : 'out'}
          {i.phone ? ` · ${formatPhone(i.phone, workspace.region)}` : ''}
        </Text>
      )}
      <Text size="xs" c="dimmed" title={dateTime(i.occurredAt, workspace.timezone)}>
        {timeAgo(i.occurredAt)}
        {i.authorName ? ` · ${i.authorName}` : ''}
      </Text>
    </Group>
  );
}

/** Log a call, add a note (or any other touch) without leaving the page. Ctrl+Enter saves. */
function QuickLog({ customerId }: { customerId: string }) {
  const qc = useQueryClient();
  const [kind, setKind] = useState<InteractionKind>('call');
  const [direction, setDirection] = useState<'inbound' | 'outbound'>('inbound');
  const [body, setBody] = useState('');
  const [saved, setSaved] = useState<string | null>(null);
  const ref = useRef<HTMLTextAreaElement>(null);
  const add = useMutation({
    mutationFn: () =>
      api.addInteraction(customerId, {
        kind,
        ...(DIRECTED.has(kind) && { direction }),
        ...(body.trim() && { body: body.trim() }),
      }),
    onSuccess: () => {
      setBody('');
      setSaved(`${kindLabel(kind)} saved.`);
      void qc.invalidateQueries({ queryKey: customerKeys.timeline(customerId) });
      void qc.invalidateQueries({ queryKey: customerKeys.detail(customerId) });
    },
  });
  const canSave = kind !== 'note' || body.trim().length > 0;
  const submit = () => {
    if (canSave && !add.isPending) add.mutate();
  };
  return (
    <Paper withBorder p="md">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
        aria-label="Log a call or note"
      >
        <Stack gap="sm">
          <Title order={2} fz="lg">
            Log a call or note
          </Title>
          <Chip.Group multiple={false} value={kind} onChange={(v) => setKind(v as InteractionKind)}>
            <Group gap={6} role="radiogroup" aria-label="Kind of contact">
              {LOG_KINDS.map((k) => (
                <Chip key={k} value={k} size="xs" variant="outline">
                  {kindLabel(k)}
                </Chip>
              ))}
            </Group>
          </Chip.Group>
          {DIRECTED.has(kind) && (
            <SegmentedControl
              size="xs"
              aria-label="Direction"
              value={direction}
              onChange={(v) => setDirection(v as 'inbound' | 'outbound')}
              data={[
                { value: 'inbound', label: 'They contacted us' },
                { value: 'outbound', label: 'We contacted them' },
              ]}
              style={{ alignSelf: 'flex-start' }}
            />
          )}
          <Textarea
            ref={ref}
            label={kind === 'note' ? 'Note' : 'What was said or done'}
            placeholder={kind === 'note' ? 'Prefers morning appointments…' : 'Asked about…'}
            autosize
            minRows={2}
            maxRows={10}
            value={body}
            onChange={(e) => {
              setBody(e.currentTarget.value);
              setSaved(null);
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                e.preventDefault();
                submit();
              }
            }}
          />
          {add.isError && (
            <Alert color="red" role="alert">
              {errorMessage(add.error)}
            </Alert>
          )}
          <Group gap="sm">
            <Button type="submit" loading={add.isPending} disabled={!canSave}>
              Save {kindLabel(kind).toLowerCase()}
            </Button>
            {saved && (
              <Text size="sm" c="teal.8" role="status">
                {saved}
              </Text>
            )}
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

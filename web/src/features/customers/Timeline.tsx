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
import { salesApi } from '../sales/api.ts';
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
                <ItemBody i={i} customerId={customerId} />
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

/** An entry's text; touches logged by hand can be corrected or deleted (orders and complaints change at their source). */
function ItemBody({ i, customerId }: { i: Interaction; customerId: string }) {
  const qc = useQueryClient();
  const [mode, setMode] = useState<'view' | 'edit' | 'delete'>('view');
  const [text, setText] = useState(i.body ?? '');
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: ['timeline', customerId] });
    void qc.invalidateQueries({ queryKey: ['customer', customerId] });
    void qc.invalidateQueries({ queryKey: ['totals', customerId] });
  };
  const edit = useMutation({
    mutationFn: () => salesApi.updateInteraction(i.id, { body: text.trim() }),
    onSuccess: () => {
      setMode('view');
      refresh();
    },
  });
  const remove = useMutation({
    mutationFn: () => salesApi.deleteInteraction(i.id),
    onSuccess: refresh,
  });
  const editable = (LOG_KINDS as string[]).includes(i.kind);
  if (mode === 'edit')
    return (
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (text.trim() && !edit.isPending) edit.mutate();
        }}
        aria-label={`Correct this ${kindLabel(i.kind).toLowerCase()}`}
      >
        <Stack gap={6} mt={4}>
          <Textarea
            aria-label="What was said or done"
            autosize
            minRows={2}
            maxRows={10}
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            error={text.trim() ? undefined : 'Say what was said or done, or delete the entry'}
          />
          {edit.isError && (
            <Alert color="red" role="alert">
              {errorMessage(edit.error)}
            </Alert>
          )}
          <Group gap="xs">
            <Button type="submit" size="xs" loading={edit.isPending} disabled={!text.trim()}>
              Save correction
            </Button>
            <Button
              size="xs"
              variant="default"
              onClick={() => {
                setText(i.body ?? '');
                setMode('view');
              }}
            >
              Cancel
            </Button>
          </Group>
        </Stack>
      </form>
    );
  return (
    <>
      {i.body && (
        <Text size="sm" className="pre-wrap" mt={2}>
          {i.body}
        </Text>
      )}
      {editable && mode === 'view' && (
        <Group gap={4} mt={2}>
          <Button
            variant="subtle"
            size="compact-xs"
            color="gray.8"
            onClick={() => setMode('edit')}
            aria-label={`Correct this ${kindLabel(i.kind).toLowerCase()}`}
          >
            Correct
          </Button>
          <Button
            variant="subtle"
            size="compact-xs"
            color="red.8"
            onClick={() => setMode('delete')}
            aria-label={`Delete this ${kindLabel(i.kind).toLowerCase()}`}
          >
            Delete
          </Button>
        </Group>
      )}
      {mode === 'delete' && (
        <Group gap={6} mt={4} role="group" aria-label="Confirm delete">
          <Text size="sm">Delete this {kindLabel(i.kind).toLowerCase()}?</Text>
          <Button size="compact-sm" color="red" loading={remove.isPending} onClick={() => remove.mutate()}>
            Delete
          </Button>
          <Button size="compact-sm" variant="default" onClick={() => setMode('view')}>
            Keep
          </Button>
          {remove.isError && (
            <Text size="sm" c="red.8" role="alert">
              {errorMessage(remove.error)}
            </Text>
          )}
        </Group>
      )}
    </>
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
  const canSave = body.trim().length > 0; // an empty call or note tells nobody anything (the API refuses it too)
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
